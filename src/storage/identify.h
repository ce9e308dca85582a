#pragma once
// Identify: what is at a map point (building, household, grid, post), with the facts a
// community worker asks for. Values are raw; callers mask sensitive ones (model/masking.h)
// before showing them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/geometry.h"
#include "model/masking.h"
#include "storage/crypto.h"

namespace gridatlas::storage {

class Atlas;

struct IdentifyAttribute {
    std::string key;   ///< field name (the UI translates it)
    std::string value; ///< raw text (in an encrypted atlas, a phone's or ID number's masked form)
    model::Sensitivity sensitivity = model::Sensitivity::None;
    /// An encrypted atlas's ciphertext of the value: opened only on reveal (revealedValue()).
    std::optional<crypto::SealedRef> sealed = std::nullopt;
};

struct IdentifyResult {
    std::string atlas; ///< the atlas file (to unlock and audit a reveal)
    std::string layer; ///< buildings | households | grids | service_posts | residents
    std::int64_t id = 0;
    std::string title;
    std::vector<IdentifyAttribute> attributes;
    std::vector<IdentifyResult> children; ///< a building's members, a household's residents
    model::Rect bounds;
    [[nodiscard]] const IdentifyAttribute* find(const std::string& key) const;
};

/// The attribute's clear value for a reveal: opens its ciphertext with the session's key of
/// `atlasPath` (crypto::PassphraseNeeded when the atlas was not unlocked), else the value itself.
std::string revealedValue(const std::string& atlasPath, const IdentifyAttribute& a);

/// Everything under `p` (within `tolerance` metres), most specific first: service posts,
/// households, the building, the grid. `nearbyPostsWithinM` lists posts near a building.
std::vector<IdentifyResult> identifyAt(Atlas& atlas, model::Vec2 p, double tolerance, double nearbyPostsWithinM = 500.0);

/// The facts of one building: units, floors, households, residents, members (as children),
/// its grid and the nearest five service posts within `nearbyPostsWithinM`.
std::optional<IdentifyResult> describeBuilding(Atlas& atlas, std::int64_t buildingId, double nearbyPostsWithinM = 500.0);
std::optional<IdentifyResult> describeHousehold(Atlas& atlas, std::int64_t householdId);
std::optional<IdentifyResult> describeGrid(Atlas& atlas, std::int64_t gridId);
std::optional<IdentifyResult> describePost(Atlas& atlas, std::int64_t postId);

} // namespace gridatlas::storage
