"""Verification speed: states per second on the Gaza deal (target: natural bound < 60 s),
and time to the first counterexample for each broken fixture (exhaustive route).

    python benchmarks/bench_verify.py
"""

from __future__ import annotations

import time
from pathlib import Path

from dealmodel import builtin_deal, load_deal
from dealmodel.analysis.verify import verify

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    missed = []
    began = time.perf_counter()
    report = verify(builtin_deal("gaza-2025"))
    seconds = time.perf_counter() - began
    states = report.exploration.states
    print(f"gaza-2025: {states:,} states in {seconds:.1f} s ({states / seconds:,.0f} states/s), "
          f"depth {report.exploration.depth}, exhausted: {report.exploration.exhausted}")
    if seconds >= 60:
        missed.append(f"gaza-2025 took {seconds:.0f} s")
    for fixture in sorted((ROOT / "tests").rglob("*broken*.yaml")):
        began = time.perf_counter()
        found = verify(load_deal(fixture)).violations
        took = time.perf_counter() - began
        print(f"{fixture.name}: {len(found)} violation(s) in {took:.2f} s (exhaustive)")
        if not found:
            missed.append(f"{fixture.name} not caught")
    print("targets: met" if not missed else "targets: missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
