"""Deals: parties, mediators, phases and the clauses they come from, as frozen data.

A :class:`Deal` checks itself when built and reports every problem at once
(:class:`~dealmodel.errors.DealDefinitionError`), each with its path and the fix:
duplicate ids, dangling references, unreachable phases, schedules that exceed
their target, conditions that name unknown obligations or phases.

Deals load from YAML (:func:`load_deal`) or plain dicts (:func:`deal_from_dict`);
the built-in deals ship with the package (:func:`builtin_deal`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import yaml

from dealmodel._checks import check_id, raise_if, to_tuple
from dealmodel._yaml import LineDict, Reader, load_yaml, yaml_error_problem
from dealmodel.errors import DealDefinitionError, Problem
from dealmodel.obligations import (
    Milestone,
    Obligation,
    ObligationKind,
    Quantity,
    Reciprocity,
)
from dealmodel.phases import ExpiryRule, Extension, Phase, parse_condition

__all__ = [
    "Clause",
    "Deal",
    "Party",
    "Role",
    "builtin_deal",
    "builtin_deals",
    "deal_from_dict",
    "deal_to_dict",
    "load_deal",
    "resolve_deal",
]


class Role(enum.Enum):
    PARTY = "party"  # owes obligations
    MEDIATOR = "mediator"  # brokers, certifies, rules on disputes
    GUARANTOR = "guarantor"
    MONITOR = "monitor"


@attrs.frozen
class Party:
    """A signatory or a third party, named as in the agreement."""

    id: str
    name: str
    role: Role = attrs.field(default=Role.PARTY, converter=Role)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        raise_if(problems)


@attrs.frozen
class Clause:
    """Provenance of a term: what it says, where it is reported, whether it is disputed."""

    id: str
    summary: str
    sources: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    disputed: bool = False
    dispute_note: str = ""

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        if self.disputed and not self.dispute_note:
            problems.append(Problem("dispute_note", "a disputed clause must say what is disputed",
                                    "give the figures each source reports"))
        raise_if(problems)


@attrs.frozen
class Deal:
    """A multiphase agreement. Built once, never changed: use ``attrs.evolve`` for variants."""

    id: str
    title: str
    parties: tuple[Party, ...] = attrs.field(converter=to_tuple)
    phases: tuple[Phase, ...] = attrs.field(converter=to_tuple)
    clauses: tuple[Clause, ...] = attrs.field(default=(), converter=to_tuple)
    in_force: str | None = None  # ISO date of day 1, if known
    description: str = ""
    hypothetical: bool = False
    _obligations: dict[str, tuple[int, Obligation]] = attrs.field(
        init=False, repr=False, eq=False
    )
    #: Private: the compiled lifecycle machine, built once and shared by every run.
    _machine_cache: list[Any] = attrs.field(init=False, factory=list, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, tuple[int, Obligation]] = {}
        for p_index, phase in enumerate(self.phases):
            if isinstance(phase, Phase):
                for obligation in phase.obligations:
                    index.setdefault(obligation.id, (p_index, obligation))
        object.__setattr__(self, "_obligations", index)
        raise_if(deal_problems(self))

    # -- lookups ---------------------------------------------------------------
    def party(self, party_id: str) -> Party:
        for party in self.parties:
            if party.id == party_id:
                return party
        raise KeyError(party_id)

    def has_party(self, party_id: str) -> bool:
        return any(p.id == party_id for p in self.parties)

    def phase(self, phase_id: str) -> Phase:
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    def phase_index(self, phase_id: str) -> int:
        for i, phase in enumerate(self.phases):
            if phase.id == phase_id:
                return i
        raise KeyError(phase_id)

    def obligation(self, obligation_id: str) -> Obligation:
        return self._obligations[obligation_id][1]

    def obligation_phase(self, obligation_id: str) -> int:
        """Index of the phase an obligation belongs to."""
        return self._obligations[obligation_id][0]

    def obligations(self) -> Iterator[Obligation]:
        for phase in self.phases:
            yield from phase.obligations

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.id == clause_id:
                return clause
        raise KeyError(clause_id)

    def units(self) -> set[str]:
        return {o.quantity.unit for o in self.obligations() if o.quantity is not None}

    def phase_states(self, index: int) -> tuple[str, ...]:
        """The lifecycle states of phase ``index``: itself, extended, limbo, suspended.

        Limbo exists only where the phase continues while the *next* phase is negotiated.
        """
        phase = self.phases[index]
        states = [phase.id]
        if phase.extended_state:
            states.append(phase.extended_state)
        if phase.limbo_state and index + 1 < len(self.phases):
            states.append(phase.limbo_state)
        if phase.suspended_state:
            states.append(phase.suspended_state)
        return tuple(states)

    def states(self) -> tuple[str, ...]:
        """Every lifecycle state, in order: pending, each phase's states, terminal states."""
        states = ["pending"]
        for index in range(len(self.phases)):
            states.extend(self.phase_states(index))
        states.extend(TERMINAL_STATES)
        return tuple(states)

    @property
    def mediators(self) -> tuple[Party, ...]:
        return tuple(p for p in self.parties if p.role is not Role.PARTY)

    def evolve_phase(self, phase_id: str, **changes: Any) -> Deal:
        """A copy of this deal with one phase changed."""
        phases = tuple(attrs.evolve(p, **changes) if p.id == phase_id else p for p in self.phases)
        return attrs.evolve(self, phases=phases)

    def evolve_obligation(self, obligation_id: str, **changes: Any) -> Deal:
        """A copy of this deal with one obligation changed."""
        p_index = self._obligations[obligation_id][0]
        phase = self.phases[p_index]
        new = tuple(attrs.evolve(o, **changes) if o.id == obligation_id else o
                    for o in phase.obligations)
        return self.evolve_phase(phase.id, obligations=new)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        """Jupyter shows the deal as its phase diagram (text when no renderer is installed)."""
        from dealmodel.diagrams import mimebundle

        return mimebundle(self)


