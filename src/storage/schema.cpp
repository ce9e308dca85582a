#include "storage/schema.h"

#include <array>
#include <string>

#include "model/domain.h"
#include "model/support/error.h"
#include "storage/connection.h"
#include "storage/household_points.h"
#include "storage/schema_pg.h"

namespace gridatlas::storage {

namespace {

// Tables in creation order. Geometry columns are added with AddGeometryColumn so that
// SpatiaLite's metadata, QGIS and ogrinfo see them; the CHECKs are named so errors can say
// which rule was broken.
constexpr std::string_view kTables = R"SQL(
CREATE TABLE atlas_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE post_types (
  type         TEXT PRIMARY KEY,
  name_zh      TEXT NOT NULL,
  name_en      TEXT NOT NULL,
  radius_m     REAL NOT NULL CONSTRAINT post_type_radius_positive CHECK (radius_m > 0),
  walk_minutes REAL NOT NULL CONSTRAINT post_type_minutes_positive CHECK (walk_minutes > 0)
);
CREATE TABLE communities (
  id            INTEGER PRIMARY KEY,
  code          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL CONSTRAINT community_name_nonempty CHECK (length(name) > 0),
  street_office TEXT NOT NULL
);
CREATE TABLE grids (
  id                INTEGER PRIMARY KEY,
  code              TEXT NOT NULL UNIQUE,
  name              TEXT NOT NULL CONSTRAINT grid_name_nonempty CHECK (length(name) > 0),
  community_id      INTEGER NOT NULL REFERENCES communities(id),
  target_households INTEGER CONSTRAINT grid_target_positive CHECK (target_households IS NULL OR target_households > 0)
);
CREATE TABLE grid_staff (
  id      INTEGER PRIMARY KEY,
  grid_id INTEGER NOT NULL REFERENCES grids(id) ON DELETE CASCADE,
  role    TEXT NOT NULL CONSTRAINT staff_role_known CHECK (role IN ('manager', 'supervisor', 'assistant')),
  name    TEXT NOT NULL CONSTRAINT staff_name_nonempty CHECK (length(name) > 0),
  phone   TEXT,
  UNIQUE (grid_id, role)
);
CREATE TABLE buildings (
  id              INTEGER PRIMARY KEY,
  community_id    INTEGER NOT NULL REFERENCES communities(id),
  grid_id         INTEGER REFERENCES grids(id) ON DELETE SET NULL,
  number          TEXT NOT NULL CONSTRAINT building_number_nonempty CHECK (length(number) > 0),
  name            TEXT,
  compound        TEXT,
  address         TEXT,
  floors          INTEGER NOT NULL CONSTRAINT building_floors_range CHECK (floors BETWEEN 1 AND 200),
  unit_count      INTEGER NOT NULL CONSTRAINT building_units_range CHECK (unit_count BETWEEN 0 AND 100),
  flats_per_floor INTEGER CONSTRAINT building_flats_range CHECK (flats_per_floor IS NULL OR flats_per_floor BETWEEN 1 AND 50),
  use             TEXT NOT NULL CONSTRAINT building_use_known CHECK (use IN ('residential', 'commercial', 'public', 'mixed')),
  UNIQUE (community_id, number)
);
CREATE TABLE units (
  id          INTEGER PRIMARY KEY,
  building_id INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
  number      INTEGER NOT NULL CONSTRAINT unit_number_positive CHECK (number >= 1),
  UNIQUE (building_id, number)
);
CREATE TABLE households (
  id                   INTEGER PRIMARY KEY,
  unit_id              INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
  floor                INTEGER NOT NULL CONSTRAINT household_floor_nonzero CHECK (floor <> 0),
  room                 TEXT NOT NULL CONSTRAINT household_room_nonempty CHECK (length(room) > 0),
  hardship             INTEGER NOT NULL DEFAULT 0,
  minimum_income       INTEGER NOT NULL DEFAULT 0,
  elderly_alone        INTEGER NOT NULL DEFAULT 0,
  left_behind_children INTEGER NOT NULL DEFAULT 0,
  vacant               INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT household_flags_boolean CHECK (hardship IN (0, 1) AND minimum_income IN (0, 1)
      AND elderly_alone IN (0, 1) AND left_behind_children IN (0, 1) AND vacant IN (0, 1)),
  UNIQUE (unit_id, room)
);
CREATE TABLE residents (
  id           INTEGER PRIMARY KEY,
  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,
  name         TEXT NOT NULL CONSTRAINT resident_name_nonempty CHECK (length(name) > 0),
  relation     TEXT,
  gender       TEXT CONSTRAINT resident_gender_known CHECK (gender IS NULL OR gender IN ('M', 'F')),
  birth_year   INTEGER CONSTRAINT resident_birth_year_range CHECK (birth_year IS NULL OR birth_year BETWEEN 1880 AND 2100),
  phone        TEXT,
  id_number    TEXT,
  disability   INTEGER NOT NULL DEFAULT 0 CONSTRAINT resident_disability_boolean CHECK (disability IN (0, 1)),
  is_member    INTEGER NOT NULL DEFAULT 0 CONSTRAINT resident_is_member_boolean CHECK (is_member IN (0, 1)),
  member_type  TEXT CONSTRAINT member_type_known CHECK (member_type IS NULL OR member_type IN ('full', 'probationary', 'mobile', 'in_service')),
  branch       TEXT,
  joined_year  INTEGER,
  CONSTRAINT member_fields_only_for_members CHECK (is_member = 1 OR (member_type IS NULL AND branch IS NULL AND joined_year IS NULL)),
  CONSTRAINT member_needs_type CHECK (is_member = 0 OR member_type IS NOT NULL)
);
CREATE TABLE service_posts (
  id           INTEGER PRIMARY KEY,
  community_id INTEGER REFERENCES communities(id),
  building_id  INTEGER REFERENCES buildings(id) ON DELETE SET NULL,
  name         TEXT NOT NULL CONSTRAINT post_name_nonempty CHECK (length(name) > 0),
  type         TEXT NOT NULL REFERENCES post_types(type),
  hours        TEXT,
  radius_m     REAL CONSTRAINT post_radius_positive CHECK (radius_m IS NULL OR radius_m > 0),
  walk_minutes REAL CONSTRAINT post_minutes_positive CHECK (walk_minutes IS NULL OR walk_minutes > 0),
  staffed_by   INTEGER REFERENCES residents(id) ON DELETE SET NULL
);
CREATE TABLE streets (
  id      INTEGER PRIMARY KEY,
  name    TEXT,
  class   TEXT NOT NULL CONSTRAINT street_class_known CHECK (class IN ('arterial', 'local', 'footpath', 'compound_path', 'gate')),
  width_m REAL CONSTRAINT street_width_positive CHECK (width_m IS NULL OR width_m > 0)
);
CREATE TABLE rooms (
  id           INTEGER PRIMARY KEY,
  building_id  INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
  floor        INTEGER NOT NULL CONSTRAINT room_floor_nonzero CHECK (floor <> 0),
  unit_id      INTEGER REFERENCES units(id) ON DELETE CASCADE,
  household_id INTEGER REFERENCES households(id) ON DELETE SET NULL,
  label        TEXT,
  kind         TEXT
);
CREATE TABLE assignments (
  id           INTEGER PRIMARY KEY,
  member_id    INTEGER NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CONSTRAINT assignment_kind_known CHECK (kind IN ('pairing', 'zone')),
  household_id INTEGER REFERENCES households(id) ON DELETE CASCADE,
  building_id  INTEGER REFERENCES buildings(id) ON DELETE CASCADE,
  since        TEXT,
  CONSTRAINT assignment_target CHECK ((kind = 'pairing' AND household_id IS NOT NULL) OR (kind = 'zone' AND building_id IS NOT NULL))
);
)SQL";

struct GeometryColumn {
    const char* table;
    const char* type;
    bool notNull;
    bool localCoordinates; // building-local metres (floor plans), not the atlas CRS
};
constexpr std::array<GeometryColumn, 8> kGeometryColumns{{
    {"communities", "MULTIPOLYGON", true, false},
    {"grids", "POLYGON", true, false},
    {"buildings", "POLYGON", true, false},
    {"units", "POINT", false, false},
    {"households", "POINT", false, false},
    {"service_posts", "POINT", true, false},
    {"streets", "LINESTRING", true, false},
    {"rooms", "POLYGON", true, true},
}};

// Rules that span tables live in triggers; their messages start with the rule name so that
// describeRule() and the writers can word them for users.
constexpr std::string_view kTriggers = R"SQL(
CREATE TRIGGER buildings_footprint_valid_insert BEFORE INSERT ON buildings
WHEN NEW.geom IS NOT NULL AND (ST_IsValid(NEW.geom) IS NOT 1 OR ST_Area(NEW.geom) <= 0)
BEGIN SELECT RAISE(ABORT, 'building_footprint_valid'); END;
CREATE TRIGGER buildings_footprint_valid_update BEFORE UPDATE OF geom ON buildings
WHEN NEW.geom IS NOT NULL AND (ST_IsValid(NEW.geom) IS NOT 1 OR ST_Area(NEW.geom) <= 0)
BEGIN SELECT RAISE(ABORT, 'building_footprint_valid'); END;
CREATE TRIGGER grids_polygon_valid_insert BEFORE INSERT ON grids
WHEN NEW.geom IS NOT NULL AND ST_IsValid(NEW.geom) IS NOT 1
BEGIN SELECT RAISE(ABORT, 'grid_polygon_valid'); END;
CREATE TRIGGER grids_polygon_valid_update BEFORE UPDATE OF geom ON grids
WHEN NEW.geom IS NOT NULL AND ST_IsValid(NEW.geom) IS NOT 1
BEGIN SELECT RAISE(ABORT, 'grid_polygon_valid'); END;
CREATE TRIGGER units_number_within_building_insert BEFORE INSERT ON units
WHEN NEW.number > (SELECT unit_count FROM buildings WHERE id = NEW.building_id)
BEGIN SELECT RAISE(ABORT, 'unit_number_within_building'); END;
CREATE TRIGGER units_number_within_building_update BEFORE UPDATE OF number, building_id ON units
WHEN NEW.number > (SELECT unit_count FROM buildings WHERE id = NEW.building_id)
BEGIN SELECT RAISE(ABORT, 'unit_number_within_building'); END;
CREATE TRIGGER households_floor_within_building_insert BEFORE INSERT ON households
WHEN NEW.floor > (SELECT b.floors FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = NEW.unit_id)
BEGIN SELECT RAISE(ABORT, 'household_floor_within_building'); END;
CREATE TRIGGER households_floor_within_building_update BEFORE UPDATE OF floor, unit_id ON households
WHEN NEW.floor > (SELECT b.floors FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = NEW.unit_id)
BEGIN SELECT RAISE(ABORT, 'household_floor_within_building'); END;
CREATE TRIGGER service_posts_type_known_insert BEFORE INSERT ON service_posts
WHEN NOT EXISTS (SELECT 1 FROM post_types WHERE type = NEW.type)
BEGIN SELECT RAISE(ABORT, 'post_type_known'); END;
CREATE TRIGGER service_posts_type_known_update BEFORE UPDATE OF type ON service_posts
WHEN NOT EXISTS (SELECT 1 FROM post_types WHERE type = NEW.type)
BEGIN SELECT RAISE(ABORT, 'post_type_known'); END;
CREATE TRIGGER assignments_member_is_member_insert BEFORE INSERT ON assignments
WHEN (SELECT is_member FROM residents WHERE id = NEW.member_id) IS NOT 1
BEGIN SELECT RAISE(ABORT, 'assignment_member_is_member'); END;
CREATE TRIGGER residents_keep_assignments_member BEFORE UPDATE OF is_member ON residents
WHEN NEW.is_member = 0 AND EXISTS (SELECT 1 FROM assignments WHERE member_id = NEW.id)
BEGIN SELECT RAISE(ABORT, 'assignment_member_is_member'); END;
)SQL";

