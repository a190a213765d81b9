"""Time that passes, every way a deal ends, and the powers over a deal (issue: real deals 1).

The examples in ``examples/semantics/`` each state their expected outcome; the tests here
check the rules those examples rest on, one by one, against the real engine and CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealmodel import (
    AgreementReached,
    Deal,
    EventRejected,
    HostilitiesResumed,
    Performed,
    ViolationAlleged,
    deal_from_dict,
    start,
)
from dealmodel.cli import main
from dealmodel.engine.registry import HANDLERS
from dealmodel.model.events import EVENT_TYPES, Amended, Extended, Terminated
from dealmodel.scenarios.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).parent.parent
SEMANTICS = sorted((ROOT / "examples" / "semantics").glob("*.yaml"))


def test_every_event_type_has_a_handler() -> None:
    assert set(EVENT_TYPES.values()) <= set(HANDLERS)


def test_semantics_examples_pass_dealmodel_test(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(SEMANTICS) >= 16
    assert main(["test", *map(str, SEMANTICS)]) == 0
    out = capsys.readouterr().out
    assert out.count("ok ") == len(SEMANTICS)


@pytest.mark.parametrize("path", SEMANTICS, ids=lambda p: p.stem)
def test_semantics_examples_are_labelled_and_expect_something(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.hypothetical and scenario.deal.hypothetical
    assert scenario.expect


def gaza_json(tmp_path: Path, events: str, *args: str) -> dict[str, object]:
    path = tmp_path / "s.yaml"
    path.write_text(f"deal: gaza-2025\nhypothetical: true\nevents:\n{events}", "utf-8")
    code = main(["run", str(path), "--json", *args])
    assert code == 0
    return {}  # filled by the caller from capsys


def run_json(capsys: pytest.CaptureFixture[str], tmp_path: Path, events: str,
             *args: str) -> dict[str, object]:
    gaza_json(tmp_path, events, *args)
    doc: dict[str, object] = json.loads(capsys.readouterr().out)
    return doc


def test_a_refused_last_event_still_moves_the_clock(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    doc = run_json(capsys, tmp_path, """\
  - {day: 1, type: perform, party: hamas, obligation: p1_hostages, quantity: 3}
  - {day: 50, type: agreement_reached, phase: phase3}
""")
    assert doc["as_of_day"] == 50 and doc["final_state"] != "phase1"
    # the built-in deal holds in limbo when phase 1's time is up (clause phase1-expiry)
    assert doc["final_state"] == "phase1:limbo" and doc["ended_day"] is None
    assert {"state": "phase1:limbo", "entered_day": 43, "entered_date": "2025-03-02"} in \
        doc["phase_history"]  # type: ignore[operator]
    assert "2025-01-19" in json.dumps(doc)


def test_a_refused_event_in_limbo_moves_the_clock(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    doc = run_json(capsys, tmp_path, """  - {day: 16, type: negotiations_opened, phase: phase2}
  - {day: 50, type: agreement_reached, phase: phase3}
""")
    last = doc["events"][-1]  # type: ignore[index]
    assert last["accepted"] is False and last["refusal"]["code"] == "not-next-phase"
    assert (doc["as_of_day"], doc["final_state"]) == (50, "phase1:limbo")


def test_until_stands_on_that_day(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "gaza-2025", "--until", "30", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["day"], doc["as_of_day"], doc["as_of_date"]) == (30, 30, "2025-02-17")
    assert doc["final_state"] == "phase1" and doc["ended_day"] is None
    assert all(e["day"] <= 30 for e in doc["events"])
    assert main(["run", "gaza-2025", "--until", "2025-03-13", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of_day"] == 54


def test_facts_after_the_end_are_kept(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    doc = run_json(capsys, tmp_path, """\
  - {day: 20, type: hostilities_resumed, by: israel}
  - {day: 25, type: allege, by: qatar, against: israel}
""")
    assert (doc["final_state"], doc["ended_day"], doc["day"]) == ("collapsed", 20, 25)
    assert doc["end_cause"] == "hostilities resumed"
    assert [f["day"] for f in doc["after_end"]] == [25]  # type: ignore[index,union-attr]


def test_events_may_be_dated_by_calendar_date(gaza: Deal) -> None:
    scenario = scenario_from_dict({"deal": "gaza-2025", "events": [
        {"date": "2025-01-25", "type": "perform", "party": "hamas",
         "obligation": "p1_hostages", "quantity": 4}]})
    assert scenario.events[0].day == 7
    with pytest.raises(Exception, match="give day or date, not both"):
        scenario_from_dict({"deal": "gaza-2025", "events": [
            {"date": "2025-01-25", "day": 7, "type": "advance"}]})


def _deal(**extra: object) -> Deal:
    data: dict[str, object] = {
        "id": "d", "title": "t", "in_force": "2030-01-01",
        "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "mediators": [{"id": "m", "name": "M"}],
        "phases": [{"id": "p1", "duration_days": 10, "obligations": [
            {"id": "act", "obligor": "a", "due_day": 3}]}],
    }
    data.update(extra)
    return deal_from_dict(data)


def test_powers_are_checked_and_the_missing_one_is_named() -> None:
    run = start(_deal())
    run.advance_to(2)
    with pytest.raises(EventRejected, match="no clause grants the power to terminate") as info:
        run.apply(Terminated(2, by="a"))
    assert info.value.code == "no-power"
    joint = start(_deal(powers=[{"power": "terminate", "holders": "parties", "jointly": True}]))
    joint.advance_to(2)
    assert joint.refusal(Terminated(2, by="a")).code == "no-power"  # type: ignore[union-attr]
    joint.apply(Terminated(2, by=["a", "b"]))
    assert joint.state == "terminated" and joint.end is not None and joint.end.by == ("a", "b")


def test_an_amendment_keeps_the_old_violation_and_judges_again() -> None:
    run = start(_deal(powers=[{"power": "amend", "holders": ["m"]}]))
    run.advance_to(5)
    entry = run.ledger["act"]
    assert (entry.status.value, entry.violated_day) == ("violated", 3)
    run.apply(Amended(5, by="m", obligation="act", due_day=8))
    assert run.ledger["act"].status.value == "active"
    run.advance_to(9)  # not done by the new deadline either: violated again, on day 8
    entry = run.ledger["act"]
    assert entry.status.value == "violated"
    days = [r.day for r in entry.history if type(r).__name__ == "Violated"]
    assert days == [3, 8]


def test_an_extension_on_the_last_day_counts() -> None:
    deal = _deal(phases=[{"id": "p1", "duration_days": 4, "extension": {
        "max_days": 3, "granted_by": ["m"]}}])
    run = start(deal)
    run.apply(Extended(4, by="m", days=2))  # day 4 is the phase's last day
    run.advance_to(6)
    assert run.state == "p1:extended" and run.phase_end == 6
    run.advance_to(7)
    assert run.state == "concluded"


def test_after_end_facts_do_not_change_the_outcome(gaza: Deal) -> None:
    run = start(gaza)
    run.apply(HostilitiesResumed(3))
    before = (run.state, run.end, {k: e.status for k, e in run.ledger.items()})
    run.apply(Performed(4, party="hamas", obligation="p1_hostages", quantity=3))
    run.apply(ViolationAlleged(5, by="qatar", against="israel"))
    run.apply(AgreementReached(6, phase="phase2"))
    assert (run.state, run.end, {k: e.status for k, e in run.ledger.items()}) == before
    assert [f.event for f in run.after_end] == ["perform", "allege", "agreement_reached"]
    assert not run.allegations
