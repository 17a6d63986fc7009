/*
** chart_options.c — the options JSON of chart_line/bar/heatmap/scatter.
**
**  1. Parsed with SQLite's own json_each() on the calling connection (no
**     JSON code of ours): one statement per object or array level.
**  2. NULL or '' options = all defaults. Anything that is not an object, an
**     unknown key, a value of the wrong type or out of range is an error
**     "<function>: options: <key>: <what>" — a typo never passes silently.
**  3. Keys (README "Charts" lists them with their defaults): title, x_label,
**     y_label, z_label, x_unit, y_unit, marks, width, height, log_y, log_z, y_integer, y_min, y_max, x_min,
**     x_max, x_type, legend, line_width, point_size, bar_labels, colors,
**     markers [{x, label, color, width, dash, xanchor}] (or plotly line
**     shapes as in KubeVirt's shape.yaml, verbatim), bands [{x0, x1,
**     label, color, opacity}], series {name: {mode, color, width, dash}}.
**  4. Times (x_type time/time_ns, markers, bands, x_min/x_max given as text)
**     are ISO-8601 parsed by perfsql_parse_time(); numbers are unix seconds,
**     or nanoseconds when x_type is time_ns.
*/
#include "chart.h"
#include <math.h>
#include <stdarg.h>
#include <string.h>

typedef struct OptParser {
  sqlite3 *db;
  const char *fname;
  int kind;
  ChartOptions *o;
  char *err;
} OptParser;

/* One json_each row: key (text or array index), type, atom, value. */
typedef struct JsonItem {
  const char *key;
  int index;
  const char *type;
  sqlite3_value *atom;
  const char *value;           /* JSON text of arrays/objects */
} JsonItem;

typedef int (*ItemFn)(OptParser *p, const char *where, JsonItem *it, void *arg);

static int fail(OptParser *p, const char *where, const char *what) {
  if (!p->err) p->err = sqlite3_mprintf("%s: options: %s%s%s", p->fname, where ? where : "",
                                        where ? ": " : "", what);
  return -1;
}

/* fail() with a printf-style message */
static int failf(OptParser *p, const char *where, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *m = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
  fail(p, where, m ? m : "out of memory");
  sqlite3_free(m);
  return -1;
}

/* Runs fn on every member of the JSON object/array `json`; `want` is
** "object" or "array". */
static int json_walk(OptParser *p, const char *where, const char *json, const char *want,
                     ItemFn fn, void *arg) {
  sqlite3_stmt *st = 0;
  int rc = sqlite3_prepare_v2(p->db,
                              "SELECT json_type(?1), key, type, atom, value FROM json_each(?1)",
                              -1, &st, 0);
  if (rc != SQLITE_OK) return fail(p, where, sqlite3_errmsg(p->db));
  sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
  int first = 1, result = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (first) {
      const char *t = (const char *)sqlite3_column_text(st, 0);
      if (!t || strcmp(t, want) != 0) {
        result = failf(p, where, "expected a JSON %s", want);
        break;
      }
      first = 0;
    }
    JsonItem it;
    it.key = (const char *)sqlite3_column_text(st, 1);
    it.index = sqlite3_column_int(st, 1);
    it.type = (const char *)sqlite3_column_text(st, 2);
    it.atom = sqlite3_column_value(st, 3);
    it.value = (const char *)sqlite3_column_text(st, 4);
    if (fn(p, where, &it, arg) != 0) {
      result = -1;
      break;
    }
  }
  if (result == 0 && rc != SQLITE_DONE) {
    const char *m = sqlite3_errmsg(p->db);
    result = fail(p, where, strstr(m, "JSON") || strstr(m, "json") ? "malformed JSON" : m);
  }
  if (result == 0 && first) {
    /* empty object/array, or not that kind of value at all */
    sqlite3_reset(st);
    sqlite3_stmt *t = 0;
    if (sqlite3_prepare_v2(p->db, "SELECT json_type(?1)", -1, &t, 0) == SQLITE_OK) {
      sqlite3_bind_text(t, 1, json, -1, SQLITE_STATIC);
      if (sqlite3_step(t) == SQLITE_ROW) {
        const char *ty = (const char *)sqlite3_column_text(t, 0);
        if (!ty || strcmp(ty, want) != 0) result = failf(p, where, "expected a JSON %s", want);
      } else {
        result = fail(p, where, "malformed JSON");
      }
      sqlite3_finalize(t);
    }
  }
  sqlite3_finalize(st);
  return result;
}

static int is_number(const JsonItem *it) {
  return strcmp(it->type, "integer") == 0 || strcmp(it->type, "real") == 0;
}

