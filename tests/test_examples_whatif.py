"""The what-if scripts in examples/whatif/ run, say they are hypothetical, and give the
outcomes their docstrings promise."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

from dealmodel.analysis.compare import Comparison
from dealmodel.engine.score import score

SCRIPTS = Path(__file__).parent.parent / "examples" / "whatif"


def build(name: str) -> Comparison:
    namespace: dict[str, Any] = runpy.run_path(str(SCRIPTS / f"{name}.py"))
    comparison = namespace["build"]()
    assert isinstance(comparison, Comparison)
    return comparison


def test_there_are_at_least_four_scripts() -> None:
    assert len(list(SCRIPTS.glob("*.py"))) >= 4


@pytest.mark.parametrize("script", sorted(p.name for p in SCRIPTS.glob("*.py")))
def test_script_runs_and_says_hypothetical(script: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = SCRIPTS / script
    namespace = runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith("HYPOTHETICAL")
    assert "(hypothetical)" in out and "not what happened" in out
    doc = namespace["__doc__"]
    assert doc.startswith("HYPOTHETICAL what-if:")
    assert "January 2025 Gaza deal" in doc or "Philadelphi" in doc


def test_phase2_agreed_on_day_35() -> None:
    c = build("phase2_agreed_day35")
    v = c["phase2-agreed-day-35"]
    assert v.phase_entered()["phase2"] == 43
    assert all(not state.endswith(":limbo") for state, _ in v.run.history)
    assert v.days_in_limbo == 0 and c.base.days_in_limbo == 16
    assert ("phase2", 43) in v.run.history and v.final_state == "collapsed"
    assert c.base.final_state == "collapsed" and ("phase1:limbo", 43) in c.base.run.history
    assert v.divergence is not None and v.divergence.day == 16
    assert [(r["day"], r["type"]) for r in v.refused()] == [(43, "suspend")]


def test_aid_not_cut() -> None:
    c = build("aid_not_cut")
    v = c["aid-not-cut"]
    assert c.base.suspensions()[0]["obligation"] == "p1_aid"
    assert v.suspensions() == []
    assert [a.obligation for a in v.run.allegations if a.obligation == "p1_aid"] == []
    assert len(v.run.allegations) == len(c.base.run.allegations) - 2 == 5
    assert v.obligations()["p1_aid"]["status"] == "discharged"  # at the collapse, day 59
    assert score(v.run, v.run.ledger["p1_aid"]) == 3
    assert score(c.base.run, c.base.run.ledger["p1_aid"]) == 0
    assert ("phase1:limbo", 43) in v.run.history and v.final_state == "collapsed"
    assert v.obligations()["p1_philadelphi"]["violated_day"] == 50
    assert v.divergence is not None and v.divergence.day == 43


def test_release_postponed_by_a_week() -> None:
    c = build("release_postponed")
    v = c["release-postponed"]
    assert v.first_violation() == c.base.first_violation() == {
        "obligation": "p1_return_north", "party": "israel", "day": 7}
    entry = v.run.ledger["p1_hostages"]
    assert (entry.status.value, entry.progress, entry.violated_day, entry.fulfilled_day) == (
        "fulfilled", 33, None, 40)
    assert v.divergence is not None and v.divergence.day == 28
    both = c["two-releases-postponed"].run.ledger["p1_hostages"]
    assert (both.status.value, both.violated_day) == ("fulfilled late", 28)


def test_philadelphi_deadline_met_or_missed() -> None:
    c = build("philadelphi_deadline")
    assert c.horizon == 59
    base, on_time, late = c.base, c["withdrawal-day-50"], c["withdrawal-day-57"]
    assert base.obligations()["p1_philadelphi"]["status"] == "violated"
    assert on_time.obligations()["p1_philadelphi"]["status"] == "fulfilled"
    assert late.obligations()["p1_philadelphi"] == {
        "status": "fulfilled late", "progress": 1, "owed": 1, "violated_day": 50}
