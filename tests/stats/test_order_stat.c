/*
** test_order_stat.c — the order-statistic treap (ext/order_stat.c) against a
** brute-force oracle: a plain sorted array kept with insertion sort.
**
** Random interleavings of insert / remove-any-value / select-every-rank, with
** heavy duplicates, -0.0 vs +0.0, extreme magnitudes, removals in FIFO,
** LIFO and random order, a remove of an absent value, and growth to 200,000
** values. Every select of every rank is compared after each phase.
*/
#include "unit.h"
#include "order_stat.h"

#include <float.h>
#include <stdlib.h>

/* The oracle: a sorted array. */
typedef struct {
  double *a;
  int n;
} Sorted;

static void sorted_insert(Sorted *s, double v) {
  int i = s->n++;
  while (i > 0 && s->a[i - 1] > v) {
    s->a[i] = s->a[i - 1];
    i--;
  }
  s->a[i] = v;
}

static int sorted_remove(Sorted *s, double v) {
  for (int i = 0; i < s->n; i++) {
    if (s->a[i] == v) {
      for (int j = i + 1; j < s->n; j++) s->a[j - 1] = s->a[j];
      s->n--;
      return 1;
    }
  }
  return 0;
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

static int same_ranks(const OrderStat *os, const Sorted *s) {
  if ((int)order_stat_count(os) != s->n) return 0;
  for (int k = 0; k < s->n; k++)
    if (order_stat_select(os, (uint32_t)k) != s->a[k]) return 0;
  return 1;
}

int main(void) {
  sqlite3 *db = unit_open(":memory:");   /* makes sqlite3_api valid */
  CHECK(db != 0);

  /* 1. random interleaving, 20 rounds of up to 600 values */
  {
    OrderStat os;
    order_stat_init(&os);
    Sorted s = {malloc(4000 * sizeof(double)), 0};
    double *fifo = malloc(200000 * sizeof(double));
    int ok = 1;
    for (int round = 0; round < 20 && ok; round++) {
      for (int i = 0; i < 600; i++) {
        if (s.n > 0 && next() % 3 == 0) {
          double v = s.a[next() % (uint64_t)s.n];     /* remove a present value */
          ok &= order_stat_remove(&os, v) == OS_OK;
          sorted_remove(&s, v);
        } else if (s.n < 4000) {
          double v = random_value();
          ok &= order_stat_insert(&os, v) == OS_OK;
          sorted_insert(&s, v + 0.0);
        }
        if (i % 50 == 0) ok &= same_ranks(&os, &s);
      }
      ok &= same_ranks(&os, &s);
    }
    CHECK(ok);
    CHECK(order_stat_remove(&os, 123456789.5) == OS_NOT_FOUND);
    CHECK(same_ranks(&os, &s));

    /* 2. drain in random order: empty again, then reusable */
    while (s.n > 0) {
      double v = s.a[next() % (uint64_t)s.n];
      CHECK(order_stat_remove(&os, v) == OS_OK);
      sorted_remove(&s, v);
    }
    CHECK(order_stat_count(&os) == 0);
    CHECK(order_stat_remove(&os, 0.0) == OS_NOT_FOUND);
    CHECK(order_stat_insert(&os, -0.0) == OS_OK);
    CHECK(order_stat_remove(&os, 0.0) == OS_OK);   /* -0.0 and +0.0 are one value */
    CHECK(order_stat_count(&os) == 0);

    /* 3. a sliding window of 101 over 5,000 values, FIFO removal: every
    ** median checked against the sorted oracle. */
    int head = 0;
    ok = 1;
    for (int i = 0; i < 5000; i++) {
      double v = random_value() + 0.0;
      fifo[i] = v;
      order_stat_insert(&os, v);
      sorted_insert(&s, v);
      if (i - head + 1 > 101) {
        ok &= order_stat_remove(&os, fifo[head]) == OS_OK;
        sorted_remove(&s, fifo[head]);
        head++;
      }
      ok &= order_stat_select(&os, (uint32_t)(s.n / 2)) == s.a[s.n / 2];
    }
    CHECK(ok);
    CHECK(same_ranks(&os, &s));
    order_stat_free(&os);

    /* 4. growth: 200,000 distinct values inserted in ascending order (the
    ** worst order for an unbalanced tree), removed LIFO. */
    order_stat_init(&os);
    ok = 1;
    for (int i = 0; i < 200000; i++) ok &= order_stat_insert(&os, (double)i) == OS_OK;
    CHECK(ok);
    CHECK(order_stat_count(&os) == 200000);
    CHECK(order_stat_select(&os, 0) == 0.0);
    CHECK(order_stat_select(&os, 99999) == 99999.0);
    CHECK(order_stat_select(&os, 199999) == 199999.0);
    for (int i = 199999; i >= 100000; i--) ok &= order_stat_remove(&os, (double)i) == OS_OK;
    CHECK(ok);
    CHECK(order_stat_count(&os) == 100000);
    CHECK(order_stat_select(&os, 99999) == 99999.0);
    order_stat_free(&os);
    free(s.a);
    free(fifo);
  }
  sqlite3_close(db);
  return unit_done();
}
