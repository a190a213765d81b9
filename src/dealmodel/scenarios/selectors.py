"""Event selectors for variants: which events a drop or shift matches, checked against the deal."""


from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from dealmodel.errors import Problem, ScenarioError, short
from dealmodel.model.deal import Deal
from dealmodel.model.events import EVENT_TYPES, Event, actors
from dealmodel.model.phases import ExpiryRule

__all__ = ["HYPOTHETICAL_NOTE", "References", "Selector"]

HYPOTHETICAL_NOTE = ("Variants are hypothetical: they change what happened in order to "
                     "explore the deal's rules, and are not reports of events.")
SELECTOR_FIELDS = ("type", "party", "against", "obligation", "phase", "day", "id")
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

    ``party`` matches the acting party (an event's ``party`` or ``by``, or one of
    several acting together), ``against`` the accused party of an allegation, ``day`` one
    day or an inclusive ``(first, last)`` range, ``id`` the id given to a report,
    statement, incident or finding (``id:`` in the file).
    """

    type: str | None = None
    party: str | None = None
    against: str | None = None
    obligation: str | None = None
    phase: str | None = None
    day: int | tuple[int, int] | None = None
    id: str | None = None

    def matches(self, event: Event) -> bool:
        if self.type is not None and event.type != self.type:
            return False
        if self.party is not None and self.party != getattr(event, "party", None) \
                and self.party not in actors(getattr(event, "by", None)):
            return False
        if self.id is not None and getattr(event, "id", None) != self.id:
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
        refs = References(deal)
        for name, what in (("type", "event type"), ("party", "party"), ("against", "party"),
                           ("obligation", "obligation"), ("phase", "phase")):
            value = getattr(self, name)
            if value is None:
                continue
            known = list(EVENT_TYPES) if name == "type" else refs.known[what]
            if not isinstance(value, str):
                out.append(Problem(f"{path}.{name}", f"must be a name (text), got "
                                   f"{short(value)}", f"e.g. {name}: {known[0]}"
                                   if known else ""))
            elif value not in known:
                where = "" if name == "type" else f" in {deal.id}"
                out.append(Problem(f"{path}.{name}", f"unknown {what} {short(value)}{where}",
                                   _suggest(value, known)))
        given: object = self.id  # from a file: any value
        if given is not None and not isinstance(given, str):
            out.append(Problem(f"{path}.id", f"must be an id (text), got {short(given)}",
                               "the id: given to a report, statement, incident or finding"))
        day = self.day
        days = day if isinstance(day, tuple) else (day,) if day is not None else ()
        if (isinstance(day, tuple) and len(day) != 2) or any(
                not isinstance(d, int) or isinstance(d, bool) for d in days):
            out.append(Problem(f"{path}.day", f"must be a day or a [first, last] range, "
                               f"got {short(day)}", "e.g. day: 28 or day: [40, 54]"))
        elif isinstance(day, tuple) and day[0] > day[1]:
            out.append(Problem(f"{path}.day", f"range {list(day)} ends before it starts",
                               "write [first, last]"))
        return out


def _selector(data: Mapping[str, Any]) -> Selector:
    day = data.get("day")
    if isinstance(day, list):
        day = tuple(day)
    return Selector(data.get("type"), data.get("party"), data.get("against"),
                    data.get("obligation"), data.get("phase"), day, data.get("id"))


class References:
    """The names a deal knows, to check the names an event uses (built once per deal)."""

    FIELDS = (("party", "party"), ("by", "party"), ("against", "party"),
              ("obligation", "obligation"), ("phase", "phase"), ("reported_by", "party"),
              ("concerning", "party"), ("indicator", "indicator"))

    def __init__(self, deal: Deal) -> None:
        self.deal = deal
        self.known = {"party": [p.id for p in deal.parties],
                      "obligation": [o.id for o in deal.obligations()],
                      "phase": [p.id for p in deal.phases],
                      "indicator": [i.id for i in deal.indicators]}
        self.sets = {what: frozenset(names) for what, names in self.known.items()}

    def problems(self, event: Event | Mapping[str, Any], path: str) -> list[Problem]:
        """Unknown parties, obligations or phases named by ``event`` (an Event, or the
        mapping it was to be built from), at ``path.<field>``."""
        out = []
        for name, what in self.FIELDS:
            value = (event.get(name) if isinstance(event, Mapping)
                     else getattr(event, name, None))
            for one in value if isinstance(value, (tuple, list)) else (value,):  # by: [a, b]
                if isinstance(one, str) and one not in self.sets[what]:
                    out.append(Problem(f"{path}.{name}", f"unknown {what} {short(one)} in "
                                       f"{self.deal.id}", _suggest(str(one), self.known[what])))
        return out


def _event_refs(event: Event, deal: Deal, path: str) -> list[Problem]:
    """Unknown parties, obligations or phases named by an added event, and a day before 1."""
    out = References(deal).problems(event, path)
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
