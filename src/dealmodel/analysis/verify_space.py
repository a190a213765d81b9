"""The abstract state space of a deal: the slices to explore, and which events to try in
a state (when two runs are the same state is :mod:`dealmodel.analysis.verify_key`'s).

Nothing here hard-codes the list of event kinds: every kind in
:data:`~dealmodel.model.events.EVENT_TYPES` is tried, its fields filled by name (actors for
``party``/``by``/``against``, obligations for ``obligation``, phases for ``phase``, open
allegations for ``allegation``, both verdicts for a boolean, landmark amounts for
``quantity``, 1 and the rest of the allowance for ``days``) and the engine's own
``Run.check`` says which apply. A kind with a required field of another name is not
explored, and the report says so.

Abstraction (what makes the space finite): quantities move only between *landmarks*
(0, each milestone, the target, what is owed, and ``c`` and ``c + 1`` for each number
``c`` in a condition that reads the duty or its unit - the values conditions and
deadlines can tell apart); the clock moves only to the day after the next deadline of a
driven duty or of the phase, or to a day a condition names; and runs that can do the
same things next are one state (:func:`dealmodel.analysis.verify_key.state_key`).

Slicing ("cone of influence"): duties that no condition reads and that do not settle an
open-ended phase cannot change the lifecycle. The space is explored once for the duties
that can (the *core*), then once per other duty (with the duties it is reciprocal to)
on top of the core, instead of for every combination of all duties at once; the
allegations and suspensions of each core duty are explored in a slice of their own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import attrs

from dealmodel.engine import LedgerEntry, Run
from dealmodel.engine.records import Amendment
from dealmodel.model.deal import Deal
from dealmodel.model.events import EVENT_TYPES, ClockAdvanced, Event
from dealmodel.model.obligations import ObligationKind, ObligationStatus

__all__ = ["STATIC_REFUSALS", "Plan", "actions", "event_kinds", "explorable_kinds", "follows",
           "handed_over", "plans", "refusal_key"]

_ACTOR_FIELDS = ("party", "by", "against")
#: the fields every event has (its day and provenance): never branched on
_PROVENANCE = tuple(f.name for f in attrs.fields(Event))
_LIVE = (ObligationStatus.ACTIVE, ObligationStatus.SUSPENDED, ObligationStatus.WITHHELD)
_INT = re.compile(r"\b\d+\b")
#: Kinds that only add a record (no field of the run changes, so the state stays the same):
#: one representative is tried (that it is accepted and breaks nothing) in each lifecycle
#: state of each phase, not in every state, nor for every actor and obligation.
RECORD_ONLY = frozenset({"report", "statement", "incident", "finding"})


@attrs.frozen
class Plan:
    """One slice of the exploration: which duties events may name, and the landmarks."""

    name: str
    drive: frozenset[str]  # duties that may be performed
    allege: frozenset[str]  # duties that allegations, suspensions and resumptions may name
    general_allegations: bool  # allegations naming no duty (only when conditions count them)
    allegation_cap: int
    day_marks: tuple[int, ...]
    phase_day_marks: tuple[int, ...]
    quantity_marks: dict[str, tuple[int, ...]] = attrs.field(eq=False)
    #: in the slice of a duty outside the core: the last phase of its duties. Once the
    #: run is past it, only the steps that can still change them are followed (see
    #: :func:`handed_over` and :func:`follows`): the rest of the run is the core's,
    #: explored in the core's slices
    focus_phase: int = -1
    #: the duties in focus (the cluster this slice is for); empty in the core's slices
    focus: frozenset[str] = frozenset()
    #: whether only time relative to today matters (no condition reads the deal's ``day``
    #: and no duty has an absolute deadline): then runs that differ only by when things
    #: happened, the same deadlines ahead at the same distances, are one state
    relative_time: bool = False


def event_kinds() -> tuple[tuple[type[Event], tuple[str, ...]], ...]:
    """Every event class with the fields to fill, the clock first; unknown fields -> skipped."""
    out = []
    for cls in EVENT_TYPES.values():
        fields = tuple(f.name for f in attrs.fields(cls) if f.name not in _PROVENANCE)
        out.append((cls, fields))
    out.sort(key=lambda item: len(item[1]) > 0)
    return tuple(out)


def explorable_kinds() -> tuple[tuple[type[Event], tuple[str, ...]], ...]:
    """:func:`event_kinds` without the kinds that cannot be explored (see unexplorable)."""
    return tuple((cls, fields) for cls, fields in event_kinds() if unexplorable(cls) is None)


def unexplorable(cls: type[Event]) -> str | None:
    """Why a kind cannot be explored (a required field we cannot fill), or None."""
    known = {*_ACTOR_FIELDS, "obligation", "phase", "allegation", "quantity", "days"}
    for field in attrs.fields(cls):
        if field.name in _PROVENANCE or field.name in known:
            continue
        if field.default is attrs.NOTHING and field.type not in ("bool", bool):
            return f"required field {field.name!r} has no value generator"
    return None


def _conditions(deal: Deal) -> list[Any]:
    out = [p.entry_condition for p in deal.phases if p.entry_condition is not None]
    return out + list(deal.invariants)


def _per_closure(deal: Deal, seeds: set[str]) -> set[str]:
    out, todo = set(), list(seeds)
    while todo:
        oid = todo.pop()
        if oid in out:
            continue
        out.add(oid)
        todo.extend(r.per for r in deal.obligation(oid).reciprocal)
    return out


def plans(deal: Deal) -> list[Plan]:
    """The slices to explore (see the module docstring)."""
    ids = [o.id for o in deal.obligations()]
    by_unit: dict[str, set[str]] = {}
    for o in deal.obligations():
        if o.unit is not None:
            by_unit.setdefault(o.unit, set()).add(o.id)
    read: set[str] = set()
    counts_allegations = False
    day_marks: set[int] = set()
    phase_day_marks: set[int] = set()
    marks: dict[str, set[int]] = {oid: set() for oid in ids}
    relative = not any(o.due_deal_day is not None for o in deal.obligations())
    for expr in _conditions(deal):
        relative = relative and re.search(r"\bday\b", expr.source) is None
        numbers = {int(n) for n in _INT.findall(expr.source)}
        numbers |= {n + 1 for n in numbers}
        if re.search(r"\bday\b", expr.source):
            day_marks |= numbers
        if re.search(r"\bphase_day\b", expr.source):
            phase_day_marks |= numbers
        for func, arg in expr.references:
            if func in ("allegations", "upheld"):
                counts_allegations = True
            named = {arg} if arg in marks else by_unit.get(arg, set())
            read |= named
            for oid in named:
                marks[oid] |= numbers
    open_ended = {o.id for p in deal.phases if p.duration_days is None
                  for o in p.obligations if o.kind in (ObligationKind.QUANTITY, ObligationKind.ACT)}
    core = frozenset(_per_closure(deal, read | open_ended))
    cap = 1 + max((n for expr in _conditions(deal) for n in map(int, _INT.findall(expr.source))
                   if counts_allegations), default=0)
    base = Plan("core", core, frozenset(), counts_allegations, min(cap, 4),
                tuple(sorted(day_marks)), tuple(sorted(phase_day_marks)),
                {k: tuple(sorted(v)) for k, v in marks.items()}, relative_time=relative)
    out = [base]
    for oid in sorted(core):  # each core duty's allegations and suspensions, one at a time
        out.append(attrs.evolve(base, name=oid, allege=frozenset({oid}),
                                general_allegations=False))
    clusters = [frozenset(_per_closure(deal, {oid}) - core) for oid in ids if oid not in core]
    maximal = [c for c in dict.fromkeys(clusters) if not any(c < other for other in clusters)]
    for cluster in maximal:  # each duty of a cluster in focus in turn
        last = max(i for i, p in enumerate(deal.phases) for o in p.obligations
                   if o.id in cluster)
        for oid in sorted(cluster):
            name = oid if len(cluster) == 1 else f"{oid}(+{'+'.join(sorted(cluster - {oid}))})"
            out.append(attrs.evolve(base, name=name, drive=core | cluster,
                                    allege=frozenset({oid}), general_allegations=False,
                                    focus_phase=last, focus=cluster))
    return out


# -- the actions -----------------------------------------------------------------------
def _amounts(run: Run, plan: Plan, oid: str) -> list[int]:
    entry = run.ledger[oid]
    marks = {0, *plan.quantity_marks.get(oid, ())}
    marks.update(m.cumulative for m in entry.obligation.schedule)
    for value in (entry.target, run.owed(entry)):
        if value is not None:
            marks.add(value)
    ahead = sorted(m - entry.progress for m in marks if m > entry.progress)
    if entry.obligation.kind is ObligationKind.ACT and not ahead:
        ahead = [1]
    return sorted({ahead[0], ahead[-1]}) if ahead else []


def _days(run: Run) -> list[int]:
    if run.phase_index < 0:
        return [1]
    ext = run.deal.phases[run.phase_index].extension
    if ext is None:
        return [1]
    cap = ext.max_days if ext.max_days is not None else 7  # no total cap: a week at a time
    if ext.max_days_each is not None:
        cap = min(cap, ext.max_days_each)
    rest = cap if ext.max_days is None else min(cap, ext.max_days - run.extended_days)
    return sorted({1, rest}) if rest > 1 else [1]


_FIELDS: dict[type, dict[str, Any]] = {}


def _values(run: Run, plan: Plan, cls: type[Event], name: str) -> list[Any]:
    table = _FIELDS.get(cls)
    if table is None:
        table = _FIELDS[cls] = attrs.fields_dict(cls)
    field = table[name]
    optional = [None] if field.default is None else []
    deal = run.deal
    if name in _ACTOR_FIELDS:
        if optional:
            return optional  # e.g. who resumed hostilities: as reported, changes nothing
        if name == "by":
            single: list[Any] = [p.id for p in deal.parties]
            return single + list(_joint(run, cls)) if _takes_several(field) else single
        # who owes (a party, or an actor that is also an obligor) performs, suspends and
        # is accused: the engine lets any actor be accused, and obligors act on their duties
        return [p.id for p in deal.parties if p.owes]
    if name == "obligation":
        allowed = plan.drive if cls.TYPE == "perform" else plan.allege
        general = plan.general_allegations or cls.TYPE != "allege"
        return [o.id for o in deal.obligations() if o.id in allowed] + (
            optional if general else [])
    if name == "phase":
        return [p.id for p in deal.phases]
    if name == "allegation":
        return [a.id for a in run.allegations if a.status.value == "open"]
    if name == "days":
        return _days(run)
    if field.default is attrs.NOTHING and field.type in ("bool", bool):
        return [True, False]
    return [field.default]


def _takes_several(field: Any) -> bool:
    """Whether an actor field accepts several actors acting together (``by: [a, b]``)."""
    return "tuple" in str(field.type)


def _joint(run: Run, cls: type[Event]) -> Iterator[tuple[str, ...]]:
    """The groups that must act together for ``cls``: the holders of each joint power of
    its kind, and of a joint extension clause of the current phase (the engine refuses
    any one of them acting alone: engine/power_handlers.py ``authorised``,
    handlers.py ``_check_extend``)."""
    deal = run.deal
    groups: list[tuple[str, ...]] = []
    if cls.TYPE == "extend" and run.phase_index >= 0:
        ext = deal.phases[run.phase_index].extension
        if ext is not None and ext.jointly:
            groups.append(tuple(ext.granted_by))
    for power in deal.powers:
        if power.jointly and power.kind.value == cls.TYPE:
            groups.append(deal.holders(power))
    yield from dict.fromkeys(g for g in groups if len(g) > 1)


def _parts(run: Run, oid: str) -> list[str | None]:
    """The parts to name when performing ``oid``: none, or for an act done part by part
    each part not yet done (the engine refuses an act with parts performed without one)."""
    entry = run.ledger[oid]
    ob = entry.obligation
    if not ob.parts or ob.kind is not ObligationKind.ACT:
        return [None]
    return [p for p in ob.parts if not entry.parts_done.get(p)]


def _next_day(run: Run, plan: Plan) -> int | None:
    if run.terminal:
        return None
    day = run.day
    if run.phase_index < 0:
        return max(day + 1, 1)
    candidates = [c for c in plan.day_marks if c > day]
    candidates += [run.phase_entered + c - 1 for c in plan.phase_day_marks
                   if run.phase_entered + c - 1 > day]
    if run.phase_end is not None and run.phase_end >= day:
        candidates.append(run.phase_end + 1)
    if run.termination is not None and run.termination[0] > day:
        candidates.append(run.termination[0])  # a termination on notice takes effect
    for oid in plan.drive:
        entry = run.ledger[oid]
        if entry.status in _LIVE:
            candidates.extend(due + 1 for due in _ahead(entry, day))
    return min(candidates) if candidates else None


def _ahead(entry: LedgerEntry, day: int) -> Iterator[int]:
    """The entry's deadlines still to be judged on ``day``: its due day, its milestones."""
    for due in (entry.due_day, *(d for d, _ in entry.milestones)):
        if due is not None and due >= day:
            yield due


