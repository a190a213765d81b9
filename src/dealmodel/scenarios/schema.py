"""JSON Schema (draft 2020-12) of scenario files, generated from the loaders' own tables.

* top-level fields: the scenario loader's field list (``scenario._FIELDS``);
* events: one schema per registered event type (:data:`dealmodel.model.events.EVENT_TYPES`)
  with the fields of its attrs class, typed as the event loader types them
  (``_FIELD_TYPES``, text otherwise; ``null`` where the default is None), required where
  the class has no default - so a new event type is in the schema once registered;
* ``variants:``: the variant keys, selector fields and the phase and obligation fields
  ``with_deal`` may change (:mod:`dealmodel.scenarios.selectors`), typed from the model;
* ``expect:``: its sections and counts (:mod:`dealmodel.scenarios.expect`); any other
  field of the run's JSON document may be expected, so it stays open;
* ``deal:`` a built-in name, a path, or an inline deal (the deal schema's ``$defs``);
* ``assumptions:`` (Monte Carlo): from the field tables of
  :mod:`dealmodel.scenarios.assumption_fields`.
"""

from __future__ import annotations

from typing import Any

import attrs

from dealmodel.io.schema import (
    DIALECT,
    FILE_FORMS,
    MODELS,
    SCHEMA_URL,
    deal_defs,
    property_schema,
)
from dealmodel.model.events import _FIELD_TYPES, EVENT_TYPES, Event
from dealmodel.model.obligations import Obligation
from dealmodel.model.phases import Phase
from dealmodel.scenarios import assumption_fields as af
from dealmodel.scenarios import expect, scenario, selectors

__all__ = ["event_schema", "scenario_schema"]

_JSON = {int: "integer", str: "string", bool: "boolean", float: "number", list: "array",
         tuple: "array", dict: "object"}
_DESCRIBE = {
    "deal": "a built-in deal name (e.g. gaza-2025), a path to a deal file (relative to "
            "this file), or the deal itself",
    "title": "a short title, shown in every output",
    "description": "what the scenario is",
    "hypothetical": "true when the whole timeline is invented (labelled so in every output)",
    "sources": "where the timeline comes from",
    "events": "the dated events, in date order",
    "variants": "hypothetical variants of this scenario (dealmodel whatif)",
    "expect": "the outcome the author expects (checked by dealmodel test)",
    "until": "run only up to this day (a number or a date): the deal as it stood then",
    "assumptions": "what a Monte Carlo simulation takes as given (dealmodel simulate); "
                   "its figures follow from these and are not forecasts",
}


def _one_or_many(item: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [item, {"type": "array", "items": item}]}


def _field_type(types: tuple[type, ...], nullable: bool) -> dict[str, Any]:
    """The JSON type of an event field the loader accepts as any of ``types``."""
    kinds = [_JSON[t] for t in types]
    if nullable:
        kinds.append("null")
    out: dict[str, Any] = {"type": kinds[0] if len(kinds) == 1 else kinds}
    if "array" in kinds:
        out["items"] = {"type": "string"}  # a list of actors (a joint act)
    if "object" in kinds:
        out["additionalProperties"] = {"type": "number"}  # figures: {name: number}
    return out


def event_schema(cls: type[Event]) -> dict[str, Any]:
    """One event type's schema: ``type`` fixed to its name, then its fields."""
    props: dict[str, Any] = {"type": {"const": cls.TYPE}}
    required = ["type"]
    for field in attrs.fields(cls):
        props[field.name] = _field_type(_FIELD_TYPES.get(field.name, (str,)),
                                        nullable=field.default is None)
        if field.default is attrs.NOTHING and field.name != "day":
            required.append(field.name)
    props["date"] = {"type": "string", "format": "date",
                     "description": "the calendar date, instead of day (needs the deal's "
                                    "in_force)"}
    doc = (cls.__doc__ or "").strip().splitlines()
    out: dict[str, Any] = {"type": "object", "title": cls.TYPE}
    if doc and not doc[0].startswith(cls.__name__ + "("):
        out["description"] = doc[0]
    out.update(properties=props, required=required, additionalProperties=False)
    out["oneOf"] = [{"required": ["day"]}, {"required": ["date"]}]
    return out


