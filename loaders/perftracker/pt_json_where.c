/*
** pt_json_where.c — where a JSON document stops being valid, for error
** messages only. Values are never read here: every loader reads JSON through
** SQLite's JSON functions. This exists because Debian 12's SQLite (3.40) has
** no json_error_position() (added in 3.42).
**
**  1. Input: text of len bytes (need not be NUL-terminated).
**  2. Output: the byte offset of the first byte that cannot continue a valid
**     RFC 8259 document (len when the text ends too early: a truncated
**     body), or (size_t)-1 when the whole text is valid JSON.
**  3. Nesting deeper than 2000 levels is reported at the offending bracket
**     (SQLite's own limit is lower), so recursion depth is bounded.
**  4. O(len) time, O(1) memory beyond the bounded recursion.
*/
#include "perftracker.h"

#include <string.h>

typedef struct Scan {
  const char *s;
  size_t n, i;
  int depth;
} Scan;

static void skip_ws(Scan *sc) {
  while (sc->i < sc->n) {
    char c = sc->s[sc->i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
    sc->i++;
  }
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int scan_value(Scan *sc);

static int scan_string(Scan *sc) {   /* at the opening quote */
  sc->i++;
  while (sc->i < sc->n) {
    unsigned char c = (unsigned char)sc->s[sc->i];
    if (c == '"') {
      sc->i++;
      return 0;
    }
    if (c < 0x20) return -1;
    if (c == '\\') {
      sc->i++;
      if (sc->i >= sc->n) return -1;
      char e = sc->s[sc->i];
      if (e == 'u') {
        for (int k = 1; k <= 4; k++) {
          if (sc->i + k >= sc->n) {
            sc->i = sc->n;
            return -1;
          }
          if (!is_hex(sc->s[sc->i + k])) {
            sc->i += k;
            return -1;
          }
        }
        sc->i += 5;
        continue;
      }
      if (!strchr("\"\\/bfnrt", e) || e == 0) return -1;
    }
    sc->i++;
  }
  return -1;
}

static int scan_number(Scan *sc) {
  if (sc->i < sc->n && sc->s[sc->i] == '-') sc->i++;
  if (sc->i >= sc->n || !is_digit(sc->s[sc->i])) return -1;
  if (sc->s[sc->i] == '0') sc->i++;
  else
    while (sc->i < sc->n && is_digit(sc->s[sc->i])) sc->i++;
  if (sc->i < sc->n && sc->s[sc->i] == '.') {
    sc->i++;
    if (sc->i >= sc->n || !is_digit(sc->s[sc->i])) return -1;
    while (sc->i < sc->n && is_digit(sc->s[sc->i])) sc->i++;
  }
  if (sc->i < sc->n && (sc->s[sc->i] == 'e' || sc->s[sc->i] == 'E')) {
    sc->i++;
    if (sc->i < sc->n && (sc->s[sc->i] == '+' || sc->s[sc->i] == '-')) sc->i++;
    if (sc->i >= sc->n || !is_digit(sc->s[sc->i])) return -1;
    while (sc->i < sc->n && is_digit(sc->s[sc->i])) sc->i++;
  }
  return 0;
}

static int scan_word(Scan *sc, const char *w) {
  size_t k = 0, m = strlen(w);
  while (k < m) {
    if (sc->i >= sc->n || sc->s[sc->i] != w[k]) return -1;
    sc->i++;
    k++;
  }
  return 0;
}

static int scan_container(Scan *sc, char close) {   /* at '[' or '{' */
  if (++sc->depth > 2000) return -1;
  sc->i++;
  skip_ws(sc);
  if (sc->i < sc->n && sc->s[sc->i] == close) {
    sc->i++;
    sc->depth--;
    return 0;
  }
  for (;;) {
    skip_ws(sc);
    if (close == '}') {
      if (sc->i >= sc->n || sc->s[sc->i] != '"') return -1;
      if (scan_string(sc)) return -1;
      skip_ws(sc);
      if (sc->i >= sc->n || sc->s[sc->i] != ':') return -1;
      sc->i++;
    }
    if (scan_value(sc)) return -1;
    skip_ws(sc);
    if (sc->i >= sc->n) return -1;
    if (sc->s[sc->i] == ',') {
      sc->i++;
      continue;
    }
    if (sc->s[sc->i] == close) {
      sc->i++;
      sc->depth--;
      return 0;
    }
    return -1;
  }
}

static int scan_value(Scan *sc) {
  skip_ws(sc);
  if (sc->i >= sc->n) return -1;
  switch (sc->s[sc->i]) {
    case '{': return scan_container(sc, '}');
    case '[': return scan_container(sc, ']');
    case '"': return scan_string(sc);
    case 't': return scan_word(sc, "true");
    case 'f': return scan_word(sc, "false");
    case 'n': return scan_word(sc, "null");
    default: return scan_number(sc);
  }
}

size_t pt_json_error_offset(const char *text, size_t len) {
  Scan sc = {text, len, 0, 0};
  if (scan_value(&sc)) return sc.i > len ? len : sc.i;
  skip_ws(&sc);
  return sc.i == len ? (size_t)-1 : sc.i;
}
