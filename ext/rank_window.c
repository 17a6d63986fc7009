/*
** rank_window.c — a sliding window of doubles that keeps one rank k (the
** median, or a percentile's rank) at hand: two indexed heaps, the approach
** of bottleneck's move_median generalized to any rank.
**
** Contract:
**  1. Holds finite doubles (callers reject NaN and ±Inf) in arrival order.
**     Every value is in one of two heaps: `lo`, a max-heap of the k+1
**     smallest, and `hi`, a min-heap of the rest, where k = rank_window_k(n)
**     for the n values held (RANK_MEDIAN: (n-1)/2; RANK_PERCENTILE:
**     floor(p/100*(n-1))). So the k-th smallest is the top of lo and the
**     (k+1)-th the top of hi: reading them is O(1).
**  2. push and remove-oldest are O(log n): one heap insertion or deletion
**     (a ring of slots in arrival order records where each value sits in its
**     heap), then at most two top moves between the heaps because k changes
**     by at most one. replace (push one, remove the oldest: a frame sliding
**     by one row) is one or two sifts and no move. That is the window case:
**     SQLite calls xInverse for rows in the order xStep added them.
**  3. Removing a value that is not the oldest (no SQLite frame does this) is
**     still correct: the value is found by a linear scan of the heaps (O(n)),
**     removed, and its ring slot left as a tombstone that is dropped when it
**     becomes the oldest.
**  4. Memory: 8 bytes per ring slot plus 16 per heap entry (the value is
**     kept in the heap entry, so sifting reads no other array), grown by
**     doubling with sqlite3_realloc64; no allocation on remove, replace or
**     read. At most RANK_WINDOW_MAX_COUNT slots.
**  5. Results never depend on how ties are split between the heaps: equal
**     values are interchangeable.
*/
#include "perfsql.h"
#include "rank_window.h"

#include <math.h>
#include <string.h>

enum { SIDE_LO = 0, SIDE_HI = 1, SIDE_GONE = 2 };

struct RankEntry {
  double v;
  uint32_t id;     /* ring slot */
  uint32_t pad;
};

struct RankNode {
  uint32_t pos;    /* index of its entry in the heap `side` */
  uint32_t side;   /* SIDE_* */
};

/* Heap primitives, generated for lo (max-heap: a parent is >= its children)
** and hi (min-heap: a parent is <= its children). ABOVE(a, b) says value a
** belongs above value b. _move shifts an entry inside its own heap (its
** side is already right); _put places one that may come from the other. */
#define HEAP_FUNCS(NAME, SIDE, ABOVE)                                                  \
  static void NAME##_move(RankWindow *w, uint32_t pos, RankEntry e) {                 \
    w->NAME[pos] = e;                                                                  \
    w->node[e.id].pos = pos;                                                           \
  }                                                                                    \
  static void NAME##_put(RankWindow *w, uint32_t pos, RankEntry e) {                  \
    w->NAME[pos] = e;                                                                  \
    w->node[e.id].pos = pos;                                                           \
    w->node[e.id].side = SIDE;                                                         \
  }                                                                                    \
  static void NAME##_up(RankWindow *w, uint32_t pos, RankEntry e) {                   \
    while (pos > 0) {                                                                  \
      uint32_t parent = (pos - 1) / 2;                                                 \
      if (!(ABOVE(e.v, w->NAME[parent].v))) break;                                     \
      NAME##_move(w, pos, w->NAME[parent]);                                            \
      pos = parent;                                                                    \
    }                                                                                  \
    NAME##_put(w, pos, e);                                                             \
  }                                                                                    \
  static void NAME##_down(RankWindow *w, uint32_t pos, RankEntry e) {                 \
    uint32_t n = w->n_##NAME;                                                          \
    for (;;) {                                                                         \
      uint32_t c = 2 * pos + 1;                                                        \
      if (c >= n) break;                                                               \
      if (c + 1 < n) c += (uint32_t)(ABOVE(w->NAME[c + 1].v, w->NAME[c].v));            \
      if (!(ABOVE(w->NAME[c].v, e.v))) break;                                          \
      NAME##_move(w, pos, w->NAME[c]);                                                 \
      pos = c;                                                                         \
    }                                                                                  \
    NAME##_put(w, pos, e);                                                             \
  }                                                                                    \
  /* Puts e at pos, whose entry has left, and restores the heap order. */             \
  static void NAME##_fix(RankWindow *w, uint32_t pos, RankEntry e) {                  \
    if (pos > 0 && ABOVE(e.v, w->NAME[(pos - 1) / 2].v)) NAME##_up(w, pos, e);         \
    else NAME##_down(w, pos, e);                                                       \
  }                                                                                    \
  static void NAME##_push(RankWindow *w, RankEntry e) {                               \
    NAME##_up(w, w->n_##NAME++, e);                                                    \
  }                                                                                    \
  static void NAME##_remove_at(RankWindow *w, uint32_t pos) {                         \
    RankEntry last = w->NAME[--w->n_##NAME];                                           \
    if (pos < w->n_##NAME) NAME##_fix(w, pos, last);                                   \
  }                                                                                    \
  static RankEntry NAME##_pop(RankWindow *w) {                                        \
    RankEntry top = w->NAME[0];                                                        \
    NAME##_remove_at(w, 0);                                                            \
    return top;                                                                        \
  }

