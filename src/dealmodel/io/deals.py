"""Deal files: YAML and plain dicts to Deal objects and back, and the built-in deals."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dealmodel.errors import DealDefinitionError, Problem
from dealmodel.io.obligations import enum_value, load_obligation, obligation_to_dict
from dealmodel.io.yaml import LineDict, Reader, load_yaml, yaml_error_problem
from dealmodel.model.actors import Clause, Party, Role
from dealmodel.model.deal import Deal
from dealmodel.model.phases import ExpiryRule, Extension, Phase, Renewal, parse_condition
from dealmodel.model.powers import Power, PowerKind

_DEAL_FIELDS = ("id", "title", "description", "in_force", "hypothetical", "parties",
                "mediators", "actors", "clauses", "phases", "powers")
_POWER_FIELDS = ("power", "holders", "jointly", "phases", "notice_days", "max_days", "clause")
_PHASE_FIELDS = ("id", "name", "duration_days", "entry_condition", "requires_agreement",
                 "on_expiry", "obligations", "extension", "suspendable", "clause", "renewal")


def _load_phase(reader: Reader, data: Any, path: str) -> Phase | None:
    m = reader.mapping(data, path, _PHASE_FIELDS)
    if m is None:
        return None
    obligations = []
    for j, item in enumerate(reader.items(m, "obligations", path)):
        ob = load_obligation(reader, item, f"{path}.obligations[{j}]")
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
        em = reader.mapping(m["extension"], ep, ("max_days", "granted_by", "per_day", "clause",
                                                 "max_days_each", "jointly"))
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
        rm = reader.mapping(m["renewal"], rp, ("term_days", "automatic", "notice_days",
                                               "max_renewals", "clause"))
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
    on_expiry = enum_value(reader, m, "on_expiry", path, ExpiryRule, ExpiryRule.ADVANCE)
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
            pm = reader.mapping(item, pp, ("id", "name", "role"))
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
        cm = reader.mapping(item, cp, ("id", "summary", "sources", "disputed", "dispute_note"))
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
        kind = enum_value(reader, pm, "power", pp, PowerKind, PowerKind.TERMINATE)
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
        out["obligations"] = [obligation_to_dict(o) for o in p.obligations]
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
