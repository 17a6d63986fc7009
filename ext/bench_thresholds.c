/*
** bench_thresholds.c — the regression thresholds file (YAML, read with libyaml).
**
**  1. Accepted document (every key optional):
**       default: {threshold_pct: 10, better: lower}
**       alpha: 0.05                     # significance level of the U test
**       noise_k: 3                      # a breach must exceed k x the runs' CV (0 = off)
**       metrics:
**         allocation_throughput: {threshold_pct: 10, better: higher}
**         "*_bandwidth": {better: higher}   # glob (* ? [...]), case-sensitive
**         allocation_total_time: 10         # seed convention: +N = N % slowdown allowed
**         transfer_1mb_bandwidth: -10       #                  -N = N % drop allowed (better: higher)
**     An empty file means the defaults. A metric named by a rule of
**     `metrics:` gates the verdict even when it is a Google Benchmark
**     counter or the other time (bench_thresholds_names()).
**  2. Resolution for a metric, field by field (threshold_pct, better): the
**     matching rule that sets the field and is most specific wins — an exact
**     name beats every glob, a glob with more literal characters beats one
**     with fewer, then the earlier rule. A `better` no rule sets is inferred:
**     higher for names ending in throughput, bandwidth or per_second (any
**     case); otherwise default.better, otherwise lower. A threshold no rule
**     sets is default.threshold_pct (10).
**  3. Errors (one line, "<name>:line L, column C: <what>", 1-based; quoted
**     text has control characters escaped): YAML
**     syntax errors (libyaml's problem and position), unknown keys, a
**     threshold that is not a number >= 0, better not lower/higher, alpha
**     not in (0, 1), duplicate metric rules, wrong node kinds.
**  4. Memory: rules are sqlite3_malloc'd; bench_thresholds_free() frees them.
*/
#include "bench.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <yaml.h>

void bench_thresholds_default(BenchThresholds *t) {
  memset(t, 0, sizeof(*t));
  t->default_pct = 10.0;
  t->default_better = BETTER_LOWER;
  t->alpha = 0.05;
  t->noise_k = 3.0;
}

void bench_thresholds_free(BenchThresholds *t) {
  for (int i = 0; i < t->n_rules; i++) sqlite3_free(t->rules[i].pattern);
  sqlite3_free(t->rules);
  t->rules = 0;
  t->n_rules = 0;
}

typedef struct YCtx {
  yaml_document_t *doc;
  const char *name;
  char *err;
} YCtx;

/* A key or value quoted in a message: control characters escaped (a YAML
** scalar may hold newlines), at most 60 bytes, so the message stays one line. */
static char *printable(const char *s) {
  PerfsqlBuf b = {0};
  for (size_t i = 0; s[i] && b.len < 60; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n') buf_append(&b, "\\n", 2);
    else if (c < 0x20 || c == 0x7f) buf_appendf(&b, "\\x%02x", c);
    else buf_append(&b, &s[i], 1);
  }
  buf_append(&b, "", 1);
  return b.data;
}

static int yfail(YCtx *y, const yaml_node_t *node, const char *fmt, const char *arg) {
  char *shown = printable(arg ? arg : "");
  char *what = sqlite3_mprintf(fmt, shown ? shown : "");
  sqlite3_free(shown);
  y->err = sqlite3_mprintf("%s:line %d, column %d: %s", y->name, (int)node->start_mark.line + 1,
                           (int)node->start_mark.column + 1, what ? what : "error");
  sqlite3_free(what);
  return -1;
}

static const char *scalar(const yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : 0;
}

static int parse_number(const char *s, double *out) {
  if (!s || !*s) return -1;
  char *end;
  double v = strtod(s, &end);
  while (*end == ' ') end++;
  if (*end || !isfinite(v)) return -1;   /* "nan", "inf", 1e999: not a threshold */
  *out = v;
  return 0;
}

/* One rule body: a number (seed convention) or {threshold_pct, better}. */
/* A mapping pair's key and value nodes; returns the key's text (NULL when it is not a scalar). */
static const char *pair_key(YCtx *y, const yaml_node_pair_t *p, yaml_node_t **k, yaml_node_t **v) {
  *k = yaml_document_get_node(y->doc, p->key);
  *v = yaml_document_get_node(y->doc, p->value);
  return scalar(*k);
}

