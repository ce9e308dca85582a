#pragma once
// Simulated concurrent editors of one atlas (issue 10: "20 simulated concurrent editors for 2
// minutes lose no update: every accepted edit is in the final state, every refused one was
// reported"). Used by bench/bench_editors (2 minutes, figures) and by tests/pg (seconds, asserts).
//
// Each editor is a thread with its own connection. It picks a building from a small hot set (so
// editors really collide), reads its name and row version, thinks for 0-3 ms, and saves a new,
// unique name through storage::updateRow in a transaction. An accepted edit is logged with the
// version it was based on and the version it made; a refusal (StaleEditError) is logged as
// reported. Afterwards verify() checks, per row, that the accepted edits form one unbroken chain
// of versions from the first version read to the row's final version (each based on the one
// before, so none was overwritten unseen), that the row holds the last accepted name, that no
// refused name is anywhere, and that every attempt was either accepted or refused.
#include <cstdint>
#include <string>
#include <vector>

namespace gridatlas::bench {

struct EditorsOptions {
    std::string location;   ///< atlas: a SpatiaLite file or a PostgreSQL location
    int editors = 20;
    double seconds = 10.0;
    int hotRows = 12;       ///< buildings edited (the lowest ids)
    unsigned seed = 1;
    /// Writes without the version check (UPDATE ... WHERE id = ?), as software without row
    /// versions does: verify() must then find lost updates (tests prove it can fail).
    bool blind = false;
};

struct EditorsReport {
    std::int64_t attempted = 0, accepted = 0, refused = 0, failed = 0;
    std::int64_t lost = 0;        ///< accepted edits missing from the chain (must be 0)
    std::int64_t wrongFinal = 0;  ///< rows whose final state is not their last accepted edit (must be 0)
    double seconds = 0.0;
    std::vector<std::string> problems; ///< what verify() found, and unexpected errors
    [[nodiscard]] bool ok() const { return lost == 0 && wrongFinal == 0 && failed == 0 && problems.empty() && attempted == accepted + refused; }
    [[nodiscard]] std::string summary() const;
};

/// Runs the editors and verifies the outcome.
EditorsReport runEditors(const EditorsOptions& options);

} // namespace gridatlas::bench
