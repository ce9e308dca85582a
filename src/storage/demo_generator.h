#pragma once
// The deterministic demo district: a street office (兴华街道) near Manzhouli with its
// communities, grids and staff, compounds of walk-ups and towers, street-front shops,
// households and residents, Party members, vulnerable households, service posts and a
// noded street/footpath network. Same scale + seed => the same file content, byte for byte.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/crypto.h"

namespace gridatlas {
class Feedback;
}

namespace gridatlas::storage {

/// S: one street office, 2 communities, ~60 buildings, ~3,000 households (the demo in data/).
/// M: ~250k households in 6 street offices. L: ~1M households, ~20k buildings, 300 posts.
enum class DemoScale { S, M, L };

/// "S"/"M"/"L" (case-insensitive); nullopt for anything else.
std::optional<DemoScale> parseDemoScale(std::string_view text);
std::string_view demoScaleName(DemoScale scale);

inline constexpr std::uint64_t kDefaultDemoSeed = 20240601;

struct DemoOptions {
    DemoScale scale = DemoScale::S;
    std::uint64_t seed = kDefaultDemoSeed;
    std::string name; ///< atlas name; empty = "<street office>演示数据 (S)"
    /// Encrypts phones and ID numbers with this passphrase (storage/crypto.h). Random nonces and
    /// salt: an encrypted demo is not byte-for-byte reproducible (its clear content is).
    std::optional<std::string> passphrase;
    std::optional<crypto::KdfLimits> kdfLimits; ///< default: interactive
};

struct DemoSummary {
    std::vector<std::pair<std::string, std::int64_t>> tableCounts; ///< every data table, in schema order
    std::int64_t adults = 0;                                        ///< residents aged 18+
    std::int64_t members = 0;                                       ///< Party members
    int gridsOutsideTarget = 0; ///< grids outside 300-500 households (only where a compound forces it)
    double seconds = 0.0;
    [[nodiscard]] double memberShareOfAdults() const {
        return adults > 0 ? static_cast<double>(members) / static_cast<double>(adults) : 0.0;
    }
    [[nodiscard]] std::int64_t count(std::string_view table) const {
        for (const auto& [t, n] : tableCounts)
            if (t == table) return n;
        return 0;
    }
};

/// Creates a new atlas at `path` (which must not exist) in EPSG:4548 and fills it with the demo
/// district. Reports progress through `feedback` (when given) and throws CancelledError as soon
/// as it is cancelled; the caller removes the partial file (the CLI writes to a temp file).
DemoSummary generateDemo(const std::string& path, const DemoOptions& options, Feedback* feedback = nullptr);

/// The same district on the PostGIS database `target` (postgresql://..., which must hold no
/// atlas yet): generated into the SpatiaLite file `scratchPath` (which must not exist; the caller
/// removes it) and copied up with COPY in one transaction, ids, atlas_meta keys, encryption key
/// (atlas_crypto) and household_points included, then ANALYZE. Throws InputError when the
/// database already holds an atlas. summary.seconds covers both steps.
DemoSummary generateDemoOnServer(const std::string& target, const std::string& scratchPath, const DemoOptions& options,
                                 Feedback* feedback = nullptr);

} // namespace gridatlas::storage
