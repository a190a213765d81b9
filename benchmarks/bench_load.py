"""Loading speed: ``dealmodel run -q`` on a 100,000-event scenario against a plain YAML load.

A scenario of N events (default 100,000: performances, advances, allegations and
rulings, about 7 MB) and the deal it names are generated in a temporary folder. Two
ways to read it, each timed as the best of R rounds, taking turns:

* run: ``dealmodel.cli.main(["run", "-q", scenario])`` in this process - resolve the
  deal, read, decode and parse the file with line tracking, check every field and every
  name against the deal, build the events, run them and print the summary;
* yaml: ``yaml.load(text, Loader=yaml.CSafeLoader)`` of the same file (libyaml's C
  parser, PyYAML's constructor), reading the file included, and nothing else.

Targets: run takes at most 3x the plain load's time, and its peak memory (tracemalloc,
measured in a separate round) is at most 30x the file size.

Run: python benchmarks/bench_load.py [--events N] [--rounds R]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

from dealmodel.cli import main as dealmodel_main

DEAL = """\
id: bench
title: Benchmark deal
parties: [{id: north}, {id: south}]
mediators: [{id: broker}]
phases:
  - id: only
    duration_days: 1000000
    obligations:
      - {id: deliveries, obligor: north, quantity: {amount: 1000000000, unit: crates}}
      - {id: payments, obligor: south, quantity: {amount: 1000000000, unit: units}}
      - {id: no_fire, obligor: north, kind: prohibition}
"""


def write_scenario(folder: Path, events: int) -> Path:
    """The deal file and a scenario of ``events`` events naming it; returns the scenario."""
    (folder / "bench-deal.yaml").write_text(DEAL, encoding="utf-8")
    lines = ["deal: bench-deal.yaml", "title: Generated load benchmark", "events:"]
    day = 1
    allegations = 0
    for i in range(events):
        kind = i % 10
        if kind == 9:
            day += 1
            lines.append(f"  - {{day: {day}, type: advance}}")
        elif kind == 7:
            allegations += 1
            lines.append(f"  - {{day: {day}, type: allege, by: south, against: north, "
                         f"obligation: no_fire}}")
        elif kind == 8:
            lines.append(f"  - {{day: {day}, type: rule, by: broker, allegation: "
                         f"A{allegations}, upheld: false}}")
        elif kind % 2:
            lines.append(f"  - {{day: {day}, type: perform, party: south, obligation: payments, "
                         f"quantity: {1 + i % 5}}}")
        else:
            lines.append(f"  - {{day: {day}, type: perform, party: north, "
                         f"obligation: deliveries, quantity: {1 + i % 7}}}")
    path = folder / "bench-scenario.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_quietly(path: Path) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = dealmodel_main(["run", "-q", str(path)])
    if code != 0:
        raise SystemExit(f"dealmodel run exited {code}")
    return out.getvalue()


def plain_load(path: Path) -> object:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def best_times(contenders: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, call in contenders.items():
            gc.collect()
            start = time.perf_counter()
            call()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def peak_memory(call: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not hasattr(yaml, "CSafeLoader"):
        print("libyaml is not installed (yaml.CSafeLoader is missing): the baseline of this "
              "benchmark does not exist here.\ntargets: missed: no C loader to compare with")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        path = write_scenario(Path(tmp), args.events)
        size = path.stat().st_size
        summary = run_quietly(path)  # warm up, and show what was run
        print(f"scenario: {args.events:,} events, {size / 1e6:.1f} MB; "
              f"{summary.splitlines()[2] if summary.count(chr(10)) > 2 else summary.strip()}")
        times = best_times({"run": lambda: run_quietly(path), "yaml": lambda: plain_load(path)},
                           args.rounds)
        run_peak = peak_memory(lambda: run_quietly(path))
        yaml_peak = peak_memory(lambda: plain_load(path))
    ratio = times["run"] / times["yaml"]
    memory = run_peak / size
    print(f"yaml.load (CSafeLoader):  {times['yaml']:7.2f} s   peak {yaml_peak / 1e6:6.0f} MB "
          f"({yaml_peak / size:.0f}x the file)")
    print(f"dealmodel run -q:         {times['run']:7.2f} s   peak {run_peak / 1e6:6.0f} MB "
          f"({memory:.0f}x the file)")
    print(f"time ratio {ratio:.2f} (target <= 3); memory {memory:.1f}x the file size "
          f"(target <= 30)")
    missed = []
    if ratio > 3:
        missed.append(f"time {ratio:.2f}x the plain load")
    if memory > 30:
        missed.append(f"memory {memory:.1f}x the file size")
    print("targets: met" if not missed else "targets: missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
