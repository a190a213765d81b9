"""HYPOTHETICAL what-if: the January 2025 Gaza deal with the day-28 release a week late.

The reported schedule has releases on days 1, 7, 14, 21, 28 and 35 and the rest in the
final week; on the public record (examples/gaza-2025-record.yaml) an extra round on day
12 put the releases one round ahead of it. This script moves every event of day 28 (3
hostages and 369 prisoners and detainees) by seven days, to day 35 - a hypothetical
postponement - and compares the run with the record. It explores the deal's rules; it
is not a report.

Expected: because the releases were ahead of the schedule, the postponement misses no
milestone: 16 hostages were due by day 28 and 16 had been returned. p1_hostages is still
fulfilled on time on day 40, and the first violation of the run stays the return to the
north (day 7). Postponing day 21's release as well would have missed day 28's milestone.

Run: python examples/whatif/release_postponed.py
"""

from pathlib import Path

from dealmodel import load_scenario
from dealmodel.analysis.compare import Comparison, compare

BASE = Path(__file__).resolve().parent.parent / "gaza-2025-record.yaml"


def build() -> Comparison:
    scenario = load_scenario(BASE)
    postponed = scenario.variant(
        "release-postponed",
        "Hypothetical: the exchange of day 28 takes place on day 35.",
    ).shift(7, day=28)
    both = scenario.variant(
        "two-releases-postponed",
        "Hypothetical: the exchanges of days 21 and 28 each take place two weeks later.",
    ).shift(14, day=28).shift(14, day=21)
    return compare(scenario, [postponed, both])


if __name__ == "__main__":
    comparison = build()
    print("HYPOTHETICAL scenario: the day-28 release postponed by a week "
          "(not what happened).\n")
    print(comparison)
