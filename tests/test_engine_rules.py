"""Targeted rule tests: one small deal per rule, one assertion per behaviour the mutants of
``tools/mutate.py`` showed the rest of the suite did not pin down."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealmodel import (
    AgreementReached,
    ClockAdvanced,
    Deal,
    Event,
    NegotiationsOpened,
    Resumed,
    Suspended,
    load_deal,
    replay,
)

BROKEN = Path(__file__).parent / "data" / "broken"


@pytest.fixture(scope="module")
def limbo_trap() -> Deal:
    return load_deal(BROKEN / "limbo-no-way-out-broken.yaml")


def _agreed_in_limbo() -> list[Event]:
    return [ClockAdvanced(1), NegotiationsOpened(2, phase="second"), ClockAdvanced(6),
            AgreementReached(6, phase="second")]


def test_agreement_in_limbo_waiting_on_its_condition_keeps_the_limbo(limbo_trap: Deal) -> None:
    run = replay(limbo_trap, _agreed_in_limbo())
    assert run.state == "first:limbo"
    assert run.end is None


def test_suspend_and_resume_in_limbo_change_nothing_once_agreed(limbo_trap: Deal) -> None:
    # regression: resuming treated "agreed, waiting on the entry condition" as "talks
    # ended" and lapsed the deal, so a suspension was a way out of the limbo
    run = replay(limbo_trap, [*_agreed_in_limbo(), Suspended(6, party="a"),
                              Resumed(6, party="a")])
    assert run.state == "first:limbo"
    assert run.end is None
