"""Obligation entries of deal files: who owes what, by when, in what quantity or schedule."""

from __future__ import annotations

import enum
from functools import partial
from typing import Any

from dealmodel.io.fields import END_OF_PHASE, FIELDS
from dealmodel.io.reader import Reader
from dealmodel.model.obligations import (
    Milestone,
    Obligation,
    ObligationKind,
    Quantity,
    Reciprocity,
    RelativeDue,
)

__all__ = ["enum_value", "load_obligation"]


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


def load_obligation(reader: Reader, data: Any, path: str, parent: Any) -> Obligation | None:
    """An obligation entry of a phase, recording every problem in ``reader``."""
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
            amount = reader.field(q, "amount", f"{path}.quantity", int)
            unit = reader.field(q, "unit", f"{path}.quantity", str)
            if amount is not None and unit is not None:
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
    due, at_phase_end = _load_due(reader, m, path)
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
    }
    if fields["obligor"] is None and not fields["obligors"]:
        reader.problem(f"{path}.obligor", "is required", "give obligor: <party>, or "
                       "obligors: [<party>, ...] for a duty owed jointly", m)
        return None
    if fields["id"] is None or (has_quantity and quantity is None):
        return None  # the missing part is reported already
    return reader.build(path, m, lambda: Obligation(
        kind=kind, quantity=quantity, schedule=schedule, reciprocal=reciprocal, due=due,
        due_at_phase_end=at_phase_end, **fields))


def _load_due(reader: Reader, m: dict[str, Any], path: str) -> tuple[RelativeDue | None, bool]:
    """``due: end_of_phase`` or ``due: {after: <obligation | phase:<id> | event:<type>>,
    days: N}``."""
    raw = m.get("due")
    if raw is None:
        return None, False
    if raw == END_OF_PHASE:
        return None, True
    dp = f"{path}.due"
    if not isinstance(raw, dict):
        reader.problem(dp, f"must be {END_OF_PHASE} or a mapping {{after, days}}, got "
                       f"{reader.show(raw)}", "e.g. due: {after: p1_hostages, days: 30}", m,
                       "due")
        return None, False
    dm = reader.mapping(raw, dp, FIELDS["due"], m, "due")
    if dm is None:
        return None, False
    after = reader.field(dm, "after", dp, str)
    days = reader.field(dm, "days", dp, int)
    if after is None or days is None:
        return None, False
    return reader.build(dp, dm, partial(RelativeDue, after, days)), False
