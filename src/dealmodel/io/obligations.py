"""Obligation entries of deal files: who owes what, by when, in what quantity or schedule."""

from __future__ import annotations

import datetime as dt
import enum
from functools import partial
from typing import Any

from dealmodel.io.fields import END_OF_PHASE, FIELDS
from dealmodel.io.reader import MISSING, Reader
from dealmodel.model.obligations import (
    Milestone,
    Obligation,
    ObligationKind,
    Quantity,
    Reciprocity,
    RelativeDue,
    Renewal,
)

__all__ = ["enum_value", "load_obligation", "load_renewal"]


def enum_value(reader: Reader, data: dict[str, Any], key: str, path: str,
                enum_type: type[enum.Enum], default: enum.Enum) -> Any:
    """A field that names one value of ``enum_type``."""
    raw = reader.field(data, key, path, str, default.value)
    values = [e.value for e in enum_type]
    if raw not in values:
        reader.problem(f"{path}.{key}", f"must be one of {', '.join(values)}, got "
                       f"{reader.show(raw)}", "", data, key)
        return default
    return enum_type(raw)


def load_renewal(reader: Reader, m: dict[str, Any], path: str) -> Renewal | None:
    """The ``renewal:`` of a phase or of a standing duty."""
    rp = f"{path}.renewal"
    rm = reader.mapping(m["renewal"], rp, FIELDS["renewal"], m, "renewal")
    if rm is None:
        return None
    term = reader.field(rm, "term_days", rp, int)
    automatic = reader.field(rm, "automatic", rp, bool, True)
    notice = reader.field(rm, "notice_days", rp, int, 0)
    most = reader.field(rm, "max_renewals", rp, int, None)
    clause = reader.field(rm, "clause", rp, str, None)
    if term is None:
        return None
    return reader.build(rp, rm, lambda: Renewal(term, automatic, notice, most, clause))


def load_obligation(reader: Reader, data: Any, path: str, parent: Any,
                    in_force: str | None = None) -> Obligation | None:
    """An obligation entry of a phase, recording every problem in ``reader``
    (``in_force``: the deal's day-1 date, for a deadline given as a date)."""
    m = reader.mapping(data, path, FIELDS["obligation"], parent)
    if m is None:
        return None
    has_quantity = "quantity" in m
    kind = enum_value(reader, m, "kind", path, ObligationKind,
                       ObligationKind.QUANTITY if has_quantity else ObligationKind.ACT)
    quantity = None
    if has_quantity:
        q = reader.mapping(m["quantity"], f"{path}.quantity", FIELDS["quantity"], m,
                           "quantity")
        if q is not None:
            # an ongoing duty may give a unit alone: a running total with no target
            amount = reader.field(q, "amount", f"{path}.quantity", int,
                                  None if kind is ObligationKind.ONGOING else MISSING)
            unit = reader.field(q, "unit", f"{path}.quantity", str)
            if (amount is not None or kind is ObligationKind.ONGOING) and unit is not None:
                quantity = reader.build(f"{path}.quantity", q, lambda: Quantity(amount, unit))
    schedule = []
    for k, item in enumerate(reader.items(m, "schedule", path)):
        mp = f"{path}.schedule[{k}]"
        mm = reader.mapping(item, mp, FIELDS["milestone"], m, "schedule")
        if mm is not None:
            day = reader.field(mm, "day", mp, int)
            cum = reader.field(mm, "cumulative", mp, int)
            if day is not None and cum is not None:
                built = reader.build(mp, mm, partial(Milestone, day, cum))
                if built is not None:
                    schedule.append(built)
    reciprocal = []
    for k, item in enumerate(reader.items(m, "reciprocal", path)):
        rp = f"{path}.reciprocal[{k}]"
        rm = reader.mapping(item, rp, FIELDS["reciprocity"], m, "reciprocal")
        if rm is not None:
            per = reader.field(rm, "per", rp, str)
            ratio = reader.field(rm, "ratio", rp, int)
            if per is not None and ratio is not None:
                built_r = reader.build(rp, rm, partial(Reciprocity, per, ratio))
                if built_r is not None:
                    reciprocal.append(built_r)
    due, at_phase_end, due_on = _load_due(reader, m, path, in_force)
    renewal = load_renewal(reader, m, path) if m.get("renewal") is not None else None
    fields = {
        "id": reader.field(m, "id", path, str),
        "obligor": reader.field(m, "obligor", path, str, None),
        "obligors": tuple(reader.texts(m, "obligors", path)),
        "beneficiary": reader.field(m, "beneficiary", path, str, None),
        "beneficiaries": tuple(reader.texts(m, "beneficiaries", path)),
        "description": reader.field(m, "description", path, str, ""),
        "due_day": reader.field(m, "due_day", path, int, None),
        "parts": tuple(reader.texts(m, "parts", path)),
        "strict": reader.field(m, "strict", path, bool, False),
        "clause": reader.field(m, "clause", path, str, None),
        "term_days": reader.field(m, "term_days", path, int, None),
        "document": reader.field(m, "document", path, str, None),
    }
    if fields["obligor"] is None and not fields["obligors"]:
        reader.problem(f"{path}.obligor", "is required", "give obligor: <party>, or "
                       "obligors: [<party>, ...] for a duty owed jointly", m)
        return None
    if fields["id"] is None or (has_quantity and quantity is None):
        return None  # the missing part is reported already
    return reader.build(path, m, lambda: Obligation(
        kind=kind, quantity=quantity, schedule=schedule, reciprocal=reciprocal, due=due,
        due_at_phase_end=at_phase_end, due_deal_day=due_on, renewal=renewal, **fields))


