"""Actors of a deal (parties, mediators and others) and the clauses its terms come from."""

from __future__ import annotations

import enum

import attrs

from dealmodel.errors import Problem
from dealmodel.model._checks import check_id, raise_if, to_tuple

__all__ = ["Clause", "Party", "Role"]


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