constexpr std::string_view kIndexes = R"SQL(
CREATE INDEX grids_community ON grids(community_id);
CREATE INDEX grid_staff_grid ON grid_staff(grid_id);
CREATE INDEX buildings_grid ON buildings(grid_id);
CREATE INDEX buildings_community ON buildings(community_id);
CREATE INDEX units_building ON units(building_id);
CREATE INDEX households_unit ON households(unit_id);
CREATE INDEX residents_household ON residents(household_id);
CREATE INDEX residents_members ON residents(household_id) WHERE is_member = 1;
CREATE INDEX residents_disability ON residents(household_id) WHERE disability = 1;
CREATE INDEX service_posts_type ON service_posts(type);
CREATE INDEX rooms_building ON rooms(building_id, floor);
CREATE INDEX assignments_member ON assignments(member_id);
CREATE INDEX assignments_household ON assignments(household_id);
)SQL";

// Derived facts are views, never stored copies: a household "has a member" exactly when one of
// its residents is a member, whatever was edited since.
constexpr std::string_view kViews = R"SQL(
CREATE VIEW household_summary AS
SELECT h.ROWID AS rowid, h.id AS id, h.unit_id AS unit_id, u.building_id AS building_id, u.number AS unit,
       h.floor AS floor, h.room AS room, h.hardship AS hardship, h.minimum_income AS minimum_income,
       h.elderly_alone AS elderly_alone, h.left_behind_children AS left_behind_children, h.vacant AS vacant,
       (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id) AS residents,
       (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id AND r.is_member = 1) AS members,
       EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.is_member = 1) AS has_member,
       EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.disability = 1) AS has_disability,
       (h.hardship OR h.minimum_income OR h.elderly_alone OR h.left_behind_children OR
        EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.disability = 1)) AS vulnerable,
       h.geom AS geom