static int parse_rule_body(YCtx *y, yaml_node_t *node, int *has_pct, double *pct, int *has_better,
                           int *better) {
  *has_pct = *has_better = 0;
  if (node->type == YAML_SCALAR_NODE) {
    double v;
    if (parse_number(scalar(node), &v) != 0)
      return yfail(y, node, "expected a number (percent) or a mapping, got '%s'", scalar(node));
    *has_pct = *has_better = 1;
    *pct = v < 0 ? -v : v;
    *better = v < 0 ? BETTER_HIGHER : BETTER_LOWER;
    return 0;
  }
  if (node->type != YAML_MAPPING_NODE)
    return yfail(y, node, "expected a number (percent) or a mapping {threshold_pct, better}%s", 0);
  for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top; p++) {
    yaml_node_t *k, *v;
    const char *key = pair_key(y, p, &k, &v);
    if (!key) return yfail(y, k, "expected a key%s", 0);
    if (strcmp(key, "threshold_pct") == 0) {
      double d;
      if (!scalar(v) || parse_number(scalar(v), &d) != 0 || d < 0)
        return yfail(y, v, "threshold_pct must be a number >= 0%s", 0);
      *has_pct = 1;
      *pct = d;
    } else if (strcmp(key, "better") == 0) {
      const char *b = scalar(v);
      if (b && strcmp(b, "lower") == 0) *better = BETTER_LOWER;
      else if (b && strcmp(b, "higher") == 0) *better = BETTER_HIGHER;
      else return yfail(y, v, "better must be 'lower' or 'higher'%s", 0);
      *has_better = 1;
    } else {
      return yfail(y, k, "unknown key '%s' (expected threshold_pct or better)", key);
    }
  }
  return 0;
}

static int glob_specificity(const char *p, int *is_glob) {
  int lit = 0;
  *is_glob = 0;
  for (const char *c = p; *c; c++) {
    if (*c == '*' || *c == '?') { *is_glob = 1; continue; }
    if (*c == '[') {
      const char *e = strchr(c + 1, ']');
      if (e) { *is_glob = 1; lit++; c = e; continue; }
    }
    lit++;
  }
  return *is_glob ? lit : INT_MAX;
}

static int parse_root(YCtx *y, yaml_node_t *root, BenchThresholds *t) {
  if (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0) return 0;  /* empty */
  if (root->type != YAML_MAPPING_NODE) return yfail(y, root, "expected a mapping at the top level%s", 0);
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k, *v;
    const char *key = pair_key(y, p, &k, &v);
    if (!key) return yfail(y, k, "expected a key%s", 0);
    if (strcmp(key, "default") == 0) {
      int hp, hb, b = t->default_better;
      double pct = t->default_pct;
      if (parse_rule_body(y, v, &hp, &pct, &hb, &b) != 0) return -1;
      if (hp) t->default_pct = pct;
      if (hb) { t->default_better = b; t->has_default_better = 1; }
    } else if (strcmp(key, "alpha") == 0) {
      double a;
      if (!scalar(v) || parse_number(scalar(v), &a) != 0 || !(a > 0 && a < 1))
        return yfail(y, v, "alpha must be a number in (0, 1)%s", 0);
      t->alpha = a;
    } else if (strcmp(key, "noise_k") == 0) {
      double k;
      if (!scalar(v) || parse_number(scalar(v), &k) != 0 || !(k >= 0 && k <= 100))
        return yfail(y, v, "noise_k must be a number in [0, 100]%s", 0);
      t->noise_k = k;
    } else if (strcmp(key, "metrics") == 0) {
      if (v->type == YAML_SCALAR_NODE && v->data.scalar.length == 0) continue;   /* metrics: (empty) */
      if (v->type != YAML_MAPPING_NODE) return yfail(y, v, "metrics must be a mapping of name: rule%s", 0);
      for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *mk = yaml_document_get_node(y->doc, q->key);
        yaml_node_t *mv = yaml_document_get_node(y->doc, q->value);
        const char *name = scalar(mk);
        if (!name || !*name) return yfail(y, mk, "expected a metric name or glob%s", 0);
        for (int i = 0; i < t->n_rules; i++)
          if (strcmp(t->rules[i].pattern, name) == 0) return yfail(y, mk, "duplicate rule for '%s'", name);
        BenchRule r = {0};
        if (parse_rule_body(y, mv, &r.has_threshold, &r.threshold_pct, &r.has_better, &r.better) != 0)
          return -1;
        r.pattern = sqlite3_mprintf("%s", name);
        if (!r.pattern) return yfail(y, mk, "out of memory%s", 0);
        r.specificity = glob_specificity(name, &r.is_glob);
        BenchRule *nr = sqlite3_realloc64(t->rules, sizeof(BenchRule) * (size_t)(t->n_rules + 1));
        if (!nr) { sqlite3_free(r.pattern); return yfail(y, mk, "out of memory%s", 0); }
        t->rules = nr;
        t->rules[t->n_rules++] = r;
      }
    } else {
      return yfail(y, k, "unknown key '%s' (expected default, metrics, alpha or noise_k)", key);
    }
  }
  return 0;
}

