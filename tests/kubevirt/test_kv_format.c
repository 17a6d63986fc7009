/*
** test_kv_format.c — the Go text forms the export writes (kv_format.c), and the
** snowflake decoding, against values Go's encoding/json and the reference give.
*/
#include "unit.h"
#include "kubevirt/kubevirt.h"

static void go(double v, const char *want) {
  char out[40];
  kv_go_float(v, out);
  CHECK_STR(out, want);
}

static void label(const char *monday, const char *want) {
  char out[11];
  kv_upstream_week_label(monday, out);
  CHECK_STR(out, want);
}

int main(void) {
  sqlite3 *db = unit_open(":memory:");
  CHECK(db != 0);
  /* encoding/json: shortest round-trip digits, 'f' form for 1e-6 <= |v| < 1e21 */
  go(29.414207270253915, "29.414207270253915");
  go(110.53500000000001, "110.53500000000001");
  go(0.1 + 0.2, "0.30000000000000004");
  go(101, "101");
  go(60, "60");
  go(0, "0");
  go(-0.5, "-0.5");
  go(0.000001, "0.000001");
  go(1e-7, "1e-7");
  go(1.5e-10, "1.5e-10");
  go(1e20, "100000000000000000000");
  go(1e21, "1e+21");
  go(123456789.125, "123456789.125");
  /* week labels: upstream's getMondayOfWeekDate is 7 days late when Jan 1 of the ISO
  ** year is a Tuesday, Wednesday or Thursday (2025, 2026), right otherwise */
  label("2026-07-13", "2026-07-20");   /* the reference's example: ISO week 29 of 2026 */
  label("2025-10-06", "2025-10-13");
  label("2024-12-30", "2025-01-06");   /* ISO 2025-W01 starts in December 2024 */
  label("2024-03-18", "2024-03-18");
  label("2023-09-04", "2023-09-04");
  label("2022-12-05", "2022-12-05");
  label("2026-12-28", "2027-01-04");   /* 2026-W53 ... */
  label("2027-01-04", "2027-01-04");   /* ... and 2027-W01 share a label */
  /* snowflake: the reference's example 1699447419818741760 -> 2023-09-06T15:40:13Z */
  char t[32];
  kv_format_ms(kv_snowflake_ms(1699447419818741760LL), t);
  CHECK(strncmp(t, "2023-09-06T15:40:13", 19) == 0);
  int64_t id;
  CHECK(kv_parse_build_id("1699447419818741760", 19, &id) == 0 && id == 1699447419818741760LL);
  CHECK(kv_parse_build_id("12a", 3, &id) == -1);
  CHECK(kv_parse_build_id("99999999999999999999", 20, &id) == -1);
  /* the JSON error locator */
  const char *ok = "{\"a\": [1, 2.5e3, true, null, \"x\\u00e9\"]}";
  CHECK(kv_json_error_offset(ok, strlen(ok)) == -1);
  CHECK(kv_json_error_offset("{\"a\": 1,}", 9) == 8);
  CHECK(kv_json_error_offset("{\"a\": 01}", 9) == 7);
  CHECK(kv_json_error_offset("{\"a\": ", 6) == 6);
  sqlite3_close(db);
  return unit_done();
}