#define GREATER(a, b) ((a) > (b))
#define LESS(a, b) ((a) < (b))
HEAP_FUNCS(lo, SIDE_LO, GREATER)
HEAP_FUNCS(hi, SIDE_HI, LESS)

void rank_window_init(RankWindow *w, RankRule rule, double p) {
  memset(w, 0, sizeof *w);
  w->rule = rule;
  w->p = p;
}

void rank_window_free(RankWindow *w) {
  sqlite3_free(w->node);
  sqlite3_free(w->lo);
  sqlite3_free(w->hi);
  rank_window_init(w, w->rule, w->p);
}

uint32_t rank_window_count(const RankWindow *w) {
  return w->n_lo + w->n_hi;
}

uint32_t rank_window_k(const RankWindow *w, uint32_t n) {
  if (n == 0) return 0;
  if (w->rule == RANK_MEDIAN) return (n - 1) / 2;
  double k = floor(w->p / 100.0 * (double)(n - 1));
  return k >= (double)(n - 1) ? n - 1 : (uint32_t)k;
}

/* Moves tops between the heaps until lo holds exactly k+1 values. */
static void rebalance(RankWindow *w) {
  uint32_t n = w->n_lo + w->n_hi;
  uint32_t want = n ? rank_window_k(w, n) + 1 : 0;
  while (w->n_lo > want) hi_push(w, lo_pop(w));
  while (w->n_lo < want) lo_push(w, hi_pop(w));
}

/* Doubles the ring, laying it out from slot 0 again, and renumbers the heaps. */
static int grow(RankWindow *w) {
  uint64_t cap = w->cap ? 2 * (uint64_t)w->cap : 64;
  if (cap > RANK_WINDOW_MAX_COUNT) return RW_FULL;
  RankNode *node = sqlite3_malloc64(cap * sizeof *node);
  RankEntry *lo = sqlite3_realloc64(w->lo, cap * sizeof *lo);
  if (lo) w->lo = lo;
  RankEntry *hi = sqlite3_realloc64(w->hi, cap * sizeof *hi);
  if (hi) w->hi = hi;
  if (!node || !lo || !hi) {
    sqlite3_free(node);
    return RW_NOMEM;
  }
  uint32_t mask = w->cap - 1;
  for (uint32_t i = 0; i < w->len; i++) node[i] = w->node[(w->head + i) & mask];
  for (uint32_t i = 0; i < w->n_lo; i++) w->lo[i].id = (w->lo[i].id - w->head) & mask;
  for (uint32_t i = 0; i < w->n_hi; i++) w->hi[i].id = (w->hi[i].id - w->head) & mask;
  sqlite3_free(w->node);
  w->node = node;
  w->cap = (uint32_t)cap;
  w->head = 0;
  return RW_OK;
}