static int get_text(OptParser *p, const char *key, JsonItem *it, char **out) {
  if (strcmp(it->type, "text") != 0) return fail(p, key, "expected a string");
  sqlite3_free(*out);
  *out = sqlite3_mprintf("%s", (const char *)sqlite3_value_text(it->atom));
  return 0;
}

static int get_bool(OptParser *p, const char *key, JsonItem *it, int *out) {
  if (strcmp(it->type, "true") == 0) *out = 1;
  else if (strcmp(it->type, "false") == 0) *out = 0;
  else if (strcmp(it->type, "integer") == 0) *out = sqlite3_value_int(it->atom) != 0;
  else return fail(p, key, "expected true or false");
  return 0;
}

static int get_int(OptParser *p, const char *key, JsonItem *it, int lo, int hi, int *out) {
  if (!is_number(it)) return fail(p, key, "expected a number");
  double v = sqlite3_value_double(it->atom);
  if (!(v >= lo && v <= hi)) return failf(p, key, "%g out of range %d..%d", v, lo, hi);
  *out = (int)v;
  return 0;
}

static int get_number(OptParser *p, const char *key, JsonItem *it, double *out) {
  if (!is_number(it)) return fail(p, key, "expected a number");
  *out = sqlite3_value_double(it->atom);
  if (!isfinite(*out)) return fail(p, key, "expected a finite number");
  return 0;
}

/* A position on the x axis: a number, or ISO-8601 text (a time). */
static int get_x(OptParser *p, const char *key, JsonItem *it, double *out, int *is_text) {
  if (is_number(it)) {
    *is_text = 0;
    return get_number(p, key, it, out);
  }
  if (strcmp(it->type, "text") == 0) {
    const char *s = (const char *)sqlite3_value_text(it->atom);
    if (perfsql_parse_time(s, out) != 0) {
      return failf(p, key, "'%s' is not a number or an ISO-8601 time", s);
    }
    *is_text = 1;
    return 0;
  }
  return fail(p, key, "expected a number or an ISO-8601 time");
}

static int get_color(OptParser *p, const char *key, JsonItem *it, int *out) {
  if (strcmp(it->type, "text") != 0) return fail(p, key, "expected a colour string");
  const char *s = (const char *)sqlite3_value_text(it->atom);
  if (chart_parse_color(s, out) != 0)
    return failf(p, key, "unknown colour '%s' (use #rrggbb, rgb(r,g,b) or a CSS name)", s);
  return 0;
}

static int get_dash(OptParser *p, const char *key, JsonItem *it, int *out) {
  if (strcmp(it->type, "text") != 0 ||
      chart_dash_parse((const char *)sqlite3_value_text(it->atom), out) != 0)
    return fail(p, key, "expected solid, dot, dash, longdash, dashdot or longdashdot");
  return 0;
}

static int get_x_type(OptParser *p, const char *key, JsonItem *it, int *out) {
  char *t = 0;
  if (get_text(p, key, it, &t) != 0) return -1;
  *out = strcmp(t, "number") == 0     ? XT_NUMBER
         : strcmp(t, "time") == 0     ? XT_TIME
         : strcmp(t, "time_ns") == 0  ? XT_TIME_NS
         : strcmp(t, "category") == 0 ? XT_CATEGORY
                                      : -1;
  sqlite3_free(t);
  return *out >= 0 ? 0 : fail(p, key, "expected number, time, time_ns or category");
}

/* ---- lists of options (colors, markers, bands, series) -------------------- */
/* A new zeroed element at the end of the array *arr (*n elements of elem
** bytes); NULL after fail(). */
static void *append(OptParser *p, void **arr, int *n, size_t elem, const char *name) {
  char *na = sqlite3_realloc64(*arr, elem * (sqlite3_uint64)(*n + 1));
  if (!na) {
    fail(p, name, "out of memory");
    return 0;
  }
  *arr = na;
  memset(na + elem * (size_t)*n, 0, elem);
  return na + elem * (size_t)(*n)++;
}

/* Walks the object that is element it of the list `name` with fn(elem),
** key = "name[i]" for the messages. */
static int walk_element(OptParser *p, const char *name, JsonItem *it, ItemFn fn, void *elem,
                        char *key, size_t n) {
  sqlite3_snprintf((int)n, key, "%s[%d]", name, it->index);
  if (strcmp(it->type, "object") != 0) return fail(p, key, "expected an object");
  return json_walk(p, key, it->value, "object", fn, elem);
}

