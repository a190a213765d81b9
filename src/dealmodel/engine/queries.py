"""What conditions can ask of a run: ``day``, ``phase_day``, ``state`` and the functions
of the condition language (``released("hostages")``, ``fulfilled("p1_aid")``, ...).

:class:`~dealmodel.engine.run.Run` answers the :class:`~dealmodel.model.conditions.
ConditionContext` protocol through these two functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.engine.ledger import FULFILLED, VIOLATED
from dealmodel.engine.records import AllegationStatus

if TYPE_CHECKING:
    from dealmodel.engine.run import Run

__all__ = ["call", "variable"]


def variable(run: Run, name: str) -> int | str | bool:
    if name == "day":
        return run.day
    if name == "phase_day":
        return run.day - run.phase_entered + 1 if run.phase_index >= 0 else 0
    return run.state

def call(run: Run, name: str, args: tuple[str, ...]) -> int | str | bool:
    arg = args[0]
    if name in ("delivered", "released"):
        return sum(e.progress for e in run.ledger.values()
                   if e.obligation.id == arg or e.obligation.unit == arg)
    if name == "progress":
        return run.ledger[arg].progress
    if name == "target":
        return run.owed(run.ledger[arg]) or 0
    if name == "status":
        return run.ledger[arg].status.value
    if name == "fulfilled":
        return run.ledger[arg].status is FULFILLED
    if name == "violated":
        return run.ledger[arg].status is VIOLATED
    if name == "agreed":
        return arg in run.agreed
    if name == "negotiating":
        return arg in run.negotiating
    if name == "allegations":
        return sum(1 for a in run.allegations if a.against == arg)
    if name == "upheld":
        return sum(1 for a in run.allegations
                   if a.against == arg and a.status is AllegationStatus.UPHELD)
    raise KeyError(name)  # pragma: no cover - compile_condition rejects unknown names
