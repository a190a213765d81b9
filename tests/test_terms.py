"""Roles that combine, documents, duties with terms of their own, absolute deadlines and
the conclusion rule (issue #15): the rules the semantics examples rest on, one by one,
through the real loader and engine."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from dealmodel import DealDefinitionError, EventRejected, Run, deal_from_dict, start
from dealmodel.analysis.montecarlo_table import simulation_problems
from dealmodel.io.deals import deal_to_dict
from dealmodel.model.events import DutyEnded, Performed, RenewalObjected, Renewed
from dealmodel.scenarios.scenario import load_scenario

SEMANTICS = Path(__file__).parent.parent / "examples" / "semantics"


def refusals(name: str) -> list[tuple[int, str | None]]:
    """(day, code) of each refused event of a semantics example."""
    outcome = load_scenario(SEMANTICS / f"{name}.yaml").run()
    return [(e.event.day, e.code) for e in outcome.refused]


@pytest.mark.parametrize(("name", "codes"), [
    ("roles-that-combine", [(14, "own-case")]),
    ("duty-term-renewed-then-withdrawn", [(45, "no-power")]),
    ("duty-term-objected-and-due-day", [(26, "late-objection")]),
    ("extension-caps", [(15, "over-maximum")]),
    ("running-totals", [(40, "total-decreased"), (45, "total-decreased")]),
    ("record-without-judging", [(14, "unknown-record")]),
    ("notes-sources-and-the-right-day", [(8, "not-obligor")]),
])
def test_examples_refuse_for_the_stated_reason(name: str, codes: list[Any]) -> None:
    assert refusals(name) == codes


# -- a small deal to vary --------------------------------------------------------------
BASE = yaml.safe_load("""
id: small
title: Small hypothetical deal
in_force: "2030-01-01"
hypothetical: true
parties:
  - {id: a, name: A}
  - {id: b, name: B}
mediators:
  - {id: m, name: M}
phases:
  - id: only
    duration_days: null
    obligations:
      - {id: act, obligor: a, description: Do it once}
      - {id: watch, obligor: b, kind: ongoing, term_days: 10,
         renewal: {term_days: 5, notice_days: 2, max_renewals: 2}}
