"""Actors of a deal (parties, mediators and others) and the clauses its terms come from."""

from __future__ import annotations

import enum

import attrs

from dealmodel.errors import Problem
from dealmodel.model._checks import check_id, raise_if, to_tuple

__all__ = ["Actor", "Clause", "Party", "Role"]


class Role(enum.Enum):
    """What an actor is to a deal. Only parties owe; mediators, guarantors, monitors and
    joint bodies may rule on allegations and report; a non-signatory (an armed group
    outside the agreement, say) owes nothing under the text but can be alleged against."""

    PARTY = "party"  # a signatory: owes obligations
    MEDIATOR = "mediator"  # brokers, certifies, rules on disputes
    GUARANTOR = "guarantor"  # stands behind the deal; may rule
    MONITOR = "monitor"  # observes and reports; may rule
    JOINT_BODY = "joint_body"  # a body of the parties (a joint committee); may rule
    NON_SIGNATORY = "non_signatory"  # an actor outside the agreement

    @property
    def owes(self) -> bool:
        """Whether an actor with this role can owe obligations."""
        return self is Role.PARTY

    @property
    def rules(self) -> bool:
        """Whether an actor with this role may rule on allegations."""
        return self not in (Role.PARTY, Role.NON_SIGNATORY)


@attrs.frozen
class Party:
    """An actor of a deal (a signatory or a third party), named as in the agreement."""

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


#: Every actor of a deal is a :class:`Party` object with a role; ``Actor`` names it so.
Actor = Party
