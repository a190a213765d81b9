"""Actors of a deal (parties, mediators and others), the clauses its terms come from, the
documents it is made of, and the indicators it measures."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from dealmodel.errors import Problem
from dealmodel.model._checks import check_id, raise_if, to_tuple

__all__ = ["Actor", "Clause", "Document", "Indicator", "Party", "Role"]


class Role(enum.Enum):
    """What an actor is to a deal. Parties (and obligors) owe; mediators, guarantors,
    monitors and joint bodies may rule on allegations and report; a non-signatory (an
    armed group outside the agreement, say) owes nothing under the text but can be
    alleged against; a court (or any body outside the deal) makes findings. An actor may
    hold several roles (a party that also monitors, a mediator that also owes)."""

    PARTY = "party"  # a signatory: owes obligations
    MEDIATOR = "mediator"  # brokers, certifies, rules on disputes
    GUARANTOR = "guarantor"  # stands behind the deal; may rule
    MONITOR = "monitor"  # observes and reports; may rule
    JOINT_BODY = "joint_body"  # a body of the parties (a joint committee); may rule
    NON_SIGNATORY = "non_signatory"  # an actor outside the agreement
    OBLIGOR = "obligor"  # owes duties under the deal without being a signatory party
    COURT = "court"  # a court or other body outside the deal: makes findings

    @property
    def owes(self) -> bool:
        """Whether an actor with this role can owe obligations."""
        return self in (Role.PARTY, Role.OBLIGOR)

    @property
    def rules(self) -> bool:
        """Whether an actor with this role may rule on allegations."""
        return self in (Role.MEDIATOR, Role.GUARANTOR, Role.MONITOR, Role.JOINT_BODY)


def _roles(value: Iterable[Role | str] | None) -> tuple[Role, ...]:
    return tuple(Role(r) for r in to_tuple(value))


@attrs.frozen
class Party:
    """An actor of a deal (a signatory or a third party), named as in the agreement.

    ``role`` is its (first) role; ``roles`` all of them, when it holds several. Give
    either: after construction ``role`` is the first of ``roles``.
    """

    id: str
    name: str
    role: Role = attrs.field(default=Role.PARTY, converter=Role)
    roles: tuple[Role, ...] = attrs.field(default=(), converter=_roles)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        if not self.roles:
            object.__setattr__(self, "roles", (self.role,))
        elif self.role not in self.roles:
            if self.role is Role.PARTY:  # the default: the first of roles
                object.__setattr__(self, "role", self.roles[0])
            else:
                problems.append(Problem("role", f"{self.role.value!r} is not one of roles "
                                        f"{[r.value for r in self.roles]}",
                                        "give roles only"))
        elif self.roles[0] is not self.role:
            problems.append(Problem("role", f"{self.role.value!r} must be the first of roles",
                                    "give roles only, or put role first"))
        if len(set(self.roles)) != len(self.roles):
            problems.append(Problem("roles", f"names a role twice: "
                                    f"{[r.value for r in self.roles]}"))
        raise_if(problems)

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_party(self) -> bool:
        """A signatory party (``holders: parties`` means these)."""
        return Role.PARTY in self.roles

    @property
    def owes(self) -> bool:
        """Whether it can owe obligations (a party or an obligor)."""
        return any(r.owes for r in self.roles)

    @property
    def rules(self) -> bool:
        """Whether it may rule on allegations (a mediator, guarantor, monitor, joint body)."""
        return any(r.rules for r in self.roles)

    @property
    def role_text(self) -> str:
        """Its roles in words: ``party and monitor``."""
        return " and ".join(r.value.replace("_", " ") for r in self.roles)


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
class Document:
    """One of the texts a deal is made of, and who signed it: several mirror documents,
    each signed by a different set of actors, can make one arrangement. An obligation
    names its document (``document:``); its obligors must have signed it."""

    id: str
    signatories: tuple[str, ...] = attrs.field(converter=to_tuple)
    title: str = ""
    clause: str | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        if not self.signatories:
            problems.append(Problem("signatories", "name who signed it",
                                    "e.g. signatories: [east, broker]"))
        for i, actor in enumerate(self.signatories):
            check_id(problems, f"signatories[{i}]", actor)
        raise_if(problems)


@attrs.frozen
class Indicator:
    """Something the deal's record measures without anyone owing it (tonnes shipped,
    vessels inspected): ``report`` events give its amounts or running totals."""

    id: str
    unit: str
    description: str = ""
    clause: str | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        check_id(problems, "id", self.id)
        if not isinstance(self.unit, str) or not self.unit:
            problems.append(Problem("unit", f"must be a non-empty string, got {self.unit!r}"))
        raise_if(problems)


#: Every actor of a deal is a :class:`Party` object with a role; ``Actor`` names it so.
Actor = Party
