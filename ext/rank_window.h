/*
** rank_window.h — the values of a window frame, in arrival order, with the
** k-th smallest at hand: two indexed heaps (ext/rank_window.c has the
** contract). Internal to ext/: used by sliding_median(), median() and
** percentile().
*/
#ifndef PERFSQL_RANK_WINDOW_H
#define PERFSQL_RANK_WINDOW_H

#include <stdint.h>

/* Which rank k the window keeps at the top of its lower heap, for n values:
** RANK_MEDIAN k = (n-1)/2; RANK_PERCENTILE k = floor(p/100 * (n-1)). */
typedef enum { RANK_MEDIAN, RANK_PERCENTILE } RankRule;

typedef struct RankNode RankNode;
typedef struct RankEntry RankEntry;

typedef struct RankWindow {
  RankNode *node;       /* ring of the values' slots in arrival order, cap slots */
  RankEntry *lo, *hi;   /* max-heap of the k+1 smallest, min-heap of the rest */
  uint32_t cap;         /* power of two (0 before the first value) */
  uint32_t head, len;   /* oldest slot, slots in use (removed-out-of-order ones included) */
  uint32_t n_lo, n_hi;
  RankRule rule;
  double p;             /* RANK_PERCENTILE: 0..100 */
} RankWindow;

enum { RW_OK = 0, RW_NOMEM = 1, RW_NOT_FOUND = 2, RW_FULL = 3 };

#define RANK_WINDOW_MAX_COUNT 0x40000000u   /* values held at once */

void rank_window_init(RankWindow *w, RankRule rule, double p);
void rank_window_free(RankWindow *w);
/* Number of values held. */
uint32_t rank_window_count(const RankWindow *w);
/* Adds v (finite, not NaN). RW_OK, RW_NOMEM or RW_FULL. */
int rank_window_push(RankWindow *w, double v);
/* Removes one copy of v: the oldest value when it equals v (the window
** case, O(log n)), else any copy (O(n) search). RW_OK or RW_NOT_FOUND. */
int rank_window_remove(RankWindow *w, double v);
/* rank_window_push(w, new_v) then rank_window_remove(w, old_v), in one or
** two heap sifts when old_v is the oldest value (a frame sliding by one row).
** On RW_NOT_FOUND (old_v absent) new_v has been added. */
int rank_window_replace(RankWindow *w, double old_v, double new_v);
/* The k-th smallest (k per the rule) and the (k+1)-th, or the k-th again
** when there is none. count must be > 0. */
void rank_window_pair(const RankWindow *w, double *kth, double *next);
/* k for n values under w's rule. */
uint32_t rank_window_k(const RankWindow *w, uint32_t n);

#endif
