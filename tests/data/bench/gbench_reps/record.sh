#!/bin/sh
# record.sh — records the Google Benchmark fixtures of the bench gate tests.
# Builds ../tiny_bench.cc with Debian's g++ and libbenchmark-dev at -O2 and at
# -O0, then runs each with 1, 2, 3, 5 and 10 repetitions: o2_rN_a.json and
# o2_rN_b.json are two runs of the same -O2 binary (the rerun the gate must
# pass), o0_rN.json the -O0 build (the regression the gate must catch).
# Usage: sh tests/data/bench/gbench_reps/record.sh   (from the source tree)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g++ -O2 -o "$tmp/tiny_O2" "$here/../tiny_bench.cc" -lbenchmark -lpthread
g++ -O0 -o "$tmp/tiny_O0" "$here/../tiny_bench.cc" -lbenchmark -lpthread
run() {  # exe reps out
  "$1" --benchmark_format=json --benchmark_repetitions="$2" --benchmark_min_time=0.02 \
       --benchmark_enable_random_interleaving=true > "$3"
}
for n in 1 2 3 5 10; do
  run "$tmp/tiny_O2" $n "$here/o2_r${n}_a.json"
  run "$tmp/tiny_O0" $n "$here/o0_r${n}.json"
  run "$tmp/tiny_O2" $n "$here/o2_r${n}_b.json"
done