int bench_thresholds_parse(const char *name, const char *text, size_t len, BenchThresholds *t,
                           char **pzErr) {
  bench_thresholds_default(t);
  yaml_parser_t parser;
  yaml_document_t doc;
  if (!yaml_parser_initialize(&parser)) {
    *pzErr = sqlite3_mprintf("%s: cannot initialize the YAML parser", name);
    return -1;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    const yaml_mark_t *m = &parser.problem_mark;
    *pzErr = sqlite3_mprintf("%s:line %d, column %d: %s%s%s", name, (int)m->line + 1, (int)m->column + 1,
                             parser.problem ? parser.problem : "YAML syntax error",
                             parser.context ? " " : "", parser.context ? parser.context : "");
    yaml_parser_delete(&parser);
    return -1;
  }
  YCtx y = {&doc, name, 0};
  int rc = 0;
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  if (root) rc = parse_root(&y, root, t);
  /* a second document is not allowed */
  if (rc == 0 && root) {
    yaml_document_t more;
    if (yaml_parser_load(&parser, &more)) {
      yaml_node_t *r2 = yaml_document_get_root_node(&more);
      if (r2) {
        y.doc = &more;
        rc = yfail(&y, r2, "only one YAML document is allowed%s", 0);
      }
      yaml_document_delete(&more);
    }
  }
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  if (rc != 0) {
    *pzErr = y.err ? y.err : sqlite3_mprintf("%s: out of memory", name);
    bench_thresholds_free(t);
    return -1;
  }
  return 0;
}

static int ends_with_ci(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && sqlite3_stricmp(s + n - m, suffix) == 0;
}

void bench_thresholds_resolve(const BenchThresholds *t, const char *metric, double *threshold_pct,
                              int *better) {
  const BenchRule *best_pct = 0, *best_better = 0;
  for (int i = 0; i < t->n_rules; i++) {
    const BenchRule *r = &t->rules[i];
    int match = r->is_glob ? sqlite3_strglob(r->pattern, metric) == 0 : strcmp(r->pattern, metric) == 0;
    if (!match) continue;
    if (r->has_threshold && (!best_pct || r->specificity > best_pct->specificity)) best_pct = r;
    if (r->has_better && (!best_better || r->specificity > best_better->specificity)) best_better = r;
  }
  *threshold_pct = best_pct ? best_pct->threshold_pct : t->default_pct;
  if (best_better) *better = best_better->better;
  else if (ends_with_ci(metric, "throughput") || ends_with_ci(metric, "bandwidth") ||
           ends_with_ci(metric, "per_second"))
    *better = BETTER_HIGHER;
  else *better = t->has_default_better ? t->default_better : BETTER_LOWER;
}

int bench_thresholds_names(const BenchThresholds *t, const char *metric) {
  for (int i = 0; i < t->n_rules; i++) {
    const BenchRule *r = &t->rules[i];
    if (r->is_glob ? sqlite3_strglob(r->pattern, metric) == 0 : strcmp(r->pattern, metric) == 0) return 1;
  }
  return 0;
}