FROM households h JOIN units u ON u.id = h.unit_id;

CREATE VIEW building_summary AS
SELECT b.ROWID AS rowid, b.id AS id, b.community_id AS community_id, b.grid_id AS grid_id, b.number AS number,
       b.name AS name, b.compound AS compound, b.address AS address, b.floors AS floors, b.unit_count AS unit_count,
       b.flats_per_floor AS flats_per_floor, b.use AS use,
       (SELECT COUNT(*) FROM units u JOIN households h ON h.unit_id = u.id WHERE u.building_id = b.id) AS households,
       (SELECT COUNT(*) FROM units u JOIN households h ON h.unit_id = u.id JOIN residents r ON r.household_id = h.id
         WHERE u.building_id = b.id) AS residents,
       (SELECT COUNT(*) FROM units u JOIN households h ON h.unit_id = u.id JOIN residents r ON r.household_id = h.id
         WHERE u.building_id = b.id AND r.is_member = 1) AS members,
       (SELECT COUNT(*) FROM units u JOIN households h ON h.unit_id = u.id
         WHERE u.building_id = b.id AND (h.hardship OR h.minimum_income OR h.elderly_alone OR h.left_behind_children OR
               EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.disability = 1))) AS vulnerable_households,
       b.geom AS geom
FROM buildings b;

