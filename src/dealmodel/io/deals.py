"""Deal files: YAML and plain dicts to Deal objects and back, and the built-in deals."""

from __future__ import annotations

import datetime as dt
import enum
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dealmodel.errors import DealDefinitionError, Problem
from dealmodel.io.yaml import LineDict, Reader, load_yaml, yaml_error_problem
from dealmodel.model.actors import Clause, Party, Role
from dealmodel.model.deal import Deal
from dealmodel.model.obligations import (
    Milestone,
    Obligation,
    ObligationKind,
    Quantity,
    Reciprocity,
    RelativeDue,
)
from dealmodel.model.phases import ExpiryRule, Extension, Phase, Renewal, parse_condition
from dealmodel.model.powers import Power, PowerKind

#: The fields a deal file may give, per object: the loader rejects any other field, and
#: the JSON Schema (:mod:`dealmodel.io.schema`) is generated from this table.
FIELDS: dict[str, tuple[str, ...]] = {
    "deal": ("id", "title", "description", "in_force", "hypothetical", "parties",
             "mediators", "actors", "clauses", "phases", "powers"),
    "party": ("id", "name", "role"),
    "clause": ("id", "summary", "sources", "disputed", "dispute_note"),
    "power": ("power", "holders", "jointly", "phases", "notice_days", "max_days", "clause"),
    "phase": ("id", "name", "duration_days", "entry_condition", "requires_agreement",
              "on_expiry", "obligations", "extension", "suspendable", "clause", "renewal"),
    "extension": ("max_days", "granted_by", "per_day", "clause", "max_days_each", "jointly"),
    "renewal": ("term_days", "automatic", "notice_days", "max_renewals", "clause"),
    "obligation": ("id", "obligor", "obligors", "beneficiary", "beneficiaries", "kind",
                   "description", "quantity", "due_day", "due", "schedule", "reciprocal",
                   "parts", "strict", "clause"),
    "quantity": ("amount", "unit"),
    "milestone": ("day", "cumulative"),
    "reciprocity": ("per", "ratio"),
    "due": ("after", "days"),
}
_DEAL_FIELDS = FIELDS["deal"]
_POWER_FIELDS = FIELDS["power"]
_PHASE_FIELDS = FIELDS["phase"]
_OBLIGATION_FIELDS = FIELDS["obligation"]
_END_OF_PHASE = "end_of_phase"


def _enum_value(reader: Reader, data: dict[str, Any], key: str, path: str,
                enum_type: type[enum.Enum], default: enum.Enum) -> Any:
    raw = reader.field(data, key, path, str, default.value)
    values = [e.value for e in enum_type]
    if raw not in values:
        reader.problem(f"{path}.{key}", f"must be one of {', '.join(values)}, got {raw!r}",
                       "", data, key)
        return default
    return enum_type(raw)


def _load_obligation(reader: Reader, data: Any, path: str) -> Obligation | None:
    m = reader.mapping(data, path, _OBLIGATION_FIELDS)
    if m is None:
        return None
    has_quantity = "quantity" in m
    kind = _enum_value(reader, m, "kind", path, ObligationKind,
                       ObligationKind.QUANTITY if has_quantity else ObligationKind.ACT)
    quantity = None
    if has_quantity:
        q = reader.mapping(m["quantity"], f"{path}.quantity", FIELDS["quantity"])
        if q is not None:
            amount = reader.field(q, "amount", f"{path}.quantity", int)
            unit = reader.field(q, "unit", f"{path}.quantity", str)
            if amount is not None and unit is not None:
                quantity = reader.build(f"{path}.quantity", q, lambda: Quantity(amount, unit))
    schedule = []
    for k, item in enumerate(reader.items(m, "schedule", path)):
        mp = f"{path}.schedule[{k}]"
        mm = reader.mapping(item, mp, FIELDS["milestone"])
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
        rm = reader.mapping(item, rp, FIELDS["reciprocity"])
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
    dm = reader.mapping(raw, dp, FIELDS["due"])
    if dm is None:
        return None, False
    after = reader.field(dm, "after", dp, str)
    days = reader.field(dm, "days", dp, int)
    if after is None or days is None:
        return None, False
    return reader.build(dp, dm, partial(RelativeDue, after, days)), False


