"""What entry conditions ask of a lean run: the engine's queries on integer tables.

The same answers as ``dealmodel.engine.queries`` gives for a :class:`~dealmodel.engine.Run`
(``day``, ``phase_day``, ``state``, ``released("hostages")``, ``agreed("phase2")``, ...),
read from a :class:`~dealmodel.analysis.montecarlo_core.LeanRun`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.analysis.montecarlo_table import FULFILLED, STATUS_NAMES, UPHELD, VIOLATED

if TYPE_CHECKING:
    from dealmodel.analysis.montecarlo_core import LeanRun

__all__ = ["call", "variable"]


def variable(run: LeanRun, name: str) -> int | str | bool:
    if name == "day":
        return run.day
    if name == "phase_day":
        return run.day - run.phase_entered + 1 if run.phase_index >= 0 else 0
    return run.cd.states[run.state]


def call(run: LeanRun, name: str, args: tuple[str, ...]) -> int | str | bool:
    cd = run.cd
    arg = args[0]
    if name in ("delivered", "released"):
        return sum(run.progress[k] for k, oid in enumerate(cd.ob_ids)
                   if oid == arg or cd.ob_unit[k] == arg)
    if name == "agreed":
        return cd.phase_ids.index(arg) in run.agreed
    if name == "negotiating":
        return cd.phase_ids.index(arg) in run.negotiating
    if name in ("allegations", "upheld"):
        return sum(1 for a in run.allegations
                   if a[0] == arg and (name == "allegations" or a[2] == UPHELD))
    ob = cd.ob_index[arg]
    if name == "progress":
        return run.progress[ob]
    if name == "target":
        return run.owed(ob) or 0
    if name == "status":
        return STATUS_NAMES[run.status[ob]]
    if name == "fulfilled":
        return run.status[ob] == FULFILLED
    return run.status[ob] == VIOLATED  # "violated"
