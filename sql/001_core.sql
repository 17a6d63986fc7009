-- 001_core.sql — what every domain shares.
--
-- source: one row per load (see loaders/common/load.h). Every table holding
-- loaded rows references it with ON DELETE CASCADE, so deleting a source row
-- removes exactly what that load wrote.
CREATE TABLE source (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,           -- loader kind: 'perf', 'kubevirt-buildlog', 'bench-json', ...
  uri          TEXT NOT NULL,           -- path or URL as given (credentials removed)
  content_hash TEXT NOT NULL,           -- hex SHA-256 of the content loaded
  loaded_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  row_counts   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(row_counts)),  -- {"table": rows, ...}
  UNIQUE (kind, content_hash)
);
CREATE INDEX source_uri ON source(kind, uri);

-- perfsql_view: the catalogue of canned views, rewritten by every `perfsql init`.
CREATE TABLE perfsql_view (
  name        TEXT PRIMARY KEY,
  domain      TEXT NOT NULL,            -- folder under views/
  summary     TEXT NOT NULL,            -- the first line of the header comment
  doc         TEXT NOT NULL,            -- the whole header comment (question, columns)
  path        TEXT NOT NULL             -- views/<domain>/<file>.sql
);

-- perfsql_meta: facts about the schema itself (e.g. the fingerprint of the installed views,
-- so that opening an up-to-date database never writes).
CREATE TABLE perfsql_meta (
  key   TEXT PRIMARY KEY,
  value TEXT
);