def handed_over(run: Run, plan: Plan) -> bool:
    """Whether the run has handed over from the focus duties (see :attr:`Plan.focus_phase`):
    it is past their phase. What the lifecycle does from here is explored in the core's
    slices; it changes the focus duties only by ending (which discharges what is still
    open, and after which no allegation is made). So only the steps :func:`follows` names
    are followed."""
    return 0 <= plan.focus_phase < run.phase_index


def follows(event: Event, run: Run, child: Run, plan: Plan) -> bool:
    """In a handed-over state: whether the step from ``run`` to ``child`` by ``event`` is
    followed. It is if it ends the deal, names a duty or an allegation, changes a focus
    duty (a suspension of the whole deal suspends it), or moves the clock while a focus
    duty still has a deadline ahead (which the clock brings on)."""
    if child.terminal or getattr(event, "obligation", None) is not None \
            or getattr(event, "allegation", None) is not None:
        return True
    before, after = run.ledger, child.ledger
    if any(after[oid] is not before[oid] for oid in plan.focus):  # copied to be written
        return True
    if type(event) is not ClockAdvanced:
        return False
    return any(entry.status in _LIVE and next(_ahead(entry, run.day), None) is not None
               for entry in (before[oid] for oid in plan.focus))


#: Refusals that depend only on the deal, the event's fields (not its day or quantity),
#: the current phase and the lifecycle state: an event refused so once is refused in every
#: state with the same phase and lifecycle state, so it need not be tried there again
#: (the guards behind them: engine/guards.py next_phase, handlers.py _check_extend and
#: _check_rule, obligation_handlers.py _check_end_phase and _check_end_duty,
#: power_handlers.py authorised and the renewal checks).
STATIC_REFUSALS = frozenset({"no-extension-clause", "no-power", "no-renewal-clause",
                             "not-current-phase", "not-next-phase", "not-standing",
                             "party-cannot-rule"})


