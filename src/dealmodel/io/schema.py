"""JSON Schema (draft 2020-12) of deal files, generated from the loader and the model.

Nothing here is written by hand that the code already says:

* the **properties** of each object are the loader's own field table
  (:data:`dealmodel.io.deals.FIELDS`), the same one that rejects unknown fields, so
  the schema accepts exactly the fields the loader does (``additionalProperties: false``);
* each property's **type** comes from the attrs field of the same name on the model
  class the loader builds (``int`` -> integer, an enum -> its values, ``tuple[Phase, ...]``
  -> an array of phases, ``X | None`` -> X or null), and its **description** from the
  field's ``metadata["doc"]`` when the model gives one;
* **required** fields are the model's fields without a default, less the few the loader
  fills in (:data:`LOADER_DEFAULTS`).

Where the file form differs from the model (a condition is written as text, ``per_day``
as a mapping, ``mediators`` as a second list of parties) :data:`FILE_FORMS` says so, and
:func:`property_schema` fails loudly on a field it cannot type - so a new field added to
the loader without a type breaks the schema test instead of drifting. The scenario
schema (:mod:`dealmodel.scenarios.schema`) reuses :func:`object_schema`.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import attrs

from dealmodel.io.deals import FIELDS
from dealmodel.model.actors import Clause, Document, Indicator, Party, Role
from dealmodel.model.deal import Deal
from dealmodel.model.obligations import (
    Milestone,
    Obligation,
    Quantity,
    Reciprocity,
    RelativeDue,
)
from dealmodel.model.phases import Extension, Phase, Renewal
from dealmodel.model.powers import Power, PowerKind

__all__ = [
    "DESCRIPTIONS",
    "DIALECT",
    "FILE_FORMS",
    "LOADER_DEFAULTS",
    "MODELS",
    "SCHEMA_URL",
    "deal_schema",
    "object_schema",
    "property_schema",
]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: Where the shipped copies (``dealmodel/data/schema/*.schema.json``) are published.
SCHEMA_URL = ("https://raw.githubusercontent.com/dealmodel/dealmodel/main/src/dealmodel/"
              "data/schema/{name}.schema.json")

#: The model class behind each object of a deal file (keys of ``FIELDS``).
#: (None: the file form of every field is in FILE_FORMS.)
MODELS: dict[str, type | None] = {
    "deal": Deal, "party": Party, "clause": Clause, "power": Power, "phase": Phase,
    "extension": Extension, "renewal": Renewal, "obligation": Obligation,
    "quantity": Quantity, "milestone": Milestone, "reciprocity": Reciprocity,
    "due": RelativeDue, "document": Document, "indicator": Indicator, "due_on": None,
}

_SOURCE = {"anyOf": [{"type": "string"},
                     {"type": "object", "additionalProperties": {"type": "string"}}],
           "description": "where the information comes from: a URL or a short citation"}

#: Fields whose file form differs from the model's type: (object, field) -> schema.
FILE_FORMS: dict[tuple[str, str], dict[str, Any]] = {
    ("deal", "in_force"): {"type": ["string", "null"], "format": "date",
                           "description": "ISO date of day 1, if known (e.g. 2025-01-19)"},
    ("deal", "mediators"): {"type": "array", "items": {"$ref": "#/$defs/party"},
                            "description": "mediators, guarantors and monitors (role "
                                           "defaults to mediator)"},
    ("deal", "invariants"): {
        "type": "array", "items": {"type": "string"},
        "description": "conditions that must hold in every state of every run "
                       "(checked by dealmodel verify)"},
    ("deal", "actors"): {"type": "array", "items": {"$ref": "#/$defs/party"},
                         "description": "other actors, each with its role (guarantor, "
                                        "monitor, joint body, non-signatory, ...)"},
    ("obligation", "due"): {
        "anyOf": [{"const": "end_of_phase"}, {"$ref": "#/$defs/due"},
                  {"$ref": "#/$defs/due_on"}],
        "description": "end_of_phase; a deadline relative to an anchor: {after, days}; or "
                       "an absolute one: {day: N} (a deal day, day 1 = in force) or "
                       "{date: YYYY-MM-DD}"},
    ("due_on", "day"): {"type": "integer", "minimum": 1,
                        "description": "deal day of the deadline (day 1 = the day the deal "
                                       "takes effect, whatever the phase)"},
    ("due_on", "date"): {"type": "string", "format": "date",
                         "description": "calendar date of the deadline (needs in_force)"},
    ("party", "roles"): {"type": "array", "items": {"enum": [r.value for r in Role]},
                         "minItems": 1, "uniqueItems": True,
                         "description": "several roles held at once (e.g. [party, monitor]), "
                                        "instead of role"},
    ("clause", "sources"): {"type": "array", "items": _SOURCE},
    ("power", "power"): {"enum": [k.value for k in PowerKind],
                         "description": "what the holders may do (default: terminate)"},
    ("power", "holders"): {"anyOf": [{"type": "string"},
                                     {"type": "array", "items": {"type": "string"}}],
                           "description": "who holds the power ('parties': every party)"},
    ("phase", "entry_condition"): {
        "type": ["string", "null"],
        "description": 'a condition that must hold to enter the phase, e.g. '
                       'released("hostages") >= 33 and day >= 16'},
    ("extension", "per_day"): {
        "type": "object", "additionalProperties": {"type": "integer", "minimum": 1},
        "description": "what each extra day adds to the targets of named obligations"},
}

#: What a field means, for editors' hover text (the model's ``metadata["doc"]`` wins).
DESCRIPTIONS: dict[tuple[str, str], str] = {
    ("deal", "id"): "short id: letters, digits, '_' and '-'",
    ("deal", "title"): "the deal's name as shown in every output (default: the id)",
    ("deal", "hypothetical"): "true for an invented deal (labelled so in every output)",
    ("deal", "parties"): "the parties, named as in the agreement",
    ("deal", "clauses"): "the clauses the terms come from, with sources",
    ("deal", "phases"): "the phases, in order",
    ("party", "role"): "party (owes obligations), mediator, guarantor, monitor, joint body, "
                       "non-signatory, obligor (owes without signing) or court",
    ("deal", "documents"): "the texts the deal is made of, each with its signatories "
                           "(mirror documents)",
    ("deal", "indicators"): "what the record measures without anyone owing it",
    ("obligation", "term_days"): "a standing duty's own term, from the day it takes effect",
    ("obligation", "renewal"): "how a standing duty's own term renews",
    ("obligation", "document"): "the document (of documents:) the duty is in",
    ("clause", "disputed"): "true when sources disagree (then give dispute_note)",
    ("phase", "duration_days"): "length in days; leave out for an open-ended phase",
    ("phase", "requires_agreement"): "the phase begins only once its terms are agreed",
    ("phase", "on_expiry"): "what happens when the phase's time is up",
    ("phase", "suspendable"): "whether a party can suspend the whole phase",
    ("obligation", "obligor"): "the party that owes it",
    ("obligation", "kind"): "quantity, act (the default without a quantity), ongoing or "
                            "prohibition",
    ("obligation", "due_day"): "phase day of the deadline (day 1 = the phase's first day); "
                               "leave out for the end of the phase",
    ("obligation", "schedule"): "cumulative targets by phase day (instead of due_day)",
    ("obligation", "reciprocal"): "owed in proportion to another obligation's progress",
    ("obligation", "clause"): "id of the clause it comes from",
    ("extension", "granted_by"): "who may extend the phase",
    ("reciprocity", "per"): "the obligation whose progress this one follows",
    ("reciprocity", "ratio"): "units owed per unit of the other obligation",
}

#: Fields without a default in the model that the loader fills in when a file omits them.
LOADER_DEFAULTS = {("deal", "title"), ("phase", "duration_days"), ("party", "name"),
                   ("clause", "summary"), ("extension", "max_days"), ("quantity", "amount")}

_SCALARS: dict[Any, dict[str, Any]] = {
    int: {"type": "integer"}, str: {"type": "string"}, bool: {"type": "boolean"},
    float: {"type": "number"},
}


def _ref(cls: type, refs: dict[type, str]) -> dict[str, Any] | None:
    name = refs.get(cls)
    return {"$ref": f"#/$defs/{name}"} if name is not None else None


def type_schema(tp: Any, refs: dict[type, str]) -> dict[str, Any]:
    """The JSON Schema of a Python type annotation; ``refs`` names the nested objects."""
    if tp in _SCALARS:
        return dict(_SCALARS[tp])
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [e.value for e in tp]}
    if isinstance(tp, type):
        ref = _ref(tp, refs)
        if ref is not None:
            return ref
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in args if a is not type(None)]
        inner = type_schema(options[0], refs) if len(options) == 1 else {
            "anyOf": [type_schema(a, refs) for a in options]}
        if type(None) not in args:
            return inner
        if set(inner) == {"type"} and isinstance(inner["type"], str):
            return {"type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin in (tuple, list) and args and (len(args) == 1 or args[1] is Ellipsis):
        return {"type": "array", "items": type_schema(args[0], refs)}
    raise TypeError(f"no JSON Schema for the type {tp!r}; add the field's file form to "
                    "FILE_FORMS in dealmodel.io.schema")


def property_schema(obj: str, name: str, cls: type | None, refs: dict[type, str],
                    forms: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    """The schema of field ``name`` of object ``obj``: its file form, else its model type."""
    if (obj, name) in forms:
        return dict(forms[(obj, name)])
    fields = {f.name: f for f in attrs.fields(cls)} if cls is not None else {}
    if name not in fields:
        raise TypeError(f"{obj}.{name}: the loader accepts it but the model "
                        f"{getattr(cls, '__name__', None)} has no such field; give its file "
                        "form in FILE_FORMS")
    field = fields[name]
    hints = typing.get_type_hints(cls)
    out = type_schema(hints[name], refs)
    doc = field.metadata.get("doc") or DESCRIPTIONS.get((obj, name))
    if doc:
        out["description"] = doc
    return out


def object_schema(obj: str, names: tuple[str, ...], cls: type | None, refs: dict[type, str],
                  forms: dict[tuple[str, str], dict[str, Any]],
                  optional: set[tuple[str, str]], title: str = "") -> dict[str, Any]:
    """A closed object with the properties ``names`` (a loader's field list)."""
    required = []
    if cls is not None:
        required = [f.name for f in attrs.fields(cls) if f.init and f.name in names
                    and f.default is attrs.NOTHING and (obj, f.name) not in optional]
    out: dict[str, Any] = {"type": "object"}
    if title or (cls is not None and cls.__doc__):
        out["description"] = title or (cls.__doc__ or "").strip().split(". ")[0].rstrip(".")
    out["properties"] = {n: property_schema(obj, n, cls, refs, forms) for n in names}
    if required:
        out["required"] = required
    out["additionalProperties"] = False
    return out


def deal_defs() -> dict[str, Any]:
    """``$defs`` of every object in a deal file, keyed by the names of ``FIELDS``."""
    refs = {cls: name for name, cls in MODELS.items() if cls is not None}
    defs = {name: object_schema(name, FIELDS[name], MODELS[name], refs, FILE_FORMS,
                                LOADER_DEFAULTS) for name in FIELDS}
    # who owes a duty: obligor (one party) or obligors (owed jointly), one of the two
    defs["obligation"]["anyOf"] = [{"required": ["obligor"]}, {"required": ["obligors"]}]
    # only an ongoing duty's quantity may give a unit alone (a running total)
    defs["obligation"]["if"] = {"properties": {"kind": {"const": "ongoing"}},
                                "required": ["kind"]}
    defs["obligation"]["else"] = {"properties": {"quantity": {"required": ["amount"]}}}
    defs["due_on"]["anyOf"] = [{"required": ["day"]}, {"required": ["date"]}]
    defs["due_on"]["not"] = {"required": ["day", "date"]}
    return defs


def deal_schema() -> dict[str, Any]:
    """The JSON Schema of a deal file (what ``dealmodel schema deal`` prints)."""
    defs = deal_defs()
    root = defs.pop("deal")
    return {"$schema": DIALECT, "$id": SCHEMA_URL.format(name="deal"),
            "title": "dealmodel deal file", **root, "$defs": defs}
