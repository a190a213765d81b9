"""Private: the timeline chart's spans and the implementation-rate panel, from a run's
typed records: the days a duty entered a status, the spans it was suspended or withheld,
and the deal's implementation rate (see :mod:`dealmodel.engine.score`).
:mod:`dealmodel.render.timeline` draws the rest of the chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dealmodel.engine.records import StatusChanged, Withholding, WithholdingReleased
from dealmodel.engine.score import implementation_rate
from dealmodel.model.obligations import ObligationStatus

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run

__all__: list[str] = []

_RATE = "#111111"
_WITHHELD = "#dadaeb"


def _history_days(entry: LedgerEntry, *statuses: ObligationStatus) -> list[int]:
    """The days ``entry`` entered one of ``statuses``."""
    return [r.day for r in entry.history
            if isinstance(r, StatusChanged) and r.status in statuses]


def _suspensions(entry: LedgerEntry, end: float) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    start: int | None = None
    for r in entry.history:
        if not isinstance(r, StatusChanged):
            continue
        if r.status is ObligationStatus.SUSPENDED and start is None:
            start = r.day
        elif start is not None and r.status is not ObligationStatus.SUSPENDED:
            spans.append((start - 0.5, r.day - 0.5))
            start = None
    if start is not None:
        spans.append((start - 0.5, end))
    return spans


def _withheld_spans(entry: LedgerEntry, end: float) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    start: int | None = None
    for r in entry.history:
        if isinstance(r, Withholding):
            start = r.day
        elif start is not None and (isinstance(r, WithholdingReleased) or (
                isinstance(r, StatusChanged) and r.status is ObligationStatus.DISCHARGED)):
            spans.append((start - 0.5, r.day - 0.5))
            start = None
    if start is not None:
        spans.append((start - 0.5, end))
    return spans


def _draw_rate(ax: Axes, run: Run, end: float) -> None:
    """The deal's implementation rate (mean PAM score / 3), in % of full, on its own
    panel (see :mod:`dealmodel.engine.score` for the scoring rule)."""
    series = implementation_rate(run)
    if series:
        xs = [day - 0.5 for day, _ in series] + [end]
        ys = [100 * rate for _, rate in series] + [100 * series[-1][1]]
        ax.step(xs, ys, where="post", color=_RATE, lw=2.2, zorder=4,
                label="implementation rate (mean PAM score / 3), % of full")
        ax.legend(loc="upper left", fontsize=8.5, frameon=True, framealpha=0.95)
    ax.set_ylim(-6, 112)
    ax.set_yticks([0, 50, 100])
    ax.set_yticklabels(["0%", "50%", "100%"], fontsize=8.5)
    ax.set_ylabel("implemented", fontsize=10)
    ax.grid(axis="y", color="#dddddd", lw=0.8)
