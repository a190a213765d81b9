"""Events from plain dicts (scenario files) and back.

Field types are checked by the event classes themselves
(:func:`dealmodel.model.events.field_problems`); this module adds the file's view:
unknown and missing fields, ``date:`` instead of ``day:``, and the line of each problem.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from dealmodel.errors import EventDefinitionError, Problem, short
from dealmodel.io.reader import kind_of, suggest
from dealmodel.io.yaml import LineDict
from dealmodel.model.events import EVENT_TYPES, Event, field_problems, own_fields

__all__ = ["event_fields", "event_from_dict", "event_to_dict"]

_FIELDS: dict[type[Event], dict[str, bool]] = {}  # field name -> required, per class


def event_fields(cls: type[Event]) -> tuple[attrs.Attribute[Any], ...]:
    return tuple(attrs.fields(cls))


def _fields(cls: type[Event]) -> dict[str, bool]:
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = {f.name: f.default is attrs.NOTHING for f in attrs.fields(cls)}
    return fields


def _day_of_date(value: Any, in_force: str | None) -> tuple[int | None, str]:
    """The deal day of a ``date:`` value, or None and what is wrong."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return None, f"must be a date (YYYY-MM-DD), got {short(value)}"
    if not isinstance(value, dt.date):
        return None, f"must be a date (YYYY-MM-DD), got {short(value)}"
    if in_force is None:
        return None, "the deal has no in_force date to count days from; use day: instead"
    return (value - dt.date.fromisoformat(in_force)).days + 1, ""


def event_from_dict(data: Any, path: str = "", in_force: str | None = None,
                    ) -> tuple[Event | None, list[Problem]]:
    """Build an event from ``{type: ..., day: ..., ...}``; returns (event, problems).

    An event may give ``date:`` (a calendar date) instead of ``day:``; ``in_force`` is
    then the deal's day-1 date to count from.
    """
    line = data.line if isinstance(data, LineDict) else None
    prefix = f"{path}." if path else ""
    if not isinstance(data, dict):
        return None, [Problem(path, f"an event must be a mapping, got {short(data)}",
                              "e.g. {day: 1, type: advance}", line)]
    kind = data.get("type")
    cls = EVENT_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        ln = data.line_of("type") if isinstance(data, LineDict) else line
        if kind is None:
            return None, [Problem(f"{prefix}type", "is required",
                                  "event types: " + ", ".join(EVENT_TYPES), ln)]
        what = (f"unknown event type {short(kind)}" if isinstance(kind, str)
                else f"must be an event type name, got {kind_of(kind)}")
        return None, [Problem(f"{prefix}type", what, suggest(kind, EVENT_TYPES), ln)]
    fields = _fields(cls)
    problems: list[Problem] = []
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "type":
            continue
        if key == "date":
            ln = data.line_of(key) if isinstance(data, LineDict) else line
            if "day" in data:
                problems.append(Problem(f"{prefix}date", "give day or date, not both", "", ln))
                continue
            day, why = _day_of_date(value, in_force)
            if day is None:
                problems.append(Problem(f"{prefix}date", why, "", ln))
            else:
                kwargs["day"] = day
            continue
        if key not in fields:
            ln = data.line_of(key) if isinstance(data, LineDict) else line
            problems.append(Problem(f"{prefix}{short(key)[1:-1]}",
                                    f"unknown field for a {kind} event",
                                    suggest(key, fields).replace("known:", f"{kind} takes:"),
                                    ln))
            continue
        kwargs[key] = value
    for name, required in fields.items():
        if required and kwargs.get(name) is None and not (name == "day" and "date" in data):
            problems.append(Problem(f"{prefix}{name}", f"is required for a {kind} event", "",
                                    line))
    if not problems:
        try:
            return cls(**kwargs), []
        except EventDefinitionError as exc:
            found = list(exc.problems)
    else:
        found = field_problems(cls, {k: v for k, v in kwargs.items() if v is not None})
    for p in found:  # type problems name a field: locate them at its line
        ln = data.line_of(p.path) if isinstance(data, LineDict) else line
        problems.append(Problem(prefix + p.path, p.message, p.fix, ln))
    return None, problems


def event_to_dict(event: Event) -> dict[str, Any]:
    """Plain data for an event; :func:`event_from_dict` reverses it."""
    out: dict[str, Any] = {"type": event.TYPE}
    plain = own_fields(event)
    for field in event_fields(type(event)):
        value = getattr(event, field.name)
        if field.name == "day" or value != field.default:
            out[field.name] = plain.get(field.name, value)
    return out
