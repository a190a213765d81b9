"""Deal files: YAML and plain dicts to Deal objects and back, and the built-in deals.

One pass over the data reports every problem at once - field problems (wrong type,
unknown field, missing field) and the cross-reference problems the Deal finds itself
(an obligor that is not a party, a condition naming an unknown obligation) - each with
its path, line and fix.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from dealmodel.errors import DealDefinitionError, InputError, Problem
from dealmodel.io.fields import FIELDS
from dealmodel.io.limits import Limits
from dealmodel.io.obligations import enum_value, load_obligation, load_renewal
from dealmodel.io.reader import Reader
from dealmodel.io.resolve import AllowPaths, Source, builtin_names, load_source, resolve
from dealmodel.io.saving import deal_to_dict
from dealmodel.io.yaml import LineDict
from dealmodel.model.actors import Clause, Document, Indicator, Party, Role
from dealmodel.model.deal import Deal
from dealmodel.model.phases import ExpiryRule, Extension, Phase, parse_condition
from dealmodel.model.powers import Power, PowerKind

__all__ = ["FIELDS", "builtin_deal", "builtin_deals", "deal_from_dict", "deal_to_dict",
           "load_deal", "read_deal", "resolve_deal"]


def _load_extension(reader: Reader, m: dict[str, Any], path: str) -> Extension | None:
    ep = f"{path}.extension"
    em = reader.mapping(m["extension"], ep, FIELDS["extension"], m, "extension")
    if em is None:
        return None
    max_days = reader.field(em, "max_days", ep, int, None)
    granted = reader.texts(em, "granted_by", ep, required=True)
    clause = reader.field(em, "clause", ep, str, None)
    raw = reader.field(em, "per_day", ep, dict, {}, "e.g. per_day: {p1_hostages: 1}")
    per_day = {key: reader.field(raw, key, f"{ep}.per_day", int) for key in raw}
    each = reader.field(em, "max_days_each", ep, int, None)
    jointly = reader.field(em, "jointly", ep, bool, False)
    if None in per_day.values():
        return None
    return reader.build(ep, em, lambda: Extension(max_days, tuple(granted), per_day, clause,
                                                  each, jointly))


def _load_powers(reader: Reader, m: dict[str, Any]) -> list[Power]:
    powers: list[Power] = []
    for i, item in enumerate(reader.items(m, "powers", "")):
        pp = f"powers[{i}]"
        pm = reader.mapping(item, pp, FIELDS["power"], m, "powers")
        if pm is None:
            continue
        kind = enum_value(reader, pm, "power", pp, PowerKind, PowerKind.TERMINATE)
        holders = ([pm["holders"]] if isinstance(pm.get("holders"), str)
                   else reader.texts(pm, "holders", pp, required=True))
        fields = {
            "jointly": reader.field(pm, "jointly", pp, bool, False),
            "phases": tuple(reader.texts(pm, "phases", pp)),
            "notice_days": reader.field(pm, "notice_days", pp, int, 0),
            "max_days": reader.field(pm, "max_days", pp, int, None),
            "clause": reader.field(pm, "clause", pp, str, None),
        }
        power = reader.build(pp, pm, lambda: Power(kind, tuple(holders), **fields))
        if power is not None:
            powers.append(power)
    return powers


def _load_phase(reader: Reader, data: Any, path: str, parent: Any,
                in_force: str | None) -> Phase | None:
    m = reader.mapping(data, path, FIELDS["phase"], parent)
    if m is None:
        return None
    obligations = []
    for j, item in enumerate(reader.items(m, "obligations", path)):
        ob = load_obligation(reader, item, f"{path}.obligations[{j}]", m, in_force)
        if ob is not None:
            obligations.append(ob)
    condition = None
    text = reader.field(m, "entry_condition", path, str, None)
    if text is not None:
        condition, problem = parse_condition(text, f"{path}.entry_condition")
        if problem is not None:
            line = m.line_of("entry_condition") if isinstance(m, LineDict) else None
            reader.add([problem], line)
    extension = _load_extension(reader, m, path) if m.get("extension") is not None else None
    renewal = load_renewal(reader, m, path) if m.get("renewal") is not None else None
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


def _load_parties(reader: Reader, m: dict[str, Any]) -> list[Party]:
    parties: list[Party] = []
    roles = [r.value for r in Role]
    for key, default_role in (("parties", "party"), ("mediators", "mediator"),
                              ("actors", None)):
        for i, item in enumerate(reader.items(m, key, "", required=key == "parties")):
            pp = f"{key}[{i}]"
            pm = reader.mapping(item, pp, FIELDS["party"], m, key)
            if pm is None:
                continue
            pid = reader.field(pm, "id", pp, str)
            several = reader.texts(pm, "roles", pp)  # an actor holding several roles
            if several and "role" in pm:
                reader.problem(f"{pp}.role", "give role or roles, not both", "", pm, "role")
                continue
            if several:
                bad = [r for r in several if r not in roles]
                for r in bad:
                    reader.problem(f"{pp}.roles", f"must be among {', '.join(roles)}, got "
                                   f"{reader.show(r)}", "", pm, "roles")
                if bad:
                    continue
                role = several[0]
            elif default_role is None:  # other actors say what they are
                role = reader.field(pm, "role", pp, str, fix="one of " + ", ".join(roles))
                if role is None:
                    continue
            else:
                role = reader.field(pm, "role", pp, str, default_role)
            if role not in roles:
                reader.problem(f"{pp}.role", f"must be one of {', '.join(roles)}, got "
                               f"{reader.show(role)}", "", pm, "role")
                continue
            if pid is not None:
                name = reader.field(pm, "name", pp, str, pid)
                party = reader.build(pp, pm, lambda: Party(pid, name, role,
                                                           tuple(several)))
                if party is not None:
                    parties.append(party)
    return parties


def _load_clauses(reader: Reader, m: dict[str, Any]) -> list[Clause]:
    clauses: list[Clause] = []
    for i, item in enumerate(reader.items(m, "clauses", "")):
        cp = f"clauses[{i}]"
        cm = reader.mapping(item, cp, FIELDS["clause"], m, "clauses")
        if cm is None:
            continue
        cid = reader.field(cm, "id", cp, str)
        summary = reader.field(cm, "summary", cp, str, "")
        sources = reader.texts(cm, "sources", cp)
        disputed = reader.field(cm, "disputed", cp, bool, False)
        note = reader.field(cm, "dispute_note", cp, str, "")
        if cid is not None:
            clause = reader.build(cp, cm, lambda: Clause(cid, summary, tuple(sources),
                                                         disputed, note))
            if clause is not None:
                clauses.append(clause)
    return clauses


def _load_documents(reader: Reader, m: dict[str, Any]) -> list[Document]:
    documents: list[Document] = []
    for i, item in enumerate(reader.items(m, "documents", "")):
        dp = f"documents[{i}]"
        dm = reader.mapping(item, dp, FIELDS["document"], m, "documents")
        if dm is None:
            continue
        did = reader.field(dm, "id", dp, str)
        signed = reader.texts(dm, "signatories", dp, required=True)
        title = reader.field(dm, "title", dp, str, "")
        clause = reader.field(dm, "clause", dp, str, None)
        if did is not None:
            document = reader.build(dp, dm, lambda: Document(did, tuple(signed), title,
                                                             clause))
            if document is not None:
                documents.append(document)
    return documents


def _load_indicators(reader: Reader, m: dict[str, Any]) -> list[Indicator]:
    indicators: list[Indicator] = []
    for i, item in enumerate(reader.items(m, "indicators", "")):
        ip = f"indicators[{i}]"
        im = reader.mapping(item, ip, FIELDS["indicator"], m, "indicators")
        if im is None:
            continue
        iid = reader.field(im, "id", ip, str)
        unit = reader.field(im, "unit", ip, str)
        text = reader.field(im, "description", ip, str, "")
        clause = reader.field(im, "clause", ip, str, None)
        if iid is not None and unit is not None:
            indicator = reader.build(ip, im, lambda: Indicator(iid, unit, text, clause))
            if indicator is not None:
                indicators.append(indicator)
    return indicators


def read_deal(reader: Reader, data: Any, parent: Any = None, key: str | None = None) -> Deal | None:
    """A Deal from plain data, recording every problem in ``reader`` (None if any)."""
    m = reader.mapping(data, "", FIELDS["deal"], parent, key)
    if m is None:
        return None
    parties = _load_parties(reader, m)
    clauses = _load_clauses(reader, m)
    in_force = reader.date(m, "in_force", "")
    phases: list[Phase] = []
    for i, item in enumerate(reader.items(m, "phases", "", required=True)):
        phase = _load_phase(reader, item, f"phases[{i}]", m, in_force)
        if phase is not None:
            phases.append(phase)
    powers = _load_powers(reader, m)
    invariants = []
    for i, text in enumerate(reader.texts(m, "invariants", "")):
        condition, problem = parse_condition(text, f"invariants[{i}]")
        if problem is not None:
            reader.add([problem], m.line_of("invariants") if isinstance(m, LineDict) else None)
        elif condition is not None:
            invariants.append(condition)
    deal_id = reader.field(m, "id", "", str)
    title = reader.field(m, "title", "", str, deal_id or "")
    fields = {
        "description": reader.field(m, "description", "", str, ""),
        "hypothetical": reader.field(m, "hypothetical", "", bool, False),
        "in_force": in_force,
        "powers": tuple(powers),
        "invariants": tuple(invariants),
        "documents": tuple(_load_documents(reader, m)),
        "indicators": tuple(_load_indicators(reader, m)),
    }
    if reader.problems or deal_id is None:
        _party_references(reader, m, parties)  # reported with the field problems
        return None
    try:
        return Deal(deal_id, title, parties, phases, clauses, **fields)
    except DealDefinitionError as exc:
        reader.add(_with_lines(exc.problems, m))
        return None


def _party_references(reader: Reader, m: dict[str, Any], parties: list[Party]) -> None:
    """Unknown parties named by obligations, found on the file's data when other problems
    keep the deal from being built (the built deal checks every reference itself)."""
    known = {p.id for p in parties}
    if not known:
        return
    phases = m.get("phases")
    for i, phase in enumerate(phases if isinstance(phases, list) else []):
        obligations = phase.get("obligations") if isinstance(phase, dict) else None
        for j, ob in enumerate(obligations if isinstance(obligations, list) else []):
            if not isinstance(ob, dict):
                continue
            for key in ("obligor", "beneficiary"):
                value = ob.get(key)
                if isinstance(value, str) and value not in known:
                    close = difflib.get_close_matches(value, sorted(known), n=1)
                    fix = (f"did you mean {close[0]!r}?" if close
                           else "known: " + ", ".join(sorted(known)))
                    reader.problem(f"phases[{i}].obligations[{j}].{key}",
                                   f"unknown party {value!r}", fix, ob, key)


def deal_from_dict(data: Any, source: str | None = None) -> Deal:
    """Build a Deal from plain data (as loaded from YAML); reports every problem at once."""
    reader = Reader()
    deal = read_deal(reader, data)
    if deal is None:
        raise DealDefinitionError(reader.problems, source)
    return deal


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
        out.append(Problem(p.path, p.message, p.fix, p.line or line, p.source))
    return out


def load_deal(path: str | os.PathLike[str], *, limits: Limits | None = None) -> Deal:
    """Load a deal from a YAML file; errors name the file, line and field."""
    source = Source("deal", os.fspath(path), Path(path))
    return _load(source, limits)


def _load(source: Source, limits: Limits | None, echo: bool = True) -> Deal:
    try:
        data = load_source(source, limits)
    except InputError as exc:
        raise DealDefinitionError(exc.problems, source.name) from None
    reader = Reader(None, echo)
    deal = read_deal(reader, data)
    if deal is None:
        raise DealDefinitionError(reader.problems, source.name)
    return deal


_BUILTIN_CACHE: dict[str, Deal] = {}


def builtin_deals() -> tuple[str, ...]:
    """Names of the deals shipped with dealmodel."""
    return builtin_names("deal")


def builtin_deal(name: str) -> Deal:
    """A built-in deal by name, e.g. ``builtin_deal("gaza-2025")``. Loaded once, then shared."""
    deal = _BUILTIN_CACHE.get(name)
    if deal is None:
        names = builtin_deals()
        if name not in names:
            raise DealDefinitionError([Problem("", f"no built-in deal named {name!r}",
                                               f"built-in deals: {', '.join(names)}")])
        deal = _BUILTIN_CACHE[name] = _load(resolve(name, "deal"), None)
    return deal


def resolve_deal(ref: str | os.PathLike[str] | Deal, base: Path | None = None, *,
                 allow_paths: AllowPaths = (), limits: Limits | None = None) -> Deal:
    """A Deal from a Deal, a built-in name, or a YAML path.

    ``base`` is the folder of the file that names the deal: a path must then lead to a
    file under it (or under one of ``allow_paths``). Errors in a deal file that another
    file names are reported under the deal file's own name, without echoing its content.
    """
    if isinstance(ref, Deal):
        return ref
    try:
        source = resolve(ref, "deal", base=base, allow_paths=allow_paths)
    except InputError as exc:
        raise DealDefinitionError(exc.problems) from None
    if source.builtin:
        return builtin_deal(source.name)
    return _load(source, limits, echo=base is None)