/* Drops tombstones at the oldest end of the ring. */
static void drop_gone(RankWindow *w) {
  while (w->len && w->node[w->head].side == SIDE_GONE) {
    w->head = (w->head + 1) & (w->cap - 1);
    w->len--;
  }
}

/* The value held in ring slot id (not a tombstone). */
static double value_of(const RankWindow *w, uint32_t id) {
  const RankNode *nd = &w->node[id];
  return nd->side == SIDE_LO ? w->lo[nd->pos].v : w->hi[nd->pos].v;
}

/* A new ring slot at the newest end (room must exist). */
static uint32_t take_slot(RankWindow *w) {
  uint32_t id = (w->head + w->len) & (w->cap - 1);
  w->len++;
  return id;
}

int rank_window_push(RankWindow *w, double v) {
  drop_gone(w);
  if (w->len == w->cap) {
    int rc = grow(w);
    if (rc != RW_OK) return rc;
  }
  RankEntry e = {v + 0.0, take_slot(w), 0};   /* -0.0 -> +0.0 */
  if (w->n_lo > 0 && e.v <= w->lo[0].v) lo_push(w, e);
  else hi_push(w, e);
  rebalance(w);
  return RW_OK;
}

static void unlink_slot(RankWindow *w, uint32_t id) {
  if (w->node[id].side == SIDE_LO) lo_remove_at(w, w->node[id].pos);
  else hi_remove_at(w, w->node[id].pos);
  w->node[id].side = SIDE_GONE;
}

int rank_window_remove(RankWindow *w, double v) {
  drop_gone(w);
  if (w->len == 0) return RW_NOT_FOUND;
  v += 0.0;
  if (value_of(w, w->head) == v) {
    unlink_slot(w, w->head);
    drop_gone(w);
  } else {
    /* not the oldest: any copy of v will do (contract 3) */
    uint32_t i;
    for (i = 0; i < w->n_lo && w->lo[i].v != v; i++) {
    }
    if (i < w->n_lo) {
      unlink_slot(w, w->lo[i].id);
    } else {
      for (i = 0; i < w->n_hi && w->hi[i].v != v; i++) {
      }
      if (i == w->n_hi) return RW_NOT_FOUND;
      unlink_slot(w, w->hi[i].id);
    }
  }
  rebalance(w);
  return RW_OK;
}

int rank_window_replace(RankWindow *w, double old_v, double new_v) {
  drop_gone(w);
  old_v += 0.0;
  if (w->len == 0 || value_of(w, w->head) != old_v) {
    int rc = rank_window_push(w, new_v);
    return rc != RW_OK ? rc : rank_window_remove(w, old_v);
  }
  /* The oldest leaves, the new value takes its heap position (and, when
  ** the ring is full, its ring slot): n and so k do not change. */
  uint32_t old_id = w->head;
  uint32_t side = w->node[old_id].side, pos = w->node[old_id].pos;
  w->node[old_id].side = SIDE_GONE;
  w->head = (w->head + 1) & (w->cap - 1);
  w->len--;
  RankEntry e = {new_v + 0.0, take_slot(w), 0};
  if (side == SIDE_LO) {
    if (w->n_hi == 0 || e.v <= w->hi[0].v) {
      lo_fix(w, pos, e);
    } else {
      /* e belongs above lo: the smallest of hi drops into lo instead */
      RankEntry t = w->hi[0];
      lo_fix(w, pos, t);
      hi_down(w, 0, e);
    }
  } else {
    if (e.v >= w->lo[0].v) {
      hi_fix(w, pos, e);
    } else {
      RankEntry t = w->lo[0];
      hi_fix(w, pos, t);
      lo_down(w, 0, e);
    }
  }
  return RW_OK;
}

void rank_window_pair(const RankWindow *w, double *kth, double *next) {
  *kth = w->lo[0].v;
  *next = w->n_hi ? w->hi[0].v : *kth;
}
