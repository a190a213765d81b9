"""What-if speed: forking a run part-way against replaying it from day 1, in one process.

The variant is "aid-not-cut" of the built-in Gaza 2025 scenario (the day-43 aid
suspension and the day-44 allegation removed), which first differs from the base after
day 30. Two ways to get its outcome, both recording each event's fate as run_scenario
does:

* fork: the base run replayed to day 30 once (not timed, as a what-if comparison keeps
  it), then per measurement ``continue_run(at_day_30, events after day 30)`` - a fork
  plus the remaining events;
* replay: ``run_scenario(variant.scenario)`` - a new run and every event from day 1.

Target: fork-and-finish costs at most 1/3 of the replay. Also printed: the fork alone
against replaying the first 30 days (what a fork saves).

Run: python benchmarks/bench_whatif.py [--repeat N] [--number N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import timeit
from collections.abc import Callable

from dealmodel.analysis.compare import continue_run, replay_until
from dealmodel.scenarios.outcome import run_scenario
from dealmodel.scenarios.scenario import load_scenario as resolve_scenario

FORK_DAY = 30


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25)
    parser.add_argument("--number", type=int, default=500)
    args = parser.parse_args(argv)

    scenario = resolve_scenario("gaza-2025")
    variant = (scenario.variant("aid-not-cut")
               .drop(type="suspend", obligation="p1_aid")
               .drop(type="allege", obligation="p1_aid"))
    vscenario = variant.scenario
    tail = [e for e in variant.events if e.day > FORK_DAY]
    at_fork = replay_until(scenario, FORK_DAY)
    assert all(a == b for a, b in zip(at_fork.events(), variant.events, strict=False))

    # sanity: both ways give the same run
    forked, replayed = continue_run(at_fork, tail), run_scenario(vscenario)
    assert forked.run.to_dict() == replayed.run.to_dict()

    contenders: dict[str, Callable[[], object]] = {
        "fork": lambda: continue_run(at_fork, tail),
        "replay": lambda: run_scenario(vscenario),
        "fork_only": at_fork.fork,
        "prefix": lambda: replay_until(scenario, FORK_DAY),
    }
    # Best of N rounds, taking turns within each round so that a busy machine slows
    # every contender alike; the median of the rounds' own ratios is shown as well.
    best = dict.fromkeys(contenders, float("inf"))
    paired: list[float] = []
    for _ in range(args.repeat):
        took = {name: timeit.timeit(func, number=args.number) / args.number
                for name, func in contenders.items()}
        paired.append(took["fork"] / took["replay"])
        for name, seconds in took.items():
            best[name] = min(best[name], seconds)
    t_fork, t_replay = best["fork"], best["replay"]
    t_fork_only, t_prefix = best["fork_only"], best["prefix"]
    ratio = t_fork / t_replay
    print(f"variant aid-not-cut of gaza-2025: {len(variant.events)} events, "
          f"{len(tail)} after day {FORK_DAY}; best of {args.repeat} x {args.number}")
    print(f"  fork at day {FORK_DAY} and finish: {t_fork * 1e6:8.1f} us")
    print(f"  replay from day 1:          {t_replay * 1e6:8.1f} us")
    print(f"  fork alone:                 {t_fork_only * 1e6:8.1f} us "
          f"(replaying days 1-{FORK_DAY}: {t_prefix * 1e6:.1f} us, "
          f"ratio {t_fork_only / t_prefix:.3f})")
    print(f"fork-and-finish vs replay: {ratio:.3f} (target <= 0.333); "
          f"median of the rounds' ratios: {statistics.median(paired):.3f}")
    print("targets: met" if ratio <= 1 / 3 else
          f"targets: missed: fork-and-finish {ratio:.3f} of replay (target <= 0.333)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
