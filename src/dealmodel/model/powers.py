"""Powers: rights to act on the deal itself, granted by a clause to some actors.

A power is held by an actor, a set of actors (any one of them may act), or a set acting
*jointly* (all must be named in the event's ``by``). The token ``parties`` stands for
every party of the deal. Events that exercise a power (``terminate``, ``amend``,
``renew``, ``object_renewal``, ``declare``) are refused, with the missing power named,
when their authors do not hold it. Extending a phase is granted by the phase's own
``extension:`` clause (who, jointly or not, how many days), not here: a power of kind
``extend`` is refused with a problem that says where it goes.
"""

from __future__ import annotations

import enum

import attrs

from dealmodel.errors import Problem
from dealmodel.model._checks import check_id, check_int, raise_if, to_tuple

__all__ = ["PARTIES", "Power", "PowerKind"]

#: In ``holders``: every party of the deal.
PARTIES = "parties"


class PowerKind(enum.Enum):
    EXTEND = "extend"
    AMEND = "amend"
    TERMINATE = "terminate"
    RENEW = "renew"
    OBJECT_RENEWAL = "object_renewal"
    DECLARE = "declare"


@attrs.frozen
class Power:
    """``kind`` granted to ``holders`` (jointly or each), in ``phases`` (empty: all).

    ``notice_days``: a termination takes effect that many days after it is declared.
    ``max_days``: kept for files written for the ``extend`` kind, which is refused.
    """

    kind: PowerKind = attrs.field(converter=PowerKind)
    holders: tuple[str, ...] = attrs.field(converter=to_tuple)
    jointly: bool = False
    phases: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    notice_days: int = 0
    max_days: int | None = None
    clause: str | None = None

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.holders:
            problems.append(Problem("holders", "name who holds the power",
                                    "e.g. holders: [qatar], or holders: parties"))
        for i, holder in enumerate(self.holders):
            check_id(problems, f"holders[{i}]", holder)
        check_int(problems, "notice_days", self.notice_days, 0)
        check_int(problems, "max_days", self.max_days, 1)
        if self.kind is PowerKind.EXTEND:  # the engine extends by a phase's clause only
            problems.append(Problem(
                "power", "an extension is granted by the phase's extension: clause, not "
                "under powers:", "move it to the phase: extension: {granted_by: [...], "
                "max_days_each: N, max_days: N, jointly: true|false}"))
        raise_if(problems)

    def applies_to(self, phase_id: str | None) -> bool:
        return not self.phases or phase_id in self.phases

    def describe(self) -> str:
        who = " and ".join(self.holders) if self.jointly else " or ".join(self.holders)
        return f"{self.kind.value} ({who}{' jointly' if self.jointly else ''})"
