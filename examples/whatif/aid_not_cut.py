"""HYPOTHETICAL what-if: the January 2025 Gaza deal with aid not cut after day 42.

The as-reported timeline records Israel suspending the phase 1 aid obligation (p1_aid)
on day 43 and Qatar alleging, on day 44, that the closure of crossings violated the
agreement. This script removes both events - a hypothetical in which aid continues - and
compares the run with the base. It explores the deal's rules; it is not a report.

Expected: no obligation is suspended and no allegation is made; the truce is still in
limbo (phase 2 was not agreed), and the Philadelphi deadline (day 50) is still missed
because no withdrawal is recorded in either timeline.

Run: python examples/whatif/aid_not_cut.py
"""

from pathlib import Path

from dealmodel import load_scenario
from dealmodel.analysis.compare import Comparison, compare

BASE = Path(__file__).resolve().parent.parent / "gaza-2025-as-reported.yaml"


def build() -> Comparison:
    scenario = load_scenario(BASE)
    not_cut = (
        scenario.variant("aid-not-cut", "Hypothetical: aid is not suspended after day 42.")
        .drop(type="suspend", obligation="p1_aid")
        .drop(type="allege", obligation="p1_aid")
    )
    return compare(scenario, [not_cut])


if __name__ == "__main__":
    comparison = build()
    print("HYPOTHETICAL scenario: aid not cut after day 42 (not what happened).\n")
    print(comparison)
