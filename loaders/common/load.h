/*
** load.h — the contract every loader follows.
**
**  1. A load is one transaction (BEGIN IMMEDIATE ... COMMIT). On any error the
**     loader calls load_rollback(): the database is exactly as before.
**  2. Every load writes one row into `source` (kind, uri, content hash,
**     loaded_at, row_counts JSON). Every table that holds loaded rows has a
**     column `source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE
**     CASCADE` and an index on it, so that replacing a load is one DELETE.
**  3. A load's identity is its kind + content hash (for captures the hash
**     covers the capture name too: load_identity_hash()). The same identity
**     loaded twice is a no-op reported as "already loaded". Nothing the user did
**     not name is ever deleted: a file with *new* content at an already-loaded
**     path is a new load beside the earlier one. Only --replace drops loads:
**     LOAD_REPLACE drops the same identity and every earlier load of the same
**     kind + uri (the path the user named); LOAD_REPLACE_SAME drops the same
**     identity only (the loader then drops what else the user named, e.g. the
**     capture called --name).
**  4. Errors are one line: "<file or url>:<position>: <what>", where position
**     is "line N", "line N, column M" or "byte offset N". No credentials are
**     ever written to the database or to messages (see url_redact()).
*/
#ifndef PERFSQL_LOAD_H
#define PERFSQL_LOAD_H

#include "perfsql.h"

typedef struct PerfsqlLoad {
  sqlite3 *db;
  sqlite3_int64 source_id;     /* the new source row */
  sqlite3_int64 existing_id;   /* set when the content was already loaded */
  char *kind, *uri;
  char hash[65];
  PerfsqlBuf counts;           /* JSON object body being built: "t":n,... */
  int active;                  /* inside the transaction */
  int replaced;                /* an earlier load of this uri/content was deleted */
} PerfsqlLoad;

enum { LOAD_NEW = 0, LOAD_DUPLICATE = 1, LOAD_ERROR = -1 };
/* the replace argument of load_begin(): 0 = keep every earlier load */
enum { LOAD_KEEP = 0, LOAD_REPLACE = 1, LOAD_REPLACE_SAME = 2 };

/* Begins a load. hash is the hex SHA-256 of the content (see sha256_*).
** Returns LOAD_NEW (transaction open, ld->source_id set), LOAD_DUPLICATE
** (nothing open; ld->existing_id set) or LOAD_ERROR (*pzErr set). */
int load_begin(sqlite3 *db, const char *kind, const char *uri, const char *hash,
               int replace, PerfsqlLoad *ld, char **pzErr);
/* Records that n rows went into table (added to the source's row_counts). */
void load_count(PerfsqlLoad *ld, const char *table, sqlite3_int64 n);
/* Stores row_counts and commits. On failure rolls back and sets *pzErr. */
int load_commit(PerfsqlLoad *ld, char **pzErr);
void load_rollback(PerfsqlLoad *ld);
/* Frees what load_begin allocated (rolls back first if still active). Always call it. */
void load_free(PerfsqlLoad *ld);
/* One line on stdout for the user: "loaded <uri> as source N: t=n, ..." or
** "already loaded as source N (use --replace to reload)". quiet suppresses. */
void load_report(const PerfsqlLoad *ld, int status, int quiet);

/* Binds the texts v[0..n-1] to parameters first..first+n-1 (sql_bind_text: NULL binds NULL);
** returns the first error code, else SQLITE_OK. For the rows' runs of text columns. */
int load_bind_texts(sqlite3_stmt *st, int first, const char *const *v, int n);

/* Has this kind+uri been loaded (any content)? Returns the source id or 0. */
sqlite3_int64 load_find_uri(sqlite3 *db, const char *kind, const char *uri);

/* ---- bulk loads (loaders/common/bulk.c) -------------------------------- */
/* Secondary indexes of the given tables that are EMPTY now are dropped inside the load's
** transaction and their CREATE INDEX statements kept; load_index_restore() runs them after
** the inserts (one sort per index instead of one B-tree insert per row and index). Readers
** in other processes keep seeing the previous snapshot (WAL); a rollback restores the
** indexes. Prepare the insert statements after load_index_defer(). */
typedef struct LoadDeferred { char *sql[64]; int n; } LoadDeferred;
int load_index_defer(sqlite3 *db, const char *const *tables, int ntables, LoadDeferred *d, char **pzErr);
int load_index_restore(sqlite3 *db, LoadDeferred *d, char **pzErr);
void load_index_free(LoadDeferred *d);

/* The identity hash of content that is loaded under a name (a capture): the
** hex SHA-256 of content_hex, a NUL and name. */
void load_identity_hash(const char *content_hex, const char *name, char out[65]);

/* ---- SHA-256 (loaders/common/sha256.c) -------------------------------- */
/* libcrypto's SHA256_CTX, held inline (nothing to free). */
typedef struct Sha256 { _Alignas(8) unsigned char ctx[128]; } Sha256;
void sha256_init(Sha256 *s);
void sha256_update(Sha256 *s, const void *p, size_t n);
void sha256_hex(Sha256 *s, char out[65]);   /* finishes s */
/* Hashes a whole file. Returns 0, or -1 with *pzErr ("<path>: <strerror>"). */
int sha256_file(const char *path, char out[65], char **pzErr);

/* ---- errors ------------------------------------------------------------ */
/* sqlite3_mprintf-allocated message; helpers to keep the "where: what" form. */
char *err_at_line(const char *file, long line, const char *fmt, ...);
char *err_at_offset(const char *file, long long offset, const char *fmt, ...);

/* ---- progress on stderr (loaders/common/progress.c) --------------------- */
/* Shown only when stderr is a terminal and progress_quiet is 0; rate-limited. */
extern int progress_quiet;
void progress_update(const char *what, uint64_t done, uint64_t total /*0=unknown*/);
void progress_done(void);

/* ---- whole-file reading ------------------------------------------------ */
/* Reads a file (at most max_bytes; larger -> error naming the size limit).
** *out is sqlite3_malloc'd and NUL-terminated. */
int read_file_all(const char *path, size_t max_bytes, char **out, size_t *len, char **pzErr);

/* Strict JSON (loaders/common/json_strict.c): duplicate keys, embedded NUL (raw or
** \u0000), numbers beyond a double, nesting deeper than 200 -> one line
** "<file>:<JSON path>: <what>" (or "<file>:byte offset N: ..."). Syntax errors are
** left to the caller's parser. file NULL: the message starts at the position.
** 0 ok, -1 with *pzErr set. */
int json_strict_check(const char *file, const char *text, size_t len, char **pzErr);

/* The size limit of a whole-file (or whole-download) input: JSON results, jobs,
** audit files, CSV, YAML. Checked before anything is allocated, so that memory
** stays bounded (about 3 x this, with SQLite's JSON parse) whatever the input. */
#define LOAD_MAX_DOCUMENT ((size_t)64 << 20)

#endif
