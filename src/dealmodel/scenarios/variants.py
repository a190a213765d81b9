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

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from dealmodel.errors import DealDefinitionError, Problem, ScenarioError, short
from dealmodel.io.events import event_from_dict
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event
from dealmodel.model.obligations import Milestone, Quantity, Reciprocity
from dealmodel.model.phases import ExpiryRule
from dealmodel.scenarios.selectors import (
    OBLIGATION_FIELDS,
    PHASE_FIELDS,
    SELECTOR_FIELDS,
    Selector,
    _by_day,
    _event_refs,
    _fail,
    _hypothetical,
    _is_int,
    _near_misses,
    _selector,
    _show,
    _suggest,
)

if TYPE_CHECKING:
    from dealmodel.scenarios.outcome import Outcome
    from dealmodel.scenarios.scenario import Scenario

__all__ = ["Variant"]


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
                        f"got {short(name)}", "e.g. 'aid-not-cut'", self.base.source)
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

    def drop(self, **selector: Any) -> Variant:
        """Remove the events that match (type, party, against, obligation, phase, day, id)."""
        return self._drop(self._where("drop"), selector)

    def _drop(self, path: str, selector: Mapping[str, Any]) -> Variant:
        sel = self._select(path, selector)
        kept = tuple(e for e in self.events if not sel.matches(e))
        removed = [e for e in self.events if sel.matches(e)]
        if not removed:
            raise _fail(path, f"removes nothing: no event matches {sel.describe()}",
                        _near_misses(self.events, sel), self.base.source)
        listed = "; ".join(f"day {e.day} {e.describe()}" for e in removed)
        return self._evolve(f"removed: {listed}", events=kept)

    def shift(self, days: int, **selector: Any) -> Variant:
        """Move the matching events by ``days`` (negative: earlier); never before day 1."""
        return self._shift(self._where("shift"), days, selector)

    def _shift(self, path: str, days: int, selector: Mapping[str, Any]) -> Variant:
        if not isinstance(days, int) or isinstance(days, bool) or days == 0:
            raise _fail(f"{path}.days", f"must be a non-zero whole number of days, got "
                        f"{short(days)}", "e.g. days: 7 (a week later) or days: -2",
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

    def add(self, *events: Event | Mapping[str, Any]) -> Variant:
        """Add events (Event objects or scenario-file mappings); they are marked hypothetical."""
        return self._add(self._where("add"), events, numbered=True)

    def _add(self, path: str, events: tuple[object, ...], numbered: bool) -> Variant:
        if not events:
            raise _fail(path, "adds nothing", "give at least one event", self.base.source)
        problems: list[Problem] = []
        new: list[Event] = []
        for i, given in enumerate(events):
            where = f"{path}[{i}]" if len(events) > 1 or numbered else path
            item: object = given
            if isinstance(item, Mapping):
                event, found = event_from_dict(item, where, self.base.deal.in_force)
                problems.extend(found)
                if event is None:
                    continue
            elif isinstance(item, Event):
                event = item
            else:
                problems.append(Problem(where, f"must be an event or a mapping, got "
                                        f"{short(item)}"))
                continue
            problems.extend(_event_refs(event, self.deal, where))
            new.append(_hypothetical(event, "" if event.note else "hypothetical: added"))
        self._raise(problems)
        listed = "; ".join(f"day {e.day} {e.describe()}" for e in new)
        return self._evolve(f"added: {listed}", events=_by_day((*self.events, *new)))

    def with_deal(self, change: Callable[[Deal], Deal] | None = None, *,
                  phase: str | None = None, obligation: str | None = None,
                  **fields: Any) -> Variant:
        """Change a deal parameter: a phase's duration_days, on_expiry, requires_agreement,
        suspendable; an obligation's due_day, quantity, ratio or schedule. Or pass a
        function ``Deal -> Deal``."""
        path = self._where("with_deal")
        source = self.base.source
        if change is not None:
            if not callable(change):
                raise _fail(path, f"the first argument must be a function Deal -> Deal, got "
                            f"{short(change)}", "to change a field, name it: "
                            "with_deal(phase='phase1', duration_days=49)", source)
            if phase is not None or obligation is not None or fields:
                raise _fail(path, "give either a function or field changes, not both", "",
                            source)
            deal = change(self.deal)
            if not isinstance(deal, Deal):
                raise _fail(path, f"the function must return a Deal, got {short(deal)}", "",
                            source)
            return self._evolve("deal changed by a function", deal=_mark(deal))
        return self._with_fields(path, phase, obligation, fields)

    def _with_fields(self, path: str, phase: object, obligation: object,
                     fields: dict[str, Any]) -> Variant:
        source = self.base.source
        for name, value in (("phase", phase), ("obligation", obligation)):
            if value is not None and not isinstance(value, str):
                raise _fail(f"{path}.{name}", f"must be a {name} id (text), got "
                            f"{short(value)}", "", source)
        if (phase is None) == (obligation is None):
            raise _fail(path, "name exactly one phase or one obligation to change",
                        "e.g. with_deal(phase='phase1', duration_days=49)", source)
        if not fields:
            raise _fail(path, "changes nothing", "give a field and its new value", source)
        try:
            if isinstance(phase, str):
                deal, said = self._change_phase(path, phase, fields)
            else:
                assert isinstance(obligation, str)
                deal, said = self._change_obligation(path, obligation, fields)
        except DealDefinitionError as exc:
            raise ScenarioError([p.prefixed(path) for p in exc.problems], source) from None
        return self._evolve(said, deal=_mark(deal))

    def _change_phase(self, path: str, phase_id: str, fields: dict[str, Any]) -> tuple[Deal, str]:
        known = [p.id for p in self.deal.phases]
        if phase_id not in known:
            raise _fail(f"{path}.phase",
                        f"unknown phase {short(phase_id)} in {self.deal.id}",
                        _suggest(phase_id, known), self.base.source)
        self._only(path, fields, PHASE_FIELDS, "a phase")
        old = self.deal.phase(phase_id)
        problems = []
        for key, value in fields.items():
            if key == "duration_days" and not (value is None or _is_int(value)):
                problems.append(Problem(f"{path}.{key}",
                                        f"must be a whole number, got {short(value)}"))
            if key in ("requires_agreement", "suspendable") and not isinstance(value, bool):
                problems.append(Problem(f"{path}.{key}",
                                        f"must be true or false, got {short(value)}"))
            if key == "on_expiry" and value not in [r.value for r in ExpiryRule] + list(
                    ExpiryRule):
                problems.append(Problem(f"{path}.{key}", f"unknown rule {short(value)}",
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
            raise _fail(f"{path}.obligation",
                        f"unknown obligation {short(ob_id)} in {self.deal.id}",
                        _suggest(ob_id, known), self.base.source)
        self._only(path, fields, OBLIGATION_FIELDS, "an obligation")
        old = self.deal.obligation(ob_id)
        changes: dict[str, Any] = {}
        said = []
        for key, value in fields.items():
            where = f"{path}.{key}"
            if key == "due_day":
                if not (value is None or _is_int(value)):
                    raise _fail(where, f"must be a whole number, got {short(value)}", "",
                                self.base.source)
                changes["due_day"] = value
                said.append(f"{ob_id}.due_day: {_show(old.due_day)} -> {_show(value)}")
            elif key == "quantity":
                if not _is_int(value):
                    raise _fail(where, f"must be a whole number, got {short(value)}", "",
                                self.base.source)
                unit = old.quantity.unit if old.quantity is not None else "units"
                changes["quantity"] = Quantity(value, unit)
                said.append(f"{ob_id}.quantity: {_show(old.quantity)} -> {value:,} {unit}")
            elif key == "ratio":
                if not old.reciprocal:
                    raise _fail(where, f"{short(ob_id)} is not reciprocal: it has no ratio",
                                "change quantity instead", self.base.source)
                if not _is_int(value):
                    raise _fail(where, f"must be a whole number, got {short(value)}", "",
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
                                f"{short(value)}", "e.g. [{day: 1, cumulative: 3}]",
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
        return self.scenario.run()



def _mark(deal: Deal) -> Deal:
    return deal if deal.hypothetical else attrs.evolve(deal, hypothetical=True)
