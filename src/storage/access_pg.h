#pragma once
// Who sees and edits what on a shared PostGIS atlas (issue 10): PostgreSQL roles and row-level
// security per community (docs/postgis.md, "Access").
//
// - A role granted a community (`grantAccess(..., community)`) sees and edits only that
//   community's rows: communities, grids and their staff, buildings, units, households, residents,
//   posts, assignments, rooms, floor plans and grid plans, through row-level security policies
//   (USING and WITH CHECK: a row cannot be moved into another community either). The summary views
//   run with the caller's rights (security_invoker), so they show the same rows.
// - A role granted a street office sees all of that street office's communities.
// - Shared tables (streets, post types, atlas_meta) are readable by every granted role and
//   written only by the atlas owner.
// - Sensitive columns (residents' phone and ID number, grid staff phones, and their ciphertexts)
//   are readable only by roles granted the key (`sensitive`): column privileges. Without it the
//   core shows them as absent (columnOrNull in engine.h), never fails.
// - The atlas owner (and superusers) bypass all of it: publish, checkout of any community, admin.
// Granted roles become members of the group role gridatlas_user (table privileges) and, with the
// key, gridatlas_sensitive. Roles are created NOLOGIN when missing: give people LOGIN roles that
// are members of them, or ALTER ROLE ... LOGIN.
#include <optional>
#include <string>
#include <vector>

namespace gridatlas::storage {

class Connection;

/// Installs (or refreshes) the group roles, the atlas_access table, the policies and the
/// privileges on a PostGIS atlas; idempotent. Needs the atlas owner's connection.
void installAccessControl(Connection& conn);
/// The same inside the caller's transaction (migrations re-apply it: new columns and tables
/// need their privileges).
void installAccessControlIn(Connection& conn);

struct AccessGrant {
    std::string role;
    std::optional<std::string> community;    ///< its name (granted by name or code)
    std::optional<std::string> streetOffice;
    bool sensitive = false;
};

/// Lets `role` see and edit community `community` (name or code) or, with `streetOffice`, every
/// community of that street office; `sensitive` also lets it read phones and ID numbers.
/// Installs access control first when needed. Throws InputError for an unknown community.
void grantAccess(Connection& conn, const AccessGrant& grant);
/// Takes `role`'s grants away (all of them, or one community / street office).
void revokeAccess(Connection& conn, const std::string& role, const std::optional<std::string>& community = std::nullopt,
                  const std::optional<std::string>& streetOffice = std::nullopt);
/// The grants, by role.
std::vector<AccessGrant> listAccess(Connection& conn);

} // namespace gridatlas::storage