/* ---- colors: ["#0072B2", ...] --------------------------------------------- */
static int color_item(OptParser *p, const char *where, JsonItem *it, void *arg) {
  (void)arg;
  ChartOptions *o = p->o;
  int *c = append(p, (void **)&o->colors, &o->n_colors, sizeof(int), where);
  char key[48];
  sqlite3_snprintf(sizeof key, key, "colors[%d]", it->index);
  return c ? get_color(p, key, it, c) : -1;
}

/* ---- markers: [{x, label, color, width, dash, xanchor}] -------------------- */
static int marker_field(OptParser *p, const char *where, JsonItem *it, void *arg) {
  ChartMarker *m = arg;
  char key[96];
  sqlite3_snprintf(sizeof key, key, "%s.%s", where, it->key);
  if (strcmp(it->key, "x") == 0) return get_x(p, key, it, &m->x, &m->x_is_text);
  if (strcmp(it->key, "label") == 0 && strcmp(it->type, "object") != 0)
    return get_text(p, key, it, &m->label);
  if (strcmp(it->key, "color") == 0) return get_color(p, key, it, &m->color);
  if (strcmp(it->key, "width") == 0) return get_int(p, key, it, 1, 20, &m->width);
  if (strcmp(it->key, "dash") == 0) return get_dash(p, key, it, &m->dash);
  if (strcmp(it->key, "xanchor") == 0) {
    char *a = 0;
    if (get_text(p, key, it, &a) != 0) return -1;
    int ok = strcmp(a, "left") == 0 || strcmp(a, "right") == 0 || strcmp(a, "center") == 0;
    m->anchor_left = strcmp(a, "left") == 0;
    sqlite3_free(a);
    return ok ? 0 : fail(p, key, "expected left, right or center");
  }
  /* plotly's shape form, as in KubeVirt's shape.yaml lineShapes, verbatim:
  ** {type: line, x0, x1, y0, y1, yref, editable, line: {color, width, dash},
  **  label: {text, xanchor}} */
  if (strcmp(it->key, "x0") == 0) return get_x(p, key, it, &m->x, &m->x_is_text);
  if (strcmp(it->key, "x1") == 0 || strcmp(it->key, "y0") == 0 || strcmp(it->key, "y1") == 0 ||
      strcmp(it->key, "yref") == 0 || strcmp(it->key, "editable") == 0 || strcmp(it->key, "xref") == 0)
    return 0;               /* a vertical line spans the plot: nothing else to draw */
  if (strcmp(it->key, "type") == 0) {
    if (strcmp(it->type, "text") == 0 && strcmp((const char *)sqlite3_value_text(it->atom), "line") == 0)
      return 0;
    return fail(p, key, "only shapes of type \"line\" are markers");
  }
  if (strcmp(it->key, "line") == 0 || strcmp(it->key, "label") == 0) {
    if (strcmp(it->type, "object") != 0) return fail(p, key, "expected an object");
    return json_walk(p, key, it->value, "object", marker_field, m);
  }
  if (strcmp(it->key, "text") == 0 && strstr(where, ".label")) return get_text(p, key, it, &m->label);
  return fail(p, key, "unknown key (markers take x, label, color, width, dash, xanchor, or a "
                      "plotly line shape)");
}

static int marker_item(OptParser *p, const char *where, JsonItem *it, void *arg) {
  (void)arg;
  ChartOptions *o = p->o;
  ChartMarker *m = append(p, (void **)&o->markers, &o->n_markers, sizeof *m, where);
  if (!m) return -1;
  m->x = NAN;
  m->color = 0x808080;
  m->width = 2;
  m->dash = DASH_DOT;
  char key[48];
  if (walk_element(p, where, it, marker_field, m, key, sizeof key) != 0) return -1;
  if (isnan(m->x)) return fail(p, key, "x is required");
  return 0;
}

/* ---- bands: [{x0, x1, label, color, opacity}] ------------------------------ */
static int band_field(OptParser *p, const char *where, JsonItem *it, void *arg) {
  ChartBand *b = arg;
  char key[64];
  sqlite3_snprintf(sizeof key, key, "%s.%s", where, it->key);
  if (strcmp(it->key, "x0") == 0) return get_x(p, key, it, &b->x0, &b->x0_is_text);
  if (strcmp(it->key, "x1") == 0) return get_x(p, key, it, &b->x1, &b->x1_is_text);
  if (strcmp(it->key, "label") == 0) return get_text(p, key, it, &b->label);
  if (strcmp(it->key, "color") == 0) return get_color(p, key, it, &b->color);
  if (strcmp(it->key, "opacity") == 0) {
    if (get_number(p, key, it, &b->opacity) != 0) return -1;
    return b->opacity >= 0 && b->opacity <= 1 ? 0 : fail(p, key, "expected 0..1");
  }
  return fail(p, key, "unknown key (bands take x0, x1, label, color, opacity)");
}

