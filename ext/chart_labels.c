/*
** chart_labels.c — LabelSet: the distinct labels (series names, categories,
** heatmap rows) of a chart in order of first appearance, with O(1) lookup.
**
**  1. label_index() returns the label's index (0, 1, ... in order of first
**     appearance), adding it when new; -2 when the set already holds max
**     labels, -1 on out of memory.
**  2. Open addressing on an FNV-1a hash, table kept at most half full; the
**     last label found is checked first (rows usually come grouped).
**  3. Memory from sqlite3_malloc64; label_set_free() releases everything.
*/
#include "chart.h"
#include <string.h>

static unsigned hash_of(const char *s) {
  unsigned h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static int grow(LabelSet *ls) {
  int nslots = ls->nslots ? ls->nslots * 2 : 64;
  int *slots = sqlite3_malloc64(sizeof(int) * nslots);
  if (!slots) return -1;
  for (int i = 0; i < nslots; i++) slots[i] = -1;
  for (int i = 0; i < ls->n; i++) {
    unsigned h = hash_of(ls->names[i]) & (unsigned)(nslots - 1);
    while (slots[h] >= 0) h = (h + 1) & (unsigned)(nslots - 1);
    slots[h] = i;
  }
  sqlite3_free(ls->slots);
  ls->slots = slots;
  ls->nslots = nslots;
  return 0;
}

int label_index(LabelSet *ls, const char *s, int max) {
  if (!s) s = "";
  if (ls->n > 0 && strcmp(ls->names[ls->last], s) == 0) return ls->last;
  if (ls->nslots == 0 && grow(ls)) return -1;
  unsigned mask = (unsigned)(ls->nslots - 1), h = hash_of(s) & mask;
  for (; ls->slots[h] >= 0; h = (h + 1) & mask) {
    if (strcmp(ls->names[ls->slots[h]], s) == 0) return ls->last = ls->slots[h];
  }
  if (ls->n >= max) return -2;
  if (ls->n == ls->cap) {
    int nc = ls->cap ? ls->cap * 2 : 16;
    char **nn = sqlite3_realloc64(ls->names, sizeof(char *) * nc);
    if (!nn) return -1;
    ls->names = nn;
    ls->cap = nc;
  }
  char *copy = sqlite3_mprintf("%s", s);
  if (!copy) return -1;
  ls->names[ls->n] = copy;
  ls->slots[h] = ls->n;
  ls->last = ls->n++;
  if (ls->n * 2 > ls->nslots && grow(ls)) return -1;
  return ls->last;
}

void label_set_free(LabelSet *ls) {
  for (int i = 0; i < ls->n; i++) sqlite3_free(ls->names[i]);
  sqlite3_free(ls->names);
  sqlite3_free(ls->slots);
  memset(ls, 0, sizeof *ls);
}
