/*
** kv_shape.c — perf-report-creator's shape.yaml (release graph configuration),
** read with libyaml into kubevirt_release and kubevirt_release_marker.
**
**  1. Keys are camelCase and case-sensitive, as yaml.v3 reads them upstream:
**     releaseVersion (required), sinceDate (required, YYYY-MM-DD), lineShapes:
**     a sequence of {type, x0, x1, y0, y1, yref, editable,
**     line: {color, width, dash}, label: {text, xanchor}}. Unknown keys are
**     ignored (yaml.v3 does the same), so the README's PascalCase example
**     fails with "releaseVersion is required".
**  2. Errors: "<file>:line L, column C: <what>" for YAML syntax errors (libyaml's
**     problem mark) and for values of the wrong shape (the node's mark).
**  3. One load: one source row (kind 'kubevirt-shape'); the same file loaded
**     twice is a no-op; a changed file at the same path is a new load (--replace drops the old one).
**  4. O(size of the file); the whole document is held as libyaml's node tree.
*/
#include "kubevirt.h"

#include "yaml_strict.h"
#include <math.h>
#include <string.h>
#include <yaml.h>

typedef struct ShapeCtx {
  const char *file;
  yaml_document_t *doc;
  char **pzErr;
} ShapeCtx;

static int node_err(ShapeCtx *s, yaml_node_t *n, const char *fmt, const char *arg) {
  char *what = sqlite3_mprintf(fmt, arg);
  *s->pzErr = sqlite3_mprintf("%s:line %lu, column %lu: %s", s->file, (unsigned long)n->start_mark.line + 1,
                              (unsigned long)n->start_mark.column + 1, what);
  sqlite3_free(what);
  return -1;
}

static const char *scalar(yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : 0;
}

/* Looks up key in a mapping node. */
static yaml_node_t *map_get(ShapeCtx *s, yaml_node_t *m, const char *key) {
  if (!m || m->type != YAML_MAPPING_NODE) return 0;
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
    const char *k = scalar(yaml_document_get_node(s->doc, p->key));
    if (k && !strcmp(k, key)) return yaml_document_get_node(s->doc, p->value);
  }
  return 0;
}

static int want_scalar(ShapeCtx *s, yaml_node_t *n, const char *key, const char **out) {
  *out = 0;
  if (!n) return 0;
  if (n->type != YAML_SCALAR_NODE) return node_err(s, n, "%s: expected a scalar", key);
  *out = (const char *)n->data.scalar.value;
  return 0;
}

static int want_number(ShapeCtx *s, yaml_node_t *n, const char *key, double *out, int *has) {
  const char *v;
  *has = 0;
  if (want_scalar(s, n, key, &v)) return -1;
  if (!v) return 0;
  char *end;
  *out = strtod(v, &end);
  if (end == v || *end) return node_err(s, n, "%s: expected a number", key);
  if (!isfinite(*out)) return node_err(s, n, "%s: number out of range (not finite)", key);
  *has = 1;
  return 0;
}

static int want_date(ShapeCtx *s, yaml_node_t *n, const char *key, const char **out) {
  if (want_scalar(s, n, key, out)) return -1;
  double t;
  if (*out && perfsql_parse_time(*out, &t)) return node_err(s, n, "%s: expected a date (YYYY-MM-DD)", key);
  return 0;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *v) {
  if (v) sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT); else sqlite3_bind_null(st, i);
}
static void bind_opt_double(sqlite3_stmt *st, int i, double v, int has) {
  if (has) sqlite3_bind_double(st, i, v); else sqlite3_bind_null(st, i);
}