CREATE VIEW grid_summary AS
SELECT g.ROWID AS rowid, g.id AS id, g.code AS code, g.name AS name, g.community_id AS community_id,
       c.name AS community, g.target_households AS target_households,
       (SELECT COUNT(*) FROM buildings b WHERE b.grid_id = g.id) AS buildings,
       (SELECT COUNT(*) FROM buildings b JOIN units u ON u.building_id = b.id JOIN households h ON h.unit_id = u.id
         WHERE b.grid_id = g.id) AS households,
       (SELECT COUNT(*) FROM buildings b JOIN units u ON u.building_id = b.id JOIN households h ON h.unit_id = u.id
         JOIN residents r ON r.household_id = h.id WHERE b.grid_id = g.id AND r.is_member = 1) AS members,
       (SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'manager') AS manager,
       (SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'supervisor') AS supervisor,
       (SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'assistant') AS assistant,
       g.geom AS geom
FROM grids g JOIN communities c ON c.id = g.community_id;

CREATE VIEW post_summary AS
SELECT p.ROWID AS rowid, p.id AS id, p.name AS name, p.type AS type, t.name_zh AS type_name,
       p.community_id AS community_id, p.building_id AS building_id, p.hours AS hours,
       COALESCE(p.radius_m, t.radius_m) AS radius_m, COALESCE(p.walk_minutes, t.walk_minutes) AS walk_minutes,
       p.geom AS geom
FROM service_posts p JOIN post_types t ON t.type = p.type;

CREATE VIEW members AS
SELECT r.id AS id, r.household_id AS household_id, u.building_id AS building_id, u.number AS unit,
       h.floor AS floor, h.room AS room, r.name AS name, r.gender AS gender, r.birth_year AS birth_year,
       r.member_type AS member_type, r.branch AS branch, r.joined_year AS joined_year
FROM residents r JOIN households h ON h.id = r.household_id JOIN units u ON u.id = h.unit_id
WHERE r.is_member = 1;
)SQL";

struct SpatialView {
    const char* view;
    const char* table;
};
// Registered in views_geometry_columns so QGIS and ogrinfo list them as layers using the
// base table's spatial index.
constexpr std::array<SpatialView, 4> kSpatialViews{{
    {"household_summary", "households"},
    {"building_summary", "buildings"},
    {"grid_summary", "grids"},
    {"post_summary", "service_posts"},
}};

