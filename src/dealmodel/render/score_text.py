"""The implementation-score report (``dealmodel run --report score``) as text.

A table of every obligation in force with its status, progress and PAM-style score
(standing duties - ongoing, prohibitions - read "kept" or "not kept"),
then the deal's implementation rate over time: the first day, each day it changed, and
the last day. The scoring rule is in :mod:`dealmodel.engine.score`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dealmodel.engine.score import LEVELS, implementation_rate, score
from dealmodel.model.obligations import ObligationKind

if TYPE_CHECKING:
    from dealmodel.engine.run import Run
    from dealmodel.scenarios.scenario import Outcome

__all__ = ["score_report"]

_BAR = 30  # characters for a rate of 100%


def _date(run: Run, day: int) -> str:
    if run.deal.in_force is None:
        return ""
    try:
        start = dt.date.fromisoformat(run.deal.in_force)
    except ValueError:
        return ""
    return (start + dt.timedelta(days=day - 1)).isoformat()


def score_report(outcome: Outcome) -> str:
    """The score table and the implementation rate over time, as text."""
    run = outcome.run
    lines = [f"{run.deal.title}",
             f"implementation scores on day {run.day} (PAM: 0 not begun, 1 minimal, "
             "2 intermediate, 3 complete; see docs/explanation/lifecycle.md)", ""]
    rows = [("obligation", "owed by", "status", "progress", "score")]
    for entry in run.ledger.values():
        value = score(run, entry)
        if value is None:
            continue
        owed = run.owed(entry)
        progress = (f"{entry.progress:,}/{owed:,} {entry.obligation.unit}" if owed is not None
                    else f"{entry.progress:,}")
        standing = entry.obligation.kind in (ObligationKind.ONGOING, ObligationKind.PROHIBITION)
        level = ("kept" if value == 3 else "not kept") if standing else LEVELS[value]
        rows.append((entry.obligation.id, "+".join(entry.obligation.obligors),
                     entry.status.value, progress, f"{value} {level}"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += ["", "implementation rate (mean score / 3), on the days it changed:"]
    series = implementation_rate(run)
    shown = [p for i, p in enumerate(series)
             if i in (0, len(series) - 1) or p[1] != series[i - 1][1]]
    for day, rate in shown:
        date = _date(run, day)
        bar = "#" * round(rate * _BAR)
        lines.append(f"  day {day:>3}  {date:<10}  {rate:>4.0%}  {bar}")
    if not series:
        lines.append("  (no obligation in force)")
    return "\n".join(lines)
