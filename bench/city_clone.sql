-- Grows a published PostGIS atlas into a city (bench/bench_city.sh): copies k = 1..:copies-1 of
-- every community's rows, each district shifted by (:dx * (k % :cols), :dy * (k / :cols)) metres,
-- every id and reference moved by k * 100000000 and every code given the suffix "-k". The copies
-- are ordinary rows: the server keeps its indexes on them as on the original.
--
-- Columns are listed from the catalogue, so the copy follows the schema as it grows (row versions,
-- new columns): an id column (id or *_id, staffed_by) is moved, a geometry translated, a code
-- suffixed, everything else copied as is.
CREATE OR REPLACE FUNCTION pg_temp.ga_clone(tbl text, k int, dx float8, dy float8) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    cols text := '';
    exprs text := '';
    c record;
    n bigint;
BEGIN
    FOR c IN SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
               FROM pg_attribute a
              WHERE a.attrelid = tbl::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
              ORDER BY a.attnum LOOP
        cols := cols || CASE WHEN cols = '' THEN '' ELSE ', ' END || quote_ident(c.name);
        exprs := exprs || CASE WHEN exprs = '' THEN '' ELSE ', ' END ||
            CASE
                WHEN c.name = 'id' OR c.name IN ('community_id', 'grid_id', 'building_id', 'unit_id', 'household_id',
                                                 'member_id', 'staffed_by')
                    THEN quote_ident(c.name) || ' + ' || (k::bigint * 100000000)
                WHEN c.type LIKE 'geometry%' THEN 'ST_Translate(' || quote_ident(c.name) || ', ' || dx || ', ' || dy || ')'
                WHEN c.name = 'code' THEN quote_ident(c.name) || ' || ''-' || k || ''''
                ELSE quote_ident(c.name)
            END;
    END LOOP;
    EXECUTE format('INSERT INTO %I (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %I WHERE id < 100000000', tbl, cols, exprs, tbl);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- Bulk load: no per-row rule triggers or foreign-key checks (the copies of valid rows are valid).
SET session_replication_role = replica;
SET maintenance_work_mem = '1GB';
SELECT k, tbl, pg_temp.ga_clone(tbl, k, :dx * (k % :cols), :dy * (k / :cols)) AS rows
  FROM generate_series(1, :copies - 1) AS k,
       unnest(ARRAY['communities', 'grids', 'grid_staff', 'buildings', 'units', 'households', 'residents',
                    'service_posts', 'assignments', 'streets']) WITH ORDINALITY AS t(tbl, o)
 ORDER BY k, o;
RESET session_replication_role;

-- New rows after the bench get ids past the copies.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['communities', 'grids', 'grid_staff', 'buildings', 'units', 'households', 'residents',
                             'service_posts', 'assignments', 'streets'] LOOP
        EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), (SELECT max(id) FROM %I))', t, t);
    END LOOP;
END $$;
VACUUM ANALYZE;
