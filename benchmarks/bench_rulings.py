"""Rulings stay linear: the cost per event of many allegations and rulings.

Each ruling finds its allegation by id, so a run of 100,000 allege/rule events costs about
as much per event as one of 10,000 (target: within 2x). The same is measured end to end
with ``dealmodel run -q`` on generated scenario files of 2,000 and 20,000 pairs (target:
within 2x per event), where loading and the printed summary count too.

Run: python benchmarks/bench_rulings.py
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

from dealmodel import Event, Ruling, ViolationAlleged, builtin_deal, start
from dealmodel.cli import main


def pairs(n: int) -> list[Event]:
    out: list[Event] = []
    for i in range(n):
        day = 1 + (i * 40) // n
        out.append(ViolationAlleged(day, by="qatar", against="israel", obligation="p1_aid"))
        out.append(Ruling(day, by="egypt", allegation=f"A{i + 1}", upheld=False))
    return out


def engine_per_event(n: int, rounds: int = 3) -> float:
    deal = builtin_deal("gaza-2025")
    events = pairs(n)
    best = float("inf")
    for _ in range(rounds):
        run = start(deal)
        t0 = time.perf_counter()
        for event in events:
            run.apply(event)
        best = min(best, time.perf_counter() - t0)
    return best / len(events)


def scenario_file(n: int, folder: Path) -> Path:
    lines = ["deal: gaza-2025", "hypothetical: true", "events:"]
    for i in range(n):
        day = 1 + (i * 40) // n
        lines.append(f"  - {{day: {day}, type: allege, by: qatar, against: israel, "
                     "obligation: p1_aid}")
        lines.append(f"  - {{day: {day}, type: rule, by: egypt, allegation: A{i + 1}, "
                     "upheld: false}")
    path = folder / f"rulings-{n}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli_per_event(path: Path, events: int, rounds: int = 2) -> float:
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["run", "-q", str(path), "--allow-path", str(path.parent)])
        best = min(best, time.perf_counter() - t0)
        assert code == 0
    return best / events


def main_bench() -> int:
    small, large = engine_per_event(10_000), engine_per_event(100_000)
    engine_ratio = large / small
    print(f"engine: {small * 1e6:.1f} us/event at 20,000 events, {large * 1e6:.1f} us/event "
          f"at 200,000 events: ratio {engine_ratio:.2f} (target <= 2)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        s_path, l_path = scenario_file(2_000, folder), scenario_file(20_000, folder)
        cli_per_event(s_path, 4_000, rounds=1)  # warm up imports
        s, big = cli_per_event(s_path, 4_000), cli_per_event(l_path, 40_000)
    cli_ratio = big / s
    print(f"dealmodel run -q: {s * 1e6:.0f} us/event at 2,000 pairs, {big * 1e6:.0f} us/event "
          f"at 20,000 pairs: ratio {cli_ratio:.2f} (target <= 2)")
    missed = [name for name, ratio in (("engine", engine_ratio), ("cli", cli_ratio))
              if ratio > 2]
    print("targets: met" if not missed else f"targets: missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main_bench())
