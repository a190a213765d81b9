"""Scenarios: deals by name, path or inline; outcomes as timeline, summary and JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dealmodel import ScenarioError, load_scenario, run_scenario
from dealmodel.scenarios.scenario import scenario_from_dict

DATA = Path(__file__).parent / "data"


def test_deal_by_relative_path(tmp_path: Path) -> None:
    (tmp_path / "deals").mkdir()
    (tmp_path / "deals" / "truce.yaml").write_text((DATA / "truce-2phase.yaml").read_text())
    path = tmp_path / "s.yaml"
    path.write_text("deal: deals/truce.yaml\nevents:\n"
                    "  - {day: 1, type: perform, party: side_b, obligation: captives,"
                    " quantity: 50}\n  - {day: 9, type: advance}\n")
    outcome = load_scenario(path).run()
    assert outcome.run.deal.id == "truce-2phase"
    assert outcome.run.state == "lapsed"  # the second phase was never agreed


def test_inline_deal_and_refusals_are_recorded() -> None:
    deal = yaml.safe_load((DATA / "truce-2phase.yaml").read_text())
    scenario = scenario_from_dict({"deal": deal, "title": "inline", "events": [
        {"day": 1, "type": "perform", "party": "side_a", "obligation": "captives"},
        {"day": 2, "type": "perform", "party": "side_b", "obligation": "captives",
         "quantity": 5},
    ]})
    outcome = run_scenario(scenario)
    first, second = outcome.events
    assert not first.accepted and "only 'side_b' can perform 'captives'" in (first.reason or "")
    # the refused event still moves the clock to its day: the deal takes effect then
    assert first.code == "not-obligor" and first.changes == ["state -> pause"]
    assert second.accepted and second.changes == ["captives 5/50"]
    assert outcome.refused == (first,)
    doc = outcome.to_dict()
    assert doc["events"][0]["accepted"] is False
    assert doc["events"][0]["refusal"]["code"] == "not-obligor"
    assert doc["events"][0]["records"] == [
        {"kind": "state", "day": 1, "state": "pause", "trigger": "enter_force"}]
    assert doc["events"][1]["records"] == [
        {"kind": "performance", "day": 2, "obligation": "captives", "quantity": 5,
         "progress": 5, "target": 50, "by": None, "part": None, "cumulative": False}]
    assert doc["obligations"][0]["progress"] == 5


def test_summary_and_timeline_text() -> None:
    outcome = load_scenario(Path("examples/gaza-2025-record.yaml")).run()
    summary = outcome.summary()
    assert "final state: collapsed as of day 59 (2025-03-18)" in summary
    assert "allegations (an allegation is not a finding):" in summary
    assert "(withheld by hamas since day 23)" in summary  # the postponed release
    timeline = outcome.timeline()
    assert "day  43 (2025-03-02)  israel suspends p1_aid" in timeline
    assert "p1_philadelphi violated (not done by day 50)" in timeline
    assert "p1_rafah fulfilled late" in timeline


def test_all_problems_at_once() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"deal": "gaza-2025", "events": [
            {"day": 1, "type": "bogus"}, {"day": "x", "type": "advance"}], "extra": 1})
    assert len(info.value.problems) == 3
