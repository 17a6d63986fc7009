#!/usr/bin/env python3
"""Independent oracle for perfsql's mann_whitney(): two-sided Mann-Whitney U p-values
with scipy.stats.mannwhitneyu(method='auto', use_continuity=True) semantics, written
without scipy:

  - exact (min(n1, n2) <= 8 and no ties): the null distribution of U is obtained by
    ENUMERATING every way to choose the ranks of x among 1..n1+n2 (itertools), then
    p = 2 * P(U >= max(U1, U2)), clipped to 1;
  - otherwise the normal approximation: z = (max(U1, U2) - n1*n2/2 - 0.5) / s with
    s = sqrt(n1*n2/12 * ((n+1) - sum(t^3 - t) / (n(n-1)))) over tie groups t,
    p = 2 * (1 - Phi(z)) = erfc(z / sqrt(2)), clipped to [0, 1].

Writes mwu_expected.json (cases: x, y, u (U1 for x), p, method). Run:
    python3 tests/data/bench/mwu_oracle.py > tests/data/bench/mwu_expected.json
"""
import itertools
import json
import math
import random


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        avg = (i + 1 + j + 1) / 2.0
        for k in range(i, j + 1):
            r[order[k]] = avg
        i = j + 1
    return r


def mwu(x, y):
    n1, n2 = len(x), len(y)
    n = n1 + n2
    r = ranks(list(x) + list(y))
    u1 = sum(r[:n1]) - n1 * (n1 + 1) / 2.0
    u2 = n1 * n2 - u1
    u = max(u1, u2)
    pooled = list(x) + list(y)
    counts = {}
    for v in pooled:
        counts[v] = counts.get(v, 0) + 1
    ties = any(c > 1 for c in counts.values())
    if min(n1, n2) <= 8 and not ties:
        total = 0
        ge = 0
        for combo in itertools.combinations(range(1, n + 1), n1):
            uc = sum(combo) - n1 * (n1 + 1) / 2.0
            total += 1
            if uc >= u:
                ge += 1
        return u1, min(1.0, 2.0 * ge / total), "exact"
    tie_term = sum(c ** 3 - c for c in counts.values())
    s = math.sqrt(n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1))))
    if s == 0:
        return u1, 1.0, "normal"
    z = (u - n1 * n2 / 2.0 - 0.5) / s
    p = math.erfc(z / math.sqrt(2.0))
    return u1, max(0.0, min(1.0, p)), "normal"


def main():
    rng = random.Random(20260128)
    cases = []

    def add(x, y):
        u, p, method = mwu(x, y)
        cases.append({"x": x, "y": y, "u": u, "p": p, "method": method})

    # exact: fully separated, interleaved, unequal sizes, one side of 8 with a large other side
    add([1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0])
    add([1.5, 2.5], [1.0, 3.0])
    add([10.1, 10.4, 9.8], [10.0, 10.6, 10.2])
    for n1, n2 in [(3, 4), (4, 7), (6, 6), (8, 8), (5, 11), (8, 12), (2, 9)]:
        x = [round(rng.gauss(100, 5), 6) for _ in range(n1)]
        y = [round(rng.gauss(104, 5), 6) for _ in range(n2)]
        add(x, y)
    # normal approximation: both sides > 8
    for n1, n2 in [(9, 9), (10, 12), (15, 20), (30, 25)]:
        x = [round(rng.gauss(100, 5), 6) for _ in range(n1)]
        y = [round(rng.gauss(103, 5), 6) for _ in range(n2)]
        add(x, y)
    # ties (small and large samples) -> normal approximation with tie correction
    add([1.0, 2.0, 2.0, 3.0, 4.0], [2.0, 3.0, 3.0, 5.0, 6.0])
    add([float(rng.randint(0, 5)) for _ in range(12)], [float(rng.randint(1, 6)) for _ in range(14)])
    add([7.0, 7.0, 7.0], [7.0, 7.0, 7.0])          # everything tied: p = 1
    add([1.0, 1.0, 2.0], [3.0, 3.0, 4.0, 4.0])
    print(json.dumps({"generator": "tests/data/bench/mwu_oracle.py", "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
