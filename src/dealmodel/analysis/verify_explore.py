"""Bounded exhaustive exploration: breadth first, so the first trace found is a shortest one.

:func:`explore` walks one slice (a :class:`~dealmodel.analysis.verify_space.Plan`) of a
deal's abstract state space level by level from the start of a run, applying every
candidate event the engine accepts, checking the built-in and the deal's invariants on
every state and every step, and keeping for each property the first (shortest) trace
that breaks it. After the walk, states from which no ending but collapse is reachable
(traps) are found on the explored graph; a state left unexpanded at the depth bound
counts as "may still end", so only definite traps are reported.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from dealmodel.analysis.verify_invariants import (
    deal_invariant_violations,
    state_violations,
    step_violations,
)
from dealmodel.analysis.verify_key import state_key
from dealmodel.analysis.verify_space import (
    STATIC_REFUSALS,
    Plan,
    actions,
    event_kinds,
    follows,
    handed_over,
    refusal_key,
    unexplorable,
)
from dealmodel.engine import LedgerEntry, Run, start
from dealmodel.errors import EventRejected
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event
from dealmodel.model.obligations import ObligationKind, ObligationStatus

__all__ = ["Exploration", "Trace", "explore"]

_FULFILLED = ObligationStatus.FULFILLED
_DISCHARGED = ObligationStatus.DISCHARGED
_JUDGED = (ObligationKind.QUANTITY, ObligationKind.ACT)
_KEEP = 8


@attrs.frozen
class Trace:
    """A shortest run to something: the events, and what it shows."""

    property: str
    message: str
    events: tuple[Event, ...]
    obligations: tuple[str, ...] = ()


@attrs.define
class Exploration:
    """What one or more explorations found (merged with :meth:`merge`)."""

    states: int = 0
    transitions: int = 0
    depth: int = 0
    exhausted: bool = True
    #: per property, up to a few shortest traces (so a known gap cannot hide a violation)
    findings: dict[str, list[Trace]] = attrs.Factory(dict)
    counts: Counter[str] = attrs.Factory(Counter)
    #: first trace into each lifecycle state; into each phase's end without its successor
    reached: dict[str, tuple[Event, ...]] = attrs.Factory(dict)
    fulfilled: set[str] = attrs.Factory(set)
    violated_at: dict[str, tuple[Event, ...]] = attrs.Factory(dict)
    accepted: Counter[str] = attrs.Factory(Counter)
    refused: dict[str, tuple[tuple[Event, ...], str]] = attrs.Factory(dict)
    skipped_kinds: dict[str, str] = attrs.Factory(dict)

    def record(self, prop: str, message: str, events: tuple[Event, ...],
               obligations: tuple[str, ...] = ()) -> None:
        self.counts[prop] += 1
        self._keep(Trace(prop, message, events, obligations))

    def _keep(self, trace: Trace) -> None:
        kept = self.findings.setdefault(trace.property, [])
        if len(kept) < _KEEP or len(trace.events) < len(kept[-1].events):
            kept.append(trace)
            kept.sort(key=lambda t: len(t.events))
            del kept[_KEEP:]

    def merge(self, other: Exploration) -> None:
        self.states += other.states
        self.transitions += other.transitions
        self.depth = max(self.depth, other.depth)
        self.exhausted = self.exhausted and other.exhausted
        for traces in other.findings.values():
            for trace in traces:
                self._keep(trace)
        self.counts.update(other.counts)
        for table, theirs in ((self.reached, other.reached),
                              (self.violated_at, other.violated_at)):
            for name, events in theirs.items():
                if name not in table or len(events) < len(table[name]):
                    table[name] = events
        for name, (events, reason) in other.refused.items():
            if name not in self.refused or len(events) < len(self.refused[name][0]):
                self.refused[name] = (events, reason)
        self.fulfilled |= other.fulfilled
        self.accepted.update(other.accepted)
        self.skipped_kinds.update(other.skipped_kinds)


def _obligations_in(message: str, run: Run) -> tuple[str, ...]:
    return tuple(oid for oid in run.ledger if oid in message)


class _Graph:
    def __init__(self) -> None:
        self.parent: list[int] = [-1]
        self.via: list[Event | None] = [None]
        self.succ: list[list[int]] = [[]]
        self.ending: list[bool] = [False]
        self.terminal: list[bool] = [False]
        self.expanded: list[bool] = [False]
        self.state: list[str] = ["pending"]

    def add(self, parent: int, event: Event, run: Run) -> int:
        self.parent.append(parent)
        self.via.append(event)
        self.succ.append([])
        self.terminal.append(run.terminal)
        self.ending.append(run.terminal and run.state != "collapsed")
        self.expanded.append(run.terminal)  # nothing follows an ending: fully known
        self.state.append(run.state)
        return len(self.parent) - 1

    def trace(self, node: int) -> tuple[Event, ...]:
        events: list[Event] = []
        while node > 0:
            event = self.via[node]
            assert event is not None
            events.append(event)
            node = self.parent[node]
        return tuple(reversed(events))

    def traps(self) -> list[int]:
        """Live nodes from which no ending but collapse (and no unexpanded node) is reachable."""
        preds: list[list[int]] = [[] for _ in self.parent]
        for node, succ in enumerate(self.succ):
            for child in succ:
                preds[child].append(node)
        good = [self.ending[n] or not self.expanded[n] for n in range(len(self.parent))]
        todo = [n for n, ok in enumerate(good) if ok]
        while todo:
            node = todo.pop()
            for pred in preds[node]:
                if not good[pred]:
                    good[pred] = True
                    todo.append(pred)
        return [n for n in range(len(self.parent)) if not good[n] and not self.terminal[n]]


def explore(deal: Deal, plan: Plan, depth: int, max_states: int = 1_000) -> Exploration:
    """Explore one slice breadth first to ``depth`` events (or until nothing new is found)."""
    result = Exploration()
    kinds = []
    for cls, fields in event_kinds():
        why = unexplorable(cls)
        if why is None:
            kinds.append((cls, fields))
        else:
            result.skipped_kinds[cls.TYPE] = why
    kinds_t = tuple(kinds)
    graph = _Graph()
    root = start(deal)
    keys: dict[tuple[int, int], Any] = {}  # the entries' parts of the key
    seen: dict[tuple[Any, ...], int] = {state_key(root, plan, keys): 0}
    _check_state(result, root, ())
    frontier: list[tuple[int, Run]] = [(0, root)]
    level = 0
    live = 1  # the budget counts live states: a terminal one is never expanded
    known_refused: set[tuple[Any, ...]] = set()  # see verify_space.STATIC_REFUSALS
    records_tried: set[tuple[Any, ...]] = set()  # see verify_space.RECORD_ONLY
    while frontier and level < depth and live < max_states:
        level += 1
        following: list[tuple[int, Run]] = []
        for index, (node, run) in enumerate(frontier):
            if live >= max_states:  # out of budget: the rest stays unexpanded
                following.extend(frontier[index:])
                break
            # a handed-over state is only partly expanded: its future is the core's
            restricted = handed_over(run, plan)
            graph.expanded[node] = not restricted
            if run.terminal:
                continue  # what is recorded after the end is not explored
            path = graph.trace(node)
            for event in actions(run, plan, kinds_t, known_refused, records_tried):
                refusal = run.refusal(event)
                kind = _kind(event, run)
                if refusal is not None:
                    if refusal.code in STATIC_REFUSALS:
                        known_refused.add(refusal_key(event, run))
                    if kind not in result.refused:
                        result.refused[kind] = ((*path, event), refusal.reason)
                    continue
                child = run.fork()
                try:
                    child.apply(event)
                except EventRejected as exc:  # check() and apply() disagree: an engine fault
                    result.record("check-agrees", f"check() accepted {event.describe()} but "
                                  f"apply() refused it: {exc.reason}", (*path, event))
                    continue
                if restricted and not follows(event, run, child, plan):
                    continue
                result.transitions += 1
                result.accepted[kind] += 1
                for prop, message in step_violations(run, event, child):
                    result.record(prop, message, (*path, event), _obligations_in(message, run))
                key = state_key(child, plan, keys)
                target = seen.get(key)
                if target is None:
                    target = seen[key] = graph.add(node, event, child)
                    _check_state(result, child, (*path, event))
                    if not child.terminal:
                        live += 1
                        following.append((target, child))
                graph.succ[node].append(target)
        frontier = following
        result.depth = level
    if live >= max_states and frontier:
        result.depth -= 1  # the last level was not finished
    result.exhausted = not frontier
    result.states = len(seen)
    trapped: set[str] = set()
    for node in graph.traps():
        if graph.state[node] in trapped:
            continue
        trapped.add(graph.state[node])
        events = graph.trace(node)
        result.record("ending-reachable", f"from state {graph.state[node]} (after "
                      f"{len(events)} events) no ending other than collapse is reachable: "
                      "every continuation stays live or collapses", events)
    return result


#: Events whose power the engine checks in the phase of the duty they name (not the
#: current phase): engine/power_handlers.py and obligation_handlers.py.
_DUTY_PHASE = frozenset({"amend", "renew", "object_renewal", "end_duty"})


def _kind(event: Event, run: Run) -> str:
    """What an event exercises, for the powers-usable tally: its kind and the phase whose
    powers apply (a declaration naming no phase is a statement, which needs no power)."""
    phase = run.phase_id
    kind = event.TYPE
    oid = getattr(event, "obligation", None)
    if kind in _DUTY_PHASE and oid is not None and oid in run.ledger:
        deal = run.deal
        phase = deal.phases[deal.obligation_phase(oid)].id
    elif kind == "declare" and getattr(event, "phase", None) is None:
        kind = "statement"
    return f"{kind}@{phase}" if phase is not None else kind


def _met(run: Run, entry: LedgerEntry) -> bool:
    """Whether a duty was met: fulfilled on time; or, for a duty with no deadline (which the
    engine never judges: it is owed while the deal lasts, then discharged), discharged
    unbreached at the end with all it owed delivered."""
    if entry.status is _FULFILLED:
        return True
    if entry.status is not _DISCHARGED or entry.violated_day is not None \
            or entry.due_day is not None or entry.obligation.kind not in _JUDGED:
        return False
    return entry.progress >= max(run.owed(entry) or 0, 1)


def _check_state(result: Exploration, run: Run, path: tuple[Event, ...]) -> None:
    for prop, message in state_violations(run):
        result.record(prop, message, path, _obligations_in(message, run))
    for prop, message in deal_invariant_violations(run):
        result.record(prop, message, path)
    state = run.state
    if state not in result.reached:
        result.reached[state] = path
    for oid, entry in run.ledger.items():
        if oid not in result.fulfilled and _met(run, entry):
            result.fulfilled.add(oid)
        elif entry.violated_day is not None and oid not in result.violated_at:
            result.violated_at[oid] = path