static int band_item(OptParser *p, const char *where, JsonItem *it, void *arg) {
  (void)arg;
  ChartOptions *o = p->o;
  ChartBand *b = append(p, (void **)&o->bands, &o->n_bands, sizeof *b, where);
  if (!b) return -1;
  b->x0 = b->x1 = NAN;
  b->color = 0xD55E00;
  b->opacity = 0.15;
  char key[48];
  if (walk_element(p, where, it, band_field, b, key, sizeof key) != 0) return -1;
  if (isnan(b->x0) || isnan(b->x1)) return fail(p, key, "x0 and x1 are required");
  return 0;
}

/* ---- series: {"name": {mode, color, width, dash}} --------------------------- */
static int series_field(OptParser *p, const char *where, JsonItem *it, void *arg) {
  ChartSeriesStyle *s = arg;
  char key[160];
  sqlite3_snprintf(sizeof key, key, "%s.%s", where, it->key);
  if (strcmp(it->key, "color") == 0) return get_color(p, key, it, &s->color);
  if (strcmp(it->key, "width") == 0) return get_int(p, key, it, 1, 20, &s->width);
  if (strcmp(it->key, "dash") == 0) return get_dash(p, key, it, &s->dash);
  if (strcmp(it->key, "mode") == 0) {
    static const char *modes[] = {"lines", "markers", "lines+markers"};
    if (strcmp(it->type, "text") == 0) {
      const char *v = (const char *)sqlite3_value_text(it->atom);
      for (int i = 0; i < 3; i++) {
        if (strcmp(v, modes[i]) == 0) {
          s->mode = MODE_LINES + i;
          return 0;
        }
      }
    }
    return fail(p, key, "expected lines, markers or lines+markers");
  }
  return fail(p, key, "unknown key (series take mode, color, width, dash)");
}

static int series_item(OptParser *p, const char *where, JsonItem *it, void *arg) {
  (void)arg;
  ChartOptions *o = p->o;
  ChartSeriesStyle *s = append(p, (void **)&o->series, &o->n_series, sizeof *s, where);
  if (!s) return -1;
  s->color = -1;
  s->name = sqlite3_mprintf("%s", it->key);
  char key[140];
  sqlite3_snprintf(sizeof key, key, "series.%s", it->key);
  if (strcmp(it->type, "object") != 0) return fail(p, key, "expected an object");
  return json_walk(p, key, it->value, "object", series_field, s);
}