static int write_shape(ShapeCtx *s, sqlite3 *db, sqlite3_int64 source_id, PerfsqlLoad *ld) {
  yaml_node_t *root = yaml_document_get_root_node(s->doc);
  if (!root) { *s->pzErr = sqlite3_mprintf("%s:line 1, column 1: empty document", s->file); return -1; }
  if (root->type != YAML_MAPPING_NODE) return node_err(s, root, "%s", "expected a mapping (releaseVersion, sinceDate, lineShapes)");
  const char *ver, *since;
  if (want_scalar(s, map_get(s, root, "releaseVersion"), "releaseVersion", &ver)) return -1;
  if (!ver || !*ver) return node_err(s, root, "%s", "releaseVersion is required (keys are camelCase)");
  if (want_date(s, map_get(s, root, "sinceDate"), "sinceDate", &since)) return -1;
  if (!since) return node_err(s, root, "%s", "sinceDate is required (keys are camelCase)");

  sqlite3_stmt *rel = 0, *mk = 0;
  int rc = -1;
  if (sqlite3_prepare_v2(db, "INSERT INTO kubevirt_release(source_id, release_version, since_date) VALUES (?1, ?2, date(?3))", -1, &rel, 0) ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO kubevirt_release_marker(source_id, release_id, seq, type, x0, x1, y0, y1, yref,"
                         " editable, line_color, line_width, line_dash, label_text, label_xanchor)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                         -1, &mk, 0)) {
    *s->pzErr = sqlite3_mprintf("kubevirt: %s", sqlite3_errmsg(db));
    goto done;
  }
  sqlite3_bind_int64(rel, 1, source_id);
  sqlite3_bind_text(rel, 2, ver, -1, SQLITE_STATIC);
  sqlite3_bind_text(rel, 3, since, -1, SQLITE_STATIC);
  if (sqlite3_step(rel) != SQLITE_DONE) { *s->pzErr = sqlite3_mprintf("kubevirt: %s", sqlite3_errmsg(db)); goto done; }
  sqlite3_int64 release_id = sqlite3_last_insert_rowid(db);
  load_count(ld, "kubevirt_release", 1);

  yaml_node_t *shapes = map_get(s, root, "lineShapes");
  sqlite3_int64 nmk = 0;
  if (shapes && !(shapes->type == YAML_SCALAR_NODE && (!*scalar(shapes) || !strcmp(scalar(shapes), "null")))) {
    if (shapes->type != YAML_SEQUENCE_NODE) { node_err(s, shapes, "%s", "lineShapes: expected a sequence"); goto done; }
    int seq = 0;
    for (yaml_node_item_t *it = shapes->data.sequence.items.start; it < shapes->data.sequence.items.top; it++, seq++) {
      yaml_node_t *sh = yaml_document_get_node(s->doc, *it);
      if (sh->type != YAML_MAPPING_NODE) { node_err(s, sh, "%s", "lineShapes item: expected a mapping"); goto done; }
      const char *type, *x0, *x1, *yref, *editable, *color, *dash, *text, *xanchor;
      double y0 = 0, y1 = 0, width = 0;
      int hy0, hy1, hw;
      yaml_node_t *line = map_get(s, sh, "line"), *label = map_get(s, sh, "label");
      if (line && line->type != YAML_MAPPING_NODE) { node_err(s, line, "%s", "line: expected a mapping"); goto done; }
      if (label && label->type != YAML_MAPPING_NODE) { node_err(s, label, "%s", "label: expected a mapping"); goto done; }
      if (want_scalar(s, map_get(s, sh, "type"), "type", &type) ||
          want_date(s, map_get(s, sh, "x0"), "x0", &x0) || want_date(s, map_get(s, sh, "x1"), "x1", &x1) ||
          want_number(s, map_get(s, sh, "y0"), "y0", &y0, &hy0) ||
          want_number(s, map_get(s, sh, "y1"), "y1", &y1, &hy1) ||
          want_scalar(s, map_get(s, sh, "yref"), "yref", &yref) ||
          want_scalar(s, map_get(s, sh, "editable"), "editable", &editable) ||
          want_scalar(s, map_get(s, line, "color"), "line.color", &color) ||
          want_number(s, map_get(s, line, "width"), "line.width", &width, &hw) ||
          want_scalar(s, map_get(s, line, "dash"), "line.dash", &dash) ||
          want_scalar(s, map_get(s, label, "text"), "label.text", &text) ||
          want_scalar(s, map_get(s, label, "xanchor"), "label.xanchor", &xanchor))
        goto done;
      if (!x0) { node_err(s, sh, "%s", "lineShapes item: x0 is required"); goto done; }
      int ed = -1;
      if (editable) {
        if (!strcmp(editable, "true")) ed = 1;
        else if (!strcmp(editable, "false")) ed = 0;
        else { node_err(s, map_get(s, sh, "editable"), "%s", "editable: expected true or false"); goto done; }
      }
      sqlite3_bind_int64(mk, 1, source_id);
      sqlite3_bind_int64(mk, 2, release_id);
      sqlite3_bind_int(mk, 3, seq);
      bind_opt_text(mk, 4, type);
      bind_opt_text(mk, 5, x0);
      bind_opt_text(mk, 6, x1 ? x1 : x0);
      bind_opt_double(mk, 7, y0, hy0);
      bind_opt_double(mk, 8, y1, hy1);
      bind_opt_text(mk, 9, yref);
      if (ed >= 0) sqlite3_bind_int(mk, 10, ed); else sqlite3_bind_null(mk, 10);
      bind_opt_text(mk, 11, color);
      bind_opt_double(mk, 12, width, hw);
      bind_opt_text(mk, 13, dash);
      bind_opt_text(mk, 14, text);
      bind_opt_text(mk, 15, xanchor);
      if (sqlite3_step(mk) != SQLITE_DONE) { *s->pzErr = sqlite3_mprintf("kubevirt: %s", sqlite3_errmsg(db)); goto done; }
      sqlite3_reset(mk);
      nmk++;
    }
  }
  load_count(ld, "kubevirt_release_marker", nmk);
  rc = 0;
done:
  sqlite3_finalize(rel);
  sqlite3_finalize(mk);
  return rc;
}

int kv_load_shape(sqlite3 *db, const char *path, const KvLoadOptions *o, char **pzErr) {
  char *text = 0;
  size_t len = 0;
  if (read_file_all(path, (size_t)16 << 20, &text, &len, pzErr)) return -1;
  yaml_parser_t parser;
  yaml_document_t doc;
  int rc = -1;
  if (!yaml_parser_initialize(&parser)) {
    sqlite3_free(text);
    *pzErr = sqlite3_mprintf("%s: cannot initialise libyaml", path);
    return -1;
  }
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    *pzErr = sqlite3_mprintf("%s:line %lu, column %lu: %s%s%s", path, (unsigned long)parser.problem_mark.line + 1,
                             (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "YAML error",
                             parser.context ? " " : "", parser.context ? parser.context : "");
    yaml_parser_delete(&parser);
    sqlite3_free(text);
    return -1;
  }
  if (yaml_strict_check(&doc, path, pzErr)) {   /* duplicate keys, empty document */
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    sqlite3_free(text);
    return -1;
  }
  ShapeCtx s = {path, &doc, pzErr};
  Sha256 h;
  char hex[65];
  sha256_init(&h);
  sha256_update(&h, text, len);
  sha256_hex(&h, hex);
  PerfsqlLoad ld;
  int st = load_begin(db, "kubevirt-shape", path, hex, o->replace, &ld, pzErr);
  if (st == LOAD_NEW) {
    if (write_shape(&s, db, ld.source_id, &ld)) load_rollback(&ld);
    else if (load_commit(&ld, pzErr) == 0) { load_report(&ld, st, o->quiet); rc = 0; }
  } else if (st == LOAD_DUPLICATE) {
    load_report(&ld, st, o->quiet);
    rc = 0;
  }
  load_free(&ld);
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  sqlite3_free(text);
  return rc;
}