def _selector(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for name in selectors.SELECTOR_FIELDS:
        if name == "type":
            props[name] = {"enum": list(EVENT_TYPES)}
        elif name == "day":
            props[name] = {"anyOf": [{"type": "integer"},
                                     {"type": "array", "items": {"type": "integer"},
                                      "minItems": 2, "maxItems": 2}],
                           "description": "one day, or [first, last] (inclusive)"}
        else:
            props[name] = {"type": "string"}
    out: dict[str, Any] = {"type": "object", "properties": {**props, **(extra or {})}}
    if extra:
        out["required"] = list(extra)
    out["additionalProperties"] = False
    return out


def _with_deal() -> dict[str, Any]:
    refs = {cls: name for name, cls in MODELS.items() if cls is not None}
    forms = {**FILE_FORMS,
             ("with_deal", "quantity"): {"type": "integer", "description": "the new amount"},
             ("with_deal", "ratio"): {"type": "integer",
                                      "description": "the new ratio of a reciprocal duty"}}
    props: dict[str, Any] = {"phase": {"type": "string"}, "obligation": {"type": "string"}}
    for name in selectors.PHASE_FIELDS:
        props[name] = property_schema("with_deal", name, Phase, refs, forms)
    for name in selectors.OBLIGATION_FIELDS:
        props[name] = property_schema("with_deal", name, Obligation, refs, forms)
    return {"type": "object", "properties": props,
            "oneOf": [{"required": ["phase"]}, {"required": ["obligation"]}],
            "additionalProperties": False}


def _variant() -> dict[str, Any]:
    ops = {
        "name": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
        "description": {"type": "string"},
        "drop": _one_or_many(_selector()),
        "shift": _one_or_many(_selector({"days": {"type": "integer"}})),
        "add": _one_or_many({"$ref": "#/$defs/event"}),
        "with_deal": _one_or_many(_with_deal()),
    }
    missing = set(selectors._VARIANT_KEYS) ^ set(ops)
    if missing:
        raise TypeError(f"variant keys without a schema: {sorted(missing)}")
    return {"type": "object", "description": "a hypothetical variant (labelled so in every "
            "output)", "properties": ops, "required": ["name"],
            "anyOf": [{"required": [k]} for k in ("drop", "shift", "add", "with_deal")],
            "additionalProperties": False}


def _expect() -> dict[str, Any]:
    sections = {
        "phases": {"type": "object", "additionalProperties": {"type": ["integer", "null"]},
                   "description": "the day each state was entered (null: never)"},
        "obligations": {"type": "object", "additionalProperties": {"type": "object"},
                        "description": "fields of each obligation in the run's JSON"},
        "terms": {"type": "object", "additionalProperties": {"type": "object"},
                  "description": "fields of each phase's term in the run's JSON (entered_day, "
                                 "end_day, left_day, extended_days, renewals, ...)"},
        "on_record": {"type": "object", "additionalProperties": {"type": "object"},
                      "description": "fields of each report, statement, incident or finding "
                                     "on record, by id"},
        "counts": {"type": "object", "additionalProperties": False,
                   "properties": {n: {"type": "integer"} for n in expect._COUNTS}},
    }
    assert set(sections) == set(expect._SECTIONS)
    return {"type": "object", "properties": sections,
            "description": "any top-level field of the run's JSON document, and these"}


def _assumptions() -> dict[str, Any]:
    """The ``assumptions:`` block (names of actors, obligations and phases are checked
    against the deal by the simulation's parser, not here)."""
    days: dict[str, Any] = {"type": "integer", "minimum": 1}
    delay = {"anyOf": [days, {
        "type": "object", "minProperties": 1, "maxProperties": 1,
        "additionalProperties": False, "properties": {
            "fixed": days,
            "uniform": {"type": "array", "items": days, "minItems": 2, "maxItems": 2},
            "geometric": {"type": "number", "minimum": 1},
            "choice": {"type": "object", "minProperties": 1,
                       "additionalProperties": {"type": "number", "minimum": 0}}}}]}
    assert set(delay["anyOf"][1]["properties"]) == set(af.DELAY_KINDS)

    def field(name: str) -> dict[str, Any]:
        if name in af.PROBABILITIES:
            kind: dict[str, Any] = {"type": "number", "minimum": 0, "maximum": 1}
        elif name in af.DELAY_FIELDS:
            kind = delay
        elif name in af.DAY_FIELDS:
            kind = days
        elif name in af.NAME_FIELDS:
            kind = {"type": "string"}
        else:  # pragma: no cover - every field has a kind
            raise TypeError(f"assumption field without a schema: {name}")
        return {"anyOf": [kind, {"type": "null"}]} if name in af.NULLABLE else kind

    def entry(names: tuple[str, ...]) -> dict[str, Any]:
        return {"type": "object", "properties": {n: field(n) for n in names},
                "additionalProperties": False}

    top = {"horizon_days": days, "note": {"type": "string"},
           "defaults": entry(af.OBLIGATION_FIELDS),
           "actors": {"type": "object", "additionalProperties": entry(af.ACTOR_FIELDS)},
           "obligations": {"type": "object",
                           "additionalProperties": entry(af.OBLIGATION_FIELDS)},
           "phases": {"type": "object", "additionalProperties": entry(af.PHASE_FIELDS)}}
    assert tuple(top) == af.TOP_FIELDS
    return {"type": "object", "properties": top, "additionalProperties": False}


def scenario_schema() -> dict[str, Any]:
    """The JSON Schema of a scenario file (what ``dealmodel schema scenario`` prints)."""
    defs = deal_defs()
    defs["event"] = {"oneOf": [{"$ref": f"#/$defs/event_{t}"} for t in EVENT_TYPES]}
    defs.update({f"event_{t}": event_schema(cls) for t, cls in EVENT_TYPES.items()})
    defs["variant"] = _variant()
    props: dict[str, Any] = {
        "deal": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/deal"}]},
        "title": {"type": "string"}, "description": {"type": "string"},
        "hypothetical": {"type": "boolean"},
        "sources": {"type": "array", "items": FILE_FORMS[("clause", "sources")]["items"]},
        "events": {"type": "array", "items": {"$ref": "#/$defs/event"}},
        "variants": {"type": "array", "items": {"$ref": "#/$defs/variant"}},
        "expect": _expect(),
        "until": {"anyOf": [{"type": "integer"}, {"type": "string", "format": "date"}]},
        "assumptions": _assumptions(),
    }
    missing = set(scenario._FIELDS) ^ set(props)
    if missing:
        raise TypeError(f"scenario fields without a schema: {sorted(missing)}")
    for name, text in _DESCRIBE.items():
        props[name]["description"] = text
    return {"$schema": DIALECT, "$id": SCHEMA_URL.format(name="scenario"),
            "title": "dealmodel scenario file", "type": "object",
            "properties": {n: props[n] for n in scenario._FIELDS},
            "required": ["deal", "events"], "additionalProperties": False, "$defs": defs}