// Schema version 2: where imported data came from, the import log, drawn floor plans.
// New atlases get v1 and then every step, so a migrated atlas equals a new one.
constexpr std::string_view kMigrationV2 = R"SQL(
CREATE TABLE imports (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CONSTRAINT import_kind_known CHECK (kind IN ('vector', 'roster', 'floor_plan')),
  source      TEXT NOT NULL,
  target      TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  user        TEXT,
  added       INTEGER NOT NULL DEFAULT 0,
  updated     INTEGER NOT NULL DEFAULT 0,
  unchanged   INTEGER NOT NULL DEFAULT 0,
  rejected    INTEGER NOT NULL DEFAULT 0,
  summary     TEXT
);
CREATE TABLE feature_sources (
  table_name   TEXT NOT NULL,
  row_id       INTEGER NOT NULL,
  import_id    INTEGER REFERENCES imports(id) ON DELETE SET NULL,
  source_file  TEXT NOT NULL,
  source_layer TEXT,
  source_key   TEXT,
  source_crs   TEXT,
  error_bound_m REAL CONSTRAINT feature_source_error_nonnegative CHECK (error_bound_m IS NULL OR error_bound_m >= 0),
  PRIMARY KEY (table_name, row_id)
);
CREATE INDEX feature_sources_key ON feature_sources(table_name, source_file, source_layer, source_key);
CREATE TABLE floor_plans (
  id           INTEGER PRIMARY KEY,
  building_id  INTEGER NOT NULL UNIQUE REFERENCES buildings(id) ON DELETE CASCADE,
  source       TEXT,
  scale        REAL NOT NULL DEFAULT 1 CONSTRAINT floor_plan_scale_positive CHECK (scale > 0),
  rotation_deg REAL NOT NULL DEFAULT 0,
  origin_x     REAL NOT NULL DEFAULT 0,
  origin_y     REAL NOT NULL DEFAULT 0,
  fitted       INTEGER NOT NULL DEFAULT 0 CONSTRAINT floor_plan_fitted_boolean CHECK (fitted IN (0, 1))
);
ALTER TABLE rooms ADD COLUMN repeat_on TEXT;
CREATE INDEX residents_id_number ON residents(id_number) WHERE id_number IS NOT NULL;
DROP VIEW household_summary;
CREATE VIEW household_summary AS
SELECT h.ROWID AS rowid, h.id AS id, h.unit_id AS unit_id, u.building_id AS building_id, b.grid_id AS grid_id, u.number AS unit,
       h.floor AS floor, h.room AS room, h.hardship AS hardship, h.minimum_income AS minimum_income,
       h.elderly_alone AS elderly_alone, h.left_behind_children AS left_behind_children, h.vacant AS vacant,
       (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id) AS residents,
       (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id AND r.is_member = 1) AS members,
       EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.is_member = 1) AS has_member,
       EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.disability = 1) AS has_disability,
       (h.hardship OR h.minimum_income OR h.elderly_alone OR h.left_behind_children OR
        EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id AND r.disability = 1)) AS vulnerable,
       h.geom AS geom
FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id;
CREATE TABLE grid_plans (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE CONSTRAINT grid_plan_name_nonempty CHECK (length(name) > 0),
  kind         TEXT NOT NULL CONSTRAINT grid_plan_kind_known CHECK (kind IN ('saved', 'proposal')),
  created_at   TEXT NOT NULL,
  community_id INTEGER REFERENCES communities(id) ON DELETE CASCADE,
  note         TEXT
);
CREATE TABLE grid_plan_grids (
  plan_id           INTEGER NOT NULL REFERENCES grid_plans(id) ON DELETE CASCADE,
  code              TEXT NOT NULL,
  name              TEXT NOT NULL,
  community_id      INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
  target_households INTEGER,
  geom              BLOB NOT NULL,
  PRIMARY KEY (plan_id, code)
);
CREATE TABLE grid_plan_staff (
  plan_id INTEGER NOT NULL REFERENCES grid_plans(id) ON DELETE CASCADE,
  code    TEXT NOT NULL,
  role    TEXT NOT NULL,
  name    TEXT NOT NULL,
  phone   TEXT,
  PRIMARY KEY (plan_id, code, role)
);
CREATE TABLE grid_plan_buildings (
  plan_id     INTEGER NOT NULL REFERENCES grid_plans(id) ON DELETE CASCADE,
  building_id INTEGER NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
  code        TEXT NOT NULL,
  PRIMARY KEY (plan_id, building_id)
);
)SQL";

// Schema version 3: encryption at rest of ID numbers and phones (storage/crypto.h,
// docs/personal-data.md). In an encrypted atlas the clear columns hold the masked form and
// <column>_enc the ciphertext; id_number_hash is the keyed blind index roster imports match by.
constexpr std::string_view kMigrationV3 = R"SQL(
CREATE TABLE atlas_crypto (
  id         INTEGER PRIMARY KEY CONSTRAINT atlas_crypto_single CHECK (id = 1),
  kdf        TEXT NOT NULL,
  salt       BLOB NOT NULL,
  opslimit   INTEGER NOT NULL,
  memlimit   INTEGER NOT NULL,
  key_check  BLOB NOT NULL,
  cipher     TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE TABLE reveal_log (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  user    TEXT NOT NULL,
  program TEXT NOT NULL,
  what    TEXT NOT NULL
);
ALTER TABLE residents ADD COLUMN phone_enc BLOB;
ALTER TABLE residents ADD COLUMN id_number_enc BLOB;
ALTER TABLE residents ADD COLUMN id_number_hash BLOB;
CREATE INDEX residents_id_number_hash ON residents(id_number_hash) WHERE id_number_hash IS NOT NULL;
ALTER TABLE grid_staff ADD COLUMN phone_enc BLOB;
ALTER TABLE grid_plan_staff ADD COLUMN phone_enc BLOB;
)SQL";