/* ---- top level --------------------------------------------------------------- */
static int top_item(OptParser *p, const char *where, JsonItem *it, void *arg) {
  (void)where;
  (void)arg;
  ChartOptions *o = p->o;
  const char *k = it->key;
  if (strcmp(k, "title") == 0) return get_text(p, k, it, &o->title);
  if (strcmp(k, "x_label") == 0) return get_text(p, k, it, &o->x_label);
  if (strcmp(k, "y_label") == 0) return get_text(p, k, it, &o->y_label);
  if (strcmp(k, "x_unit") == 0) return get_text(p, k, it, &o->x_unit);
  if (strcmp(k, "y_unit") == 0) return get_text(p, k, it, &o->y_unit);
  if (strcmp(k, "marks") == 0) return get_bool(p, k, it, &o->marks);
  if (strcmp(k, "width") == 0) return get_int(p, k, it, CHART_MIN_SIZE, CHART_MAX_SIZE, &o->width);
  if (strcmp(k, "height") == 0) return get_int(p, k, it, CHART_MIN_SIZE, CHART_MAX_SIZE, &o->height);
  if (strcmp(k, "colors") == 0) {
    if (strcmp(it->type, "array") != 0) return fail(p, k, "expected an array of colours");
    return json_walk(p, k, it->value, "array", color_item, 0);
  }
  if (p->kind == CHART_HEATMAP) {
    if (strcmp(k, "z_label") == 0) return get_text(p, k, it, &o->z_label);
    if (strcmp(k, "log_z") == 0) return get_bool(p, k, it, &o->log_z);
    if (strcmp(k, "cell_labels") == 0) return get_bool(p, k, it, &o->cell_labels);
    if (strcmp(k, "x_type") == 0) return get_x_type(p, k, it, &o->x_type);
  } else {
    if (strcmp(k, "log_y") == 0) return get_bool(p, k, it, &o->log_y);
    if (strcmp(k, "y_integer") == 0) return get_bool(p, k, it, &o->y_integer);
    if (strcmp(k, "y_min") == 0) { o->has_y_min = 1; return get_number(p, k, it, &o->y_min); }
    if (strcmp(k, "y_max") == 0) { o->has_y_max = 1; return get_number(p, k, it, &o->y_max); }
    if (strcmp(k, "legend") == 0) return get_bool(p, k, it, &o->legend);
    if (strcmp(k, "series") == 0) {
      if (strcmp(it->type, "object") != 0) return fail(p, k, "expected an object {name: {...}}");
      return json_walk(p, k, it->value, "object", series_item, 0);
    }
  }
  if (p->kind == CHART_BAR) {
    if (strcmp(k, "bar_labels") == 0) return get_bool(p, k, it, &o->bar_labels);
  }
  if (p->kind == CHART_LINE || p->kind == CHART_SCATTER) {
    if (strcmp(k, "x_min") == 0) { o->has_x_min = 1; return get_x(p, k, it, &o->x_min, &o->x_min_is_text); }
    if (strcmp(k, "x_max") == 0) { o->has_x_max = 1; return get_x(p, k, it, &o->x_max, &o->x_max_is_text); }
    if (strcmp(k, "line_width") == 0) return get_int(p, k, it, 1, 20, &o->line_width);
    if (strcmp(k, "point_size") == 0) return get_int(p, k, it, 1, 20, &o->point_size);
    if (strcmp(k, "x_type") == 0) return get_x_type(p, k, it, &o->x_type);
    if (strcmp(k, "markers") == 0) {
      if (strcmp(it->type, "array") != 0) return fail(p, k, "expected an array of objects");
      return json_walk(p, k, it->value, "array", marker_item, 0);
    }
    if (strcmp(k, "bands") == 0) {
      if (strcmp(it->type, "array") != 0) return fail(p, k, "expected an array of objects");
      return json_walk(p, k, it->value, "array", band_item, 0);
    }
  }
  return fail(p, k, "unknown option");
}

int chart_options_parse(sqlite3 *db, const char *json, const char *fname, int kind,
                        ChartOptions *o, char **pzErr) {
  memset(o, 0, sizeof *o);
  o->width = 1200;
  o->height = 600;
  o->legend = 1;
  o->line_width = 2;
  o->point_size = 3;
  o->bar_labels = 1;
  o->cell_labels = 1;
  o->marks = 1;
  if (!json || !*json) return 0;
  OptParser p = {db, fname, kind, o, 0};
  if (json_walk(&p, 0, json, "object", top_item, 0) != 0) {
    *pzErr = p.err ? p.err : sqlite3_mprintf("%s: options: invalid", fname);
    return -1;
  }
  if (o->has_y_min && o->has_y_max && !(o->y_min < o->y_max)) {
    *pzErr = sqlite3_mprintf("%s: options: y_min must be below y_max", fname);
    return -1;
  }
  if (o->log_y && o->has_y_min && o->y_min <= 0) {
    *pzErr = sqlite3_mprintf("%s: options: y_min must be > 0 with log_y", fname);
    return -1;
  }
  return 0;
}

void chart_options_fix_x(ChartOptions *o, int x_type) {
  if (x_type != XT_TIME_NS) return;
  for (int i = 0; i < o->n_markers; i++)
    if (!o->markers[i].x_is_text) o->markers[i].x /= 1e9;
  for (int i = 0; i < o->n_bands; i++) {
    if (!o->bands[i].x0_is_text) o->bands[i].x0 /= 1e9;
    if (!o->bands[i].x1_is_text) o->bands[i].x1 /= 1e9;
  }
  if (o->has_x_min && !o->x_min_is_text) o->x_min /= 1e9;
  if (o->has_x_max && !o->x_max_is_text) o->x_max /= 1e9;
}

void chart_options_free(ChartOptions *o) {
  sqlite3_free(o->title);
  sqlite3_free(o->x_label);
  sqlite3_free(o->y_label);
  sqlite3_free(o->z_label);
  sqlite3_free(o->x_unit);
  sqlite3_free(o->y_unit);
  sqlite3_free(o->colors);
  for (int i = 0; i < o->n_markers; i++) sqlite3_free(o->markers[i].label);
  sqlite3_free(o->markers);
  for (int i = 0; i < o->n_bands; i++) sqlite3_free(o->bands[i].label);
  sqlite3_free(o->bands);
  for (int i = 0; i < o->n_series; i++) sqlite3_free(o->series[i].name);
  sqlite3_free(o->series);
  memset(o, 0, sizeof *o);
}
