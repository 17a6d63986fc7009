// tiny_bench.cc — a small Google Benchmark program used by the tests and the demo
// samples: the gate must flag an -O0 build against an -O2 build.
#include <benchmark/benchmark.h>
#include <cstdint>
#include <vector>

static void BM_SumVector(benchmark::State &state) {
  std::vector<uint32_t> v(state.range(0));
  for (size_t i = 0; i < v.size(); i++) v[i] = (uint32_t)(i * 2654435761u);
  for (auto _ : state) {
    uint64_t s = 0;
    for (uint32_t x : v) s += x;
    benchmark::DoNotOptimize(s);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(v.size() * sizeof(uint32_t)));
}
BENCHMARK(BM_SumVector)->Arg(4096);

static void BM_Fib(benchmark::State &state) {
  for (auto _ : state) {
    uint64_t a = 0, b = 1;
    for (int i = 0; i < 2000; i++) { uint64_t t = a + b; a = b; b = t; benchmark::DoNotOptimize(a); }
    benchmark::DoNotOptimize(b);
  }
  state.counters["fib_per_second"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Fib);

BENCHMARK_MAIN();
