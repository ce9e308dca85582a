#pragma once
// File > Print / Export Layout...: a layout template (maps/*.json with a "layout" key) with a
// live preview of the chosen page, page setup (paper, orientation), the current view as the
// map frame, export to PDF/PNG/SVG (this page or every page) and printing through QPrintDialog.
//
// Everything that reads the atlas or draws runs on a worker thread with its own connection; the
// dialog only shows the result. A newer request cancels the older one.
#include <QDialog>
#include <QImage>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "model/geometry.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QScrollArea;

namespace gridatlas {
class Feedback;
}

namespace gridatlas::app {

class PrintDialog : public QDialog {
    Q_OBJECT
public:
    /// `currentView`: the viewer's visible extent (for "current view as the map frame").
    PrintDialog(const QString& atlasPath, const model::Rect& currentView, QWidget* parent = nullptr);
    ~PrintDialog() override;
    PrintDialog(const PrintDialog&) = delete;
    PrintDialog& operator=(const PrintDialog&) = delete;

    /// Chooses a template by path (added to the list when not in it); false when it is not a layout.
    bool setTemplate(const QString& path);
    void setUseCurrentView(bool on);
    /// The layout templates found in the project's maps/ folder.
    [[nodiscard]] static QStringList templateFiles();
    [[nodiscard]] bool isBusy() const { return m_busy > 0; }
    [[nodiscard]] QImage previewImage() const { return m_preview; }
    [[nodiscard]] int pageCount() const { return m_pageCount; }
    [[nodiscard]] QString lastError() const { return m_error; }
    /// Writes the chosen page (or all pages) to `path` on the worker; finished() tells.
    void exportTo(const QString& path, bool allPages);

protected:
    void resizeEvent(QResizeEvent* event) override;

signals:
    void previewReady();
    void exportFinished(bool ok, const QString& message);

private:
    struct Request;
    void schedulePreview();
    void reloadPages();
    void chooseExport();
    void print();
    void confirmReveal(bool on);
    [[nodiscard]] std::shared_ptr<Request> makeRequest() const;
    void startWorker(std::shared_ptr<Request> request);
    void joinFinished();
    void showPreview();

    QString m_atlasPath;
    model::Rect m_currentView;
    QComboBox* m_template = nullptr;
    QComboBox* m_each = nullptr;
    QComboBox* m_page = nullptr;
    QComboBox* m_paper = nullptr;
    QComboBox* m_orientation = nullptr;
    QCheckBox* m_useView = nullptr;
    QCheckBox* m_reveal = nullptr;
    QCheckBox* m_allPages = nullptr;
    QLabel* m_previewLabel = nullptr;
    QScrollArea* m_scroll = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_exportButton = nullptr;
    QPushButton* m_printButton = nullptr;
    QImage m_preview;
    QString m_error;
    int m_pageCount = 0;
    int m_busy = 0;
    bool m_loadingPages = false;
    std::shared_ptr<Feedback> m_feedback; ///< of the latest preview or page list (a newer one cancels it)
    struct Worker {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Worker> m_workers;
    std::uint64_t m_generation = 0;
};

} // namespace gridatlas::app
