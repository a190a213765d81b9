"""Private: the base class of events and the helpers every event module shares.

:mod:`dealmodel.model.events` (events that act on the deal) and
:mod:`dealmodel.model.reports` (events that record without judging) both build on it.

Fields are type-checked when an event is built: ``day``, ``quantity`` and ``days`` are
whole numbers (not ``True``, not ``2.5``, not ``"5"``, never NaN), ``upheld`` and
``hypothetical`` are ``True`` or ``False``, names are text (``by`` may list several),
``figures`` map names to finite numbers. A wrong type raises
:class:`~dealmodel.errors.EventDefinitionError` naming every bad field.
"""

from __future__ import annotations

import math
import types
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from dealmodel.errors import EventDefinitionError, Problem, short

__all__ = ["PROVENANCE", "TEXT_FIELDS", "Event", "actors", "field_problems", "own_fields"]

#: The fields every event has for provenance (where it comes from, not what it says).
PROVENANCE = ("note", "source", "hypothetical", "disputed")

#: The free-text fields in which an event says something in its own words (a
#: suspension's reason, an allegation's evidence, a report's summary, ...): every output
#: shows them with the event.
TEXT_FIELDS = ("reason", "evidence", "summary", "text", "statement", "condition", "location")


@attrs.frozen
class Event:
    """Base class: a dated fact. Subclasses add their own fields."""

    TYPE: ClassVar[str] = "event"
    day: int
    note: str = attrs.field(default="", kw_only=True)
    source: str = attrs.field(default="", kw_only=True)
    hypothetical: bool = attrs.field(default=False, kw_only=True)
    disputed: str = attrs.field(default="", kw_only=True)

    def __attrs_post_init__(self) -> None:
        for name, kind, nullable in _spec(type(self)):
            value = getattr(self, name)
            fine = (type(value) is str) if kind is tuple else (type(value) is kind)
            if not fine and not (nullable and value is None):
                problems = field_problems(type(self), attrs.asdict(self, recurse=False))
                if problems:
                    raise EventDefinitionError(self.TYPE, problems)
        figures = getattr(self, "figures", ())
        if figures and not _figures_ok(figures):
            raise EventDefinitionError(self.TYPE, [Problem(
                "figures", f"must map names to numbers, got {short(figures)}",
                "e.g. figures: {tonnes: 32860000, vessels: 1204}")])

    @property
    def type(self) -> str:
        return self.TYPE

    def describe(self) -> str:
        return self.TYPE

    def texts(self) -> tuple[tuple[str, str], ...]:
        """What the event says in its own words: ``(field, text)`` for each text field
        that is given (see :data:`TEXT_FIELDS`)."""
        out = []
        for name in TEXT_FIELDS:
            value = getattr(self, name, None)
            if isinstance(value, str) and value:
                out.append((name, value))
        return tuple(out)


def own_fields(event: Event) -> dict[str, Any]:
    """The event's own fields (not ``day`` nor its provenance), as JSON-ready values:
    tuples become lists, figures a mapping."""
    out: dict[str, Any] = {}
    for field in attrs.fields(type(event)):
        if field.name == "day" or field.name in PROVENANCE:
            continue
        value = getattr(event, field.name)
        if field.name == "figures":
            value = dict(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[field.name] = value
    return out


def _actors(value: str | Iterable[str]) -> str | tuple[str, ...]:
    """``by`` is one actor id, or several acting together (a list in YAML)."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        return value  # type: ignore[return-value]  # not a list: checked after conversion
    items = tuple(value)
    return items[0] if len(items) == 1 and isinstance(items[0], str) else items


def _maybe_actors(value: str | Iterable[str] | None) -> str | tuple[str, ...] | None:
    return None if value is None else _actors(value)


def actors(by: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """The actors of a ``by`` field, as a tuple (empty when none is named)."""
    if by is None:
        return ()
    return (by,) if isinstance(by, str) else by


def _who(by: str | tuple[str, ...], verb: str = "") -> str:
    """``a`` or ``a and b``, with ``verb`` agreeing (``extends`` / ``extend``)."""
    if isinstance(by, str):
        return f"{by} {verb}s" if verb else by
    return " and ".join(by) + (f" {verb}" if verb else "")


def _figures_ok(items: object) -> bool:
    """``figures`` after conversion: ``(name, finite number)`` pairs."""
    if not isinstance(items, tuple):
        return False
    for pair in items:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            return False
        value = pair[1]
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
    return True


_NAMES: dict[type, str] = {int: "a whole number", str: "text", bool: "true or false",
                          tuple: "a name or a list of names"}
_SPECS: dict[type[Event], tuple[tuple[str, type, bool], ...]] = {}


def _kind(annotation: Any) -> tuple[type | None, bool]:
    """(checked type, may be None) of a field annotation; tuple stands for 'one or more names'."""
    if not isinstance(annotation, types.UnionType):
        return (annotation if annotation in _NAMES else None), False
    args = [a for a in annotation.__args__ if a is not type(None)]
    nullable = len(args) < len(annotation.__args__)
    if len(args) == 1:
        return _kind(args[0])[0], nullable
    if set(args) == {str, tuple[str, ...]}:
        return tuple, nullable
    return None, nullable


def _spec(cls: type[Event]) -> tuple[tuple[str, type, bool], ...]:
    """(field, type, may be None) for each checked field of an event class."""
    spec = _SPECS.get(cls)
    if spec is None:
        out = []
        for field in attrs.fields(attrs.resolve_types(cls)):
            kind, nullable = _kind(field.type)
            if kind is not None:
                out.append((field.name, kind, nullable))
        spec = _SPECS[cls] = tuple(out)
    return spec


def _ok(value: object, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is tuple:
        return isinstance(value, str) or (isinstance(value, tuple) and len(value) > 0 and all(
            isinstance(v, str) for v in value))
    return isinstance(value, kind)


def field_problems(cls: type[Event], values: Mapping[str, Any]) -> list[Problem]:
    """Problems with the types of ``values`` given for an event of class ``cls``."""
    problems = []
    for name, kind, nullable in _spec(cls):
        if name not in values:
            continue
        value = values[name]
        if (value is None and nullable) or _ok(value, kind):
            continue
        fix = ("write a whole number, e.g. 3" if kind is int else
               "write true or false" if kind is bool else
               "give a name, or a list of names, e.g. [qatar, egypt]" if kind is tuple else
               "give text, e.g. 'hamas'")
        problems.append(Problem(name, f"must be {_NAMES[kind]}"
                                f"{' or nothing' if nullable else ''}, got {short(value)} "
                                f"({type(value).__name__})", fix))
    return problems
