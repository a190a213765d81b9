"""What-if: variants of a scenario, forks of a run, and side-by-side comparisons.

A :class:`Variant` is a named, *hypothetical* change to a scenario's timeline or deal,
built in Python or declared under ``variants:`` in a scenario file::

    v = scenario.variant("aid-not-cut").drop(type="suspend", obligation="p1_aid")
    v = scenario.variant("later-release").shift(7, day=28)
    v = scenario.variant("phase2-agreed").add(AgreementReached(35, phase="phase2"))
    v = scenario.variant("longer-phase1").with_deal(phase="phase1", duration_days=49)

Each step checks itself at once: a selector that names an unknown event type, party,
obligation or phase, removes or shifts nothing, or moves an event before day 1 raises
:class:`~dealmodel.errors.ScenarioError` naming the variant and the field.

:func:`compare` runs the base and its variants and returns a :class:`Comparison`
(text table, Markdown, JSON). Where a variant keeps the base's deal, its run is a
:meth:`~dealmodel.engine.Run.fork` of the base run taken just before the first event
that differs, so only the changed tail is replayed. :func:`replay_until` and
:func:`continue_run` give the same fork-and-continue step directly.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from dealmodel._yaml import LineDict
from dealmodel.deal import Deal
from dealmodel.engine import Run
from dealmodel.errors import DealDefinitionError, Problem, ScenarioError
from dealmodel.events import EVENT_TYPES, ClockAdvanced, Event, event_from_dict
from dealmodel.obligations import Milestone, ObligationStatus, Quantity, Reciprocity
from dealmodel.phases import ExpiryRule
from dealmodel.scenarios import EventOutcome, Outcome, Scenario, apply_events, run_scenario

__all__ = [
    "Comparison",
    "Divergence",
    "Selector",
    "Variant",
    "VariantResult",
    "compare",
    "continue_run",
    "parse_variants",
    "replay_until",
]

HYPOTHETICAL_NOTE = ("Variants are hypothetical: they change what happened in order to "
                     "explore the deal's rules, and are not reports of events.")
SELECTOR_FIELDS = ("type", "party", "against", "obligation", "phase", "day")
PHASE_FIELDS = ("duration_days", "on_expiry", "requires_agreement", "suspendable")
OBLIGATION_FIELDS = ("due_day", "quantity", "ratio", "schedule")
_VARIANT_KEYS = ("name", "description", "drop", "shift", "add", "with_deal")


def _fail(path: str, message: str, fix: str = "", source: str | None = None) -> ScenarioError:
    return ScenarioError([Problem(path, message, fix)], source)


def _suggest(value: str, known: Iterable[str]) -> str:
    known = list(known)
    close = difflib.get_close_matches(value, known, n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(known)


# -- selecting events ---------------------------------------------------------------
@attrs.frozen
class Selector:
    """Which events a drop or shift applies to; every given field must match.

    ``party`` matches the acting party (an event's ``party`` or ``by``), ``against`` the
    accused party of an allegation, ``day`` one day or an inclusive ``(first, last)`` range.
    """

    type: str | None = None
    party: str | None = None
    against: str | None = None
    obligation: str | None = None
    phase: str | None = None
    day: int | tuple[int, int] | None = None

    def matches(self, event: Event) -> bool:
        if self.type is not None and event.type != self.type:
            return False
        if self.party is not None and self.party not in (
                getattr(event, "party", None), getattr(event, "by", None)):
            return False
        for name in ("against", "obligation", "phase"):
            want = getattr(self, name)
            if want is not None and getattr(event, name, None) != want:
                return False
        if isinstance(self.day, tuple):
            return self.day[0] <= event.day <= self.day[1]
        return self.day is None or event.day == self.day

    def describe(self) -> str:
        parts = []
        for name in SELECTOR_FIELDS:
            value = getattr(self, name)
            if isinstance(value, tuple):
                parts.append(f"{name} {value[0]}-{value[1]}")
            elif value is not None:
                parts.append(f"{name}={value}")
        return ", ".join(parts)

    def problems(self, deal: Deal, path: str) -> list[Problem]:
        """Unknown names and bad days, each at ``path.<field>``."""
        out: list[Problem] = []
        if all(getattr(self, name) is None for name in SELECTOR_FIELDS):
            out.append(Problem(path, "selects every event",
                               "name at least one of: " + ", ".join(SELECTOR_FIELDS)))
        if self.type is not None and self.type not in EVENT_TYPES:
            out.append(Problem(f"{path}.type", f"unknown event type {self.type!r}",
                               _suggest(str(self.type), EVENT_TYPES)))
        parties = [p.id for p in deal.parties]
        for name in ("party", "against"):
            value = getattr(self, name)
            if value is not None and value not in parties:
                out.append(Problem(f"{path}.{name}", f"unknown party {value!r} in {deal.id}",
                                   _suggest(str(value), parties)))
        obligations = [o.id for o in deal.obligations()]
        if self.obligation is not None and self.obligation not in obligations:
            out.append(Problem(f"{path}.obligation", f"unknown obligation {self.obligation!r} "
                               f"in {deal.id}", _suggest(str(self.obligation), obligations)))
        phases = [p.id for p in deal.phases]
        if self.phase is not None and self.phase not in phases:
            out.append(Problem(f"{path}.phase", f"unknown phase {self.phase!r} in {deal.id}",
                               _suggest(str(self.phase), phases)))
        day = self.day
        days = day if isinstance(day, tuple) else (day,) if day is not None else ()
        if (isinstance(day, tuple) and len(day) != 2) or any(
                not isinstance(d, int) or isinstance(d, bool) for d in days):
            out.append(Problem(f"{path}.day", f"must be a day or a [first, last] range, "
                               f"got {day!r}", "e.g. day: 28 or day: [40, 54]"))
        elif isinstance(day, tuple) and day[0] > day[1]:
            out.append(Problem(f"{path}.day", f"range {list(day)} ends before it starts",
                               "write [first, last]"))
        return out


def _selector(data: Mapping[str, Any]) -> Selector:
    day = data.get("day")
    if isinstance(day, list):
        day = tuple(day)
    return Selector(data.get("type"), data.get("party"), data.get("against"),
                    data.get("obligation"), data.get("phase"), day)


def _event_refs(event: Event, deal: Deal, path: str) -> list[Problem]:
    """Unknown parties, obligations or phases named by an added event."""
    parties = [p.id for p in deal.parties]
    obligations = [o.id for o in deal.obligations()]
    phases = [p.id for p in deal.phases]
    out = []
    for name, known, what in (("party", parties, "party"), ("by", parties, "party"),
                              ("against", parties, "party"),
                              ("obligation", obligations, "obligation"),
                              ("phase", phases, "phase")):
        value = getattr(event, name, None)
        if value is not None and value not in known:
            out.append(Problem(f"{path}.{name}", f"unknown {what} {value!r} in {deal.id}",
                               _suggest(str(value), known)))
    if event.day < 1:
        out.append(Problem(f"{path}.day", f"day {event.day} is before day 1",
                           "day 1 is the day the deal takes effect"))
    return out


def _hypothetical(event: Event, note: str) -> Event:
    joined = f"{event.note}; {note}" if event.note and note else (event.note or note)
    return attrs.evolve(event, hypothetical=True, note=joined)


def _by_day(events: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(sorted(events, key=lambda e: e.day))  # stable: same-day order is kept


# -- variants -------------------------------------------------------------------------
@attrs.frozen
class Variant:
    """A named, hypothetical change of a scenario. Each method returns a new Variant."""

    base: Scenario
    name: str
    description: str = ""
    events: tuple[Event, ...] = attrs.field(
        default=attrs.Factory(lambda self: self.base.events, takes_self=True))
    deal: Deal = attrs.field(default=attrs.Factory(lambda self: self.base.deal, takes_self=True))
    changes: tuple[str, ...] = ()  # what this variant changes, in words

    def __attrs_post_init__(self) -> None:
        name = self.name
        if not isinstance(name, str) or not name.replace("-", "").replace("_", "").isalnum():
            raise _fail("variants", f"a variant needs a name of letters, digits, '-' and '_', "
                        f"got {name!r}", "e.g. 'aid-not-cut'", self.base.source)
        if name == "base":
            raise _fail(f"variants[{name}].name", "'base' names the unchanged scenario",
                        "choose another name", self.base.source)

    # -- building ---------------------------------------------------------------------
    def _where(self, op: str) -> str:
        return f"variants[{self.name}].{op}"

    def _raise(self, problems: list[Problem]) -> None:
        if problems:
            raise ScenarioError(problems, self.base.source)

    def _evolve(self, change: str, **fields: Any) -> Variant:
        return attrs.evolve(self, changes=(*self.changes, change), **fields)

    def drop(self, *, _path: str | None = None, **selector: Any) -> Variant:
        """Remove the events that match (type, party, against, obligation, phase, day)."""
        path = _path or self._where("drop")
        sel = self._select(path, selector)
        kept = tuple(e for e in self.events if not sel.matches(e))
        removed = [e for e in self.events if sel.matches(e)]
        if not removed:
            raise _fail(path, f"removes nothing: no event matches {sel.describe()}",
                        _near_misses(self.events, sel), self.base.source)
        listed = "; ".join(f"day {e.day} {e.describe()}" for e in removed)
        return self._evolve(f"removed: {listed}", events=kept)

    def shift(self, days: int, *, _path: str | None = None, **selector: Any) -> Variant:
        """Move the matching events by ``days`` (negative: earlier); never before day 1."""
        path = _path or self._where("shift")
        if not isinstance(days, int) or isinstance(days, bool) or days == 0:
            raise _fail(f"{path}.days", f"must be a non-zero whole number of days, got "
                        f"{days!r}", "e.g. days: 7 (a week later) or days: -2",
                        self.base.source)
        sel = self._select(path, selector)
        moved = [e for e in self.events if sel.matches(e)]
        if not moved:
            raise _fail(path, f"shifts nothing: no event matches {sel.describe()}",
                        _near_misses(self.events, sel), self.base.source)
        early = [e for e in moved if e.day + days < 1]
        if early:
            e = early[0]
            raise _fail(f"{path}.days", f"shifting day {e.day} '{e.describe()}' by {days} "
                        f"would date it day {e.day + days}, before day 1",
                        "day 1 is the day the deal takes effect; shift by less",
                        self.base.source)
        word = "later" if days > 0 else "earlier"
        note = f"hypothetical: moved {abs(days)} day(s) {word}"
        events = _by_day(_hypothetical(attrs.evolve(e, day=e.day + days), note + f" from day "
                                       f"{e.day}") if sel.matches(e) else e
                         for e in self.events)
        listed = "; ".join(f"day {e.day} -> {e.day + days} {e.describe()}" for e in moved)
        return self._evolve(f"moved {abs(days)} day(s) {word}: {listed}", events=events)

    def add(self, *events: Event | Mapping[str, Any], _path: str | None = None) -> Variant:
        """Add events (Event objects or scenario-file mappings); they are marked hypothetical."""
        path = _path or self._where("add")
        if not events:
            raise _fail(path, "adds nothing", "give at least one event", self.base.source)
        problems: list[Problem] = []
        new: list[Event] = []
        for i, given in enumerate(events):
            where = f"{path}[{i}]" if len(events) > 1 or _path is None else path
            item: object = given
            if isinstance(item, Mapping):
                event, found = event_from_dict(item, where)
                problems.extend(found)
                if event is None:
                    continue
            elif isinstance(item, Event):
                event = item
            else:
                problems.append(Problem(where, f"must be an event or a mapping, got "
                                        f"{item!r:.60}"))
                continue
            problems.extend(_event_refs(event, self.deal, where))
            new.append(_hypothetical(event, "" if event.note else "hypothetical: added"))
        self._raise(problems)
        listed = "; ".join(f"day {e.day} {e.describe()}" for e in new)
        return self._evolve(f"added: {listed}", events=_by_day((*self.events, *new)))

    def with_deal(self, change: Callable[[Deal], Deal] | None = None, *,
                  phase: str | None = None, obligation: str | None = None,
                  _path: str | None = None, **fields: Any) -> Variant:
        """Change a deal parameter: a phase's duration_days, on_expiry, requires_agreement,
        suspendable; an obligation's due_day, quantity, ratio or schedule. Or pass a
        function ``Deal -> Deal``."""
        path = _path or self._where("with_deal")
        source = self.base.source
        if change is not None:
            if phase is not None or obligation is not None or fields:
                raise _fail(path, "give either a function or field changes, not both", "",
                            source)
            deal = change(self.deal)
            if not isinstance(deal, Deal):
                raise _fail(path, f"the function must return a Deal, got {deal!r:.60}", "",
                            source)
            return self._evolve("deal changed by a function", deal=_mark(deal))
        if (phase is None) == (obligation is None):
            raise _fail(path, "name exactly one phase or one obligation to change",
                        "e.g. with_deal(phase='phase1', duration_days=49)", source)
        if not fields:
            raise _fail(path, "changes nothing", "give a field and its new value", source)
        try:
            if phase is not None:
                deal, said = self._change_phase(path, phase, fields)
            else:
                assert obligation is not None
                deal, said = self._change_obligation(path, obligation, fields)
        except DealDefinitionError as exc:
            raise ScenarioError([p.prefixed(path) for p in exc.problems], source) from None
        return self._evolve(said, deal=_mark(deal))

    def _change_phase(self, path: str, phase_id: str, fields: dict[str, Any]) -> tuple[Deal, str]:
        known = [p.id for p in self.deal.phases]
        if phase_id not in known:
            raise _fail(f"{path}.phase", f"unknown phase {phase_id!r} in {self.deal.id}",
                        _suggest(phase_id, known), self.base.source)
        self._only(path, fields, PHASE_FIELDS, "a phase")
        old = self.deal.phase(phase_id)
        problems = []
        for key, value in fields.items():
            if key == "duration_days" and not (value is None or _is_int(value)):
                problems.append(Problem(f"{path}.{key}", f"must be a whole number, got {value!r}"))
            if key in ("requires_agreement", "suspendable") and not isinstance(value, bool):
                problems.append(Problem(f"{path}.{key}", f"must be true or false, got {value!r}"))
            if key == "on_expiry" and value not in [r.value for r in ExpiryRule] + list(
                    ExpiryRule):
                problems.append(Problem(f"{path}.{key}", f"unknown rule {value!r}",
                                        "one of: " + ", ".join(r.value for r in ExpiryRule)))
        self._raise(problems)
        deal = self.deal.evolve_phase(phase_id, **fields)
        said = ", ".join(f"{phase_id}.{k}: {_show(getattr(old, k))} -> "
                         f"{_show(getattr(deal.phase(phase_id), k))}" for k in fields)
        return deal, said

    def _change_obligation(self, path: str, ob_id: str,
                           fields: dict[str, Any]) -> tuple[Deal, str]:
        known = [o.id for o in self.deal.obligations()]
        if ob_id not in known:
            raise _fail(f"{path}.obligation", f"unknown obligation {ob_id!r} in {self.deal.id}",
                        _suggest(ob_id, known), self.base.source)
        self._only(path, fields, OBLIGATION_FIELDS, "an obligation")
        old = self.deal.obligation(ob_id)
        changes: dict[str, Any] = {}
        said = []
        for key, value in fields.items():
            where = f"{path}.{key}"
            if key == "due_day":
                if not (value is None or _is_int(value)):
                    raise _fail(where, f"must be a whole number, got {value!r}", "",
                                self.base.source)
                changes["due_day"] = value
                said.append(f"{ob_id}.due_day: {_show(old.due_day)} -> {_show(value)}")
            elif key == "quantity":
                if not _is_int(value):
                    raise _fail(where, f"must be a whole number, got {value!r}", "",
                                self.base.source)
                unit = old.quantity.unit if old.quantity is not None else "units"
                changes["quantity"] = Quantity(value, unit)
                said.append(f"{ob_id}.quantity: {_show(old.quantity)} -> {value:,} {unit}")
            elif key == "ratio":
                if not old.reciprocal:
                    raise _fail(where, f"{ob_id!r} is not reciprocal: it has no ratio",
                                "change quantity instead", self.base.source)
                if not _is_int(value):
                    raise _fail(where, f"must be a whole number, got {value!r}", "",
                                self.base.source)
                changes["reciprocal"] = tuple(Reciprocity(r.per, value) for r in old.reciprocal)
                was = ", ".join(str(r.ratio) for r in old.reciprocal)
                said.append(f"{ob_id}.ratio: {was} -> {value}")
            else:  # schedule
                try:
                    changes["schedule"] = tuple(
                        m if isinstance(m, Milestone) else
                        Milestone(m["day"], m["cumulative"]) if isinstance(m, Mapping) else
                        Milestone(*m) for m in value)
                except (TypeError, KeyError, ValueError) as exc:
                    if isinstance(exc, DealDefinitionError):
                        raise
                    raise _fail(where, f"must be a list of {{day, cumulative}}, got "
                                f"{value!r:.60}", "e.g. [{day: 1, cumulative: 3}]",
                                self.base.source) from None
                shown = ", ".join(f"{m.cumulative}@{m.day}" for m in changes["schedule"])
                said.append(f"{ob_id}.schedule -> {shown}")
        return self.deal.evolve_obligation(ob_id, **changes), ", ".join(said)

    def _only(self, path: str, fields: Mapping[str, Any], allowed: tuple[str, ...],
              what: str) -> None:
        self._raise([Problem(f"{path}.{key}", f"cannot be changed on {what}",
                             _suggest(key, allowed)) for key in fields if key not in allowed])

    def _select(self, path: str, selector: Mapping[str, Any]) -> Selector:
        unknown = [k for k in selector if k not in SELECTOR_FIELDS]
        self._raise([Problem(f"{path}.{k}", "unknown selector field",
                             _suggest(k, SELECTOR_FIELDS)) for k in unknown])
        sel = _selector(selector)
        self._raise(sel.problems(self.deal, path))
        return sel

    # -- using ------------------------------------------------------------------------
    @property
    def scenario(self) -> Scenario:
        """The variant as a scenario of its own (marked hypothetical)."""
        base = self.base
        title = f"{base.title or self.deal.title} - hypothetical variant '{self.name}'"
        description = self.description or "; ".join(self.changes)
        return attrs.evolve(base, deal=self.deal, events=self.events, title=title,
                            description=description, hypothetical=True, raw_variants=None)

    def run(self) -> Outcome:
        """Run the variant from day 1 (refused events are recorded, as in run_scenario)."""
        return run_scenario(self.scenario)

    def compare(self, *others: Variant, horizon: int | None = None) -> Comparison:
        """Compare the base scenario, this variant and ``others`` side by side."""
        return compare(self.base, (self, *others), horizon=horizon)


def _mark(deal: Deal) -> Deal:
    return deal if deal.hypothetical else attrs.evolve(deal, hypothetical=True)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: object) -> str:
    if isinstance(value, ExpiryRule):
        return value.value
    return "none" if value is None else str(value)


def _near_misses(events: Sequence[Event], sel: Selector) -> str:
    """A fix for a selector that matched nothing: the events of that type, if any."""
    if sel.type is not None:
        same = [e for e in events if e.type == sel.type]
        if same:
            shown = "; ".join(f"day {e.day} {e.describe()}" for e in same[:4])
            more = f" (and {len(same) - 4} more)" if len(same) > 4 else ""
            return f"{sel.type} events in the timeline: {shown}{more}"
        return f"the timeline has no {sel.type} event"
    return "check the selector against the timeline (dealmodel run SCENARIO)"


# -- variants from a scenario file -------------------------------------------------------
def parse_variants(scenario: Scenario) -> tuple[Variant, ...]:
    """The variants declared under ``variants:``; every problem is reported at once."""
    raw = scenario.raw_variants
    if raw is None:
        return ()
    source = scenario.source
    if not isinstance(raw, list):
        raise _fail("variants", f"must be a list of variants, got {raw!r:.60}",
                    "- name: aid-not-cut\n    drop: {type: suspend, obligation: p1_aid}", source)
    problems: list[Problem] = []
    variants: list[Variant] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        try:
            variant = _parse_variant(scenario, item, i)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        if variant.name in seen:
            problems.append(Problem(f"variants[{variant.name}].name", f"duplicate variant name "
                                    f"{variant.name!r}", "give each variant its own name",
                                    _line(item, "name")))
        seen.add(variant.name)
        variants.append(variant)
    if problems:
        raise ScenarioError(problems, source)
    return tuple(variants)


def _line(data: object, key: str | None = None) -> int | None:
    if not isinstance(data, LineDict):
        return None
    return data.line_of(key) if key is not None else data.line


def _with_line(exc: ScenarioError, line: int | None) -> ScenarioError:
    return ScenarioError([Problem(p.path, p.message, p.fix, p.line or line)
                          for p in exc.problems], exc.source)


def _parse_variant(scenario: Scenario, item: Any, index: int) -> Variant:
    source = scenario.source
    if not isinstance(item, dict):
        raise _fail(f"variants[{index}]", f"must be a mapping, got {item!r:.60}",
                    "give name: and drop:/shift:/add:/with_deal:", source)
    name = item.get("name")
    if not isinstance(name, str):
        raise ScenarioError([Problem(f"variants[{index}].name", "is required (a string)",
                                     "e.g. name: aid-not-cut", _line(item))], source)
    problems = []
    for key in item:
        if key not in _VARIANT_KEYS:
            problems.append(Problem(f"variants[{name}].{key}", "unknown field",
                                    _suggest(str(key), _VARIANT_KEYS), _line(item, key)))
    if not any(k in item for k in ("drop", "shift", "add", "with_deal")):
        problems.append(Problem(f"variants[{name}]", "changes nothing",
                                "give drop:, shift:, add: or with_deal:", _line(item)))
    description = item.get("description", "")
    if not isinstance(description, str):
        problems.append(Problem(f"variants[{name}].description", "must be a string", "",
                                _line(item, "description")))
    if problems:
        raise ScenarioError(problems, source)
    try:
        variant = Variant(scenario, name, description)
    except ScenarioError as exc:
        raise _with_line(exc, _line(item, "name")) from None
    for op in ("drop", "shift", "add", "with_deal"):  # applied in this order
        if op not in item:
            continue
        entries = item[op] if isinstance(item[op], list) else [item[op]]
        for k, entry in enumerate(entries):
            path = f"variants[{name}].{op}" + (f"[{k}]" if isinstance(item[op], list) else "")
            line = _line(entry) or _line(item, op)
            try:
                variant = _apply_op(variant, op, entry, path)
            except ScenarioError as exc:
                problems.extend(_with_line(exc, line).problems)
    if problems:
        raise ScenarioError(problems, source)
    return variant


def _apply_op(variant: Variant, op: str, entry: Any, path: str) -> Variant:
    if not isinstance(entry, dict):
        raise _fail(path, f"must be a mapping, got {entry!r:.60}", "", variant.base.source)
    if op == "drop":
        return variant.drop(_path=path, **entry)
    if op == "shift":
        fields = dict(entry)
        if "days" not in fields:
            raise _fail(f"{path}.days", "is required: how many days to move the events",
                        "e.g. {days: 7, day: 28}", variant.base.source)
        days = fields.pop("days")
        return variant.shift(days, _path=path, **fields)
    if op == "add":
        return variant.add(entry, _path=path)
    fields = dict(entry)
    phase, obligation = fields.pop("phase", None), fields.pop("obligation", None)
    return variant.with_deal(phase=phase, obligation=obligation, _path=path, **fields)


# -- forks ---------------------------------------------------------------------------------
def replay_until(scenario: Scenario, day: int) -> Run:
    """A run of ``scenario`` with its events up to and including ``day`` applied.

    Refused events are skipped as in :func:`~dealmodel.scenarios.run_scenario`. Continue
    it with :func:`continue_run` (which forks it) or :meth:`Run.fork` and ``apply``.
    """
    return run_scenario(attrs.evolve(scenario, events=[e for e in scenario.events
                                                       if e.day <= day])).run


def continue_run(run: Run, events: Iterable[Event], title: str = "continuation") -> Outcome:
    """Fork ``run`` and apply ``events`` to the fork; ``run`` itself is not changed.

    The outcome records refused events with their reasons; its scenario is marked
    hypothetical and holds only the continuation events.
    """
    scenario = Scenario(run.deal, tuple(events), f"{title} (hypothetical)",
                        hypothetical=True)
    return run_scenario(scenario, run.fork())


# -- comparing ---------------------------------------------------------------------------
@attrs.frozen
class Divergence:
    """Where a variant's run first differs from the base: the day, and what each did."""

    day: int
    index: int  # position in the timeline (0-based)
    base: str
    variant: str

    def describe(self) -> str:
        return f"day {self.day}: base: {self.base}; variant: {self.variant}"

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "index": self.index, "base": self.base,
                "variant": self.variant}