def _load_phase(reader: Reader, data: Any, path: str) -> Phase | None:
    m = reader.mapping(data, path, _PHASE_FIELDS)
    if m is None:
        return None
    obligations = []
    for j, item in enumerate(reader.items(m, "obligations", path)):
        ob = _load_obligation(reader, item, f"{path}.obligations[{j}]")
        if ob is not None:
            obligations.append(ob)
    condition = None
    text = reader.field(m, "entry_condition", path, str, None)
    if text is not None:
        condition, problem = parse_condition(text, f"{path}.entry_condition")
        if problem is not None:
            problem.line = m.line_of("entry_condition") if isinstance(m, LineDict) else None
            reader.problems.append(problem)
    extension = None
    if m.get("extension") is not None:
        ep = f"{path}.extension"
        em = reader.mapping(m["extension"], ep, FIELDS["extension"])
        if em is not None:
            max_days = reader.field(em, "max_days", ep, int, None)
            granted = reader.items(em, "granted_by", ep, required=True)
            per_day = reader.field(em, "per_day", ep, dict, {})
            clause = reader.field(em, "clause", ep, str, None)
            each = reader.field(em, "max_days_each", ep, int, None)
            jointly = reader.field(em, "jointly", ep, bool, False)
            extension = reader.build(ep, em, lambda: Extension(
                max_days, tuple(granted), dict(per_day), clause, each, jointly))
    renewal = None
    if m.get("renewal") is not None:
        rp = f"{path}.renewal"
        rm = reader.mapping(m["renewal"], rp, FIELDS["renewal"])
        if rm is not None:
            term = reader.field(rm, "term_days", rp, int)
            automatic = reader.field(rm, "automatic", rp, bool, True)
            notice = reader.field(rm, "notice_days", rp, int, 0)
            most = reader.field(rm, "max_renewals", rp, int, None)
            rclause = reader.field(rm, "clause", rp, str, None)
            if term is not None:
                renewal = reader.build(rp, rm, lambda: Renewal(term, automatic, notice, most,
                                                               rclause))
    duration = reader.field(m, "duration_days", path, int, None)
    fields = {
        "id": reader.field(m, "id", path, str),
        "name": reader.field(m, "name", path, str, ""),
        "requires_agreement": reader.field(m, "requires_agreement", path, bool, False),
        "suspendable": reader.field(m, "suspendable", path, bool, True),
        "clause": reader.field(m, "clause", path, str, None),
    }
    on_expiry = _enum_value(reader, m, "on_expiry", path, ExpiryRule, ExpiryRule.ADVANCE)
    if fields["id"] is None:
        return None
    return reader.build(path, m, lambda: Phase(
        duration_days=duration, obligations=obligations, entry_condition=condition,
        on_expiry=on_expiry, extension=extension, renewal=renewal, **fields))


