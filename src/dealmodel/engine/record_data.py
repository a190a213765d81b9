"""Records as JSON-ready data and back (for ``run --json`` and saved runs).

Every record class is listed in :data:`RECORD_TYPES` by its ``kind``; fields are
converted by their declared types (an enum by its value, a tuple as a list), so a new
record class needs nothing here but its place in the table.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import attrs

from dealmodel.engine._record_base import Record
from dealmodel.engine.records import (
    AfterEnd,
    AllegationOpened,
    AllegationRuled,
    Amendment,
    Declaration,
    DueSet,
    DutyEnd,
    DutyRenewed,
    Ended,
    ExpiryDeferred,
    OnRecord,
    Performance,
    PhaseExtended,
    RenewalObjection,
    StateChanged,
    StatusChanged,
    TalksChanged,
    TargetChanged,
    TerminationNotice,
    TermRenewed,
    Violated,
    Withholding,
    WithholdingReleased,
)

__all__ = ["RECORD_TYPES", "record_from_dict", "record_to_dict"]

RECORD_TYPES: dict[str, type[Record]] = {
    cls.kind: cls
    for cls in (StateChanged, Performance, StatusChanged, Violated, TargetChanged,
                TalksChanged, ExpiryDeferred, AllegationOpened, AllegationRuled, Ended,
                PhaseExtended, TermRenewed, RenewalObjection, Amendment, TerminationNotice,
                Declaration, AfterEnd, DueSet, Withholding, WithholdingReleased, OnRecord,
                DutyEnd, DutyRenewed)
}


def record_to_dict(record: Record) -> dict[str, Any]:
    """A record as JSON-ready data: ``{"kind": ..., "day": ..., <fields>}``."""
    data: dict[str, Any] = {"kind": record.kind}
    for field in attrs.fields(type(record)):
        value = getattr(record, field.name)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        data[field.name] = value
    return data


_Converter = type[enum.Enum] | type[tuple[Any, ...]] | None


def _converters(cls: type[Record]) -> dict[str, _Converter]:
    """Per field of ``cls``: the enum to rebuild, ``tuple``, or None (kept as it is)."""
    out: dict[str, _Converter] = {}
    for name, hint in typing.get_type_hints(cls).items():
        options = typing.get_args(hint) if typing.get_origin(hint) in (
            types.UnionType, typing.Union) else (hint,)
        conv: _Converter = None
        for option in options:
            if isinstance(option, type) and issubclass(option, enum.Enum):
                conv = option
            elif typing.get_origin(option) is tuple:
                conv = tuple
        out[name] = conv
    return out


_CONVERTERS = {kind: _converters(cls) for kind, cls in RECORD_TYPES.items()}


def record_from_dict(data: dict[str, Any]) -> Record:
    """The record :func:`record_to_dict` made (raises KeyError/ValueError/TypeError)."""
    cls = RECORD_TYPES[data["kind"]]
    converters = _CONVERTERS[data["kind"]]
    fields: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name not in data:
            continue
        value = data[field.name]
        conv = converters.get(field.name)
        if conv is not None and value is not None:
            value = tuple(value) if conv is tuple else conv(value)
        fields[field.name] = value
    return cls(**fields)