// Schema version 4: household_points, a compact copy of every household's id, point, unit and
// flags in blocks of 4,096 ids for whole-district analyses (storage/household_points.h). The
// triggers drop the block of any household written, in the same transaction, so a block that
// exists is always current; refreshHouseholdPoints() rebuilds missing blocks.
constexpr std::string_view kMigrationV4 = R"SQL(
CREATE TABLE household_points (
  block INTEGER PRIMARY KEY,
  data  BLOB NOT NULL
);
CREATE TRIGGER household_points_insert AFTER INSERT ON households
BEGIN DELETE FROM household_points WHERE block = NEW.id >> 12; END;
CREATE TRIGGER household_points_update AFTER UPDATE OF id, unit_id, geom, hardship, minimum_income, elderly_alone,
  left_behind_children, vacant ON households
BEGIN DELETE FROM household_points WHERE block IN (OLD.id >> 12, NEW.id >> 12); END;
CREATE TRIGGER household_points_delete AFTER DELETE ON households
BEGIN DELETE FROM household_points WHERE block = OLD.id >> 12; END;
)SQL";

// Schema version 5: grid_summary gains deviation_pct, the grid's households against its own
// target in percent (NULL without a target), so choropleths classify every grid by its target.
constexpr std::string_view kMigrationV5 = R"SQL(
DROP VIEW grid_summary;
CREATE VIEW grid_summary AS
SELECT s.*, CASE WHEN s.target_households > 0
                 THEN round(100.0 * (s.households - s.target_households) / s.target_households, 1) END AS deviation_pct
FROM (
SELECT g.ROWID AS rowid, g.id AS id, g.code AS code, g.name AS name, g.community_id AS community_id,
       c.name AS community, g.target_households AS target_households,
       (SELECT COUNT(*) FROM buildings b WHERE b.grid_id = g.id) AS buildings,
       (SELECT COUNT(*) FROM buildings b JOIN units u ON u.building_id = b.id JOIN households h ON h.unit_id = u.id
         WHERE b.grid_id = g.id) AS households,
       (SELECT COUNT(*) FROM buildings b JOIN units u ON u.building_id = b.id JOIN households h ON h.unit_id = u.id
         JOIN residents r ON r.household_id = h.id WHERE b.grid_id = g.id AND r.is_member = 1) AS members,
       (SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'manager') AS manager,
       (SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'supervisor') AS supervisor,
       (SELECT name FROM grid_staff s WHERE s.grid_id = g.id AND s.role = 'assistant') AS assistant,
       g.geom AS geom
FROM grids g JOIN communities c ON c.id = g.community_id) s;
)SQL";

// Schema version 6: the audit log (storage/audit.h). Rows come from TEMP triggers of GridAtlas
// connections and from explicit records (imports, restores); values of sensitive fields are masked.
constexpr std::string_view kMigrationV6 = R"SQL(
CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  table_name TEXT,
  row_id     INTEGER,
  field      TEXT,
  old_value  TEXT,
  new_value  TEXT
);
CREATE INDEX audit_log_table ON audit_log(table_name, id);
)SQL";

// Schema version 7: household_points blocks carry the residents' flags too (bit 4: a resident
// with a disability, bit 5: a Party member lives there), so coverage reads no residents. Triggers
// on residents drop the block of the household whose flags a resident insert, delete or change
// may alter; the blocks written before (without those bits) are dropped and rebuilt.
constexpr std::string_view kMigrationV7 = R"SQL(
DELETE FROM household_points;
CREATE TRIGGER household_points_resident_insert AFTER INSERT ON residents
WHEN NEW.disability = 1 OR NEW.is_member = 1
BEGIN DELETE FROM household_points WHERE block = NEW.household_id >> 12; END;
CREATE TRIGGER household_points_resident_update AFTER UPDATE OF household_id, disability, is_member ON residents
BEGIN DELETE FROM household_points WHERE block IN (OLD.household_id >> 12, NEW.household_id >> 12); END;
CREATE TRIGGER household_points_resident_delete AFTER DELETE ON residents
WHEN OLD.disability = 1 OR OLD.is_member = 1
BEGIN DELETE FROM household_points WHERE block = OLD.household_id >> 12; END;
)SQL";

