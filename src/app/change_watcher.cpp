#include "app/change_watcher.h"

#include <QSocketNotifier>

#include <exception>

namespace gridatlas::app {

ChangeWatcher::ChangeWatcher(QString location, QObject* parent) : QObject(parent), m_location(std::move(location)) {
    m_batch.setSingleShot(true);
    m_batch.setInterval(250);
    connect(&m_batch, &QTimer::timeout, this, [this] {
        if (m_pending.empty()) return;
        auto batch = std::move(m_pending);
        m_pending.clear();
        emit changed(batch);
    });
    m_retry.setSingleShot(true);
    m_retry.setInterval(5000);
    connect(&m_retry, &QTimer::timeout, this, &ChangeWatcher::connectToServer);
    // Connecting waits for the server; after the caller has set the window up, not in its way.
    QTimer::singleShot(0, this, &ChangeWatcher::connectToServer);
}

ChangeWatcher::~ChangeWatcher() {
    delete m_notifier; // before its socket closes with the listener
    m_notifier = nullptr;
}

void ChangeWatcher::connectToServer() {
    try {
        m_listener = std::make_unique<storage::ChangeListener>(m_location.toStdString());
        m_notifier = new QSocketNotifier(static_cast<qintptr>(m_listener->socket()), QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &ChangeWatcher::onReadable);
        if (!m_pending.empty()) m_batch.start(); // after a lost connection: refresh what may have changed
    } catch (const std::exception& e) {
        m_listener.reset();
        emit connectionLost(QString::fromUtf8(e.what()));
        m_retry.start();
    }
}

void ChangeWatcher::onReadable() {
    try {
        auto notices = m_listener->take();
        for (auto& n : notices) m_pending.push_back(std::move(n));
        if (!m_pending.empty() && !m_batch.isActive()) m_batch.start();
    } catch (const std::exception& e) {
        // The server went away (restart, network): what changed meanwhile is unknown, so the
        // next connection starts with a refresh of everything.
        delete m_notifier;
        m_notifier = nullptr;
        m_listener.reset();
        emit connectionLost(QString::fromUtf8(e.what()));
        m_pending.push_back(storage::ChangeNotice{});
        m_retry.start();
    }
}

} // namespace gridatlas::app
