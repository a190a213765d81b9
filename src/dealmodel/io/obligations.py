"""Obligations in deal files: reading one from plain data (with every problem located)
and writing one back. :mod:`dealmodel.io.deals` reads and writes the rest of a deal."""

from __future__ import annotations

import enum
from functools import partial
from typing import Any

from dealmodel.io.yaml import Reader
from dealmodel.model.obligations import (
    Milestone,
    Obligation,
    ObligationKind,
    Quantity,
    Reciprocity,
    RelativeDue,
)

__all__ = ["enum_value", "load_obligation", "obligation_to_dict"]

_OBLIGATION_FIELDS = ("id", "obligor", "obligors", "beneficiary", "beneficiaries", "kind",
                      "description", "quantity", "due_day", "due", "schedule", "reciprocal",
                      "parts", "strict", "clause")
_END_OF_PHASE = "end_of_phase"


def enum_value(reader: Reader, data: dict[str, Any], key: str, path: str,
               enum_type: type[enum.Enum], default: enum.Enum) -> Any:
    """The value of an enum-typed field (``default`` if absent or wrong, with a problem)."""
    raw = reader.field(data, key, path, str, default.value)
    values = [e.value for e in enum_type]
    if raw not in values:
        reader.problem(f"{path}.{key}", f"must be one of {', '.join(values)}, got {raw!r}",
                       "", data, key)
        return default
    return enum_type(raw)


def load_obligation(reader: Reader, data: Any, path: str) -> Obligation | None:
    """An obligation from a deal file's mapping at ``path``; problems go to ``reader``."""
    m = reader.mapping(data, path, _OBLIGATION_FIELDS)
    if m is None:
        return None
    has_quantity = "quantity" in m
    kind = enum_value(reader, m, "kind", path, ObligationKind,
                       ObligationKind.QUANTITY if has_quantity else ObligationKind.ACT)
    quantity = None
    if has_quantity:
        q = reader.mapping(m["quantity"], f"{path}.quantity", ("amount", "unit"))
        if q is not None:
            amount = reader.field(q, "amount", f"{path}.quantity", int)
            unit = reader.field(q, "unit", f"{path}.quantity", str)
            if amount is not None and unit is not None:
                quantity = reader.build(f"{path}.quantity", q, lambda: Quantity(amount, unit))
    schedule = []
    for k, item in enumerate(reader.items(m, "schedule", path)):
        mp = f"{path}.schedule[{k}]"
        mm = reader.mapping(item, mp, ("day", "cumulative"))
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
        rm = reader.mapping(item, rp, ("per", "ratio"))
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
        "obligors": _names(reader, m, "obligors", path),
        "beneficiary": reader.field(m, "beneficiary", path, str, None),
        "beneficiaries": _names(reader, m, "beneficiaries", path),
        "description": reader.field(m, "description", path, str, ""),
        "due_day": reader.field(m, "due_day", path, int, None),
        "parts": _names(reader, m, "parts", path),
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


def _names(reader: Reader, m: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
    names = []
    for k, item in enumerate(reader.items(m, key, path)):
        if isinstance(item, str):
            names.append(item)
        else:
            reader.problem(f"{path}.{key}[{k}]", f"must be an id, got {item!r:.60}", "", m, key)
    return tuple(names)


def _load_due(reader: Reader, m: dict[str, Any], path: str) -> tuple[RelativeDue | None, bool]:
    """``due: end_of_phase`` or ``due: {after: <obligation | phase:<id> | event:<type>>,
    days: N}``."""
    raw = m.get("due")
    if raw is None:
        return None, False
    if raw == _END_OF_PHASE:
        return None, True
    dp = f"{path}.due"
    if not isinstance(raw, dict):
        reader.problem(dp, f"must be {_END_OF_PHASE} or a mapping {{after, days}}, got "
                       f"{raw!r:.60}", "e.g. due: {after: p1_hostages, days: 30}", m, "due")
        return None, False
    dm = reader.mapping(raw, dp, ("after", "days"))
    if dm is None:
        return None, False
    after = reader.field(dm, "after", dp, str)
    days = reader.field(dm, "days", dp, int)
    if after is None or days is None:
        return None, False
    return reader.build(dp, dm, partial(RelativeDue, after, days)), False


def obligation_to_dict(o: Obligation) -> dict[str, Any]:
    """Plain data that :func:`load_obligation` reads back into an equal Obligation."""
    out: dict[str, Any] = {"id": o.id}
    if len(o.obligors) == 1:
        out["obligor"] = o.obligor
    else:
        out["obligors"] = list(o.obligors)
    out["kind"] = o.kind.value
    if len(o.beneficiaries) == 1:
        out["beneficiary"] = o.beneficiary
    elif o.beneficiaries:
        out["beneficiaries"] = list(o.beneficiaries)
    if o.due is not None:
        out["due"] = {"after": o.due.after, "days": o.due.days}
    elif o.due_at_phase_end:
        out["due"] = _END_OF_PHASE
    if o.parts:
        out["parts"] = list(o.parts)
    if o.strict:
        out["strict"] = True
    if o.description:
        out["description"] = o.description
    if o.quantity:
        out["quantity"] = {"amount": o.quantity.amount, "unit": o.quantity.unit}
    if o.due_day is not None:
        out["due_day"] = o.due_day
    if o.schedule:
        out["schedule"] = [{"day": s.day, "cumulative": s.cumulative} for s in o.schedule]
    if o.reciprocal:
        out["reciprocal"] = [{"per": r.per, "ratio": r.ratio} for r in o.reciprocal]
    if o.clause:
        out["clause"] = o.clause
    return out
