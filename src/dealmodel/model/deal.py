"""Deals: parties, mediators, phases and the clauses they come from, as frozen data.

A :class:`Deal` checks itself when built and reports every problem at once
(:class:`~dealmodel.errors.DealDefinitionError`), each with its path and the fix:
duplicate ids, dangling references, unreachable phases, schedules that exceed
their target, conditions that name unknown obligations or phases.

Deals load from YAML (:func:`load_deal`) or plain dicts (:func:`deal_from_dict`);
the built-in deals ship with the package (:func:`builtin_deal`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from dealmodel.model._checks import raise_if, to_tuple
from dealmodel.model.actors import Clause, Document, Indicator, Party
from dealmodel.model.checks import deal_problems
from dealmodel.model.conditions import Expression, compile_condition
from dealmodel.model.obligations import (
    Obligation,
)
from dealmodel.model.phases import TERMINAL_STATES, ExpiryRule, Phase
from dealmodel.model.powers import PARTIES, Power, PowerKind

__all__ = ["Deal"]



def _to_conditions(value: Any) -> tuple[Expression, ...]:
    return tuple(v if isinstance(v, Expression) else compile_condition(v)
                 for v in to_tuple(value))


class _Cache(list[Any]):
    """Where the engine keeps a deal's lifecycle machine; pickles as empty (the machine is
    rebuilt on first use), so a deal travels to other processes as plain data."""

    def __reduce__(self) -> tuple[type[_Cache], tuple[()]]:
        return (_Cache, ())


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
    powers: tuple[Power, ...] = attrs.field(default=(), converter=to_tuple)
    #: Properties that must hold in every state of every run (checked by ``dealmodel verify``).
    invariants: tuple[Expression, ...] = attrs.field(default=(), converter=_to_conditions)
    #: the texts the deal is made of, when several (mirror documents); empty: one text
    documents: tuple[Document, ...] = attrs.field(default=(), converter=to_tuple)
    #: what the record measures without anyone owing it (tonnes shipped, ...)
    indicators: tuple[Indicator, ...] = attrs.field(default=(), converter=to_tuple)
    _obligations: dict[str, tuple[int, Obligation]] = attrs.field(
        init=False, repr=False, eq=False
    )
    #: Private: the compiled lifecycle machine, built once and shared by every run.
    _machine_cache: list[Any] = attrs.field(init=False, factory=lambda: _Cache(), repr=False,
                                            eq=False)

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

    def names(self, actor_ids: Iterable[str]) -> str:
        """The actors' names as in the agreement, joined: ``"Israel and Hamas"``."""
        return " and ".join(self.party(a).name for a in actor_ids)

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

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)

    def document(self, document_id: str) -> Document:
        for document in self.documents:
            if document.id == document_id:
                return document
        raise KeyError(document_id)

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
        if phase.limbo_state and (index + 1 < len(self.phases)
                                  or phase.on_expiry is ExpiryRule.HOLD):
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

    def powers_of(self, kind: PowerKind, phase_id: str | None) -> tuple[Power, ...]:
        """The powers of ``kind`` that apply in phase ``phase_id``."""
        return tuple(p for p in self.powers if p.kind is kind and p.applies_to(phase_id))

    def holders(self, power: Power) -> tuple[str, ...]:
        """The actor ids holding ``power`` (``parties`` expanded to every party)."""
        out: list[str] = []
        for holder in power.holders:
            if holder == PARTIES:
                out.extend(p.id for p in self.parties if p.is_party)
            else:
                out.append(holder)
        return tuple(dict.fromkeys(out))

    def day_of(self, date: dt.date) -> int:
        """The deal day of a calendar date (day 1 is ``in_force``)."""
        if self.in_force is None:
            raise ValueError(f"deal {self.id!r} has no in_force date")
        return (date - dt.date.fromisoformat(self.in_force)).days + 1

    def date_of(self, day: int) -> dt.date | None:
        """The calendar date of deal day ``day``, if the deal has an ``in_force`` date."""
        if self.in_force is None:
            return None
        return dt.date.fromisoformat(self.in_force) + dt.timedelta(days=day - 1)

    @property
    def mediators(self) -> tuple[Party, ...]:
        """The actors who may rule: mediators, guarantors, monitors, joint bodies."""
        return tuple(p for p in self.parties if p.rules)

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
        from dealmodel._display import mimebundle

        return mimebundle(self)


