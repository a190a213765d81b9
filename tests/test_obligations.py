"""Obligations as real deals have them (#10): late, partial, withheld, joint, by another
actor, surplus, relative deadlines, open-ended phases, actors with roles, and scores.

Scenarios go through the real YAML loader, the engine and the CLI; the invented cases
in examples/semantics/ are run by ``dealmodel test`` and must also fail when their
expectations are wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dealmodel import (
    DealDefinitionError,
    EventRejected,
    Obligation,
    Performed,
    PhaseEnded,
    Released,
    Reported,
    Ruling,
    ViolationAlleged,
    Withheld,
    deal_from_dict,
    load_scenario,
    start,
)
from dealmodel.cli import main
from dealmodel.engine.guards import CODES
from dealmodel.engine.score import score
from dealmodel.model.events import Amended
from dealmodel.scenarios.scenario import scenario_from_dict

ROOT = Path(__file__).parent.parent
SEMANTICS = sorted((ROOT / "examples" / "semantics").glob("*.yaml"))


def test_there_is_one_invented_case_per_rule() -> None:
    names = {p.stem for p in SEMANTICS}
    assert names >= {"late-and-partial", "partial-parts", "joint-and-third-party",
                     "surplus-and-strict-cap", "zero-start-extension",
                     "relative-and-open-deadlines", "open-ended-phase", "withholding",
                     "actors", "implementation-score"}


@pytest.mark.parametrize("path", SEMANTICS, ids=[p.stem for p in SEMANTICS])
def test_semantics_examples_pass_dealmodel_test(path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    scenario = load_scenario(path)
    assert scenario.hypothetical and scenario.deal.hypothetical  # invented, and labelled so
    assert scenario.expect
    assert main(["test", str(path)]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("path", SEMANTICS, ids=[p.stem for p in SEMANTICS])
def test_semantics_examples_fail_when_an_expectation_is_wrong(path: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str],
                                                              ) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    obligations = data["expect"].get("obligations")
    if obligations:
        first = next(iter(obligations.values()))
        key = next(iter(first))
        first[key] = ["surely not this"]
    else:
        data["expect"]["final_state"] = "surely not this"
    broken = tmp_path / path.name
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert main(["test", str(broken)]) == 1
    assert "FAIL" in capsys.readouterr().out


def deal(*obligations: dict[str, Any], **phase: Any) -> Any:
    """A one-phase invented deal (30 days unless given) with the obligations given."""
    return deal_from_dict({
        "id": "t", "title": "test (hypothetical)", "hypothetical": True,
        "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "actors": [{"id": "mon", "name": "Monitor", "role": "monitor"},
                   {"id": "x", "name": "Group X", "role": "non_signatory"}],
        "phases": [{"id": "p", "duration_days": 30, **phase,
                    "obligations": list(obligations)}],
    })


def refused(run: Any, event: Any) -> str:
    refusal = run.refusal(event)
    assert refusal is not None, event
    assert refusal.code in CODES
    before = run.to_dict()
    with pytest.raises(EventRejected):
        run.apply(event)
    assert run.to_dict() == before
    return str(refusal.code)


def test_withholding_rules() -> None:
    d = deal({"id": "q", "obligor": "a", "quantity": {"amount": 5, "unit": "u"}},
             {"id": "nf", "obligor": "b", "kind": "prohibition"})
    run = start(d)
    run.advance_to(1)
    assert refused(run, Withheld(2, party="b", obligation="q")) == "not-obligor"
    assert refused(run, Withheld(2, party="b", obligation="nf")) == "prohibition"
    assert refused(run, Released(2, party="a", obligation="q")) == "not-withheld"
    run.apply(Withheld(2, party="a", obligation="q", condition="the other side's release"))
    assert run.ledger["q"].status.value == "withheld"
    assert refused(run, Withheld(3, party="a", obligation="q")) == "not-open"
    assert refused(run, Performed(3, party="a", obligation="q")) == "obligation-withheld"
    run.apply(Released(4, party="a", obligation="q"))
    assert run.ledger["q"].status.value == "active"


def test_a_deadline_passing_while_withheld_is_a_breach_shown_on_release() -> None:
    run = start(deal({"id": "q", "obligor": "a", "quantity": {"amount": 5, "unit": "u"},
                      "due_day": 3}))
    run.apply(Performed(1, party="a", obligation="q", quantity=2))
    run.apply(Withheld(2, party="a", obligation="q"))
    run.advance_to(6)
    entry = run.ledger["q"]
    assert (entry.status.value, entry.violated_day) == ("withheld", 3)
    run.apply(Released(7, party="a", obligation="q"))
    assert run.ledger["q"].status.value == "partially fulfilled"  # 2 of 5 by day 3
    run.apply(Performed(8, party="a", obligation="q", quantity=3))
    entry = run.ledger["q"]
    assert (entry.status.value, entry.violated_day, entry.fulfilled_day) == (
        "fulfilled late", 3, 8)


def test_an_allegation_points_at_a_withheld_duty() -> None:
    run = start(deal({"id": "q", "obligor": "a", "quantity": {"amount": 5, "unit": "u"}}))
    run.apply(Withheld(2, party="a", obligation="q"))
    run.apply(ViolationAlleged(3, by="b", against="a", obligation="q"))
    run.apply(ViolationAlleged(3, by="a", against="b"))
    assert [a.withheld_from for a in run.allegations] == [2, None]


def test_parts_rules() -> None:
    run = start(deal({"id": "w", "obligor": "a", "parts": ["north", "south"], "due_day": 5}))
    run.advance_to(1)
    assert refused(run, Performed(2, party="a", obligation="w")) == "part-required"
    assert refused(run, Performed(2, party="a", obligation="w", part="east")) == "unknown-part"
    run.apply(Performed(2, party="a", obligation="w", part="north"))
    assert refused(run, Performed(3, party="a", obligation="w", part="north")) == "part-done"
    run.apply(Performed(3, party="a", obligation="w", part="south"))
    assert run.ledger["w"].status.value == "fulfilled"


def test_performance_by_another_actor_names_a_known_actor() -> None:
    run = start(deal({"id": "q", "obligor": "a", "quantity": {"amount": 5, "unit": "u"}}))
    assert refused(run, Performed(1, party="a", by="nobody", obligation="q")) == \
        "unknown-party"
    assert refused(run, Performed(1, party="mon", obligation="q")) == "not-obligor"
    run.apply(Performed(1, party="a", by="x", obligation="q", quantity=2))
    assert run.ledger["q"].performed_by == {"x": 2}


def test_joint_duty_is_performed_by_either_obligor_and_alleged_against_either() -> None:
    run = start(deal({"id": "talks", "obligors": ["a", "b"], "due_day": 5}))
    run.apply(ViolationAlleged(6, by="a", against="b", obligation="talks"))
    run.apply(Performed(7, party="b", obligation="talks"))
    entry = run.ledger["talks"]
    assert (entry.status.value, entry.violated_day, entry.performed_by) == (
        "fulfilled late", 5, {"b": 1})


def test_end_phase_rules() -> None:
    d = deal_from_dict({
        "id": "t", "title": "t (hypothetical)", "hypothetical": True,
        "parties": [{"id": "a", "name": "A"}],
        "phases": [{"id": "one", "duration_days": None,
                    "obligations": [{"id": "o", "obligor": "a", "due": "end_of_phase"}]},
                   {"id": "two", "duration_days": 5, "on_expiry": "lapse"}],
    })
    run = start(d)
    run.advance_to(1)
    assert refused(run, PhaseEnded(2, phase="two")) == "not-current-phase"
    run.apply(PhaseEnded(9, phase="one"))
    assert run.history[-1] == ("two", 9)
    entry = run.ledger["o"]
    assert (entry.status.value, entry.violated_day) == ("violated", 9)


def test_roles_who_rule_report_and_owe() -> None:
    d = deal({"id": "nf", "obligor": "a", "kind": "prohibition"})
    run = start(d)
    run.apply(Reported(1, by="mon", summary="firing observed", obligation="nf"))
    run.apply(ViolationAlleged(2, by="b", against="x", evidence="rockets"))
    run.apply(ViolationAlleged(2, by="b", against="a", obligation="nf"))
    assert refused(run, Ruling(3, by="x", allegation="A2", upheld=True)) == \
        "party-cannot-rule"
    run.apply(Ruling(3, by="mon", allegation="A2", upheld=True))
    assert run.ledger["nf"].status.value == "violated"
    assert refused(run, Reported(4, by="nobody")) == "unknown-party"
    with pytest.raises(DealDefinitionError, match="'x' is a non signatory, not a party"):
        deal({"id": "o", "obligor": "x"})


def test_obligor_shorthand_and_list_are_one_definition() -> None:
    assert Obligation("o", obligor="a") == Obligation("o", obligors=["a"])
    joint = Obligation("o", obligors=["a", "b"], beneficiary="c")
    assert (joint.obligor, joint.obligors, joint.beneficiaries) == ("a", ("a", "b"), ("c",))
    with pytest.raises(DealDefinitionError, match="must be the first of obligors"):
        Obligation("o", obligor="b", obligors=["a", "b"])
    with pytest.raises(DealDefinitionError, match="name who owes it"):
        Obligation("o")


@settings(max_examples=60, deadline=None)
@given(amount=st.integers(1, 40), deliveries=st.lists(st.integers(1, 15), max_size=6))
def test_score_follows_the_share_delivered(amount: int, deliveries: list[int]) -> None:
    """Total delivered = sum of performances; the score is fixed by the share of it."""
    run = start(deal({"id": "q", "obligor": "a", "quantity": {"amount": amount, "unit": "u"}}))
    run.advance_to(1)
    for day, qty in enumerate(deliveries, start=2):
        run.apply(Performed(day, party="a", obligation="q", quantity=qty))
    total = sum(deliveries)
    entry = run.ledger["q"]
    assert entry.progress == total
    share = total / amount
    want = 0 if total == 0 else 3 if share >= 1 else 1 if share < 0.5 else 2
    assert score(run, entry) == want
    # on each earlier day the score was what the deliveries up to then gave
    for day in range(1, run.day + 1):
        upto = sum(deliveries[: max(0, day - 1)])
        share = upto / amount
        expected = 0 if upto == 0 else 3 if share >= 1 else 1 if share < 0.5 else 2
        assert score(run, entry, day) == expected


def test_report_score_and_json_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "examples" / "semantics" / "implementation-score.yaml"
    assert main(["run", str(path), "--report", "score"]) == 0
    out = capsys.readouterr().out
    assert "captives" in out and "2 intermediate" in out and "0 not kept" in out
    assert "day   3" in out and "50%" in out
    assert main(["run", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for ob in doc["obligations"]:
        for field in ("unit", "obligors", "performed_by", "fulfilled_day", "violated_day",
                      "withheld_from", "surplus", "score"):
            assert field in ob, field
    for event in doc["events"]:
        assert {"source", "hypothetical", "disputed"} <= set(event)


def test_scenario_with_disputed_figure_keeps_it() -> None:
    scenario = scenario_from_dict({
        "deal": {"id": "t", "title": "t", "hypothetical": True,
                 "parties": [{"id": "a", "name": "A"}],
                 "phases": [{"id": "p", "duration_days": 5, "obligations": [
                     {"id": "q", "obligor": "a", "quantity": {"amount": 700, "unit": "u"}}]}]},
        "hypothetical": True,
        "events": [{"day": 1, "type": "withhold", "party": "a", "obligation": "q",
                    "disputed": "602 (one report) or 620 (another)"}]})
    doc = scenario.run().to_dict()
    assert doc["events"][0]["disputed"] == "602 (one report) or 620 (another)"


def test_obligations_that_are_not_a_list_with_other_problems_are_reported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Regression (found by fuzzing an example): a phase whose obligations are not a list,
    in a deal with another problem, crashed the loader instead of reporting both."""
    path = tmp_path / "bad.yaml"
    path.write_text("deal:\n  id: t\n  title: t\n  hypothetical: true\n"
                    "  parties: [{id: a, name: A}]\n"
                    "  phases: [{id: p, duration_days: 3, obligations: -1}]\n"
                    "hypothetical: true\nevents: []\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    assert "obligations: must be a list, got -1" in capsys.readouterr().err


def test_an_amended_deadline_of_a_withheld_duty_still_runs() -> None:
    d = deal_from_dict({
        "id": "t", "title": "t (hypothetical)", "hypothetical": True,
        "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "powers": [{"power": "amend", "holders": ["a", "b"], "jointly": True}],
        "phases": [{"id": "p", "duration_days": 30, "obligations": [
            {"id": "q", "obligor": "a", "quantity": {"amount": 5, "unit": "u"},
             "due_day": 20}]}]})
    run = start(d)
    run.apply(Withheld(2, party="a", obligation="q"))
    run.apply(Amended(3, by=["a", "b"], obligation="q", due_day=6))
    run.advance_to(8)
    entry = run.ledger["q"]
    assert (entry.status.value, entry.violated_day) == ("withheld", 6)
    run.apply(Released(9, party="a", obligation="q"))
    assert run.ledger["q"].status.value == "violated"
