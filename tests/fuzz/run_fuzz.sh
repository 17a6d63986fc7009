#!/bin/sh
# run_fuzz.sh FUZZER SEED_CORPUS WORK_CORPUS — one short libFuzzer run from a copy
# of the seed corpus (new inputs never touch the source tree).
# PERFSQL_FUZZ_SECONDS sets the length (default 10).
set -e
rm -rf "$3" && mkdir -p "$3"
[ -d "$2" ] && cp -r "$2/." "$3/"
exec "$1" -max_total_time="${PERFSQL_FUZZ_SECONDS:-10}" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 "$3"
