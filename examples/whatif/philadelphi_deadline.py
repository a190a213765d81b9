"""HYPOTHETICAL what-if: the Philadelphi withdrawal deadline (day 50), met or missed.

The terms set Israel's withdrawal from the Philadelphi corridor by day 50
(p1_philadelphi). The public record (examples/gaza-2025-record.yaml) has no withdrawal -
an Israeli official said on day 40 that Israel would not leave, and Hamas alleged on
day 51 that the pull-out had not begun - so the base run shows the deadline missed:
p1_philadelphi is violated on day 50. This script compares three timelines:

* base - the record: no withdrawal, violated on day 50;
* withdrawal-day-50 - hypothetical: the withdrawal is made on day 50, on time;
* withdrawal-day-57 - hypothetical: the withdrawal is made a week late, on day 57.

Expected: on time, p1_philadelphi is fulfilled; a week late, it is fulfilled late: the
violation of day 50 is kept beside the fulfilment of day 57. All runs are compared on
day 59, when fighting resumed. These are explorations of the deal's rules, not reports.

Run: python examples/whatif/philadelphi_deadline.py
"""

from pathlib import Path

from dealmodel import Performed, load_scenario
from dealmodel.analysis.compare import Comparison, compare

BASE = Path(__file__).resolve().parent.parent / "gaza-2025-record.yaml"


def build() -> Comparison:
    scenario = load_scenario(BASE)
    on_time = scenario.variant(
        "withdrawal-day-50", "Hypothetical: withdrawal from Philadelphi on day 50."
    ).add(Performed(50, party="israel", obligation="p1_philadelphi"))
    late = scenario.variant(
        "withdrawal-day-57", "Hypothetical: withdrawal from Philadelphi a week late."
    ).add(Performed(57, party="israel", obligation="p1_philadelphi"))
    return compare(scenario, [on_time, late])


if __name__ == "__main__":
    comparison = build()
    print("HYPOTHETICAL scenarios: the Philadelphi deadline met on day 50, or missed "
          "(not what happened).\n")
    print(comparison)
