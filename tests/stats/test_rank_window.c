/*
** test_rank_window.c — the two-heap window (ext/rank_window.c) against a
** brute-force oracle: a plain sorted array plus the arrival order.
**
** For the median rule and percentile ranks p = 0, 10, 33.3, 50, 90, 100:
** random pushes, oldest-first removals and replaces (the window cases) with heavy
** duplicates, -0.0 vs +0.0 and extreme magnitudes, growing and shrinking
** frames (ring growth with wrap-around), out-of-order removals (tombstones),
** removal of an absent value and from an empty window. After every operation
** the k-th and (k+1)-th smallest must equal the oracle's.
*/
#include "unit.h"
#include "rank_window.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

typedef struct {
  double *sorted;   /* the oracle's multiset, sorted */
  double *fifo;     /* arrival order; [head, tail) live (removed ones marked NAN) */
  int n, head, tail;
} Oracle;

static void oracle_insert(Oracle *o, double v) {
  int i = o->n++;
  while (i > 0 && o->sorted[i - 1] > v) {
    o->sorted[i] = o->sorted[i - 1];
    i--;
  }
  o->sorted[i] = v;
  o->fifo[o->tail++] = v;
}

static void oracle_erase(Oracle *o, double v) {
  for (int i = 0; i < o->n; i++) {
    if (o->sorted[i] == v) {
      for (int j = i + 1; j < o->n; j++) o->sorted[j - 1] = o->sorted[j];
      o->n--;
      return;
    }
  }
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static double random_value(void) {
  switch (next() % 6) {
    case 0: return (double)(next() % 5);                  /* heavy duplicates */
    case 1: return next() % 2 ? -0.0 : 0.0;
    case 2: return (double)(int64_t)(next() % 2000001) - 1000000.0;
    case 3: return (next() % 2 ? 1 : -1) * DBL_MAX / (double)(1 + next() % 3);
    case 4: return (double)(next() >> 11) / 9007199254740992.0;
    default: return -(double)(next() % 100) / 7.0;
  }
}

/* The oracle's k for n values (the definitions in the contract, computed here). */
static int oracle_k(int median, double p, int n) {
  if (median) return (n - 1) / 2;
  return (int)floor(p / 100.0 * (double)(n - 1));
}

static int agrees(const RankWindow *w, const Oracle *o, int median, double p) {
  if ((int)rank_window_count(w) != o->n) return 0;
  if (o->n == 0) return 1;
  int k = oracle_k(median, p, o->n);
  double kth, nxt;
  rank_window_pair(w, &kth, &nxt);
  double want_next = k + 1 < o->n ? o->sorted[k + 1] : o->sorted[k];
  if (kth != o->sorted[k] || nxt != want_next) {
    fprintf(stderr, "n=%d k=%d: got %g,%g want %g,%g\n", o->n, k, kth, nxt, o->sorted[k], want_next);
    return 0;
  }
  return 1;
}

static void run(int median, double p) {
  RankWindow w;
  rank_window_init(&w, median ? RANK_MEDIAN : RANK_PERCENTILE, p);
  Oracle o = {malloc(40000 * sizeof(double)), malloc(400000 * sizeof(double)), 0, 0, 0};
  int ok = 1, ops = 0;
  CHECK(rank_window_remove(&w, 1.0) == RW_NOT_FOUND);   /* empty */
  /* phases: the target frame size swings 0 -> 3000 -> 5 -> 700 -> 0 */
  static const int targets[] = {1, 3000, 5, 700, 101, 0};
  for (size_t phase = 0; phase < sizeof targets / sizeof targets[0] && ok; phase++) {
    for (int step = 0; step < 4000 && ok; step++) {
      int grow = o.n < targets[phase] ? next() % 4 != 0 : next() % 4 == 0;
      if (o.n > 0 && o.tail < 400000 && next() % 3 == 0) {
        /* a frame sliding by one row: the newest in, the oldest out */
        while (isnan(o.fifo[o.head])) o.head++;
        double v = random_value() + 0.0, old = o.fifo[o.head];
        o.fifo[o.head++] = NAN;
        oracle_insert(&o, v);
        oracle_erase(&o, old);
        ok &= rank_window_replace(&w, old, v) == RW_OK;
      } else if (grow && o.tail < 400000) {
        double v = random_value() + 0.0;
        ok &= rank_window_push(&w, v) == RW_OK;
        oracle_insert(&o, v);
      } else if (o.n > 0) {
        while (isnan(o.fifo[o.head])) o.head++;
        double v;
        if (next() % 50 == 0) {
          /* out of order: some live value other than the oldest */
          int i = o.head + (int)(next() % (uint64_t)(o.tail - o.head));
          while (isnan(o.fifo[i])) i--;
          v = o.fifo[i];
          /* the window may remove any equal copy; the oracle marks the
          ** newest equal live one so that its FIFO stays a valid replay */
          for (int j = o.tail - 1; j >= o.head; j--)
            if (o.fifo[j] == v) {
              o.fifo[j] = NAN;
              break;
            }
        } else {
          v = o.fifo[o.head];
          o.fifo[o.head++] = NAN;
        }
        ok &= rank_window_remove(&w, v) == RW_OK;
        oracle_erase(&o, v);
      }
      ok &= agrees(&w, &o, median, p);
      ops++;
    }
    if (targets[phase] == 0) {
      while (o.n > 0) {
        while (isnan(o.fifo[o.head])) o.head++;
        double v = o.fifo[o.head];
        o.fifo[o.head++] = NAN;
        ok &= rank_window_remove(&w, v) == RW_OK;
        oracle_erase(&o, v);
        ok &= agrees(&w, &o, median, p);
      }
    }
  }
  CHECK(ok);
  CHECK(ops > 20000);
  CHECK(rank_window_count(&w) == 0);
  CHECK(rank_window_remove(&w, 0.0) == RW_NOT_FOUND);
  CHECK(rank_window_push(&w, -0.0) == RW_OK);
  CHECK(rank_window_push(&w, 7.0) == RW_OK);
  CHECK(rank_window_remove(&w, 123.5) == RW_NOT_FOUND);
  CHECK(rank_window_remove(&w, 0.0) == RW_OK);   /* -0.0 and +0.0 are one value */
  CHECK(rank_window_count(&w) == 1);
  /* replace of a value that is not the oldest (falls back to push + remove) */
  CHECK(rank_window_push(&w, 9.0) == RW_OK);
  CHECK(rank_window_replace(&w, 9.0, 1.0) == RW_OK);
  double a, b;
  rank_window_pair(&w, &a, &b);
  CHECK(rank_window_count(&w) == 2);
  CHECK(median ? a == 1.0 && b == 7.0 : 1);
  CHECK(rank_window_replace(&w, 55.0, 2.0) == RW_NOT_FOUND);
  rank_window_free(&w);
  free(o.sorted);
  free(o.fifo);
}

int main(void) {
  sqlite3 *db = unit_open(":memory:");   /* makes sqlite3_api valid */
  CHECK(db != 0);
  run(1, 0);
  static const double ps[] = {0, 10, 33.3, 50, 90, 100};
  for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) run(0, ps[i]);

  /* a steady sliding window of 1001 over 100,000 values: medians checked
  ** against a sort of the same frame every 997 rows */
  RankWindow w;
  rank_window_init(&w, RANK_MEDIAN, 0);
  double *xs = malloc(100000 * sizeof(double)), *frame = malloc(1001 * sizeof(double));
  int ok = 1;
  for (int i = 0; i < 100000; i++) {
    xs[i] = (double)(next() % 10000) / 4.0;
    if (i >= 1001) ok &= rank_window_replace(&w, xs[i - 1001], xs[i]) == RW_OK;
    else ok &= rank_window_push(&w, xs[i]) == RW_OK;
    if (i % 997 == 0 && i >= 1000) {
      for (int j = 0; j < 1001; j++) frame[j] = xs[i - 1000 + j];
      for (int a = 1; a < 1001; a++)
        for (int b = a; b > 0 && frame[b - 1] > frame[b]; b--) {
          double t = frame[b];
          frame[b] = frame[b - 1];
          frame[b - 1] = t;
        }
      double kth, nxt;
      rank_window_pair(&w, &kth, &nxt);
      ok &= kth == frame[500] && nxt == frame[501];
    }
  }
  CHECK(ok);
  rank_window_free(&w);
  free(xs);
  free(frame);
  sqlite3_close(db);
  return unit_done();
}
