"""Private: the ``transitions`` machine behind a deal's phase lifecycle.

One :class:`Lifecycle` is built per :class:`~dealmodel.deal.Deal` and shared by every
run of it: runs are passed to the machine's events as models, never added to it.
The machine is built with ``auto_transitions=False`` and callable guards, and each
phase connects only to the next one, so no sequence of triggers can skip a phase.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs
from transitions import EventData, Machine

from dealmodel.engine.ledger import LedgerEntry
from dealmodel.model.obligations import ObligationKind
from dealmodel.model.phases import TERMINAL_STATES, ExpiryRule
from dealmodel.model.powers import PowerKind

if TYPE_CHECKING:
    from dealmodel.engine.run import Run
    from dealmodel.model.deal import Deal


class Guard:
    """A callable guard with a human label (shown on diagrams and in refusals)."""

    __slots__ = ("label", "test")

    def __init__(self, test: Callable[[Run], bool], label: str) -> None:
        self.test = test
        self.label = label

    def __call__(self, event: EventData) -> bool:
        return self.test(event.model)  # type: ignore[arg-type]


@attrs.frozen
class Edge:
    """One transition of the lifecycle, as plain data."""

    trigger: str
    source: str
    dest: str
    guard: str = ""


class Lifecycle:
    """The shared machine of one deal, and its edges as data."""

    def __init__(self, deal: Deal) -> None:
        """Build the machine of ``deal`` (a stock ``transitions.Machine``)."""
        self.deal = deal
        self._pristine: dict[str, LedgerEntry] | None = None
        standing_kinds = (ObligationKind.ONGOING, ObligationKind.PROHIBITION)
        #: per phase, the ids of its obligations; of those due "by the end of the phase"
        #: (``due: end_of_phase``); of its standing duties (ongoing, prohibitions)
        self.obligations = [tuple(o.id for o in p.obligations) for p in deal.phases]
        self.due_at_end = [tuple(o.id for o in p.obligations
                                 if o.kind not in standing_kinds and o.due_at_phase_end)
                           for p in deal.phases]
        #: anchor -> ids of the obligations whose relative deadline counts from it
        self.anchored: dict[str, tuple[str, ...]] = {}
        for o in deal.obligations():
            if o.due is not None:
                self.anchored[o.due.after] = (*self.anchored.get(o.due.after, ()), o.id)
        #: the event types that anchor a relative deadline (``event:<type>``)
        self.event_anchors = frozenset(a.partition(":")[2] for a in self.anchored
                                       if a.startswith("event:"))
        self.standing = [tuple(o.id for o in p.obligations if o.kind in standing_kinds)
                         for p in deal.phases]
        #: every obligation of the phase: an open-ended last phase concludes when all are
        #: settled (a standing duty settles only when its term ends or an event ends it)
        self.settling = [tuple(o.id for o in p.obligations) for p in deal.phases]
        self.edges: list[Edge] = []
        specs: list[dict[str, Any]] = []

        def add(trigger: str, source: str, dest: str, guard: Guard | None = None) -> None:
            spec: dict[str, Any] = {"trigger": trigger, "source": source, "dest": dest}
            if guard is not None:
                spec["conditions"] = [guard]
            specs.append(spec)
            self.edges.append(Edge(trigger, source, dest, guard.label if guard else ""))

        phases = deal.phases
        last = len(phases) - 1
        for i, phase in enumerate(phases):
            states = deal.phase_states(i)
            extended = phase.extended_state
            limbo = phase.limbo_state if phase.limbo_state in states else None
            suspended = phase.suspended_state
            running = [s for s in (phase.id, extended) if s]
            rule = phase.on_expiry
            if i == 0:
                add("enter_force", "pending", phase.id)
            if extended:
                for s in [*running, *([limbo] if limbo else [])]:  # limbo: moved after it passed
                    add("extend", s, extended)
            if i < last:
                nxt = phases[i + 1]
                ready = Guard(_ready(i + 1), _ready_label(deal, i + 1))
                for s in [*running, *([limbo] if limbo else [])]:
                    add("advance", s, nxt.id, ready)
                if limbo and rule is ExpiryRule.CONTINUE_WHILE_NEGOTIATING:
                    talks = Guard(_negotiating(nxt.id), f'negotiating("{nxt.id}")')
                    for s in running:
                        add("limbo", s, limbo, talks)
                elif limbo:
                    for s in running:
                        add("limbo", s, limbo)
                for s in [*running, *([limbo] if limbo else [])]:
                    add("lapse", s, "lapsed")
            elif rule is ExpiryRule.LAPSE:
                for s in running:
                    add("lapse", s, "lapsed")
            elif rule is ExpiryRule.HOLD and limbo:
                for s in running:
                    add("limbo", s, limbo)
            elif rule is not ExpiryRule.EXPIRE:
                for s in running:
                    add("conclude", s, "concluded")
            if rule is ExpiryRule.EXPIRE or phase.renewal is not None:
                for s in running:
                    add("expire", s, "expired")
            if suspended:
                live = [*running, *([limbo] if limbo else [])]
                for s in live:
                    add("suspend", s, suspended)
                for s in live:
                    add("resume", suspended, s, Guard(_resumes_to(s), f"suspended from {s}"))
        terminable = any(p.kind is PowerKind.TERMINATE for p in deal.powers)
        for s in deal.states():
            if s not in TERMINAL_STATES:
                add("collapse", s, "collapsed")
                if s != "pending" and terminable:
                    add("terminate", s, "terminated")
        self.machine = Machine(
            model=None,
            states=list(deal.states()),
            transitions=specs,
            initial="pending",
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        self._events = self.machine.events

    @property
    def states(self) -> tuple[str, ...]:
        """The deal's states that some transition reaches (and ``pending``), in order:
        the endings no clause of this deal provides for are left out."""
        reached = {e.dest for e in self.edges} | {"pending"}
        return tuple(s for s in self.deal.states() if s in reached)

    def fire(self, trigger: str, run: Run) -> bool:
        """Fire ``trigger`` on ``run``; True when a transition happened."""
        event = self._events.get(trigger)
        if event is None or run.state not in event.transitions:
            return False
        return bool(event.trigger(run))

    def can(self, trigger: str, state: str) -> bool:
        """Whether ``trigger`` has any transition out of ``state`` (guards aside)."""
        event = self._events.get(trigger)
        return event is not None and state in event.transitions

    def pristine_ledger(self) -> dict[str, LedgerEntry]:
        """The ledger every run starts from, built once. Never changed: runs copy an
        entry before changing it."""
        if self._pristine is None:
            self._pristine = {o.id: LedgerEntry(o, o.target)
                              for phase in self.deal.phases for o in phase.obligations}
        return self._pristine


def _ready(index: int) -> Callable[[Run], bool]:
    return lambda run: run.phase_ready(index)


def _ready_label(deal: Deal, index: int) -> str:
    phase = deal.phases[index]
    parts = []
    if phase.requires_agreement:
        parts.append(f'agreed("{phase.id}")')
    if phase.entry_condition is not None:
        parts.append(phase.entry_condition.source)
    return " and ".join(parts) or "time is up"


def _negotiating(phase_id: str) -> Callable[[Run], bool]:
    return lambda run: phase_id in run.negotiating


def _resumes_to(state: str) -> Callable[[Run], bool]:
    return lambda run: run.suspended_from == state


def lifecycle(deal: Deal) -> Lifecycle:
    """The deal's shared lifecycle machine, built on first use."""
    cache = deal._machine_cache
    if not cache:
        cache.append(Lifecycle(deal))
    machine: Lifecycle = cache[0]
    return machine

