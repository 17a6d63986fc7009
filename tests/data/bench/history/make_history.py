#!/usr/bin/env python3
"""Writes the demo's history samples: 30 nightly runs (run_01.csv .. run_30.csv) of
three metrics; alloc_time steps up 25 % from run 19 on, copy_bandwidth drops 20 %
from run 11 on, parse_time stays flat. Noise is +-1.5 % (fixed seed)."""
import os
import random

here = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(42)
for i in range(1, 31):
    alloc = (100.0 if i < 19 else 125.0) * (1 + rng.gauss(0, 0.015))
    bw = (40.0 if i < 11 else 32.0) * (1 + rng.gauss(0, 0.015))
    parse = 12.0 * (1 + rng.gauss(0, 0.015))
    with open(os.path.join(here, f"run_{i:02d}.csv"), "w") as f:
        f.write("name,value,unit\n")
        f.write(f"alloc_time,{alloc:.3f},ns\ncopy_bandwidth,{bw:.3f},GB/s\nparse_time,{parse:.3f},ms\n")
