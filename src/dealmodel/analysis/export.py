"""Tabular exports of a what-if comparison: rows of plain values for CSV and DataFrames.

Two tables (columns in :func:`columns`):

* ``runs`` - one row per run (the base, then each hypothetical variant): final state
  and day, the day each phase was entered, days in limbo or suspended, the first
  violation, allegations, refused events and where the variant first diverges;
* ``obligations`` - one row per run per obligation: status, progress, what is owed,
  the day it was violated.

Every row says whether its run is hypothetical (every variant is).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealmodel.errors import DealModelError

if TYPE_CHECKING:
    from dealmodel.analysis.compare import Comparison

__all__ = ["TABLES", "columns", "records"]

TABLES = ("runs", "obligations")
_OBLIGATIONS = ("run", "hypothetical", "obligation", "obligor", "status", "progress", "owed",
                "violated_day")


def columns(comparison: Comparison, table: str = "runs") -> tuple[str, ...]:
    """The columns of ``table``, in order (``runs`` has one per phase of the deal)."""
    if table == "obligations":
        return _OBLIGATIONS
    _check(table)
    phases = tuple(f"{p.id}_entered" for p in comparison.scenario.deal.phases)
    return ("run", "hypothetical", "final_state", "final_day", *phases, "days_in_limbo",
            "days_suspended", "first_violation", "first_violation_party",
            "first_violation_day", "allegations", "refused_events", "diverges_day",
            "forked_at_day")


def _check(table: str) -> None:
    if table not in TABLES:
        raise DealModelError(f"no comparison table named {table!r}; tables: "
                             f"{', '.join(TABLES)}")


def records(comparison: Comparison, table: str = "runs") -> list[dict[str, Any]]:
    """The rows of ``table`` (``runs`` or ``obligations``) of ``comparison``."""
    _check(table)
    rows: list[dict[str, Any]] = []
    for result in comparison.results:
        run = result.run
        if table == "obligations":
            rows.extend({"run": result.name, "hypothetical": result.hypothetical,
                         "obligation": e.id, "obligor": "+".join(e.obligation.obligors),
                         "status": e.status.value, "progress": e.progress,
                         "owed": run.owed(e), "violated_day": e.violated_day}
                        for e in run.ledger.values())
            continue
        first = result.first_violation() or {}
        row: dict[str, Any] = {"run": result.name, "hypothetical": result.hypothetical,
                               "final_state": result.final_state,
                               "final_day": result.final_day}
        row.update({f"{p}_entered": d for p, d in result.phase_entered().items()})
        row.update({
            "days_in_limbo": result.days_in_limbo, "days_suspended": result.days_suspended,
            "first_violation": first.get("obligation"),
            "first_violation_party": first.get("party"),
            "first_violation_day": first.get("day"),
            "allegations": len(run.allegations), "refused_events": len(result.outcome.refused),
            "diverges_day": result.divergence.day if result.divergence else None,
            "forked_at_day": result.forked_at_day})
        rows.append(row)
    return rows