def refusal_key(event: Event, run: Run) -> tuple[Any, ...]:
    """What a refusal in :data:`STATIC_REFUSALS` depends on (see :func:`actions`)."""
    cls = type(event)
    return _refusal_slot(cls, tuple(getattr(event, f) for f in _simple_fields(cls)), run)


def _refusal_slot(cls: type[Event], values: tuple[Any, ...], run: Run) -> tuple[Any, ...]:
    return (cls, values, run.phase_index, run.state)


_SIMPLE: dict[type, tuple[str, ...]] = {}


def _simple_fields(cls: type[Event]) -> tuple[str, ...]:
    fields = _SIMPLE.get(cls)
    if fields is None:
        fields = _SIMPLE[cls] = tuple(f.name for f in attrs.fields(cls)
                                      if f.name not in _PROVENANCE and f.name != "quantity")
    return fields


def actions(run: Run, plan: Plan, kinds: tuple[tuple[type[Event], tuple[str, ...]], ...],
            refused: set[tuple[Any, ...]] | frozenset[tuple[Any, ...]] = frozenset(),
            tried: set[tuple[Any, ...]] | None = None) -> Iterator[Event]:
    """Every event to try in ``run`` (the engine decides which apply), except those whose
    :func:`refusal_key` is in ``refused`` (refused already for a reason that still holds)
    and, when ``tried`` is given, a :data:`RECORD_ONLY` kind tried already in this phase
    and lifecycle state (``tried`` is updated).

    An event that names a duty names its obligor as the actor (authority is the hypothesis
    route's job: it tries strangers); an allegation is made by one representative accuser
    (who accuses changes nothing but the record).
    """
    day = run.day
    restricted = handed_over(run, plan)
    where = (run.phase_index, run.state)
    for cls, fields in kinds:
        if not fields:
            following = _next_day(run, plan)
            if following is not None:
                yield cls(following)
            continue
        simple = _simple_fields(cls)
        accusers: set[tuple[Any, ...]] = set()
        for combo in itertools.product(*(_values(run, plan, cls, f) for f in simple)):
            if refused and _refusal_slot(cls, combo, run) in refused:
                continue
            kwargs = dict(zip(simple, combo, strict=True))
            oid = kwargs.get("obligation")
            if restricted and "obligation" in kwargs and oid not in plan.allege:
                continue
            if oid is not None and "party" in kwargs and kwargs["party"] != _obligor(run, oid):
                continue
            if cls.TYPE == "allege":
                what = (kwargs.get("against"), oid)
                if what in accusers or not _may_allege(run, plan, kwargs):
                    continue
                accusers.add(what)
            if cls.TYPE in RECORD_ONLY:
                if tried is not None:
                    if (cls, *where) in tried:
                        break
                    tried.add((cls, *where))
                yield cls(day, **kwargs)
                break
            if "quantity" in fields:
                if oid is None or oid not in run.ledger:
                    continue
                entry = run.ledger[oid]
                if cls.TYPE == "amend" and entry.obligation.kind is ObligationKind.ACT:
                    # an act has no quantity to amend: its deadline - once passed, or
                    # when it has none - set to tomorrow, once (the case that re-judges a
                    # breach; moving it again and again would make the space unbounded
                    # for no new behaviour)
                    if (entry.due_day is None or entry.due_day < day) and not any(
                            isinstance(r, Amendment) for r in entry.history):
                        yield cls(day, **{**kwargs, "due_day": day + 1})
                    continue
                if cls.TYPE == "perform" and kwargs.get("part") is None:
                    parts = _parts(run, oid)
                    if parts != [None]:  # an act part by part: one part at a time
                        for part in parts:
                            yield cls(day, **{**kwargs, "part": part})
                        continue
                for amount in _amounts(run, plan, oid):
                    yield cls(day, **kwargs, quantity=amount)  # type: ignore[call-arg]
            else:
                yield cls(day, **kwargs)


def _obligor(run: Run, oid: str) -> str | None:
    entry = run.ledger.get(oid)
    return entry.obligation.obligor if entry is not None else None


def _may_allege(run: Run, plan: Plan, kwargs: dict[str, Any]) -> bool:
    against, oid = kwargs.get("against"), kwargs.get("obligation")
    if kwargs.get("by") == against or (oid is not None and _obligor(run, oid) != against):
        return False
    # with conditions counting allegations, every one not dismissed counts towards the
    # cap; else only those still open do (a ruled one leaves no trace in the key)
    counted = ("open", "upheld") if plan.general_allegations else ("open",)
    same = sum(1 for a in run.allegations if a.against == against and a.obligation == oid
               and a.status.value in counted)
    return same < plan.allegation_cap
