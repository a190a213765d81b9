"""HYPOTHETICAL what-if: the January 2025 Gaza deal with phase 2 agreed on day 35.

In the as-reported timeline talks on phase 2 opened by day 16 but no agreement was
reached, and when phase 1's 42 days ran out on day 42 the truce went on in limbo. This
script adds one hypothetical event - agreement on phase 2 on day 35 - and compares the
run with the as-reported base. It is an exploration of the deal's rules, not a report.

Expected: the run enters phase 2 on day 43 and never enters limbo. The reported aid
suspension on day 43 is then refused (the phase 1 aid duty has ended with phase 1), and
the comparison shows that refusal with the engine's reason.

Run: python examples/whatif/phase2_agreed_day35.py
"""

from pathlib import Path

from dealmodel import AgreementReached, load_scenario
from dealmodel.analysis.compare import Comparison, compare

BASE = Path(__file__).resolve().parent.parent / "gaza-2025-as-reported.yaml"


def build() -> Comparison:
    scenario = load_scenario(BASE)
    agreed = scenario.variant(
        "phase2-agreed-day-35",
        "Hypothetical: the phase 2 talks end in agreement on day 35.",
    ).add(AgreementReached(35, phase="phase2"))
    return compare(scenario, [agreed])


if __name__ == "__main__":
    comparison = build()
    print("HYPOTHETICAL scenario: phase 2 agreed on day 35 (not what happened).\n")
    print(comparison)
    result = comparison["phase2-agreed-day-35"]
    print(f"\nphase 2 entered on day {result.phase_entered()['phase2']}; "
          f"days in limbo: {result.days_in_limbo} (as reported: "
          f"{comparison.base.days_in_limbo})")
