/*
** yaml_strict.c — duplicate mapping keys and empty documents (see yaml_strict.h).
*/
#include "perfsql.h"
#include "yaml_strict.h"
#include <stdlib.h>
#include <string.h>

typedef struct YKey { const char *s; size_t n; yaml_mark_t mark; } YKey;

static int ykey_cmp(const void *a, const void *b) {
  const YKey *x = a, *y = b;
  size_t n = x->n < y->n ? x->n : y->n;
  int c = memcmp(x->s, y->s, n);
  if (c) return c;
  if (x->n != y->n) return x->n < y->n ? -1 : 1;
  /* equal keys: document order, so that the second one is reported */
  return x->mark.index < y->mark.index ? -1 : x->mark.index > y->mark.index;
}

int yaml_strict_check(yaml_document_t *doc, const char *file, char **pzErr) {
  yaml_node_t *root = yaml_document_get_root_node(doc);
  if (!root) {
    *pzErr = sqlite3_mprintf("%s: empty YAML document", file);
    return -1;
  }
  YKey *keys = 0;
  size_t cap = 0;
  int rc = 0;
  for (yaml_node_t *n = doc->nodes.start; rc == 0 && n < doc->nodes.top; n++) {
    if (n->type != YAML_MAPPING_NODE) continue;
    size_t nk = 0;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
      yaml_node_t *k = yaml_document_get_node(doc, p->key);
      if (!k || k->type != YAML_SCALAR_NODE) continue;
      if (nk == cap) {
        size_t nc = cap ? cap * 2 : 32;
        YKey *g = sqlite3_realloc64(keys, (sqlite3_uint64)nc * sizeof *g);
        if (!g) { *pzErr = sqlite3_mprintf("%s: out of memory", file); rc = -1; break; }
        keys = g;
        cap = nc;
      }
      keys[nk].s = (const char *)k->data.scalar.value;
      keys[nk].n = k->data.scalar.length;
      keys[nk].mark = k->start_mark;
      nk++;
    }
    if (rc || nk < 2) continue;
    qsort(keys, nk, sizeof *keys, ykey_cmp);
    for (size_t i = 1; i < nk; i++)
      if (keys[i].n == keys[i - 1].n && memcmp(keys[i].s, keys[i - 1].s, keys[i].n) == 0) {
        *pzErr = sqlite3_mprintf("%s:line %lu, column %lu: duplicate key '%.*s' (first at line %lu)", file,
                                 (unsigned long)keys[i].mark.line + 1, (unsigned long)keys[i].mark.column + 1,
                                 (int)(keys[i].n > 200 ? 200 : keys[i].n), keys[i].s,
                                 (unsigned long)keys[i - 1].mark.line + 1);
        rc = -1;
        break;
      }
  }
  sqlite3_free(keys);
  return rc;
}
