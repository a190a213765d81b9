"""All or nothing under any exception, refusal codes, typed records, plain-data deals.

A fault is injected at each step where applying an event writes to the run (every
ledger write, every state change, every record appended); whatever the step, the run
must be exactly as it was before the event.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_event
from hypothesis import strategies as st

from dealmodel import (
    AgreementReached,
    ClockAdvanced,
    Deal,
    EventRejected,
    HostilitiesResumed,
    NegotiationsEnded,
    NegotiationsOpened,
    Performed,
    Resumed,
    Ruling,
    Run,
    Suspended,
    ViolationAlleged,
    builtin_deal,
    deal_from_dict,
    start,
)
from dealmodel.engine import clock, handlers
from dealmodel.engine.guards import CODES
from dealmodel.engine.records import StateChanged, Violated
from dealmodel.model.events import Declared
from tests.strategies import deals, events_for


class Injected(Exception):
    """The fault planted in the engine."""


@contextmanager
def fault_at(step: int) -> Iterator[list[int]]:
    """Raise Injected at the ``step``-th write the engine makes (counted from 0)."""
    calls = [0]
    originals: dict[tuple[Any, str], Any] = {}

    def wrap(owner: Any, name: str) -> None:
        original = getattr(owner, name)
        originals[(owner, name)] = original

        def patched(*args: Any, **kwargs: Any) -> Any:
            calls[0] += 1
            if calls[0] - 1 == step:
                raise Injected(f"fault at step {step} in {name}")
            return original(*args, **kwargs)

        setattr(owner, name, patched)

    wrap(Run, "_writable")
    wrap(Run, "_writable_allegation")
    for module in (clock, handlers):
        for name in ("record", "set_state", "transition", "note_state"):
            if hasattr(module, name):
                wrap(module, name)
    try:
        yield calls
    finally:
        for (owner, name), original in originals.items():
            setattr(owner, name, original)


def snapshot(run: Run) -> str:
    return json.dumps(run.to_dict(include_deal=False), sort_keys=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deal=deals(), data=st.data())
def test_any_exception_at_any_step_leaves_the_run_unchanged(deal: Deal,
                                                            data: st.DataObject) -> None:
    run = start(deal)
    for _ in range(data.draw(st.integers(0, 12))):
        with suppress(EventRejected):
            run.apply(data.draw(events_for(deal, run.day)))
    event = data.draw(events_for(deal, run.day))
    with fault_at(10**9) as calls:  # count the writes this event makes
        trial = run.fork()
        with suppress(EventRejected):
            trial.apply(event)
    writes = calls[0]
    before = snapshot(run)
    for step in range(writes):
        with fault_at(step), pytest.raises((Injected, EventRejected)):
            run.apply(event)
        assert snapshot(run) == before, f"fault at step {step} of {writes} changed the run"
        assert run.check(event) == trial.check(event) or True  # check() must not raise
    # and without a fault the event applies as on the fork
    try:
        run.apply(event)
    except EventRejected:
        assert snapshot(run) == before
    else:
        assert snapshot(run) == snapshot(trial)


def test_fault_while_a_phase_expires_leaves_no_trace(gaza_talks: Deal) -> None:
    run = start(gaza_talks)
    run.apply(Performed(1, party="hamas", obligation="p1_hostages", quantity=3))
    before = snapshot(run)
    with fault_at(10**9) as calls:
        run.fork().advance_to(50)
    assert calls[0] > 10  # the expiry writes the ledger, the state and the records
    for step in range(calls[0]):
        with fault_at(step), pytest.raises(Injected):
            run.advance_to(50)
        assert snapshot(run) == before
    run.advance_to(50)
    assert run.ledger["p1_hostages"].status.value == "partially fulfilled"


def test_refusals_carry_a_known_code(gaza: Deal) -> None:
    run = start(gaza.evolve_obligation("p1_hostages", strict=True))
    cases = [
        (Performed(1, party="israel", obligation="p1_hostages"), "not-obligor"),
        (Performed(1, party="hamas", obligation="p2_hostages"), "phase-not-begun"),
        (Performed(1, party="hamas", obligation="p1_hostages", quantity=40), "over-quantity"),
        (Performed(1, party="hamas", obligation="nope"), "unknown-obligation"),
        (NegotiationsOpened(1, phase="phase3"), "not-next-phase"),
        (NegotiationsEnded(1, phase="phase2"), "talks-not-open"),
        (Ruling(1, by="qatar", allegation="A1", upheld=True), "unknown-allegation"),
        (Ruling(1, by="israel", allegation="A1", upheld=True), "party-cannot-rule"),
        (ViolationAlleged(1, by="hamas", against="hamas"), "self-allegation"),
        (Resumed(1, party="hamas"), "not-suspended"),
    ]
    for event, code in cases:
        refusal = run.refusal(event)
        assert refusal is not None and refusal.code == code, (event, refusal)
        assert code in CODES
        with pytest.raises(EventRejected) as info:
            run.apply(event)
        assert info.value.code == code
    assert run.refusal(Performed(1, party="hamas", obligation="p1_hostages")) is None
    run.apply(HostilitiesResumed(2))
    assert run.refusal(Performed(3, party="hamas", obligation="nope")).code == (  # type: ignore[union-attr]
        "unknown-obligation")
    assert run.refusal(ClockAdvanced(1)).code == "before-clock"  # type: ignore[union-attr]


def test_records_are_typed_and_round_trip(gaza: Deal) -> None:
    run = start(gaza)
    entry = run.apply(Performed(1, party="hamas", obligation="p1_hostages", quantity=3))
    assert isinstance(entry.records[0], StateChanged) and entry.records[0].state == "phase1"
    run.advance_to(8)
    violated = [r for r in run.ledger["p1_hostages"].history if isinstance(r, Violated)]
    assert [(v.day, v.progress, v.needed, v.due) for v in violated] == [(7, 3, 7, 7)]
    restored = Run.from_json(run.to_json())
    assert restored.ledger["p1_hostages"].history == run.ledger["p1_hostages"].history
    assert [e.records for e in restored.log] == [e.records for e in run.log]


def test_upheld_ruling_on_a_later_phase_survives_that_phase_starting(gaza: Deal) -> None:
    """Regression: the upheld violation was reset to active when phase 2 began."""
    run = start(gaza)
    run.apply(NegotiationsOpened(16, phase="phase2"))
    run.apply(ViolationAlleged(20, by="qatar", against="israel", obligation="p2_withdrawal"))
    run.apply(Ruling(21, by="qatar", allegation="A1", upheld=True))
    assert run.ledger["p2_withdrawal"].violated_day == 21
    run.apply(AgreementReached(30, phase="phase2"))
    run.advance_to(44)
    assert run.state == "phase2"
    entry = run.ledger["p2_withdrawal"]
    assert (entry.status.value, entry.violated_day) == ("violated", 21)
    assert run.allegations[0].status.value == "upheld"


def test_limbo_suspended_then_talks_end_lapses_on_resumption(gaza_talks: Deal) -> None:
    """Regression: suspended in limbo, talks end, resumed -> it stayed in limbo forever."""
    run = start(gaza_talks)
    run.apply(NegotiationsOpened(16, phase="phase2"))
    run.advance_to(43)
    assert run.state == "phase1:limbo"
    run.apply(Suspended(44, party="israel"))
    run.apply(NegotiationsEnded(45, phase="phase2"))
    assert run.state == "phase1:suspended"
    run.apply(Resumed(46, party="israel"))
    assert run.state == "lapsed"
    assert not any(e.status.value in ("active", "suspended") for e in run.ledger.values())


@pytest.mark.parametrize("name", ["gaza-2025"])
def test_builtin_deals_pickle(name: str) -> None:
    deal = builtin_deal(name)
    start(deal)  # builds and caches the lifecycle machine, which must not travel
    again = pickle.loads(pickle.dumps(deal))
    assert again == deal
    assert start(again).apply_all([ClockAdvanced(50)]).state == start(deal).apply_all(
        [ClockAdvanced(50)]).state


@settings(max_examples=40, deadline=None)
@given(deal=deals())
def test_generated_deals_pickle(deal: Deal) -> None:
    start(deal)
    again = pickle.loads(pickle.dumps(deal))
    assert again == deal
    assert again.phases == deal.phases


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deal=deals(), data=st.data())
def test_no_obligation_of_a_finished_deal_is_left_open(deal: Deal, data: st.DataObject) -> None:
    """Whatever ends a deal, every obligation is settled: none stays active or suspended."""
    run = start(deal)
    for _ in range(data.draw(st.integers(0, 25))):
        with suppress(EventRejected):
            run.apply(data.draw(events_for(deal, run.day)))
    run.advance_to(run.day + 400)  # long enough for any phase of a generated deal to end
    note_event(f"final: {run.state.split(':')[-1] if ':' in run.state else run.state}")
    if run.state in ("concluded", "expired", "lapsed", "terminated", "collapsed"):
        open_ = {k: e.status.value for k, e in run.ledger.items()
                 if e.status.value in ("active", "suspended", "withheld")}
        assert not open_, f"{run.state} on day {run.end.day if run.end else '?'}: {open_}"


@pytest.mark.parametrize("upheld", [True, False])
def test_a_fault_during_a_ruling_leaves_the_allegation_open(upheld: bool) -> None:
    deal = deal_from_dict({
        "id": "quiet", "title": "t",
        "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "mediators": [{"id": "m", "name": "M"}],
        "phases": [{"id": "p1", "duration_days": 10, "obligations": [
            {"id": "quiet", "obligor": "a", "kind": "prohibition"}]}]})
    run = start(deal)
    run.apply(ViolationAlleged(2, by="b", against="a", obligation="quiet"))
    ruling = Ruling(3, by="m", allegation="A1", upheld=upheld)
    with fault_at(10**9) as calls:
        run.fork().apply(ruling)
    assert calls[0] == (2 if upheld else 1)  # upheld: the ledger entry is written too
    before = snapshot(run)
    for step in range(calls[0]):
        with fault_at(step), pytest.raises(Injected):
            run.apply(ruling)
        assert snapshot(run) == before
        assert [a.status.value for a in run.allegations] == ["open"]
    run.apply(ruling)
    assert run.allegations[0].status.value == ("upheld" if upheld else "dismissed")
    assert run.ledger["quiet"].status.value == ("violated" if upheld else "active")


def test_a_fault_while_a_phase_is_declared_begun_leaves_no_trace() -> None:
    deal = deal_from_dict({
        "id": "declared", "title": "t",
        "parties": [{"id": "x", "name": "X"}, {"id": "y", "name": "Y"}],
        "mediators": [{"id": "envoy", "name": "Envoy"}],
        "powers": [{"power": "declare", "holders": ["envoy"]}],
        "phases": [{"id": "first", "duration_days": 42,
                    "on_expiry": "continue_while_negotiating"},
                   {"id": "second", "duration_days": 60, "requires_agreement": True}]})
    run = start(deal)
    run.apply(NegotiationsOpened(20, phase="second"))
    declared = Declared(40, by="envoy", phase="second")
    with fault_at(10**9) as calls:
        run.fork().apply(declared)
    assert calls[0] >= 1
    before = snapshot(run)
    for step in range(calls[0]):
        with fault_at(step), pytest.raises(Injected):
            run.apply(declared)
        assert snapshot(run) == before
        assert (run.negotiating, run.agreed) == ({"second"}, set())
    run.apply(declared)
    assert (run.state, run.negotiating, run.agreed) == ("second", set(), {"second"})
