"""``DealStateMachine``: a hypothesis state machine for any deal, with the built-in invariants.

Subclass it and set ``deal`` (or call :meth:`DealStateMachine.for_deal`), then expose
``TestCase``::

    class GazaMachine(DealStateMachine):
        deal = builtin_deal("gaza-2025")

    TestGaza = GazaMachine.TestCase

Rules: one per event kind (advance the clock to the next deadline, perform, open, agree
or end talks, suspend, resume, extend, allege, rule, resume hostilities), each drawing
the event among those that make sense now; allegations go into a bundle that rulings
take from. After every step the invariants of ``dealmodel verify`` are checked (the same
code), and ``event()`` reports which state kinds and endings the run reached. A failure
prints the run so far as a scenario file to reproduce with ``dealmodel run``.
"""

from __future__ import annotations

from typing import ClassVar

import yaml
from hypothesis import event as note_event
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from dealmodel.analysis.verify_invariants import (
    deal_invariant_violations,
    state_violations,
    step_violations,
)
from dealmodel.analysis.verify_space import actions, explorable_kinds
from dealmodel.engine import Run, start
from dealmodel.errors import EventRejected
from dealmodel.io.events import event_to_dict
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event
from dealmodel.testing.strategies import events_for, full_plan

__all__ = ["ENDINGS", "STATE_KINDS", "DealStateMachine", "scenario_yaml", "state_kinds"]

#: Built-in properties a subclass may tolerate (e.g. a known engine gap), by name.
KNOWN_GAPS: frozenset[str] = frozenset({"no-active-after-end"})


def scenario_yaml(run: Run, why: str = "") -> str:
    """The run's accepted events as a scenario file (``deal:`` names the deal by id)."""
    data = {"deal": run.deal.id, "title": "failing example", "hypothetical": True,
            "description": why, "events": [event_to_dict(e) for e in run.events()],
            "expect": {"final_state": run.state, "day": run.day}}
    return yaml.safe_dump(data, sort_keys=False, width=100)


#: Every state kind and ending :func:`state_kinds` can report.
STATE_KINDS = ("pending", "in a phase", "limbo", "extended", "suspended", "upheld ruling")
ENDINGS = ("concluded", "expired", "lapsed", "terminated", "collapsed")


def state_kinds(run: Run) -> set[str]:
    """What a run has been through: pending (where every run starts), in a phase, limbo,
    extended, suspended, upheld ruling, and its ending (one of :data:`ENDINGS`)."""
    phases = {p.id for p in run.deal.phases}
    kinds = {kind for state, _ in run.history for kind in ("limbo", "extended", "suspended")
             if state.endswith(":" + kind)}
    for state, _ in run.history:
        if state == "pending":
            kinds.add("pending")
        elif state in phases:
            kinds.add("in a phase")
    if any(a.status.value == "upheld" for a in run.allegations):
        kinds.add("upheld ruling")
    if run.terminal:
        kinds.add(run.state)
    return kinds


