/*
** remote_load.h — loading the eBPF framework's result trees and configuration.
*/
#ifndef PERFSQL_REMOTE_LOAD_H
#define PERFSQL_REMOTE_LOAD_H

#include "perfsql.h"
#include "remote_fetch.h"

typedef struct RemoteLoadOptions {
  int iteration;              /* --iteration N (>= 1) */
  int keep_going;             /* load the rest when a file is malformed; list the skipped ones */
  int replace;                /* --replace */
  int quiet;
  RemoteFetchOptions fetch;
} RemoteLoadOptions;

/* Loads one iteration folder (local path or sftp:// URL) in one transaction.
** Returns 0 (loaded or already loaded) or -1 with *pzErr ("<file>:line N: <what>"). */
int remote_load_tree(sqlite3 *db, const char *root, const RemoteLoadOptions *o, char **pzErr);

/* Loads every *.yaml / *.yml (libyaml, converted to JSON) and *.json file of a
** configuration folder (recursively) into remote_config, in one transaction. */
int remote_load_config(sqlite3 *db, const char *dir, int replace, int quiet, char **pzErr);

/* YAML text -> JSON text (sqlite3_malloc'd). Scalars are typed as YAML 1.1 plain
** scalars (null, booleans, integers, floats); quoted scalars stay strings; aliases are
** rejected. Returns 0 or -1 with *err_line and *err_msg. */
int remote_yaml_to_json(const char *text, size_t n, char **json, long *err_line, char **err_msg);

#endif
