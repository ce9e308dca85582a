#pragma once
// The roster import wizard: file (and sheet, and an optional mapping file), a preview of the first
// rows, the column mapping with the auto-detected choices, then a dry run or the import with
// progress and cancel, and the result (summary and rejected rows, savable as CSV).
//
// Self-contained: it opens the atlas file itself on a worker thread (its own connection, so the
// viewer's snapshot readers are untouched) and signals importFinished() when the atlas changed,
// so that the main window can reload its layers:
//
//     auto* w = new RosterWizard(atlasPath, this);
//     w->setAttribute(Qt::WA_DeleteOnClose);
//     connect(w, &RosterWizard::importFinished, this, [this](bool written) { if (written) reloadAtlas(); });
//     w->open();
#include <QThread>
#include <QWizard>

#include <memory>
#include <optional>
#include <vector>

#include "io/roster_import.h"
#include "model/support/feedback.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace gridatlas::app {

class RosterWizard : public QWizard {
    Q_OBJECT
public:
    enum PageId { FilePageId, PreviewPageId, MappingPageId, ImportPageId, ResultPageId };

    explicit RosterWizard(QString atlasPath, QWidget* parent = nullptr);
    RosterWizard(const RosterWizard&) = delete;
    RosterWizard& operator=(const RosterWizard&) = delete;
    RosterWizard(RosterWizard&&) = delete;
    RosterWizard& operator=(RosterWizard&&) = delete;
    /// Cancels a running import and waits for it (the atlas is left as it was).
    ~RosterWizard() override;

    // The steps, also driven by tests.
    void setRosterPath(const QString& path);
    void setMappingPath(const QString& path);
    void setSheet(const QString& sheet);
    /// Reads the roster (as Next on the file page does); false with errorText() on failure.
    bool loadRoster();
    [[nodiscard]] const io::RosterTable* table() const { return m_table.get(); }
    /// The mapping as currently chosen on the mapping page.
    [[nodiscard]] io::ColumnMapping mapping() const;
    void setColumnField(int column, io::RosterField field);
    /// Problems that block the import (no name column, ...), as shown on the mapping page.
    [[nodiscard]] QStringList mappingProblems() const;
    /// Starts a dry run or the import on a worker thread; progress shows on the import page.
    void startImport(bool dryRun);
    [[nodiscard]] bool isRunning() const { return m_worker != nullptr; }
    void cancelImport();
    [[nodiscard]] const std::optional<io::RosterImportResult>& lastResult() const { return m_result; }
    [[nodiscard]] QString errorText() const { return m_error; }
    [[nodiscard]] bool partial() const;
    void setPartial(bool on);
    /// Whether the preview shows names, phones and ID numbers unmasked.
    void setRevealPersonalData(bool on);
    [[nodiscard]] QTableWidget* previewTable() const { return m_preview; }
    [[nodiscard]] QTableWidget* rejectsTable() const { return m_rejects; }
    [[nodiscard]] QString summaryText() const;

signals:
    /// The worker finished (also after a cancel or an error); `written`: the atlas changed.
    void importFinished(bool written);

private:
    void buildPages();
    void fillPreview();
    void fillMapping();
    void updateMappingProblems();
    void onWorkerDone();
    void showResult();

    QString m_atlasPath;
    QString m_rosterPath, m_mappingPath, m_sheet;
    std::unique_ptr<io::RosterTable> m_table;
    std::optional<io::MappingFile> m_mappingFile;
    std::vector<QComboBox*> m_fieldBoxes;
    std::optional<io::RosterImportResult> m_result;
    QString m_error;
    bool m_lastWasDryRun = false;
    bool m_reveal = false;

    // Worker state: the feedback outlives the thread (joined in onWorkerDone / the destructor).
    std::unique_ptr<Feedback> m_feedback;
    QThread* m_worker = nullptr;
    std::optional<io::RosterImportResult> m_workerResult;
    QString m_workerError;

    // Widgets.
    QLineEdit* m_fileEdit = nullptr;
    QComboBox* m_sheetBox = nullptr;
    QLineEdit* m_mappingEdit = nullptr;
    QLabel* m_fileError = nullptr;
    QLabel* m_previewInfo = nullptr;
    QTableWidget* m_preview = nullptr;
    QCheckBox* m_revealBox = nullptr;
    QTableWidget* m_mappingTable = nullptr;
    QLabel* m_mappingInfo = nullptr;
    QCheckBox* m_partialBox = nullptr;
    QPushButton* m_dryRunButton = nullptr;
    QPushButton* m_importButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_stageLabel = nullptr;
    QLabel* m_importSummary = nullptr;
    QLabel* m_resultSummary = nullptr;
    QTableWidget* m_rejects = nullptr;
    QPushButton* m_saveRejects = nullptr;
};

} // namespace gridatlas::app
