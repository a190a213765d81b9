"""When two runs are the same abstract state: the key the exploration
(:mod:`dealmodel.analysis.verify_explore`) keeps its visited states by.

Runs are the same state when they can do the same things next. The key holds every
field of the run, of the ledger entries its slice drives or alleges (see
:class:`~dealmodel.analysis.verify_space.Plan`) and of its allegations, except:

* records that only describe the past (history, log, who made or ruled an allegation,
  evidence, ids and days of allegations, allegations once ruled - their effect is in the
  duty's entry - unless a condition counts allegations);
* days: counted from today when nothing reads the deal's day (``Plan.relative_time``),
  and a deadline that has passed is one value, however long ago it was; a violation,
  fulfilment or ruling day only as set or not;
* quantities: only the *region* of progress among the landmarks still ahead (milestones
  not yet judged, the target, numbers conditions compare it with, what is owed now);
  once a duty is breached, only whether something was delivered and whether the target
  was reached;
* a renewal count, unless renewals are capped.
"""

from __future__ import annotations

import operator
from typing import Any

from dealmodel.analysis.verify_space import Plan
from dealmodel.engine import Allegation, LedgerEntry, Run
from dealmodel.model.obligations import ObligationKind

__all__ = ["state_key"]

_RUN_SKIP = {"deal", "log", "history", "ledger", "allegations", "phase_entered"}
_ENTRY_SKIP = {"obligation", "history"}
_QUANTITY_SKIP = {"obligation", "history", "progress"}
_ALLEGATION_SKIP = {"id", "day", "by", "evidence", "ruled_by", "ruled_day", "refers_to"}


def _public_slots(cls: type, skip: set[str]) -> tuple[str, ...]:
    slots: list[str] = []
    for klass in cls.__mro__:
        slots.extend(getattr(klass, "__slots__", ()))
    return tuple(sorted(s for s in set(slots) if not s.startswith("_") and s not in skip))


_JUDGED = (ObligationKind.QUANTITY, ObligationKind.ACT)
#: Fields whose value does not change what can happen next, only whether it is set.
_ONLY_IF_SET = {"violated_day", "ruled_day", "fulfilled_day", "withheld_from"}
#: Fields read through a projection: who performed (not how much: amounts are abstracted
#: by the progress region), how the deal ended (not on which day: nothing follows).
_PROJECTED: dict[str, Any] = {
    "performed_by": lambda value: frozenset(value),
    "end": lambda value: None if value is None else (value.state, value.cause, value.by),
}


def _freeze(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return frozenset(value)
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, dict):
        return frozenset((k, _freeze(v)) for k, v in value.items())
    return value


def _getter(field: str) -> Any:
    """A reader of one field, called as ``get(obj, today, origin)``: days in the future are
    counted from ``origin`` (today when time is relative, else 0); days in the past are
    one value, ``_PAST`` (a deadline that has passed has been judged: when changes nothing
    that can happen next)."""
    if field in _ONLY_IF_SET:
        return lambda obj, today, origin: getattr(obj, field) is not None
    if field == "day":
        return lambda obj, today, origin: today - origin
    if field in ("phase_end", "due_day"):
        def ahead(obj: Any, today: int, origin: int) -> int | None:
            value = getattr(obj, field)
            if value is None:
                return None
            return _PAST if value < today else value - origin
        return ahead
    if field == "milestones":
        return lambda obj, today, origin: tuple(
            (d - origin, c) for d, c in obj.milestones if d >= today)
    if field == "termination":
        return lambda obj, today, origin: None if obj.termination is None else (
            obj.termination[0] - origin, obj.termination[1])
    if field == "renewals":
        return _renewals
    project = _PROJECTED[field]
    return lambda obj, today, origin: project(getattr(obj, field))


def _renewals(obj: Any, today: int, origin: int) -> int:
    """How many times a term was renewed matters only against a cap on renewals."""
    if isinstance(obj, Run):
        renewal = obj.deal.phases[obj.phase_index].renewal if obj.phase_index >= 0 else None
    else:
        renewal = obj.obligation.renewal
    if renewal is None or renewal.max_renewals is None:
        return 0
    return int(obj.renewals)


_SPECIAL = {*_ONLY_IF_SET, *_PROJECTED, "day", "phase_end", "due_day", "milestones",
            "termination", "renewals"}
_MUTABLE_TYPES = frozenset({set, list, dict})


class _Reader:
    """Reads the key fields of one class: the plain ones at once (frozen when mutable),
    then those with a reader of their own (see :func:`_getter`)."""

    __slots__ = ("plain", "special")

    def __init__(self, cls: type, skip: set[str]) -> None:
        fields = _public_slots(cls, skip)
        plain = [f for f in fields if f not in _SPECIAL]
        getter = operator.attrgetter(*plain)
        self.plain: Any = getter if len(plain) > 1 else (lambda obj: (getter(obj),))
        self.special = tuple(_getter(f) for f in fields if f in _SPECIAL)

    def __call__(self, obj: Any, today: int, origin: int) -> tuple[Any, ...]:
        return (*(_freeze(v) if type(v) in _MUTABLE_TYPES else v for v in self.plain(obj)),
                *(get(obj, today, origin) for get in self.special))