_Due = tuple[RelativeDue | None, bool, int | None]


def _load_due(reader: Reader, m: dict[str, Any], path: str, in_force: str | None) -> _Due:
    """``due: end_of_phase``; ``due: {after: <obligation | phase:<id> | event:<type>>,
    days: N}``; or an absolute deadline ``due: {day: N}`` (a deal day, day 1 = in force)
    or ``due: {date: YYYY-MM-DD}`` (needs the deal's ``in_force``)."""
    raw = m.get("due")
    if raw is None:
        return None, False, None
    if raw == END_OF_PHASE:
        return None, True, None
    dp = f"{path}.due"
    if not isinstance(raw, dict):
        reader.problem(dp, f"must be {END_OF_PHASE} or a mapping ({{after, days}}, {{day}} "
                       f"or {{date}}), got {reader.show(raw)}",
                       "e.g. due: {after: p1_hostages, days: 30}, or due: {day: 60}", m, "due")
        return None, False, None
    if "day" in raw or "date" in raw:
        return None, False, _load_due_on(reader, raw, dp, m, in_force)
    dm = reader.mapping(raw, dp, FIELDS["due"], m, "due")
    if dm is None:
        return None, False, None
    after = reader.field(dm, "after", dp, str)
    days = reader.field(dm, "days", dp, int)
    if after is None or days is None:
        return None, False, None
    return reader.build(dp, dm, partial(RelativeDue, after, days)), False, None


def _load_due_on(reader: Reader, raw: dict[str, Any], dp: str, m: dict[str, Any],
                 in_force: str | None) -> int | None:
    """The deal day of an absolute deadline: ``{day: N}`` or ``{date: ...}``."""
    dm = reader.mapping(raw, dp, FIELDS["due_on"], m, "due")
    if dm is None:
        return None
    if "day" in dm and "date" in dm:
        reader.problem(dp, "give day or date, not both", "", dm, "date")
        return None
    if "day" in dm:
        day: int | None = reader.field(dm, "day", dp, int)
        if day is not None and day < 1:
            reader.problem(f"{dp}.day", f"must be >= 1, got {day}", "day 1 is the day the "
                           "deal takes effect", dm, "day")
            return None
        return day
    date = reader.date(dm, "date", dp)
    if date is None:
        return None
    if in_force is None:
        reader.problem(f"{dp}.date", "the deal has no in_force date to count days from",
                       "give in_force, or use due: {day: N}", dm, "date")
        return None
    day = (dt.date.fromisoformat(date) - dt.date.fromisoformat(in_force)).days + 1
    if day < 1:
        reader.problem(f"{dp}.date", f"{date} is before the deal takes effect ({in_force})",
                       "", dm, "date")
        return None
    return day
