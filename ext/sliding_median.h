/*
** sliding_median.h — the accumulator shared by sliding_median(), median()
** and percentile(): a multiset of the current frame's values with exact
** order statistics (ext/sliding_median.c has the contract).
*/
#ifndef PERFSQL_SLIDING_MEDIAN_H
#define PERFSQL_SLIDING_MEDIAN_H

#include "perfsql.h"
#include "rank_window.h"

/* What to compute from the frame's sorted values a[0..n-1]. */
typedef enum { QUANTILE_MEDIAN, QUANTILE_PERCENTILE } QuantileKind;

enum { PENDING_NONE = 0, PENDING_ADD = 1, PENDING_REMOVE = 2 };

typedef struct QuantileAcc {
  /* Plain aggregate mode: values appended unsorted, selected at xFinal in
  ** O(n). The first xValue or xInverse moves them, in order, into `win`. */
  double *vals;
  sqlite3_int64 n_vals, n_alloc;
  int in_window;
  RankWindow win;
  /* Window mode: the last xStep's value (PENDING_ADD) or xInverse's
  ** (PENDING_REMOVE), held back so that an xStep/xInverse pair, in either
  ** order, becomes one rank_window_replace(); xValue/xFinal flush it. */
  int pending;
  double pending_v;
  const char *fn;   /* the SQL function's name, for error messages */
  /* percentile(): the p of the first row (every row must repeat it). */
  int has_p;
  double p;
} QuantileAcc;

/* The aggregate context (created on first use when create != 0; NULL when
** no row was ever stepped and create == 0, or on OOM with the error set). */
QuantileAcc *quantile_acc(sqlite3_context *ctx, int create);
/* Adds / removes the frame value x (NULL ignored; not a number or ±Inf is an
** error naming fn). */
void quantile_step(sqlite3_context *ctx, const char *fn, sqlite3_value *x);
void quantile_inverse(sqlite3_context *ctx, const char *fn, QuantileKind kind, sqlite3_value *x);
/* Sets the result: NULL for an empty frame. final != 0 also frees the state. */
void quantile_result(sqlite3_context *ctx, QuantileKind kind, int final);

#endif