def deal_from_dict(data: Any, source: str | None = None) -> Deal:
    """Build a Deal from plain data (as loaded from YAML); reports every problem at once."""
    reader = Reader()
    m = reader.mapping(data, "", _DEAL_FIELDS)
    if m is None:
        raise DealDefinitionError(reader.problems, source)
    parties: list[Party] = []
    for key, default_role in (("parties", "party"), ("mediators", "mediator"),
                              ("actors", None)):
        for i, item in enumerate(reader.items(m, key, "", required=key == "parties")):
            pp = f"{key}[{i}]"
            pm = reader.mapping(item, pp, FIELDS["party"])
            if pm is None:
                continue
            pid = reader.field(pm, "id", pp, str)
            if default_role is None:  # other actors say what they are
                role = reader.field(pm, "role", pp, str, fix="one of " + ", ".join(
                    r.value for r in Role))
                if role is None:
                    continue
            else:
                role = reader.field(pm, "role", pp, str, default_role)
            if role not in {r.value for r in Role}:
                reader.problem(f"{pp}.role", f"must be one of "
                               f"{', '.join(r.value for r in Role)}, got {role!r}", "", pm, "role")
                continue
            if pid is not None:
                name = reader.field(pm, "name", pp, str, pid)
                party = reader.build(pp, pm, lambda: Party(pid, name, role))
                if party is not None:
                    parties.append(party)
    clauses: list[Clause] = []
    for i, item in enumerate(reader.items(m, "clauses", "")):
        cp = f"clauses[{i}]"
        cm = reader.mapping(item, cp, FIELDS["clause"])
        if cm is None:
            continue
        cid = reader.field(cm, "id", cp, str)
        summary = reader.field(cm, "summary", cp, str, "")
        sources = reader.items(cm, "sources", cp)
        disputed = reader.field(cm, "disputed", cp, bool, False)
        note = reader.field(cm, "dispute_note", cp, str, "")
        if cid is not None:
            clause = reader.build(cp, cm, lambda: Clause(cid, summary, tuple(sources),
                                                         disputed, note))
            if clause is not None:
                clauses.append(clause)
    phases: list[Phase] = []
    for i, item in enumerate(reader.items(m, "phases", "", required=True)):
        phase = _load_phase(reader, item, f"phases[{i}]")
        if phase is not None:
            phases.append(phase)
    powers: list[Power] = []
    for i, item in enumerate(reader.items(m, "powers", "")):
        pp = f"powers[{i}]"
        pm = reader.mapping(item, pp, _POWER_FIELDS)
        if pm is None:
            continue
        kind = _enum_value(reader, pm, "power", pp, PowerKind, PowerKind.TERMINATE)
        holders = pm.get("holders")
        holders = [holders] if isinstance(holders, str) else reader.items(pm, "holders", pp,
                                                                          required=True)
        pfields = {
            "jointly": reader.field(pm, "jointly", pp, bool, False),
            "phases": tuple(reader.items(pm, "phases", pp)),
            "notice_days": reader.field(pm, "notice_days", pp, int, 0),
            "max_days": reader.field(pm, "max_days", pp, int, None),
            "clause": reader.field(pm, "clause", pp, str, None),
        }
        power = reader.build(pp, pm, lambda: Power(kind, tuple(holders), **pfields))
        if power is not None:
            powers.append(power)
    deal_id = reader.field(m, "id", "", str)
    title = reader.field(m, "title", "", str, deal_id or "")
    in_force = m.get("in_force")
    if in_force is not None:
        if isinstance(in_force, dt.date) and not isinstance(in_force, dt.datetime):
            in_force = in_force.isoformat()
        elif not isinstance(in_force, str) or not _is_iso_date(in_force):
            reader.problem("in_force", f"must be a date (YYYY-MM-DD), got {in_force!r:.40}",
                           "write the date day 1 falls on, e.g. in_force: 2025-01-19", m,
                           "in_force")
            in_force = None
    fields = {
        "description": reader.field(m, "description", "", str, ""),
        "hypothetical": reader.field(m, "hypothetical", "", bool, False),
        "in_force": in_force,
        "powers": tuple(powers),
    }
    if reader.problems or deal_id is None:
        # Report what is wrong so far, plus the cross-reference problems we can still see.
        raise DealDefinitionError(reader.problems, source)
    try:
        return Deal(deal_id, title, parties, phases, clauses, **fields)
    except DealDefinitionError as exc:
        raise DealDefinitionError(_with_lines(exc.problems, m), source) from None


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _with_lines(problems: tuple[Problem, ...], data: Any) -> list[Problem]:
    """Attach YAML line numbers to problems found on the built Deal, by walking paths."""
    out = []
    for p in problems:
        node: Any = data
        line = data.line if isinstance(data, LineDict) else None
        for part in p.path.replace("[", ".[").split("."):
            if not part:
                continue
            if part.startswith("[") and isinstance(node, list):
                index = int(part[1:-1])
                node = node[index] if index < len(node) else None
                if isinstance(node, LineDict):
                    line = node.line
            elif isinstance(node, LineDict):
                line = node.line_of(part) or line
                node = node.get(part)
            else:
                break
        out.append(Problem(p.path, p.message, p.fix, p.line or line))
    return out


