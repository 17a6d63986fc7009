/*
** order_stat.h — a multiset of doubles answering "the k-th smallest" in
** O(log n): an order-statistic treap (see ext/order_stat.c for the contract).
** Internal to ext/: used by the window medians and percentiles.
*/
#ifndef PERFSQL_ORDER_STAT_H
#define PERFSQL_ORDER_STAT_H

#include <stdint.h>

typedef struct OrderStatNode OrderStatNode;

typedef struct OrderStat {
  OrderStatNode *node;   /* node pool; node[0] is the empty-tree sentinel */
  uint32_t n_alloc;      /* slots in node[] */
  uint32_t n_used;       /* slots ever handed out (free ones are on free_list) */
  uint32_t free_list;    /* freed slots, chained through their left links */
  uint32_t root;
  uint64_t rng;          /* xorshift64 state for node priorities */
} OrderStat;

/* Status codes. */
enum { OS_OK = 0, OS_NOMEM = 1, OS_NOT_FOUND = 2, OS_FULL = 3 };

#define ORDER_STAT_MAX_COUNT 0xffffffffu   /* values held at once */

void order_stat_init(OrderStat *os);
void order_stat_free(OrderStat *os);
/* Number of values held (duplicates counted). */
uint32_t order_stat_count(const OrderStat *os);
/* Adds v (finite, not NaN). OS_OK, OS_NOMEM or OS_FULL. */
int order_stat_insert(OrderStat *os, double v);
/* Removes one copy of v. OS_OK or OS_NOT_FOUND. */
int order_stat_remove(OrderStat *os, double v);
/* The k-th smallest value, k = 0 .. count-1. */
double order_stat_select(const OrderStat *os, uint32_t k);

#endif