class DealStateMachine(RuleBasedStateMachine):
    """Drive one deal with generated events; check the built-in invariants after each."""

    deal: ClassVar[Deal]
    #: invariants whose failures are tolerated (reported with event() instead)
    tolerate: ClassVar[frozenset[str]] = KNOWN_GAPS
    allegations = Bundle("allegations")

    @classmethod
    def for_deal(cls, deal: Deal) -> type[DealStateMachine]:
        """A subclass for ``deal`` (its ``TestCase`` runs under pytest or unittest)."""
        return type(f"{cls.__name__}_{deal.id.replace('-', '_')}", (cls,), {"deal": deal})

    def __init__(self) -> None:
        super().__init__()
        self.run: Run = start(self.deal)
        self.plan = full_plan(self.deal)
        self.kinds = explorable_kinds()

    @initialize()
    def begin(self) -> None:
        self.run = start(self.deal)

    # -- applying ------------------------------------------------------------------------
    def _apply(self, event: Event) -> bool:
        before = self.run.fork()
        try:
            self.run.apply(event)
        except EventRejected:
            return False
        for prop, message in step_violations(before, event, self.run):
            self._fail(prop, message)
        return True

    def _candidates(self, kind: str) -> list[Event]:
        kinds = tuple(k for k in self.kinds if kind == k[0].TYPE)
        return [e for e in actions(self.run, self.plan, kinds) if self.run.check(e) is None]

    def _one(self, data: st.DataObject, kind: str) -> Event | None:
        found = self._candidates(kind)
        return data.draw(st.sampled_from(found), label=kind) if found else None

    def _fail(self, prop: str, message: str) -> None:
        if prop in self.tolerate:
            note_event(f"known gap: {prop}")
            return
        raise AssertionError(f"{prop}: {message}\nreproduce with this scenario file:\n"
                             + scenario_yaml(self.run, f"{prop}: {message}"))

    # -- rules, one per event kind ----------------------------------------------------------
    @rule(data=st.data())
    def advance(self, data: st.DataObject) -> None:
        event = self._one(data, "advance")
        if event is not None:
            self._apply(event)

    @rule(data=st.data())
    def perform(self, data: st.DataObject) -> None:
        event = self._one(data, "perform")
        if event is not None:
            self._apply(event)

    @rule(data=st.data(), kind=st.sampled_from(
        ["negotiations_opened", "agreement_reached", "agreement_reached", "negotiations_ended"]))
    def talks(self, data: st.DataObject, kind: str) -> None:
        event = self._one(data, kind)
        if event is not None:
            self._apply(event)

    @rule(data=st.data(), kind=st.sampled_from(["suspend", "resume", "resume"]))
    def suspension(self, data: st.DataObject, kind: str) -> None:
        event = self._one(data, kind)
        if event is not None:
            self._apply(event)

    @rule(data=st.data(), kind=st.sampled_from(
        ["terminate", "amend", "renew", "object_renewal", "declare", "end_phase"]))
    def power(self, data: st.DataObject, kind: str) -> None:
        """The powers a deal grants, and ending an (open-ended) phase."""
        event = self._one(data, kind)
        if event is not None:
            self._apply(event)

    @rule(data=st.data(), kind=st.sampled_from(["withhold", "release", "report"]))
    def withholding(self, data: st.DataObject, kind: str) -> None:
        event = self._one(data, kind)
        if event is not None:
            self._apply(event)

    @rule(data=st.data())
    def extend(self, data: st.DataObject) -> None:
        event = self._one(data, "extend")
        if event is not None:
            self._apply(event)

    @rule(target=allegations, data=st.data())
    def allege(self, data: st.DataObject) -> str:
        event = self._one(data, "allege")
        count = len(self.run.allegations)
        if event is not None and self._apply(event) and len(self.run.allegations) > count:
            return self.run.allegations[-1].id  # (after the end it is only recorded)
        return "none"

    @rule(allegation=allegations, upheld=st.booleans(), data=st.data())
    def ruling(self, allegation: str, upheld: bool, data: st.DataObject) -> None:
        found = [e for e in self._candidates("rule")
                 if getattr(e, "allegation", None) == allegation
                 and getattr(e, "upheld", None) is upheld]
        if found:
            self._apply(data.draw(st.sampled_from(found)))

    @rule(data=st.data(), chance=st.integers(0, 9))
    def hostilities(self, data: st.DataObject, chance: int) -> None:
        if chance == 0:  # rarely: war ends runs before they reach the interesting states
            event = self._one(data, "hostilities_resumed")
            if event is not None:
                self._apply(event)

    @rule(data=st.data())
    def refused_event(self, data: st.DataObject) -> None:
        """Anything at all (strangers, wrong days): a refusal must leave the run unchanged."""
        event = data.draw(events_for(self.deal, self.run.day))
        before = self.run.to_dict(include_deal=False)
        verdict = self.run.check(event)
        applied = self._apply(event)
        if applied is (verdict is not None):
            self._fail("check-agrees", f"check() said {verdict!r} but apply() "
                       f"{'accepted' if applied else 'refused'} {event.describe()}")
        if not applied and self.run.to_dict(include_deal=False) != before:
            self._fail("refusal-changes-nothing", f"refused {event.describe()} changed the run")

    # -- invariants --------------------------------------------------------------------------
    @invariant()
    def built_in_invariants(self) -> None:
        for prop, message in state_violations(self.run):
            self._fail(prop, message)
        for prop, message in deal_invariant_violations(self.run):
            self._fail(prop, message)

    def teardown(self) -> None:
        for kind in sorted(state_kinds(self.run)):
            note_event(f"reached: {kind}")


def machine_for(deal: Deal) -> type[DealStateMachine]:
    """Shorthand for :meth:`DealStateMachine.for_deal`."""
    return DealStateMachine.for_deal(deal)



