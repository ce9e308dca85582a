#include "storage/audit_pg.h"

#include <string>

#include "storage/audit.h"
#include "storage/connection.h"

namespace gridatlas::storage {

namespace {

// The SQL twin of model/masking.cpp and audit.cpp's sensitivityOf: both engines must store the
// same masked text for the same edit (tests/pg/audit_pg_test.cpp checks it).
constexpr const char* kFunctions = R"SQL(
CREATE OR REPLACE FUNCTION gridatlas_audit_mask(tbl TEXT, field TEXT, val TEXT) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  kind TEXT := 'none';
  n INT;
  keep INT := 1;
  digits TEXT;
BEGIN
  IF val IS NULL THEN RETURN NULL; END IF;
  IF field IN ('disability', 'hardship', 'minimum_income', 'elderly_alone', 'left_behind_children', 'vulnerable',
               'disability_detail', 'hardship_detail') THEN
    kind := 'detail';
  ELSIF field IN ('name', 'resident_name', 'staff_name', 'manager', 'supervisor', 'assistant') THEN
    IF tbl IN ('residents', 'grid_staff', 'grid_plan_staff') THEN kind := 'name'; END IF;
  ELSIF field = 'phone' OR field LIKE '%\_phone' THEN
    kind := 'phone';
  ELSIF field = 'id_number' THEN
    kind := 'id';
  END IF;
  IF kind = 'none' THEN RETURN val; END IF;
  IF kind = 'detail' THEN RETURN CASE WHEN val = '' THEN '' ELSE '***' END; END IF;
  IF kind = 'name' THEN
    IF val = '' THEN RETURN ''; END IF;
    n := char_length(val);
    IF n > 2 AND left(val, 2) IN ('欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒') THEN
      keep := 2;
    END IF;
    RETURN left(val, keep) || repeat('*', CASE WHEN n > keep THEN n - keep ELSE 1 END);
  END IF;
  IF kind = 'phone' THEN
    digits := replace(replace(val, ' ', ''), '-', '');
    n := char_length(digits);
    IF n = 0 THEN RETURN ''; END IF;
    IF n >= 11 THEN RETURN left(digits, 3) || repeat('*', n - 7) || right(digits, 4); END IF;
    IF n > 4 THEN RETURN repeat('*', n - 4) || right(digits, 4); END IF;
    RETURN repeat('*', n);
  END IF;
  n := char_length(val);
  IF n = 0 THEN RETURN ''; END IF;
  IF n <= 8 THEN RETURN repeat('*', n); END IF;
  RETURN left(val, 4) || repeat('*', n - 8) || right(val, 4);
END $$;

CREATE OR REPLACE FUNCTION gridatlas_audit_text(tbl TEXT, field TEXT, val JSON, typ TEXT) RETURNS TEXT
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF val IS NULL OR json_typeof(val) = 'null' THEN RETURN NULL; END IF;
  IF typ = 'bytea' THEN
    RETURN '(' || (char_length(val #>> '{}') - 2) / 2 || ' bytes)';
  END IF;
  RETURN gridatlas_audit_mask(tbl, field, val #>> '{}');
END $$;

CREATE OR REPLACE FUNCTION gridatlas_audit_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  rows_mode TEXT := coalesce(nullif(current_setting('gridatlas.audit_rows', true), ''), 'all');
  who TEXT := coalesce(nullif(current_setting('gridatlas.actor', true), ''), session_user);
  now_text TEXT := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
  o JSON;
  nw JSON;
  col RECORD;
  summary TEXT := '';
  v TEXT;
  ov TEXT;
  changed BOOLEAN;
  ob BIGINT;
  nb BIGINT;
BEGIN
  -- A role restricted by access control (access_pg.h) cannot choose its name in the log or
  -- switch the log off: it is logged as itself, with the name its client gave in brackets.
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gridatlas_user')
     AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
     AND pg_has_role(session_user, 'gridatlas_user', 'MEMBER') THEN
    who := session_user || coalesce(' (' || nullif(current_setting('gridatlas.actor', true), '') || ')', '');
    IF rows_mode = 'none' THEN rows_mode := 'noinserts'; END IF;
  END IF;
  IF rows_mode = 'none' OR (rows_mode = 'noinserts' AND TG_OP = 'INSERT') THEN RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN o := row_to_json(OLD); END IF;
  IF TG_OP <> 'DELETE' THEN nw := row_to_json(NEW); END IF;
  FOR col IN SELECT a.attname::TEXT AS name, t.typname::TEXT AS typ FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
             WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> 'row_version'
             ORDER BY a.attnum LOOP
    IF col.typ = 'geometry' THEN
      -- row_to_json gives GeoJSON: measure and compare the geometry itself
      IF TG_OP = 'UPDATE' THEN
        EXECUTE format('SELECT ($1).%1$I IS DISTINCT FROM ($2).%1$I, octet_length(ST_AsEWKB(($1).%1$I)), octet_length(ST_AsEWKB(($2).%1$I))', col.name)
          INTO changed, ob, nb USING OLD, NEW;
        IF changed THEN
          INSERT INTO audit_log (at, actor, action, table_name, row_id, field, old_value, new_value)
          VALUES (now_text, who, 'update', TG_TABLE_NAME, (nw ->> 'id')::BIGINT, col.name,
                  '(geometry, ' || ob || ' bytes)', '(geometry, ' || nb || ' bytes)');
        END IF;
      ELSE
        IF TG_OP = 'INSERT' THEN
          EXECUTE format('SELECT octet_length(ST_AsEWKB(($1).%I))', col.name) INTO nb USING NEW;
        ELSE
          EXECUTE format('SELECT octet_length(ST_AsEWKB(($1).%I))', col.name) INTO nb USING OLD;
        END IF;
        IF nb IS NOT NULL THEN
          IF summary <> '' THEN summary := summary || '; '; END IF;
          summary := summary || col.name || '=(geometry, ' || nb || ' bytes)';
        END IF;
      END IF;
    ELSIF TG_OP = 'UPDATE' THEN
      ov := gridatlas_audit_text(TG_TABLE_NAME, col.name, o -> col.name, col.typ);
      v := gridatlas_audit_text(TG_TABLE_NAME, col.name, nw -> col.name, col.typ);
      IF (o ->> col.name) IS DISTINCT FROM (nw ->> col.name) THEN
        INSERT INTO audit_log (at, actor, action, table_name, row_id, field, old_value, new_value)
        VALUES (now_text, who, 'update', TG_TABLE_NAME, (nw ->> 'id')::BIGINT, col.name, ov, v);
      END IF;
    ELSE
      v := gridatlas_audit_text(TG_TABLE_NAME, col.name, coalesce(nw, o) -> col.name, col.typ);
      IF v IS NOT NULL THEN
        IF summary <> '' THEN summary := summary || '; '; END IF;
        summary := summary || col.name || '=' || v;
      END IF;
    END IF;
  END LOOP;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO audit_log (at, actor, action, table_name, row_id, field, old_value, new_value)
    VALUES (now_text, who, 'insert', TG_TABLE_NAME, (nw ->> 'id')::BIGINT, NULL, NULL, summary);
    -- Our audit_log row drew from its identity sequence, which moved the session's lastval() off the
    -- inserted row's id that Connection::lastInsertId() reads: point it back through a sequence of
    -- this session's own (TEMP), so no other session's ids are touched.
    IF (nw ->> 'id') IS NOT NULL THEN
      IF to_regclass('pg_temp.gridatlas_lastval') IS NULL THEN
        CREATE TEMP SEQUENCE gridatlas_lastval MINVALUE -9223372036854775808;
      END IF;
      PERFORM setval('pg_temp.gridatlas_lastval', (nw ->> 'id')::BIGINT, false);
      PERFORM nextval('pg_temp.gridatlas_lastval');
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO audit_log (at, actor, action, table_name, row_id, field, old_value, new_value)
    VALUES (now_text, who, 'delete', TG_TABLE_NAME, (o ->> 'id')::BIGINT, NULL, summary, NULL);
  END IF;
  RETURN NULL;
END $$;
)SQL";

} // namespace

void installAuditPg(Connection& conn) {
    if (!conn.tableExists("audit_log")) return;
    conn.exec(kFunctions);
    for (const auto& t : auditedTables()) {
        if (!conn.tableExists(t)) continue;
        const std::string trig = quoteIdentifier("gridatlas_audit_" + t);
        conn.exec("DROP TRIGGER IF EXISTS " + trig + " ON " + quoteIdentifier(t) + ";\nCREATE TRIGGER " + trig +
                  " AFTER INSERT OR UPDATE OR DELETE ON " + quoteIdentifier(t) +
                  " FOR EACH ROW EXECUTE FUNCTION gridatlas_audit_trigger()");
    }
}

} // namespace gridatlas::storage