// Version 8: row versions (storage/row_versions.h). Every editable row counts its updates in
// row_version; an edit names the version it was based on and is refused when the row moved on
// (optimistic concurrency: nothing is overwritten unseen). The file's own triggers bump it, in
// core SQL only, so QGIS's and ogr2ogr's edits count too; a writer that sets row_version itself
// (a checkin copying the server's) is left alone. recursive_triggers is off: the trigger's own
// UPDATE fires no trigger again.
constexpr std::string_view kMigrationV8 = R"SQL(
ALTER TABLE communities ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE grids ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE grid_staff ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE buildings ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE units ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE households ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE residents ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE service_posts ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE streets ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE assignments ADD COLUMN row_version INTEGER NOT NULL DEFAULT 1;
CREATE TRIGGER communities_row_version AFTER UPDATE ON communities WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE communities SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER grids_row_version AFTER UPDATE ON grids WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE grids SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER grid_staff_row_version AFTER UPDATE ON grid_staff WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE grid_staff SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER buildings_row_version AFTER UPDATE ON buildings WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE buildings SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER units_row_version AFTER UPDATE ON units WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE units SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER households_row_version AFTER UPDATE ON households WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE households SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER residents_row_version AFTER UPDATE ON residents WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE residents SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER service_posts_row_version AFTER UPDATE ON service_posts WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE service_posts SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER streets_row_version AFTER UPDATE ON streets WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE streets SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
CREATE TRIGGER assignments_row_version AFTER UPDATE ON assignments WHEN NEW.row_version = OLD.row_version
BEGIN UPDATE assignments SET row_version = OLD.row_version + 1 WHERE id = OLD.id; END;
)SQL";

void seedPostTypes(Connection& conn) {
    Statement st(conn, "INSERT INTO post_types (type, name_zh, name_en, radius_m, walk_minutes) VALUES (?, ?, ?, ?, ?)");
    for (const auto& p : model::kPostTypes) {
        st.bind(1, p.code).bind(2, p.nameZh).bind(3, p.nameEn).bind(4, p.radiusM).bind(5, p.walkMinutes);
        st.run();
    }
}

// Version-2 atlases written before the grid plan tables joined step 2 (session two's builds
// created them on first use) get them here, in their version-2 shape: step 3 alters one.
void addLatePlanTables(Connection& conn) {
    if (conn.tableExists("grid_plans")) return;
    const auto at = kMigrationV2.find("CREATE TABLE grid_plans (");
    if (at == std::string_view::npos) throw StorageError("internal: the version-2 step has no grid_plans table");
    conn.exec(std::string(kMigrationV2.substr(at)));
}

// Runs every migration step after `fromVersion`, inside the caller's transaction.
void applyMigrations(Connection& conn, int fromVersion) {
    switch (fromVersion) {
    case 1:
        conn.exec(kMigrationV2);
        [[fallthrough]];
    case 2:
        addLatePlanTables(conn);
        conn.exec(kMigrationV3);
        [[fallthrough]];
    case 3:
        conn.exec(kMigrationV4); // its blocks are built by step 7, with the residents' flags
        [[fallthrough]];
    case 4:
        conn.exec(kMigrationV5);
        [[fallthrough]];
    case 5:
        conn.exec(kMigrationV6);
        [[fallthrough]];
    case 6:
        conn.exec(kMigrationV7);
        refreshHouseholdPoints(conn);
        [[fallthrough]];
    case 7:
        conn.exec(kMigrationV8);
        [[fallthrough]];
    case kSchemaVersion:
        break;
    default:
        throw StorageError("'" + conn.path() + "' has unknown schema version " + std::to_string(fromVersion));
    }
}

} // namespace

void createSchema(Connection& conn, int srid) {
    if (conn.engine() == Engine::PostgreSQL) return createSchemaPg(conn, srid);
    if (conn.tableExists("atlas_meta")) throw StorageError("'" + conn.path() + "' already holds an atlas");
    conn.exec("SELECT InitSpatialMetadata(1, 'NONE')");
    // Register the atlas CRS plus the geographic ones used for display and import.
    for (int code : {srid, 4326, 4490}) {
        Statement st(conn, "SELECT InsertEpsgSrid(?)");
        st.bind(1, code);
        st.step();
    }
    if (!conn.queryInt("SELECT 1 FROM spatial_ref_sys WHERE srid = " + std::to_string(srid)))
        throw InputError("EPSG:" + std::to_string(srid) + " is not a coordinate system SpatiaLite knows");

    Transaction tx(conn);
    conn.exec(kTables);
    for (const auto& gc : kGeometryColumns) {
        if (!gc.table) continue;
        const int columnSrid = gc.localCoordinates ? -1 : srid;
        Statement st(conn, "SELECT AddGeometryColumn(?, 'geom', ?, ?, 'XY', ?)");
        st.bind(1, gc.table).bind(2, columnSrid).bind(3, gc.type).bind(4, gc.notNull ? 1 : 0);
        if (!st.step() || st.columnInt(0) != 1)
            throw StorageError("'" + conn.path() + "': AddGeometryColumn failed for " + gc.table);
        if (!gc.localCoordinates) {
            Statement idx(conn, "SELECT CreateSpatialIndex(?, 'geom')");
            idx.bind(1, gc.table);
            idx.step();
        }
    }
    conn.exec(kTriggers);
    conn.exec(kIndexes);
    conn.exec(kViews);
    for (const auto& v : kSpatialViews) {
        Statement st(conn,
                     "INSERT INTO views_geometry_columns (view_name, view_geometry, view_rowid, f_table_name, "
                     "f_geometry_column, read_only) VALUES (?, 'geom', 'rowid', ?, 'geom', 1)");
        st.bind(1, v.view).bind(2, v.table);
        st.run();
    }
    seedPostTypes(conn);
    applyMigrations(conn, 1);
    {
        Statement st(conn, "INSERT INTO atlas_meta (key, value) VALUES (?, ?)");
        st.bind(1, "schema_version").bind(2, std::to_string(kSchemaVersion));
        st.run();
        st.bind(1, "srid").bind(2, std::to_string(srid));
        st.run();
    }
    conn.exec("PRAGMA application_id = " + std::to_string(kAtlasApplicationId));
    conn.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
    tx.commit();
}

