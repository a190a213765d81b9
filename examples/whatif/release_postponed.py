"""HYPOTHETICAL what-if: the January 2025 Gaza deal with the day-28 release a week late.

The reported schedule has an exchange on day 28 (3 hostages, and prisoners at the
stated ratio), in the as-reported timeline on schedule. This script moves every event
of day 28 by seven days, to day 35 - a hypothetical postponement - and compares the run
with the base. It explores the deal's rules; it is not a report.

Expected: the cumulative milestone of day 28 (16 hostages) is missed, so p1_hostages is
recorded as violated on day 28 - the first violation of the run - even though all 33
are released by day 40. The later milestones are met.

Run: python examples/whatif/release_postponed.py
"""

from pathlib import Path

from dealmodel import load_scenario
from dealmodel.analysis.compare import Comparison, compare

BASE = Path(__file__).resolve().parent.parent / "gaza-2025-as-reported.yaml"


def build() -> Comparison:
    scenario = load_scenario(BASE)
    postponed = scenario.variant(
        "release-postponed",
        "Hypothetical: the exchange due on day 28 takes place on day 35.",
    ).shift(7, day=28)
    return compare(scenario, [postponed])


if __name__ == "__main__":
    comparison = build()
    print("HYPOTHETICAL scenario: the day-28 release postponed by a week "
          "(not what happened).\n")
    print(comparison)