_READERS: dict[type, _Reader] = {}
#: What a deadline that has passed reads as in the key.
_PAST = -(1 << 30)


def _progress_region(run: Run, entry: LedgerEntry, marks: tuple[int, ...]) -> tuple[int, ...]:
    """Progress only matters against the landmarks still ahead: milestones not yet judged,
    the target, numbers conditions compare it with, and (reciprocal) what is owed now."""
    ob = entry.obligation
    progress = entry.progress
    if entry.status.settled:  # done with: more (surplus) changes nothing but the totals
        return (sum(1 for mark in marks if progress >= mark),)
    day = run.day
    if entry.violated_day is not None:
        # breached: a later milestone can only switch the breach between partial (something
        # delivered) and not; the final one, or the target, fulfils it late
        # (engine/duties.py judge, performed)
        due = entry.due_day
        ahead = {1, *marks}
        if due is not None and due >= day:
            ahead.update(c for d, c in entry.milestones if d == due)
    elif entry.milestones:
        ahead = {c for d, c in entry.milestones if d >= day}
        ahead.update(marks)
    else:
        ahead = {m.cumulative for m in ob.schedule}
        ahead.update(marks)
    if entry.target is not None:
        ahead.add(entry.target)
    region = sum(1 for mark in ahead if progress >= mark)
    if not ob.reciprocal:
        return (region,)
    owed = run.owed(entry) or 0
    return (region, (progress > owed) - (progress < owed))


def _reader(cls: type, skip: set[str]) -> _Reader:
    reader = _READERS.get(cls)
    if reader is None:
        reader = _READERS[cls] = _Reader(cls, skip)
    return reader


class _Quantity(LedgerEntry):
    """Stands for a judged duty's entry in the getter cache (its progress is abstracted)."""

    __slots__ = ()


def state_key(run: Run, plan: Plan | None = None,
              cache: dict[tuple[int, int], tuple[LedgerEntry, tuple[Any, ...]]] | None = None
              ) -> tuple[Any, ...]:
    """What makes two runs the same abstract state (see the module docstring). With a
    plan, only the duties it drives count: the others cannot change the lifecycle, and
    their own properties are checked in their own slice. A violation day counts only as
    set or not: when it fell changes nothing that can happen next.

    ``cache`` (one per exploration) keeps each ledger entry's part of the key by the entry
    object and the day: runs forked from one another share the entries neither changed
    (copy on write, engine/run.py), and a shared entry is never changed in place."""
    run_get = _reader(Run, _RUN_SKIP)
    allegation_get = _reader(Allegation, _ALLEGATION_SKIP)
    ledger = run.ledger
    entries = ledger.values() if plan is None else [
        ledger[oid] for oid in sorted(plan.drive | plan.allege)]
    marks = plan.quantity_marks if plan is not None else {}
    # a ruling's effect is in the duty's entry (an upheld one violates it): once ruled, an
    # allegation changes nothing that can happen next, unless a condition counts them
    keep_ruled = plan is None or plan.general_allegations
    today = run.day
    origin = today if plan is not None and plan.relative_time else 0
    age = None
    if plan is not None and plan.phase_day_marks and run.phase_index >= 0:
        age = min(today - run.phase_entered, plan.phase_day_marks[-1])
    if cache is None:
        parts = tuple(_entry_key(run, e, marks, today, origin) for e in entries)
    else:
        found = []
        for e in entries:
            slot = (id(e), today)  # origin is the plan's: one per cache
            hit = cache.get(slot)
            if hit is not None and hit[0] is e:
                found.append(hit[1])
                continue
            part = _entry_key(run, e, marks, today, origin)
            if not e.obligation.reciprocal:  # what it owes depends on other entries
                if len(cache) > _CACHE_LIMIT:
                    cache.clear()
                cache[slot] = (e, part)
            found.append(part)
        parts = tuple(found)
    return (
        run_get(run, today, origin),
        age,
        parts,
        tuple(sorted((allegation_get(a, today, origin)
                      for a in run.allegations if keep_ruled or a.status.value == "open"),
                     key=repr)),
    )


_CACHE_LIMIT = 200_000


def _entry_key(run: Run, entry: LedgerEntry, marks: dict[str, tuple[int, ...]], today: int,
               origin: int) -> tuple[Any, ...]:
    if entry.obligation.kind in _JUDGED:
        return (*_reader(_Quantity, _QUANTITY_SKIP)(entry, today, origin),
                *_progress_region(run, entry, marks.get(entry.obligation.id, ())))
    return _reader(LedgerEntry, _ENTRY_SKIP)(entry, today, origin)
