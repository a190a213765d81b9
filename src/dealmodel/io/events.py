"""Events from plain dicts (scenario files) and back."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

import attrs

from dealmodel.errors import Problem
from dealmodel.io.yaml import LineDict
from dealmodel.model.events import _FIELD_TYPES, EVENT_TYPES, Event

__all__ = ["event_fields", "event_from_dict", "event_to_dict"]


def event_fields(cls: type[Event]) -> tuple[attrs.Attribute[Any], ...]:
    return tuple(attrs.fields(cls))


def _day_of_date(value: Any, in_force: str | None) -> tuple[int | None, str]:
    """The deal day of a ``date:`` value, or None and what is wrong."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return None, f"must be a date (YYYY-MM-DD), got {value!r:.40}"
    if not isinstance(value, dt.date):
        return None, f"must be a date (YYYY-MM-DD), got {value!r:.40}"
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
        return None, [Problem(path, f"an event must be a mapping, got {data!r:.60}", "", line)]
    kind = data.get("type")
    if kind not in EVENT_TYPES:
        close = difflib.get_close_matches(str(kind), EVENT_TYPES, n=1)
        fix = f"did you mean {close[0]!r}?" if close else "event types: " + ", ".join(EVENT_TYPES)
        got = "missing" if kind is None else f"unknown event type {kind!r}"
        ln = data.line_of("type") if isinstance(data, LineDict) else line
        return None, [Problem(f"{prefix}type", got, fix, ln)]
    cls = EVENT_TYPES[kind]
    fields = {f.name: f for f in event_fields(cls)}
    problems: list[Problem] = []
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "type":
            continue
        ln = data.line_of(key) if isinstance(data, LineDict) else line
        if key == "date":
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
            close = difflib.get_close_matches(key, fields, n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"{kind} takes: " + ", ".join(fields)
            problems.append(Problem(f"{prefix}{key}", f"unknown field for a {kind} event", fix, ln))
            continue
        want = _FIELD_TYPES.get(key, (str,))
        if value is None and fields[key].default is None:
            kwargs[key] = None
            continue
        if not isinstance(value, want) or (isinstance(value, bool) and bool not in want):
            names = " or ".join(t.__name__ for t in want)
            problems.append(
                Problem(f"{prefix}{key}", f"must be {names}, got {value!r:.60}", "", ln))
            continue
        kwargs[key] = value
    for name, field in fields.items():
        if field.default is attrs.NOTHING and name not in kwargs and name not in data \
                and not (name == "day" and "date" in data):
            problems.append(Problem(f"{prefix}{name}", f"is required for a {kind} event", "", line))
    if problems:
        return None, problems
    return cls(**kwargs), []


def event_to_dict(event: Event) -> dict[str, Any]:
    """Plain data for an event; :func:`event_from_dict` reverses it."""
    out: dict[str, Any] = {"type": event.TYPE}
    for field in event_fields(type(event)):
        value = getattr(event, field.name)
        if field.name == "day" or value != field.default:
            out[field.name] = list(value) if isinstance(value, tuple) else value
    return out