def _result_text(item: EventOutcome) -> str:
    text = f"{item.event.describe()}"
    if not item.accepted:
        return f"{text} - REFUSED: {item.reason}"
    return f"{text} -> {', '.join(item.changes)}" if item.changes else text


def _diverge(base: Sequence[EventOutcome], other: Sequence[EventOutcome]) -> Divergence | None:
    for i in range(max(len(base), len(other))):
        b = base[i] if i < len(base) else None
        v = other[i] if i < len(other) else None
        if b is not None and v is not None:
            if b.event == v.event:
                if (b.accepted, b.reason, b.changes, b.state) == (
                        v.accepted, v.reason, v.changes, v.state):
                    continue
                return Divergence(b.event.day, i, _result_text(b), _result_text(v))
            if b.event.day == v.event.day:
                return Divergence(b.event.day, i, _result_text(b), _result_text(v))
        if v is None or (b is not None and b.event.day < v.event.day):
            assert b is not None
            return Divergence(b.event.day, i, _result_text(b),
                              f"no such event on day {b.event.day}")
        return Divergence(v.event.day, i, f"no such event on day {v.event.day}",
                          _result_text(v))
    return None


@attrs.frozen
class VariantResult:
    """One column of a comparison: a run's outcome and the measures compared."""

    name: str
    description: str
    outcome: Outcome
    changes: tuple[str, ...] = ()
    divergence: Divergence | None = None
    forked_at_day: int | None = None  # the base run was forked on this day (None: replayed)

    @property
    def hypothetical(self) -> bool:
        return self.name != "base"

    @property
    def run(self) -> Run:
        return self.outcome.run

    @property
    def final_state(self) -> str:
        return self.run.state

    @property
    def final_day(self) -> int:
        return self.run.day

    def phase_entered(self) -> dict[str, int | None]:
        """The day each phase was first entered (None: never)."""
        out: dict[str, int | None] = {p.id: None for p in self.run.deal.phases}
        for state, day in self.run.history:
            if state in out and out[state] is None:
                out[state] = day
        return out

    def _days_in(self, suffix: str) -> int:
        history, total = self.run.history, 0
        for i, (state, day) in enumerate(history):
            if state.endswith(suffix):
                end = history[i + 1][1] if i + 1 < len(history) else self.run.day + 1
                total += end - day
        return total

    @property
    def days_in_limbo(self) -> int:
        return self._days_in(":limbo")

    @property
    def days_suspended(self) -> int:
        """Days the whole deal was suspended (a suspension of one obligation is listed apart)."""
        return self._days_in(":suspended")

    def suspensions(self) -> list[dict[str, Any]]:
        """Suspensions of single obligations: which, by whom, from and to which day."""
        out = []
        for entry in self.run.ledger.values():
            current: dict[str, Any] | None = None
            for day, text in entry.history:
                if not isinstance(text, str):  # a quantity performed that day
                    continue
                if isinstance(text, str) and text.startswith("suspended by "):
                    current = {"obligation": entry.id, "by": text[13:], "from_day": day,
                               "to_day": None, "days": None}
                    out.append(current)
                elif current is not None:
                    current["to_day"] = day
                    current["days"] = day - current["from_day"]
                    current = None
            if current is not None:
                current["days"] = self.run.day - current["from_day"] + 1
        return sorted(out, key=lambda s: s["from_day"])

    def first_violation(self) -> dict[str, Any] | None:
        found = [e for e in self.run.ledger.values() if e.violated_day is not None]
        if not found:
            return None
        first = min(found, key=lambda e: e.violated_day or 0)
        return {"obligation": first.id, "party": first.obligation.obligor,
                "day": first.violated_day}

    def obligations(self) -> dict[str, dict[str, Any]]:
        run = self.run
        return {e.id: {"status": e.status.value, "progress": e.progress,
                       "owed": run.owed(e), "violated_day": e.violated_day}
                for e in run.ledger.values()}

    def refused(self) -> list[dict[str, Any]]:
        return [{"day": e.event.day, "type": e.event.TYPE, "event": e.event.describe(),
                 "reason": e.reason} for e in self.outcome.refused]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "hypothetical": self.hypothetical,
            "description": self.description, "changes": list(self.changes),
            "final_state": self.final_state, "final_day": self.final_day,
            "phase_entered": self.phase_entered(), "days_in_limbo": self.days_in_limbo,
            "days_suspended": self.days_suspended, "suspensions": self.suspensions(),
            "first_violation": self.first_violation(),
            "obligations": self.obligations(),
            "allegations": [a.to_dict() for a in self.run.allegations],
            "refused": self.refused(),
            "divergence": self.divergence.to_dict() if self.divergence else None,
            "forked_at_day": self.forked_at_day,
        }


