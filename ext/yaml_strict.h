/*
** yaml_strict.h — checks on a loaded libyaml document that libyaml itself does
** not make: a key given twice in one mapping (YAML 1.2 forbids it; yaml.v3
** refuses it; libyaml keeps both and a lookup would silently take one), and an
** empty document. Used by every loader of YAML (shape.yaml, bench thresholds).
*/
#ifndef PERFSQL_YAML_STRICT_H
#define PERFSQL_YAML_STRICT_H
#include <yaml.h>

/* 0 ok; -1 with *pzErr = "<file>:line L, column C: duplicate key 'k' (first at line M)"
** or "<file>: empty YAML document" (sqlite3_malloc'd). O(n log n). */
int yaml_strict_check(yaml_document_t *doc, const char *file, char **pzErr);

#endif