std::string_view migrationSql(int version) {
    switch (version) {
    case 2: return kMigrationV2;
    case 3: return kMigrationV3;
    case 4: return kMigrationV4;
    case 5: return kMigrationV5;
    case 6: return kMigrationV6;
    case 7: return kMigrationV7;
    case 8: return kMigrationV8;
    default: return {};
    }
}

void migrateSchema(Connection& conn, int fromVersion) {
    if (conn.engine() == Engine::PostgreSQL) return migrateSchemaPg(conn, fromVersion);
    if (fromVersion == kSchemaVersion) return;
    if (fromVersion > kSchemaVersion)
        throw StorageError("'" + conn.path() + "' has schema version " + std::to_string(fromVersion) +
                           ", newer than this GridAtlas understands (" + std::to_string(kSchemaVersion) +
                           "); update GridAtlas to open it");
    if (fromVersion < 1)
        throw StorageError("'" + conn.path() + "' has unknown schema version " + std::to_string(fromVersion));
    Transaction tx(conn);
    applyMigrations(conn, fromVersion);
    conn.exec("UPDATE atlas_meta SET value = '" + std::to_string(kSchemaVersion) + "' WHERE key = 'schema_version'");
    conn.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
    tx.commit();
}

std::string describeRule(std::string_view raw) {
    struct Rule {
        std::string_view name;
        std::string_view text;
    };
    static constexpr std::array<Rule, 31> kRules{{
        {"building_footprint_valid", "the footprint is not a valid polygon (self-intersecting, empty or zero area)"},
        {"grid_polygon_valid", "the grid boundary is not a valid polygon"},
        {"unit_number_within_building", "the unit number exceeds the building's unit count"},
        {"household_floor_within_building", "the floor is above the building's top floor"},
        {"post_type_known", "unknown service post type (see table post_types)"},
        {"assignment_member_is_member", "only Party members can be assigned (the resident is not a member)"},
        {"member_fields_only_for_members", "member type, branch or joined year given for a resident who is not a Party member"},
        {"member_needs_type", "a Party member needs a member type (full, probationary, mobile, in_service)"},
        {"member_type_known", "unknown member type (expected full, probationary, mobile or in_service)"},
        {"resident_gender_known", "gender must be M or F"},
        {"resident_birth_year_range", "birth year outside 1880-2100"},
        {"resident_name_nonempty", "the resident's name is empty"},
        {"resident_disability_boolean", "disability must be 0 or 1"},
        {"resident_is_member_boolean", "is_member must be 0 or 1"},
        {"household_floor_nonzero", "floor 0 does not exist (floors count 1, 2, ... and -1 below ground)"},
        {"household_room_nonempty", "the room number is empty"},
        {"household_flags_boolean", "household flags must be 0 or 1"},
        {"building_floors_range", "floors must be between 1 and 200"},
        {"building_units_range", "unit count must be between 0 and 100"},
        {"building_flats_range", "flats per floor must be between 1 and 50"},
        {"building_use_known", "use must be residential, commercial, public or mixed"},
        {"building_number_nonempty", "the building number is empty"},
        {"unit_number_positive", "unit numbers start at 1"},
        {"staff_role_known", "grid staff role must be manager, supervisor or assistant"},
        {"grid_target_positive", "target households must be positive"},
        {"post_radius_positive", "service radius must be positive"},
        {"street_class_known", "street class must be arterial, local, footpath, compound_path or gate"},
        {"import_kind_known", "import kind must be vector, roster or floor_plan"},
        {"feature_source_error_nonnegative", "a coordinate error bound cannot be negative"},
        {"floor_plan_scale_positive", "a floor plan's scale must be positive"},
        {"floor_plan_fitted_boolean", "fitted must be 0 or 1"},
    }};
    for (const auto& r : kRules)
        if (raw.find(r.name) != std::string_view::npos) return std::string(r.text) + " [rule " + std::string(r.name) + "]";
    return std::string(raw);
}

} // namespace gridatlas::storage
