#pragma once
// The import wizard: one vector layer of any GDAL format into one atlas table, with a preview.
// Pages: source (file, layer, target table, coordinate system) -> mapping (first rows, detected
// field mapping, mapping file, key, dry run) -> run (progress, cancel, report).
//
// Self-contained: it takes the atlas path and opens its own connection on a worker thread for
// each dry run or import (io::importVector), so the GUI never waits and never shares a
// connection. importFinished() tells the owner to reload its layers.
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <QWizard>

#include <atomic>
#include <memory>
#include <optional>

#include "io/field_mapping.h"
#include "io/vector_import.h"
#include "model/support/feedback.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace gridatlas::app {

class ImportWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId { SourcePageId, MappingPageId, RunPageId };

    explicit ImportWizard(const QString& atlasPath, QWidget* parent = nullptr);
    ImportWizard(const ImportWizard&) = delete;
    ImportWizard& operator=(const ImportWizard&) = delete;
    ImportWizard(ImportWizard&&) = delete;
    ImportWizard& operator=(ImportWizard&&) = delete;
    /// Cancels a running import (it rolls back) and waits for the worker.
    ~ImportWizard() override;

    /// Picks the source file (as the Browse button does) and reads its layers and preview.
    void setSourceFile(const QString& path);
    /// Chooses the target table by its atlas name ("buildings").
    void setTarget(const QString& table);
    /// Sets the coordinate system text ("" = the file's own; "EPSG:4490", "gcj02", "bd09").
    void setSrs(const QString& srs);

    /// The options the current page state gives (for tests and for a "copy as command" later).
    [[nodiscard]] io::ImportOptions options(bool dryRun) const;
    /// The last dry run's or import's summary.
    [[nodiscard]] const std::optional<io::ImportSummary>& lastSummary() const { return m_summary; }
    /// The last error (a whole-source problem: unreadable file, no CRS, bad mapping file).
    [[nodiscard]] const QString& lastError() const { return m_error; }
    [[nodiscard]] bool isRunning() const { return m_running; }
    /// Number of preview rows shown and the detected mapping as "target <- source" lines.
    [[nodiscard]] int previewRowCount() const;
    [[nodiscard]] QStringList mappingLines() const;

public slots:
    /// Starts a dry run of the current settings (the Mapping page's button).
    void startDryRun();
    /// Cancels the running dry run or import.
    void cancelRun();

signals:
    /// A dry run or import ended; `committed` is true when the atlas changed.
    void runFinished(bool committed);
    /// An import was stored: the owner reloads the atlas's layers.
    void importFinished();

protected:
    void initializePage(int id) override;
    bool validateCurrentPage() override;
    void reject() override;

private:
    void refreshPreview();
    void startRun(bool dryRun);
    void onRunDone(std::optional<io::ImportSummary> summary, QString error, bool dryRun);
    QString reportText(const io::ImportSummary& s) const;

    QString m_atlasPath;
    // Source page.
    QLineEdit* m_file = nullptr;
    QComboBox* m_layer = nullptr;
    QComboBox* m_target = nullptr;
    QComboBox* m_srs = nullptr;
    QLabel* m_sourceInfo = nullptr;
    // Mapping page.
    QTableWidget* m_preview = nullptr;
    QTableWidget* m_mapping = nullptr;
    QLineEdit* m_mappingFile = nullptr;
    QComboBox* m_key = nullptr;
    QCheckBox* m_partial = nullptr;
    QCheckBox* m_deleteMissing = nullptr;
    QPushButton* m_dryRun = nullptr;
    QPlainTextEdit* m_dryRunReport = nullptr;
    // Run page.
    QProgressBar* m_progress = nullptr;
    QLabel* m_stage = nullptr;
    QPlainTextEdit* m_report = nullptr;
    QPushButton* m_cancel = nullptr;

    std::optional<io::SourcePreview> m_sourcePreview;
    std::optional<io::ImportSummary> m_summary;
    QString m_error;
    bool m_running = false;
    bool m_importDone = false;
    std::shared_ptr<Feedback> m_feedback;
    QThreadPool m_pool; // one worker; waited for in the destructor
};

} // namespace gridatlas::app
