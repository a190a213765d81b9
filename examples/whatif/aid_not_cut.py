"""HYPOTHETICAL what-if: the January 2025 Gaza deal with aid not cut after day 42.

The public record (examples/gaza-2025-record.yaml) has Israel halting aid on day 43
(2 March 2025) and Qatar and Egypt alleging, the same day, that the halt violated the
agreement. This script removes the suspension and those two allegations - a hypothetical
in which aid continues - and compares the run with the record. It explores the deal's
rules; it is not a report.

Expected: no obligation is suspended and the two aid allegations are gone (the other
five remain); the aid duty keeps an implementation score of 3 instead of 0; the truce
still holds in limbo from day 43 (phase 2 was not agreed) and still collapses on day
59, and the Philadelphi deadline (day 50) is still missed.

Run: python examples/whatif/aid_not_cut.py
"""

from pathlib import Path

from dealmodel import load_scenario
from dealmodel.analysis.compare import Comparison, compare

BASE = Path(__file__).resolve().parent.parent / "gaza-2025-record.yaml"


def build() -> Comparison:
    scenario = load_scenario(BASE)
    not_cut = (
        scenario.variant("aid-not-cut", "Hypothetical: aid is not halted after day 42.")
        .drop(type="suspend", obligation="p1_aid")
        .drop(type="allege", obligation="p1_aid")
    )
    return compare(scenario, [not_cut])


if __name__ == "__main__":
    comparison = build()
    print("HYPOTHETICAL scenario: aid not cut after day 42 (not what happened).\n")
    print(comparison)