""")


def deal(**changes: Any) -> Any:
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        target = data
        keys = path.split("__")
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        target[keys[-1]] = value
    return deal_from_dict(data)


def problems(**changes: Any) -> list[str]:
    with pytest.raises(DealDefinitionError) as info:
        deal(**changes)
    return [f"{p.path}: {p.message}" for p in info.value.problems]


@pytest.mark.parametrize(("changes", "expected"), [
    ({"phases__0__obligations__0__term_days": 5},
     "phases[0].obligations[0].term_days: only standing duties (ongoing, prohibition) have "
     "a term, this is act"),
    ({"phases__0__obligations__1__term_days": None},
     "phases[0].obligations[1].renewal: a renewal needs a first term to renew"),
    ({"phases__0__obligations__1__due_day": 4},
     "phases[0].obligations[1].due: give one deadline, got due_day and term_days"),
    ({"phases__0__obligations__0__quantity": {"unit": "trucks"}},
     "phases[0].obligations[0].quantity.amount: is required"),
    ({"phases__0__obligations__0__due": {"day": 3, "date": "2030-01-05"}},
     "phases[0].obligations[0].due: give day or date, not both"),
    ({"phases__0__obligations__0__due": {"day": 0}},
     "phases[0].obligations[0].due.day: must be >= 1, got 0"),
    ({"phases__0__obligations__0__due": {"date": "2029-12-01"}},
     "phases[0].obligations[0].due.date: 2029-12-01 is before the deal takes effect"),
    ({"in_force": None, "phases__0__obligations__0__due": {"date": "2030-02-01"}},
     "phases[0].obligations[0].due.date: the deal has no in_force date to count days from"),
    ({"parties__0__roles": ["party", "judge"]}, "parties[0].roles: must be among"),
    ({"parties__0__roles": ["party"], "parties__0__role": "party"},
     "parties[0].role: give role or roles, not both"),
    ({"mediators__0__roles": ["mediator", "monitor", "mediator"]},
     "mediators[0].roles: names a role twice"),
    ({"phases__0__obligations__0__obligor": "m"}, "phases[0].obligations[0].obligor: 'm' is a "
     "mediator, not a party"),
    ({"documents": [{"id": "d1", "signatories": ["b", "m"]}],
      "phases__0__obligations__0__document": "d1"},
     "phases[0].obligations[0].document: 'a' owes it but did not sign 'd1'"),
    ({"documents": [{"id": "d1", "signatories": ["a", "z"]}]},
     "documents[0].signatories[1]: unknown actor 'z'"),
    ({"indicators": [{"id": "act", "unit": "t"}]},
     "indicators[0].id: 'act' is also an obligation id"),
])
def test_definition_problems_are_named(changes: dict[str, Any], expected: str) -> None:
    found = problems(**changes)
    assert any(p.startswith(expected) for p in found), found


def test_a_far_due_day_is_refused_for_a_one_off_duty_only() -> None:
    data = copy.deepcopy(BASE)
    data["phases"][0]["duration_days"] = 30
    data["phases"][0]["obligations"][0]["due_day"] = 400
    with pytest.raises(DealDefinitionError, match="day 400 is more than a year after the "
                       "phase's 30 days"):
        deal_from_dict(copy.deepcopy(data))
    data["phases"][0]["obligations"][0]["due_day"] = 396  # 30 + 366: still accepted
    data["phases"][0]["obligations"][1] = {"id": "watch", "obligor": "b", "kind": "ongoing",
                                           "due_day": 1800}  # a mandate's last day
    d = deal_from_dict(data)
    assert d.obligation("watch").due_day == 1800


def test_roles_combine_and_round_trip() -> None:
    d = deal(mediators=[{"id": "m", "name": "M", "roles": ["mediator", "obligor"]}],
             parties__1__roles=["party", "monitor"])
    m, b = d.party("m"), d.party("b")
    assert m.owes and m.rules and not m.is_party and m.role_text == "mediator and obligor"
    assert b.owes and b.rules and b.is_party
    assert [p.id for p in d.mediators] == ["b", "m"]
    again = deal_from_dict(deal_to_dict(d))
    assert again == d


def test_the_duty_term_runs_renews_and_ends() -> None:
    run = start(deal())
    run.advance_to(10)
    entry = run.ledger["watch"]
    assert (entry.status.value, entry.due_day) == ("active", 10)
    run.advance_to(11)  # the term ran out at the end of day 10: renewed to day 15
    assert (run.ledger["watch"].due_day, run.ledger["watch"].renewals) == (15, 1)
    with pytest.raises(EventRejected) as info:
        run.apply(RenewalObjected(14, by="b", obligation="watch"))
    assert info.value.code == "late-objection"
    run.apply(RenewalObjected(13, by="b", obligation="watch"))
    run.advance_to(16)
    entry = run.ledger["watch"]
    assert (entry.status.value, entry.fulfilled_day, entry.renewals) == ("fulfilled", 15, 1)
    assert run.state == "only"  # the act is still open: no conclusion
    run.apply(Performed(17, party="a", obligation="act"))
    assert (run.state, run.end.day if run.end else None) == ("concluded", 17)


def test_max_renewals_and_renewing_by_power() -> None:
    data = copy.deepcopy(BASE)
    data["powers"] = [{"power": "renew", "holders": ["m"]}]
    data["phases"][0]["obligations"][1]["renewal"]["automatic"] = False
    run = start(deal_from_dict(data))
    with pytest.raises(EventRejected) as info:
        run.apply(Renewed(3, by="a", obligation="watch"))
    assert info.value.code == "no-power"
    run.apply(Renewed(3, by="m", obligation="watch"))
    run.apply(Renewed(4, by="m", obligation="watch"))
    assert run.ledger["watch"].due_day == 20
    with pytest.raises(EventRejected) as info:
        run.apply(Renewed(5, by="m", obligation="watch"))
    assert info.value.code == "over-maximum"
    with pytest.raises(EventRejected) as info:
        run.apply(Renewed(5, by="m", obligation="act"))
    assert info.value.code == "not-standing"
    run.advance_to(21)  # not automatic: the term ran out
    assert run.ledger["watch"].status.value == "fulfilled"


@pytest.mark.parametrize(("event", "code"), [
    (DutyEnded(3, by="a", obligation="watch"), "no-power"),
    (DutyEnded(3, by="a", obligation="act"), "not-standing"),
    (DutyEnded(3, by="b", obligation="nothing"), "unknown-obligation"),
])
def test_ending_a_duty_early_is_checked(event: Any, code: str) -> None:
    run = start(deal())
    before = run.to_dict()
    with pytest.raises(EventRejected) as info:
        run.apply(event)
    assert info.value.code == code
    assert run.to_dict() == before


def test_an_open_ended_phase_without_duties_concludes_only_by_an_event() -> None:
    data = copy.deepcopy(BASE)
    data["phases"][0]["obligations"] = []
    run = start(deal_from_dict(data))
    run.advance_to(500)
    assert run.state == "only"


def test_a_standing_duty_without_quantity_has_no_unit() -> None:
    d = deal()
    assert d.obligation("watch").unit is None and d.obligation("act").unit == "act"


def test_runs_with_terms_survive_saving() -> None:
    run = start(deal())
    run.advance_to(11)
    run.apply(RenewalObjected(12, by="b", obligation="watch"))
    again = Run.from_dict(run.to_dict())
    assert again.to_dict() == run.to_dict()
    assert again.ledger["watch"].renewal_objected == ("b",)
    again.advance_to(20)
    run.advance_to(20)
    assert again.to_dict() == run.to_dict()


def test_simulation_refuses_what_it_does_not_model() -> None:
    found = [p.path for p in simulation_problems(deal(
        phases__0__obligations__0__due={"day": 5}))]
    assert found == ["phases[0].obligations[0].due", "phases[0].obligations[1].term_days"]
