"""HYPOTHETICAL what-if: the January 2025 Gaza deal with phase 2 agreed on day 35.

On the public record (examples/gaza-2025-record.yaml) talks on phase 2, due by day 16,
never began; when phase 1's 42 days ran out the truce held in limbo from day 43 until
fighting resumed on day 59. This script adds two hypothetical events - talks opening on
day 16, as the terms require, and agreement on phase 2 on day 35 - and compares the run
with the record. It is an exploration of the deal's rules, not a report.

Expected: the run enters phase 2 on day 43 and never enters limbo. The recorded aid
suspension of day 43 is then refused (the phase 1 aid duty ended with phase 1), and the
comparison shows that refusal with the engine's reason. The resumption of fighting on
day 59 still ends the deal, now in phase 2.

Run: python examples/whatif/phase2_agreed_day35.py
"""

from pathlib import Path

from dealmodel import AgreementReached, NegotiationsOpened, load_scenario
from dealmodel.analysis.compare import Comparison, compare

BASE = Path(__file__).resolve().parent.parent / "gaza-2025-record.yaml"


def build() -> Comparison:
    scenario = load_scenario(BASE)
    agreed = scenario.variant(
        "phase2-agreed-day-35",
        "Hypothetical: talks on phase 2 open on day 16 and end in agreement on day 35.",
    ).add(NegotiationsOpened(16, phase="phase2"), AgreementReached(35, phase="phase2"))
    return compare(scenario, [agreed])


if __name__ == "__main__":
    comparison = build()
    print("HYPOTHETICAL scenario: phase 2 agreed on day 35 (not what happened).\n")
    print(comparison)
    result = comparison["phase2-agreed-day-35"]
    print(f"\nphase 2 entered on day {result.phase_entered()['phase2']}; "
          f"days in limbo: {result.days_in_limbo} (on the record: "
          f"{comparison.base.days_in_limbo})")
