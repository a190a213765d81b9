"""Implementation scores: how far each obligation was carried out, on any day, PAM-style.

After the Peace Accords Matrix, each obligation in force gets a score on a day:

* **0** not begun, **1** minimal, **2** intermediate, **3** complete.
* A duty measured in units or parts (a quantity, an act) scores by the share delivered of
  the full amount it calls for (its target; for a reciprocal duty its cap, or what is owed
  that day when it has none): nothing is 0, under half is 1, half or more is 2, all of it
  (or a fulfilment, on time or late) is 3. An act without parts is 0 or 3.
* An ongoing duty scores 3 while kept, 0 on the days it is suspended, withheld or found
  violated. A prohibition scores 3 until it is first found breached and 0 from then on:
  a breach of a prohibition cannot be made good later, and a suspension of one (or a
  withholding) is not a breach of it.
* A duty is not scored before its phase begins, nor while it owes nothing (a quantity
  that starts at zero). After a deal ends, a duty keeps the score it had (its discharge
  is not a change in how far it was carried out).

The deal's *implementation rate* on a day is the mean score of the duties scored that
day, divided by 3 (0.0 to 1.0). Scores are computed from the ledger's typed history, so
they are the same for a run and for a run restored from JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.engine.records import (
    Performance,
    StatusChanged,
    TargetChanged,
    Violated,
    Withholding,
    WithholdingReleased,
)
from dealmodel.model.obligations import ObligationKind, ObligationStatus

if TYPE_CHECKING:
    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run

__all__ = ["LEVELS", "implementation_rate", "score", "scores"]

#: The PAM levels, by score.
LEVELS = ("not begun", "minimal", "intermediate", "complete")

_S = ObligationStatus
_HELD = (_S.SUSPENDED, _S.WITHHELD)


def _progress_on(entry: LedgerEntry, day: int) -> int:
    progress = 0
    for r in entry.history:
        if r.day > day:
            break
        if isinstance(r, Performance):
            progress = r.progress
    return progress


def _standing_on(entry: LedgerEntry, day: int) -> tuple[_S, bool]:
    """(status on ``day`` looking past a discharge, whether a breach was found by then)."""
    status = _S.PENDING
    breached = False
    for r in entry.history:
        if r.day > day:
            break
        if isinstance(r, StatusChanged):
            if r.status is not _S.DISCHARGED:
                status = r.status
        elif isinstance(r, Violated):
            breached = True
            if status not in _HELD:
                status = _S.PARTIALLY_FULFILLED if r.partial else _S.VIOLATED
        elif isinstance(r, Withholding):
            status = _S.WITHHELD
        elif isinstance(r, WithholdingReleased):
            status = r.status
    return status, breached


def _full_amount(run: Run, entry: LedgerEntry, day: int) -> int | None:
    ob = entry.obligation
    target = ob.target
    for r in entry.history:
        if r.day > day:
            break
        if isinstance(r, TargetChanged):
            target = r.target
    if ob.reciprocal and target is None:
        return sum(rec.ratio * _progress_on(run.ledger[rec.per], day) for rec in ob.reciprocal)
    return target


def score(run: Run, entry: LedgerEntry, day: int | None = None) -> int | None:
    """The entry's score (0-3) on ``day`` (default: the run's day), or None if not scored."""
    day = run.day if day is None else day
    status, breached = _standing_on(entry, day)
    if status is _S.PENDING:
        return None
    if status.fulfilled:
        return 3
    ob = entry.obligation
    if ob.kind in (ObligationKind.ONGOING, ObligationKind.PROHIBITION):
        kept = status not in _HELD and not status.breached
        if ob.kind is ObligationKind.PROHIBITION:
            kept = not breached
        return 3 if kept else 0
    full = _full_amount(run, entry, day)
    if full is None or full <= 0:
        return None
    share = _progress_on(entry, day) / full
    if share <= 0:
        return 0
    if share >= 1:
        return 3
    # (an act without parts owes 1: its share is 0 or 1, never between)
    return 1 if share < 0.5 else 2


def scores(run: Run, day: int | None = None) -> dict[str, int | None]:
    """Every obligation's score on ``day`` (default: the run's day)."""
    return {oid: score(run, entry, day) for oid, entry in run.ledger.items()}


def implementation_rate(run: Run) -> list[tuple[int, float]]:
    """The deal's implementation rate (mean score / 3) on each day from 1 to the run's day,
    for the days on which some duty is scored."""
    out: list[tuple[int, float]] = []
    for day in range(1, run.day + 1):
        values = [s for s in scores(run, day).values() if s is not None]
        if values:
            out.append((day, round(sum(values) / (3 * len(values)), 4)))
    return out
