#!/bin/sh
# record.sh — records the oracle outputs of Google Benchmark's tools/compare.py
# on the fixtures of ../gbench_reps/. compare.py is NOT part of perfsql: fetch it
# (github.com/google/benchmark, tools/compare.py + tools/gbench/) into a
# temporary directory and pass that directory:
#   sh tests/data/bench/compare_py/record.sh /tmp/benchmark/tools
# Runs it with Debian's /usr/bin/python3 (python3-scipy, python3-numpy) and
# writes, per pair, <base>__<current>.txt (what it prints, --no-color) and
# <base>__<current>.json (its --dump_to_json output, full precision).
set -eu
tools=$1
here=$(cd "$(dirname "$0")" && pwd)
reps="$here/../gbench_reps"
for n in 1 2 3 5 10; do
  for cur in "o0_r$n" "o2_r${n}_b"; do
    out="$here/o2_r${n}_a__$cur"
    /usr/bin/python3 "$tools/compare.py" --no-color -d "$out.json" benchmarks \
      "$reps/o2_r${n}_a.json" "$reps/$cur.json" | sed "s#$reps/##g" > "$out.txt"
  done
done