TERMINAL_STATES = ("concluded", "collapsed", "lapsed")


# -- checks ---------------------------------------------------------------------
def _duplicates(problems: list[Problem], label: str, items: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for path, item_id in items:
        if item_id in seen:
            problems.append(Problem(f"{path}.id", f"duplicate {label} id {item_id!r} "
                                    f"(first at {seen[item_id]})", "give each a unique id"))
        else:
            seen[item_id] = path


def deal_problems(deal: Deal) -> list[Problem]:
    """Every cross-reference problem of a deal (each part already checked itself)."""
    problems: list[Problem] = []
    check_id(problems, "id", deal.id)
    if not deal.phases:
        problems.append(Problem("phases", "a deal needs at least one phase"))
    parties = {p.id: p for p in deal.parties}
    clauses = {c.id for c in deal.clauses}
    phases = [p.id for p in deal.phases]
    _duplicates(problems, "party", [(f"parties[{i}]", p.id) for i, p in enumerate(deal.parties)])
    _duplicates(problems, "clause", [(f"clauses[{i}]", c.id) for i, c in enumerate(deal.clauses)])
    _duplicates(problems, "phase", [(f"phases[{i}]", p.id) for i, p in enumerate(deal.phases)])
    _duplicates(problems, "obligation", [
        (f"phases[{i}].obligations[{j}]", o.id)
        for i, ph in enumerate(deal.phases) for j, o in enumerate(ph.obligations)
    ])
    reserved = {"pending", *TERMINAL_STATES}
    obligations = deal._obligations
    units = deal.units()

    def ref(path: str, value: str | None, known: Any, what: str) -> None:
        if value is not None and value not in known:
            listed = ", ".join(sorted(known)) or "none defined"
            problems.append(Problem(path, f"unknown {what} {value!r}", f"known: {listed}"))

    for i, phase in enumerate(deal.phases):
        path = f"phases[{i}]"
        if phase.id in reserved:
            problems.append(Problem(f"{path}.id", f"{phase.id!r} is a reserved state name",
                                    "rename the phase"))
        ref(f"{path}.clause", phase.clause, clauses, "clause")
        for j, ob in enumerate(phase.obligations):
            opath = f"{path}.obligations[{j}]"
            ref(f"{opath}.obligor", ob.obligor, parties, "party")
            ref(f"{opath}.beneficiary", ob.beneficiary, parties, "party")
            ref(f"{opath}.clause", ob.clause, clauses, "clause")
            if ob.obligor in parties and parties[ob.obligor].role is not Role.PARTY:
                problems.append(Problem(f"{opath}.obligor", f"{ob.obligor!r} is a "
                                        f"{parties[ob.obligor].role.value}, not a party",
                                        "obligations are owed by parties; mediators rule"))
            for k, rec in enumerate(ob.reciprocal):
                ref(f"{opath}.reciprocal[{k}].per", rec.per, obligations, "obligation")
            if phase.duration_days is not None and ob.kind is not ObligationKind.PROHIBITION:
                last = ob.due_days()[-1] if ob.due_days() else None
                if ob.schedule and last is not None and last > phase.duration_days:
                    problems.append(Problem(f"{opath}.schedule", f"the schedule runs to day "
                                            f"{last}, after the phase's {phase.duration_days} "
                                            "days", "use due_day for duties that outlive "
                                            "the phase"))
        if phase.extension is not None:
            ext = phase.extension
            for k, holder in enumerate(ext.granted_by):
                ref(f"{path}.extension.granted_by[{k}]", holder, parties, "party or mediator")
            for ob_id, _ in ext.per_day:
                ref(f"{path}.extension.per_day.{ob_id}", ob_id, obligations, "obligation")
            ref(f"{path}.extension.clause", ext.clause, clauses, "clause")
        if phase.entry_condition is not None:
            kinds = {
                "obligation": set(obligations),
                "phase": set(phases),
                "party": set(parties),
                "obligation-or-unit": set(obligations) | units,
            }
            from dealmodel.conditions import FUNCTIONS

            for func, arg in phase.entry_condition.references:
                kind = FUNCTIONS[func][0][0]
                ref(f"{path}.entry_condition", arg, kinds[kind], kind.replace("-", " "))
        if phase.requires_agreement and i == 0:
            problems.append(Problem(f"{path}.requires_agreement", "the first phase is the "
                                    "agreement itself", "set requires_agreement: false"))
    problems.extend(_reachability(deal))
    return problems


def _reachability(deal: Deal) -> list[Problem]:
    """A phase is unreachable when the phase before it can never hand over to it."""
    problems: list[Problem] = []
    for i in range(1, len(deal.phases)):
        before = deal.phases[i - 1]
        why = None
        if before.on_expiry is ExpiryRule.LAPSE:
            why = f"phase {before.id!r} lapses when it ends (on_expiry: lapse)"
        elif before.duration_days is None:
            why = f"phase {before.id!r} is open-ended (no duration_days) and never hands over"
        if why:
            problems.append(Problem(f"phases[{i}]", f"phase {deal.phases[i].id!r} is "
                                    f"unreachable: {why}", "set on_expiry: advance or "
                                    "continue_while_negotiating, and a duration"))
            break
    return problems


# -- loading ------------------------------------------------------------------------
_DEAL_FIELDS = ("id", "title", "description", "in_force", "hypothetical", "parties",
                "mediators", "clauses", "phases")
_PHASE_FIELDS = ("id", "name", "duration_days", "entry_condition", "requires_agreement",
                 "on_expiry", "obligations", "extension", "suspendable", "clause")
_OBLIGATION_FIELDS = ("id", "obligor", "beneficiary", "kind", "description", "quantity",
                      "due_day", "schedule", "reciprocal", "clause")


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
    fields = {
        "id": reader.field(m, "id", path, str),
        "obligor": reader.field(m, "obligor", path, str),
        "beneficiary": reader.field(m, "beneficiary", path, str, None),
        "description": reader.field(m, "description", path, str, ""),
        "due_day": reader.field(m, "due_day", path, int, None),
        "clause": reader.field(m, "clause", path, str, None),
    }
    if fields["id"] is None or fields["obligor"] is None or (has_quantity and quantity is None):
        return None  # the missing part is reported already
    return reader.build(path, m, lambda: Obligation(
        kind=kind, quantity=quantity, schedule=schedule, reciprocal=reciprocal, **fields))


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
        em = reader.mapping(m["extension"], ep, ("max_days", "granted_by", "per_day", "clause"))
        if em is not None:
            max_days = reader.field(em, "max_days", ep, int)
            granted = reader.items(em, "granted_by", ep, required=True)
            per_day = reader.field(em, "per_day", ep, dict, {})
            clause = reader.field(em, "clause", ep, str, None)
            if max_days is not None:
                extension = reader.build(ep, em, lambda: Extension(
                    max_days, tuple(granted), dict(per_day), clause))
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
        on_expiry=on_expiry, extension=extension, **fields))