@attrs.frozen
class Comparison:
    """The base scenario and its variants, side by side. ``str()`` gives the text table."""

    scenario: Scenario
    base: VariantResult
    variants: tuple[VariantResult, ...]
    horizon: int

    @property
    def results(self) -> tuple[VariantResult, ...]:
        return (self.base, *self.variants)

    def __getitem__(self, name: str) -> VariantResult:
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(f"no variant {name!r} (compared: "
                       f"{', '.join(r.name for r in self.results)})")

    def to_dict(self) -> dict[str, Any]:
        return {"format": "dealmodel.whatif/1", "deal": self.scenario.deal.id,
                "scenario": self.scenario.title, "note": HYPOTHETICAL_NOTE,
                "horizon": self.horizon, "base": self.base.to_dict(),
                "variants": [v.to_dict() for v in self.variants]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def rows(self) -> list[tuple[str, list[str]]]:
        """The table: (label, one cell per run). Labels of rows that differ end with ' *'."""
        results = self.results
        rows: list[tuple[str, list[str]]] = []

        def row(label: str, cells: list[str]) -> None:
            differs = any(c != cells[0] for c in cells[1:])
            rows.append((label + (" *" if differs else ""), cells))

        row("final state", [r.final_state for r in results])
        row("final day", [str(r.final_day) for r in results])
        for phase in self.scenario.deal.phases:
            row(f"{phase.id} entered", [_day(r.phase_entered()[phase.id]) for r in results])
        row("days in limbo", [str(r.days_in_limbo) for r in results])
        row("days suspended (deal)", [str(r.days_suspended) for r in results])
        row("suspended obligations", [
            "; ".join(f"{s['obligation']} by {s['by']}, {s['days']} d" for s in
                      r.suspensions()) or "none" for r in results])
        row("first violation", [_violation(r.first_violation()) for r in results])
        row("allegations", ["; ".join(_allegation(a) for a in r.run.allegations) or "none"
                            for r in results])
        row("refused events", [str(len(r.outcome.refused)) for r in results])
        row("diverges from base", ["-"] + [
            f"day {r.divergence.day}" if r.divergence else "never" for r in self.variants])
        idle = 0
        for entry_id in self.base.run.ledger:
            cells = [_progress(r.run, entry_id) for r in results]
            if all(c.startswith("pending") for c in cells):
                idle += 1
                continue
            row(entry_id, cells)
        if idle:
            row(f"({idle} more obligations)", ["pending"] * len(results))
        return rows

    def headers(self) -> list[str]:
        return ["", "base"] + [f"{v.name} (hypothetical)" for v in self.variants]

    def _notes(self) -> list[str]:
        lines = []
        for v in self.variants:
            lines.append(f"{v.name} (hypothetical): {v.description or '; '.join(v.changes)}")
            if v.description:
                lines.extend(f"    changes: {c}" for c in v.changes)
            if v.divergence:
                lines.append(f"    diverges on {v.divergence.describe()}")
            for r in v.refused():
                lines.append(f"    REFUSED day {r['day']} {r['event']}: {r['reason']}")
        return lines

    def to_text(self) -> str:
        head = [f"What-if comparison: {self.scenario.title or self.scenario.deal.title}",
                f"HYPOTHETICAL - {HYPOTHETICAL_NOTE}",
                f"All runs compared on day {self.horizon}. Rows marked * differ.", ""]
        table = [self.headers(), *[[label, *cells] for label, cells in self.rows()]]
        widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
        lines = []
        for i, cells in enumerate(table):
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
                         .rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join([*head, *lines, "", *self._notes()])

    def to_markdown(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|")

        lines = [f"### What-if: {cell(self.scenario.title or self.scenario.deal.title)}", "",
                 f"> **Hypothetical.** {HYPOTHETICAL_NOTE} All runs are compared on day "
                 f"{self.horizon}; rows marked \\* differ.", "",
                 "| " + " | ".join(cell(h) for h in self.headers()) + " |",
                 "|" + "---|" * len(self.headers())]
        for label, cells in self.rows():
            lines.append("| " + " | ".join(cell(c) for c in [label.replace("*", "\\*"),
                                                             *cells]) + " |")
        lines.append("")
        lines.extend(f"- {cell(n.strip())}" for n in self._notes())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _day(day: int | None) -> str:
    return "-" if day is None else f"day {day}"


def _violation(v: dict[str, Any] | None) -> str:
    return "none" if v is None else f"{v['obligation']} ({v['party']}) day {v['day']}"


def _allegation(a: Any) -> str:
    what = a.obligation or "the deal"
    return f"{a.id} day {a.day} {a.by} v {a.against} {what}: {a.status}"


def _progress(run: Run, entry_id: str) -> str:
    entry = run.ledger[entry_id]
    owed = run.owed(entry)
    amount = f"{entry.progress:,}/{owed:,}" if owed is not None else f"{entry.progress:,}"
    if entry.status is ObligationStatus.VIOLATED:
        return f"violated d{entry.violated_day} {amount}"
    return f"{entry.status.value} {amount}"


def compare(scenario: Scenario, variants: Iterable[Variant | str] | None = None, *,
            horizon: int | None = None) -> Comparison:
    """Run ``scenario`` and its variants (default: all it declares) and compare them.

    Variants that keep the base deal fork the base run just before their first changed
    event. Each run is taken to the same ``horizon`` day (default: the last event day of
    any timeline) so that deadlines are judged alike; a variant's refused events are
    reported, never fatal.
    """
    declared = {v.name: v for v in scenario.variants()} if variants is None or any(
        isinstance(v, str) for v in variants) else {}
    chosen: list[Variant] = []
    for item in (declared.values() if variants is None else variants):
        if isinstance(item, str):
            if item not in declared:
                raise _fail("--variant", f"no variant named {item!r}",
                            _suggest(item, declared) if declared else
                            "the scenario declares no variants", scenario.source)
            item = declared[item]
        if item.base != scenario:
            raise _fail(f"variants[{item.name}]", "is a variant of another scenario",
                        "build it with scenario.variant(...)", scenario.source)
        chosen.append(item)
    timelines = [scenario.events, *(v.events for v in chosen)]
    last = max((t[-1].day for t in timelines if t), default=1)
    horizon = max(horizon or last, last)

    def extend(events: tuple[Event, ...]) -> tuple[Event, ...]:
        if events and events[-1].day >= horizon:
            return events
        return (*events, ClockAdvanced(horizon, note="comparison horizon: the clock is "
                                       "moved to the day all runs are compared on"))

    base_events = extend(scenario.events)
    variant_events = [extend(v.events) for v in chosen]
    fork_points = {_common_prefix(base_events, events)
                   for v, events in zip(chosen, variant_events, strict=True)
                   if v.deal is scenario.deal}
    forks: dict[int, Run] = {}
    run, base_outcomes = Run(scenario.deal), []
    for i, event in enumerate(base_events):
        if i in fork_points:
            forks[i] = run.fork()
        base_outcomes.extend(apply_events(run, [event]))
    if len(base_events) in fork_points:
        forks[len(base_events)] = run.fork()
    base_scenario = attrs.evolve(scenario, events=base_events)
    base = VariantResult("base", scenario.title, Outcome(base_scenario, run,
                                                         tuple(base_outcomes)))
    results = []
    for v, events in zip(chosen, variant_events, strict=True):
        vscenario = attrs.evolve(v.scenario, events=events)
        forked_at: int | None = None
        if v.deal is scenario.deal:
            k = _common_prefix(base_events, events)
            vrun = forks[k].fork()
            forked_at = vrun.day
            outcomes = [*base_outcomes[:k], *apply_events(vrun, events[k:])]
            outcome = Outcome(vscenario, vrun, tuple(outcomes))
        else:
            outcome = run_scenario(vscenario)
        results.append(VariantResult(v.name, v.description, outcome, v.changes,
                                     _diverge(base_outcomes, outcome.events), forked_at))
    return Comparison(scenario, base, tuple(results), horizon)


def _common_prefix(a: Sequence[Event], b: Sequence[Event]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
