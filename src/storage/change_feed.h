#pragma once
// Telling viewers that someone else changed the shared atlas (issue 10: "viewers refresh when
// another user changes what they show").
//
// On a PostGIS atlas, statement-level triggers on the data tables send one NOTIFY per changing
// statement on the channel `gridatlas_changes`, delivered when (and only if) its transaction
// commits. The payload is JSON: {"table", "op" (insert|update|delete), "rows", "actor" (the
// session's gridatlas.actor setting, else its role), "pid" (the writer's server process), "bbox"
// ([xmin, ymin, xmax, ymax] in the atlas CRS of the rows before and after the change, through the
// household for residents and the grid for staff; null when the change has no place)}. No row
// content travels: a listener learns that, where and by whom, and reads what it may see.
//
// A ChangeListener holds its own connection that LISTENs; the viewer watches its socket and
// reloads what a notice touches. SpatiaLite files have no such channel (see docs/postgis.md).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/geometry.h"

namespace gridatlas::storage {

class Connection;
namespace pg {
class Session;
}

/// The NOTIFY channel.
inline constexpr const char* kChangeChannel = "gridatlas_changes";

/// Installs (or replaces) the notifying triggers on a PostGIS atlas; idempotent. Called when the
/// schema is created or migrated.
void installChangeNotificationsPg(Connection& conn);

struct ChangeNotice {
    std::string table;
    std::string op;    ///< insert | update | delete
    long long rows = 0;
    std::string actor;
    int pid = 0;       ///< the writing session's server process id
    std::optional<model::Rect> bbox;
};

/// Parses a notification payload; nullopt when it is not one of ours.
std::optional<ChangeNotice> parseChangeNotice(const std::string& payload);

/// True when `location` can send change notices (a PostgreSQL atlas).
bool supportsChangeNotices(const std::string& location);

/// A connection listening on kChangeChannel. Not thread-safe; one per viewer.
class ChangeListener {
public:
    /// Throws StorageError when the server cannot be reached or `location` is not PostgreSQL.
    explicit ChangeListener(const std::string& location);
    ChangeListener(const ChangeListener&) = delete;
    ChangeListener& operator=(const ChangeListener&) = delete;
    ~ChangeListener();

    /// The socket to watch for readability (QSocketNotifier, poll).
    [[nodiscard]] int socket() const;
    /// The notices that arrived, without waiting. Throws StorageError when the connection is lost.
    std::vector<ChangeNotice> take();
    /// Waits up to `timeoutMs` for at least one notice (tests, scripts); returns what arrived.
    std::vector<ChangeNotice> wait(int timeoutMs);
    /// The server process id of this listener's own connection.
    [[nodiscard]] int pid() const;

private:
    std::unique_ptr<pg::Session> m_session;
};

} // namespace gridatlas::storage
