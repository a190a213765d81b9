"""Verification speed: states per second on the Gaza deal (target: its bound in < 60 s),
and time to the first counterexample for each broken fixture, the exhaustive route
(``dealmodel verify``) against the hypothesis route (``DealStateMachine``).

    python benchmarks/bench_verify.py

The hypothesis route checks invariants of single runs; properties about all runs
(every phase reachable, a power someone can use, a way out of every limbo) are only
the exhaustive route's, so "not caught" is expected for those fixtures.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from dealmodel import builtin_deal, load_deal
from dealmodel.analysis.verify import verify
from dealmodel.model.deal import Deal
from dealmodel.testing import DealStateMachine

ROOT = Path(__file__).resolve().parent.parent
HYPOTHESIS = settings(max_examples=200, stateful_step_count=40, deadline=None,
                      database=None, derandomize=True, suppress_health_check=list(HealthCheck))


def hypothesis_first(deal: Deal) -> tuple[float, str | None]:
    """Seconds until the state machine fails on ``deal`` (or gives up), and the property."""
    machine = type("Strict", (DealStateMachine,), {"deal": deal, "tolerate": frozenset()})
    began = time.perf_counter()
    try:
        run_state_machine_as_test(machine, settings=HYPOTHESIS)
    except AssertionError as exc:
        return time.perf_counter() - began, str(exc).split(":", 1)[0]
    return time.perf_counter() - began, None


def main() -> None:
    missed = []
    began = time.perf_counter()
    workers = os.cpu_count() or 1  # as `dealmodel verify` does by default
    report = verify(builtin_deal("gaza-2025"), workers=workers)
    seconds = time.perf_counter() - began
    ex = report.exploration
    print(f"gaza-2025: {ex.states:,} states, {ex.transitions:,} transitions in {seconds:.1f} s "
          f"on {report.workers} worker(s) ({ex.states / seconds:,.0f} states/s), depth "
          f"{ex.depth}, exhausted: {ex.exhausted}, violations: {len(report.violations)}")
    if seconds >= 60:
        missed.append(f"gaza-2025 took {seconds:.0f} s")
    if not ex.exhausted:  # the target is the deal's natural bound, not the state budget's
        missed.append("gaza-2025 stopped by the state budget, not at its natural bound")
    if report.violations:
        missed.append("gaza-2025 not clean")
    for fixture in sorted((ROOT / "tests").rglob("*broken*.yaml")):
        deal = load_deal(fixture)
        began = time.perf_counter()
        found = verify(deal).violations
        took = time.perf_counter() - began
        h_took, h_prop = hypothesis_first(deal)
        ratio = f"{h_took / took:.1f}x" if h_prop else "-"
        print(f"{fixture.name}: exhaustive {took:.2f} s ({found[0].property if found else '-'}); "
              f"hypothesis {h_took:.2f} s ({h_prop or 'not caught'}); ratio {ratio}")
        if not found:
            missed.append(f"{fixture.name} not caught")
    print("targets: met" if not missed else "targets: missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
