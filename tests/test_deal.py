"""Deal definitions: building, validation (all problems at once), YAML loading, round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from dealmodel import (
    Clause,
    Deal,
    DealDefinitionError,
    Milestone,
    Obligation,
    Party,
    Phase,
    Quantity,
    builtin_deal,
    builtin_deals,
    deal_from_dict,
    deal_to_dict,
    load_deal,
)
from dealmodel.model.obligations import ObligationKind


def minimal(**phase1: Any) -> dict[str, Any]:
    """A small valid deal as data; tests break one thing at a time."""
    base: dict[str, Any] = {
        "id": "p1", "duration_days": 10, "on_expiry": "advance",
        "obligations": [
            {"id": "a_goods", "obligor": "a", "quantity": {"amount": 5, "unit": "goods"},
             "schedule": [{"day": 1, "cumulative": 2}, {"day": 5, "cumulative": 5}]},
            {"id": "b_leave", "obligor": "b", "due_day": 3},
        ],
    }
    base.update(phase1)
    return {
        "id": "demo", "title": "Demo",
        "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "mediators": [{"id": "m", "name": "M"}],
        "phases": [base, {"id": "p2", "duration_days": 5, "obligations": []}],
    }


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(DealDefinitionError) as info:
        deal_from_dict(data)
    return [str(p) for p in info.value.problems]


def test_minimal_is_valid() -> None:
    deal = deal_from_dict(minimal())
    assert deal.states() == ("pending", "p1", "p1:suspended", "p2", "p2:suspended",
                             "concluded", "expired", "lapsed", "terminated", "collapsed")
    assert deal.obligation("b_leave").kind is ObligationKind.ACT


def test_definitions_are_frozen() -> None:
    deal = deal_from_dict(minimal())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        deal.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["phases"][0]["obligations"][1].update(due_day=0),
         "phases[0].obligations[1].due_day: must be >= 1, got 0"),
        (lambda d: d["phases"][0]["obligations"][0]["quantity"].update(amount=-3),
         "phases[0].obligations[0].quantity.amount: must be >= 0, got -3"),
        (lambda d: d["phases"][0]["obligations"][1].update(id="a_goods"),
         "phases[0].obligations[1].id: duplicate obligation id 'a_goods'"),
        (lambda d: d["phases"][0]["obligations"][1].update(obligor="c"),
         "phases[0].obligations[1].obligor: unknown party 'c'"),
        (lambda d: d["phases"][0]["obligations"][1].update(obligor="m"),
         "phases[0].obligations[1].obligor: 'm' is a mediator, not a party"),
        (lambda d: d["phases"][0]["obligations"][1].update(clause="nope"),
         "phases[0].obligations[1].clause: unknown clause 'nope'"),
        (lambda d: d["phases"][0]["obligations"][0]["schedule"][1].update(cumulative=9),
         "phases[0].obligations[0].schedule[1].cumulative: the schedule reaches 9 but the "
         "quantity is 5"),
        (lambda d: d["phases"][0]["obligations"][0]["schedule"][1].update(day=1),
         "phases[0].obligations[0].schedule[1].day: days must increase, got 1 after 1"),
        (lambda d: d["phases"][0].update(on_expiry="lapse"),
         "phases[1]: phase 'p2' is unreachable: phase 'p1' lapses when it ends"),
        (lambda d: d["phases"][0]["obligations"][1].update(obligor=None, obligors=["a", "m"]),
         "phases[0].obligations[1].obligors[1]: 'm' is a mediator, not a party"),
        (lambda d: d["phases"][0]["obligations"][1].update(due_day=None,
                                                           due={"after": "zzz", "days": 3}),
         "phases[0].obligations[1].due.after: unknown obligation 'zzz'"),
        (lambda d: d["phases"][0]["obligations"][1].update(
            due_day=None, due={"after": "event:nope", "days": 3}),
         "phases[0].obligations[1].due.after: unknown event 'nope'"),
        (lambda d: d["phases"][0]["obligations"][1].update(due_day=3, due="end_of_phase"),
         "phases[0].obligations[1].due: give one deadline, got due_day and due: end_of_phase"),
        (lambda d: d["phases"][0]["obligations"][1].update(parts=["x", "x"]),
         "phases[0].obligations[1].parts: names a part twice"),
        (lambda d: d["actors"].append({"id": "g", "name": "G"}) if "actors" in d
         else d.update(actors=[{"id": "g", "name": "G"}]),
         "actors[0].role: is required"),
        (lambda d: d["phases"][1].update(id="p1"),
         "phases[1].id: duplicate phase id 'p1'"),
        (lambda d: d["phases"][0].update(on_expiry="stop"),
         "phases[0].on_expiry: must be one of advance, continue_while_negotiating, hold, "
         "lapse, expire, got 'stop'"),
        (lambda d: d["phases"][1].update(entry_condition='fulfilled("zzz")'),
         "phases[1].entry_condition: unknown obligation 'zzz'"),
        (lambda d: d["phases"][1].update(entry_condition="day >"),
         "phases[1].entry_condition: expected a value"),
        (lambda d: d["phases"][0].update(durations=3),
         "phases[0].durations: unknown field (did you mean 'duration_days'?)"),
        (lambda d: d["phases"][0]["obligations"][0].update(kind="act"),
         "phases[0].obligations[0].schedule: only quantity obligations have a schedule"),
        (lambda d: d["parties"].append({"id": "a", "name": "Again"}),
         "parties[2].id: duplicate party id 'a'"),
    ],
)
def test_each_problem_is_reported_with_path_and_fix(mutate: Any, expected: str) -> None:
    data = minimal()
    mutate(data)
    found = problems_of(data)
    assert any(expected in p for p in found), found


def test_several_problems_are_reported_at_once() -> None:
    data = minimal()
    data["phases"][0]["obligations"][1]["due_day"] = 0
    data["phases"][0]["obligations"][0]["quantity"]["amount"] = -1
    data["phases"][0]["bogus"] = 1
    found = problems_of(data)
    assert len(found) == 3, found


def test_python_objects_validate_when_built() -> None:
    with pytest.raises(DealDefinitionError, match=r"due_day: must be >= 1, got 0"):
        Obligation("x", obligor="a", due_day=0)
    with pytest.raises(DealDefinitionError, match=r"amount: must be >= 0, got -2"):
        Quantity(-2, "hostages")
    with pytest.raises(DealDefinitionError, match="reaches 9 but the quantity is 5"):
        Obligation("x", "a", kind="quantity", quantity=Quantity(5, "u"),
                   schedule=[Milestone(1, 9)])
    with pytest.raises(DealDefinitionError, match="unknown party 'zz'"):
        Deal("d", "D", [Party("a", "A")],
             [Phase("p", 3, [Obligation("o", "zz")])])
    with pytest.raises(DealDefinitionError, match="must say what is disputed"):
        Clause("c", "text", disputed=True)


def test_yaml_errors_name_file_line_and_field(tmp_path: Path) -> None:
    bad = minimal()
    bad["phases"][0]["obligations"][1]["due_day"] = 0
    path = tmp_path / "deal.yaml"
    path.write_text(yaml.safe_dump(bad, sort_keys=False))
    with pytest.raises(DealDefinitionError) as info:
        load_deal(path)
    message = str(info.value)
    assert str(path) in message
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                if "due_day: 0" in text)
    assert f"line {line}: phases[0].obligations[1].due_day: must be >= 1, got 0" in message


def test_yaml_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nphases:\n  - id: [unclosed\n")
    with pytest.raises(DealDefinitionError) as info:
        load_deal(path)
    assert str(path) in str(info.value)
    assert "YAML syntax error" in str(info.value)
    assert info.value.problems[0].line is not None


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DealDefinitionError, match=r"nope\.yaml: invalid deal definition: no such"):
        load_deal(tmp_path / "nope.yaml")


def test_round_trip_through_dict(gaza: Deal, truce: Deal) -> None:
    for deal in (gaza, truce):
        assert deal_from_dict(deal_to_dict(deal)) == deal


def test_builtin_deals_are_sourced() -> None:
    assert "gaza-2025" in builtin_deals()
    for name in builtin_deals():
        deal = builtin_deal(name)
        for obligation in deal.obligations():
            assert obligation.clause, f"{name}: {obligation.id} cites no clause"
            clause = deal.clause(obligation.clause)
            assert clause.sources, f"{name}: clause {clause.id} has no source"
            assert all(s.startswith("https://") for s in clause.sources)


def test_gaza_disputed_values_are_marked(gaza: Deal) -> None:
    prisoners = gaza.clause(gaza.obligation("p1_prisoners").clause or "")
    assert prisoners.disputed and "1,977" in prisoners.dispute_note
    assert "1,904" in prisoners.dispute_note
    rafah = gaza.clause(gaza.obligation("p1_rafah").clause or "")
    assert rafah.disputed


def test_gaza_terms_match_domain(gaza: Deal) -> None:
    hostages = gaza.obligation("p1_hostages")
    assert hostages.quantity == Quantity(33, "hostages")
    assert [(m.day, m.cumulative) for m in hostages.schedule] == [
        (1, 3), (7, 7), (14, 10), (21, 13), (28, 16), (35, 19), (42, 33)]
    assert gaza.obligation("p1_netzarim").due_day == 22
    assert gaza.obligation("p1_philadelphi").due_day == 50
    assert gaza.phase("phase1").duration_days == 42
    assert gaza.phase("phase2").requires_agreement
    assert {p.id for p in gaza.mediators} == {"qatar", "egypt", "us"}