def deal_from_dict(data: Any, source: str | None = None) -> Deal:
    """Build a Deal from plain data (as loaded from YAML); reports every problem at once."""
    reader = Reader()
    m = reader.mapping(data, "", _DEAL_FIELDS)
    if m is None:
        raise DealDefinitionError(reader.problems, source)
    parties: list[Party] = []
    for key, default_role in (("parties", "party"), ("mediators", "mediator")):
        for i, item in enumerate(reader.items(m, key, "", required=key == "parties")):
            pp = f"{key}[{i}]"
            pm = reader.mapping(item, pp, ("id", "name", "role"))
            if pm is None:
                continue
            pid = reader.field(pm, "id", pp, str)
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
    deal_id = reader.field(m, "id", "", str)
    title = reader.field(m, "title", "", str, deal_id or "")
    in_force = m.get("in_force")
    fields = {
        "description": reader.field(m, "description", "", str, ""),
        "hypothetical": reader.field(m, "hypothetical", "", bool, False),
        "in_force": str(in_force) if in_force is not None else None,
    }
    if reader.problems or deal_id is None:
        # Report what is wrong so far, plus the cross-reference problems we can still see.
        raise DealDefinitionError(reader.problems, source)
    try:
        return Deal(deal_id, title, parties, phases, clauses, **fields)
    except DealDefinitionError as exc:
        raise DealDefinitionError(_with_lines(exc.problems, m), source) from None


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
    folder = resources.files("dealmodel") / "deals"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


def builtin_deal(name: str) -> Deal:
    """A built-in deal by name, e.g. ``builtin_deal("gaza-2025")``. Loaded once, then shared."""
    deal = _BUILTIN_CACHE.get(name)
    if deal is None:
        names = builtin_deals()
        if name not in names:
            raise DealDefinitionError([Problem("", f"no built-in deal named {name!r}",
                                               f"built-in deals: {', '.join(names)}")])
        resource = resources.files("dealmodel") / "deals" / f"{name}.yaml"
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
        out: dict[str, Any] = {"id": o.id, "obligor": o.obligor, "kind": o.kind.value}
        if o.beneficiary:
            out["beneficiary"] = o.beneficiary
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
    }
