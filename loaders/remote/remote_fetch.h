/*
** remote_fetch.h — a result tree as a list of files and a way to read each one, from a
** local folder or from a host over SFTP (libcurl + libssh2), with the system scp as
** the fallback when libcurl was built without SFTP.
*/
#ifndef PERFSQL_REMOTE_FETCH_H
#define PERFSQL_REMOTE_FETCH_H

#include <stddef.h>

typedef struct RemoteEntry {
  char *path;                 /* relative to the root, '/'-separated */
  long long size;
} RemoteEntry;

typedef struct RemoteFetchOptions {
  const char *key;            /* private key file (SFTP); NULL: ssh-agent */
  const char *known_hosts;    /* NULL: ~/.ssh/known_hosts */
  const char *transport;      /* NULL/"auto" | "sftp" (libcurl) | "scp" (system client) */
  long timeout_s;             /* 0 -> 60 */
  int quiet;
} RemoteFetchOptions;

typedef struct RemoteTree RemoteTree;

/* Opens root (a folder or an sftp:// URL). Returns 0 or -1 with *pzErr. */
int remote_tree_open(const char *root, const RemoteFetchOptions *o, RemoteTree **out, char **pzErr);
/* Lists every regular file under the root (recursively), sorted by path. want(path)
** decides which folders are descended into (NULL: all). */
int remote_tree_list(RemoteTree *t, int (*want_dir)(const char *relpath), RemoteEntry **files,
                     int *n, char **pzErr);
/* Reads one file (max_bytes cap). *data is sqlite3_malloc'd and NUL-terminated. */
int remote_tree_read(RemoteTree *t, const char *relpath, size_t max_bytes, char **data,
                     size_t *len, char **pzErr);
/* The printable name of a file: "<root>/<relpath>" with credentials removed
** (sqlite3_malloc'd). */
char *remote_tree_display(RemoteTree *t, const char *relpath);
/* The root as stored in the database (credentials removed). */
const char *remote_tree_uri(RemoteTree *t);
/* "sftp" | "scp" | "local" */
const char *remote_tree_transport(RemoteTree *t);
void remote_tree_close(RemoteTree *t);
void remote_entries_free(RemoteEntry *e, int n);

/* Does the linked libcurl support sftp? */
int remote_curl_has_sftp(void);

#endif