def load_deal(path: str | Path) -> Deal:
    """Load a deal from a YAML file; errors name the file, line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DealDefinitionError([Problem("", f"cannot read deal file: {exc.strerror}",
                                           "check the path")], str(path)) from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise DealDefinitionError([yaml_error_problem(exc)], str(path)) from None
    return deal_from_dict(data, str(path))


_BUILTIN_CACHE: dict[str, Deal] = {}


def builtin_deals() -> tuple[str, ...]:
    """Names of the deals shipped with dealmodel."""
    folder = resources.files("dealmodel") / "data" / "deals"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


def builtin_deal(name: str) -> Deal:
    """A built-in deal by name, e.g. ``builtin_deal("gaza-2025")``. Loaded once, then shared."""
    deal = _BUILTIN_CACHE.get(name)
    if deal is None:
        names = builtin_deals()
        if name not in names:
            raise DealDefinitionError([Problem("", f"no built-in deal named {name!r}",
                                               f"built-in deals: {', '.join(names)}")])
        resource = resources.files("dealmodel") / "data" / "deals" / f"{name}.yaml"
        with resources.as_file(resource) as path:
            deal = _BUILTIN_CACHE[name] = load_deal(path)
    return deal


def resolve_deal(ref: str | Path | Deal, base: Path | None = None) -> Deal:
    """A Deal from a Deal, a built-in name, or a YAML path (relative to ``base``)."""
    if isinstance(ref, Deal):
        return ref
    text = str(ref)
    if not text.endswith((".yaml", ".yml")) and text in builtin_deals():
        return builtin_deal(text)
    path = Path(text)
    if base is not None and not path.is_absolute():
        path = base / path
    if not path.exists():
        raise DealDefinitionError([Problem("", f"no built-in deal or file named {text!r}",
                                           f"built-in deals: {', '.join(builtin_deals())}")])
    return load_deal(path)


# -- saving -------------------------------------------------------------------------
def deal_to_dict(deal: Deal) -> dict[str, Any]:
    """Plain data that :func:`deal_from_dict` turns back into an equal Deal."""

    def obligation(o: Obligation) -> dict[str, Any]:
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

    def phase(p: Phase) -> dict[str, Any]:
        out: dict[str, Any] = {"id": p.id, "duration_days": p.duration_days,
                               "on_expiry": p.on_expiry.value}
        if p.name:
            out["name"] = p.name
        if p.entry_condition is not None:
            out["entry_condition"] = p.entry_condition.source
        if p.requires_agreement:
            out["requires_agreement"] = True
        if not p.suspendable:
            out["suspendable"] = False
        if p.clause:
            out["clause"] = p.clause
        if p.extension is not None:
            out["extension"] = {"max_days": p.extension.max_days,
                                "granted_by": list(p.extension.granted_by),
                                "per_day": dict(p.extension.per_day)}
            if p.extension.clause:
                out["extension"]["clause"] = p.extension.clause
            if p.extension.max_days_each is not None:
                out["extension"]["max_days_each"] = p.extension.max_days_each
            if p.extension.jointly:
                out["extension"]["jointly"] = True
        if p.renewal is not None:
            r = p.renewal
            out["renewal"] = {"term_days": r.term_days, "automatic": r.automatic,
                              "notice_days": r.notice_days, "max_renewals": r.max_renewals}
            if r.clause:
                out["renewal"]["clause"] = r.clause
        out["obligations"] = [obligation(o) for o in p.obligations]
        return out

    return {
        "id": deal.id,
        "title": deal.title,
        "description": deal.description,
        "in_force": deal.in_force,
        "hypothetical": deal.hypothetical,
        "parties": [{"id": p.id, "name": p.name, "role": p.role.value} for p in deal.parties],
        "clauses": [{"id": c.id, "summary": c.summary, "sources": list(c.sources),
                     "disputed": c.disputed, "dispute_note": c.dispute_note}
                    for c in deal.clauses],
        "phases": [phase(p) for p in deal.phases],
        "powers": [{"power": w.kind.value, "holders": list(w.holders), "jointly": w.jointly,
                    "phases": list(w.phases), "notice_days": w.notice_days,
                    "max_days": w.max_days, "clause": w.clause} for w in deal.powers],
    }
