#pragma once
// Others' edits of a shared PostGIS atlas, as they commit (storage/change_feed.h): a listening
// connection whose socket the event loop watches, so the GUI thread never waits for it. Notices
// arriving close together are delivered as one batch (a roster import of a thousand statements
// redraws the map once). A lost connection is reported and retried every few seconds.
#include <QList>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <vector>

#include "storage/change_feed.h"

class QSocketNotifier;

namespace gridatlas::app {

class ChangeWatcher : public QObject {
    Q_OBJECT
public:
    /// Starts listening on `location` (a PostgreSQL atlas). Connection errors are reported by
    /// connectionLost, not thrown: a viewer still shows the atlas without notices.
    explicit ChangeWatcher(QString location, QObject* parent = nullptr);
    ~ChangeWatcher() override;
    [[nodiscard]] bool isListening() const { return m_listener != nullptr; }
    /// Milliseconds notices wait for more before the batch goes out (tests shorten it).
    void setBatchDelay(int ms) { m_batch.setInterval(ms); }

signals:
    void changed(const std::vector<gridatlas::storage::ChangeNotice>& notices);
    void connectionLost(const QString& message);

private:
    void connectToServer();
    void onReadable();
    QString m_location;
    std::unique_ptr<storage::ChangeListener> m_listener;
    QSocketNotifier* m_notifier = nullptr;
    std::vector<storage::ChangeNotice> m_pending;
    QTimer m_batch;
    QTimer m_retry;
};

} // namespace gridatlas::app
