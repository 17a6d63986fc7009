/*
** order_stat.c — an order-statistic multiset of doubles (a treap).
**
** Contract:
**  1. Holds a multiset of finite doubles (callers reject NaN and ±Inf; -0.0
**     is stored as +0.0). Equal values share one node with a count, so runs
**     of duplicates cost one node.
**  2. insert, remove (one copy of a given value, in any order) and select
**     (the k-th smallest, 0-based) take expected O(log n) time: a treap is a
**     binary search tree on the value whose shape is that of a random
**     insertion order (heap-ordered random priorities), so its expected depth
**     is about 2 ln n whatever order the values arrive in. Every node keeps
**     the number of values in its subtree, which is what makes select
**     O(depth).
**  3. Memory: one 32-byte node per distinct value held, in one pool grown by
**     doubling with sqlite3_realloc64 (freed nodes are reused); no allocation
**     happens on remove or select. At most ORDER_STAT_MAX_COUNT values.
**  4. Deterministic: the priority generator is seeded with a constant, so a
**     given sequence of operations always builds the same tree (results never
**     depend on the shape anyway).
** Why a treap and not two heaps (bottleneck's move_median): heaps give one
** fixed rank, percentiles need any rank, and removal by value needs no FIFO
** bookkeeping here, so any frame or exclusion order SQLite uses is correct.
*/
#include "perfsql.h"
#include "order_stat.h"

#include <string.h>

struct OrderStatNode {
  double value;
  uint32_t left, right;  /* node indexes, 0 = none */
  uint32_t prio;         /* heap order: a parent's prio >= its children's */
  uint32_t cnt;          /* copies of value */
  uint32_t size;         /* values in this subtree, copies included */
  uint32_t pad;
};

void order_stat_init(OrderStat *os) {
  memset(os, 0, sizeof *os);
  os->rng = 0x9e3779b97f4a7c15ULL;
}

void order_stat_free(OrderStat *os) {
  sqlite3_free(os->node);
  order_stat_init(os);
}

uint32_t order_stat_count(const OrderStat *os) {
  return os->root ? os->node[os->root].size : 0;
}

static uint32_t next_prio(OrderStat *os) {
  uint64_t x = os->rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  os->rng = x;
  return (uint32_t)(x >> 32);
}

static uint32_t new_node(OrderStat *os, double v) {
  uint32_t i;
  if (os->free_list) {
    i = os->free_list;
    os->free_list = os->node[i].left;
  } else {
    if (os->n_used + 1 >= os->n_alloc) {
      uint64_t n = os->n_alloc ? 2 * (uint64_t)os->n_alloc : 64;
      if (n > 0xffffffffULL) n = 0xffffffffULL;
      if (n <= os->n_used + 1) return 0;
      OrderStatNode *p = sqlite3_realloc64(os->node, n * sizeof *p);
      if (!p) return 0;
      if (!os->node) memset(&p[0], 0, sizeof p[0]);   /* the sentinel: size 0 */
      os->node = p;
      os->n_alloc = (uint32_t)n;
    }
    if (os->n_used == 0) os->n_used = 1;               /* slot 0 is the sentinel */
    i = os->n_used++;
  }
  OrderStatNode *x = &os->node[i];
  x->value = v;
  x->left = x->right = 0;
  x->prio = next_prio(os);
  x->cnt = x->size = 1;
  x->pad = 0;
  return i;
}

static void update_size(OrderStatNode *N, uint32_t t) {
  N[t].size = N[t].cnt + N[N[t].left].size + N[N[t].right].size;
}

/* Splits subtree t (which does not hold v) into the values < v and > v. */
static void split(OrderStatNode *N, uint32_t t, double v, uint32_t *lo, uint32_t *hi) {
  if (!t) {
    *lo = *hi = 0;
  } else if (N[t].value < v) {
    split(N, N[t].right, v, &N[t].right, hi);
    *lo = t;
    update_size(N, t);
  } else {
    split(N, N[t].left, v, lo, &N[t].left);
    *hi = t;
    update_size(N, t);
  }
}

/* Joins subtrees a and b, every value of a below every value of b. */
static uint32_t merge(OrderStatNode *N, uint32_t a, uint32_t b) {
  if (!a) return b;
  if (!b) return a;
  if (N[a].prio >= N[b].prio) {
    N[a].right = merge(N, N[a].right, b);
    update_size(N, a);
    return a;
  }
  N[b].left = merge(N, a, N[b].left);
  update_size(N, b);
  return b;
}

/* Inserts new node x (its value absent from t) into subtree t. */
static uint32_t insert_node(OrderStatNode *N, uint32_t t, uint32_t x) {
  if (!t) return x;
  if (N[x].prio > N[t].prio) {
    split(N, t, N[x].value, &N[x].left, &N[x].right);
    update_size(N, x);
    return x;
  }
  N[t].size++;
  if (N[x].value < N[t].value) N[t].left = insert_node(N, N[t].left, x);
  else N[t].right = insert_node(N, N[t].right, x);
  return t;
}

/* The node holding v, or 0. */
static uint32_t find(const OrderStat *os, double v) {
  const OrderStatNode *N = os->node;
  uint32_t t = os->root;
  while (t && N[t].value != v) t = v < N[t].value ? N[t].left : N[t].right;
  return t;
}

int order_stat_insert(OrderStat *os, double v) {
  v += 0.0;   /* -0.0 -> +0.0: one node for zero */
  if (order_stat_count(os) == ORDER_STAT_MAX_COUNT) return OS_FULL;
  uint32_t hit = find(os, v);
  if (hit) {
    /* Existing value: one more copy; every subtree on the path grows by one. */
    OrderStatNode *N = os->node;
    uint32_t t = os->root;
    for (;;) {
      N[t].size++;
      if (t == hit) break;
      t = v < N[t].value ? N[t].left : N[t].right;
    }
    N[hit].cnt++;
    return OS_OK;
  }
  uint32_t x = new_node(os, v);
  if (!x) return OS_NOMEM;
  os->root = insert_node(os->node, os->root, x);
  return OS_OK;
}

int order_stat_remove(OrderStat *os, double v) {
  v += 0.0;
  uint32_t hit = find(os, v);
  if (!hit) return OS_NOT_FOUND;
  OrderStatNode *N = os->node;
  uint32_t *link = &os->root;
  for (;;) {
    uint32_t t = *link;
    N[t].size--;
    if (t == hit) break;
    link = v < N[t].value ? &N[t].left : &N[t].right;
  }
  if (--N[hit].cnt == 0) {
    *link = merge(N, N[hit].left, N[hit].right);
    N[hit].left = os->free_list;
    os->free_list = hit;
  }
  return OS_OK;
}

double order_stat_select(const OrderStat *os, uint32_t k) {
  const OrderStatNode *N = os->node;
  uint32_t t = os->root;
  while (t) {
    uint32_t ls = N[N[t].left].size;
    if (k < ls) {
      t = N[t].left;
    } else if (k < ls + N[t].cnt) {
      return N[t].value;
    } else {
      k -= ls + N[t].cnt;
      t = N[t].right;
    }
  }
  return 0.0;   /* k out of range: callers never ask */
}
