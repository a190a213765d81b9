"""Timeline charts: what happened to a deal, day by day, as a publishable matplotlib figure.

:func:`timeline_figure` draws a scenario's outcome: days on the x axis; a band of the
phases and situations the run went through (limbo and suspension included); each
quantity obligation's due schedule against what was delivered, with the deal's
implementation rate (mean PAM score / 3, see :mod:`dealmodel.engine.score`); one row per
obligation in force with its deadlines, deliveries, fulfilment, violation and
suspension; allegations and rulings; and the collapse, lapse or conclusion.
:func:`write_timeline` saves it as PNG or SVG. matplotlib runs with the Agg backend
(no display needed) and is imported only when a chart is drawn.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealmodel._optional import require
from dealmodel.engine.record_handlers import on_record
from dealmodel.engine.records import AllegationStatus, Violated
from dealmodel.model.events import Performed
from dealmodel.model.obligations import ObligationKind, ObligationStatus
from dealmodel.model.phases import ExpiryRule
from dealmodel.render.timeline_spans import (
    _WITHHELD,
    _draw_rate,
    _history_days,
    _suspensions,
    _withheld_spans,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from dealmodel.engine.ledger import LedgerEntry
    from dealmodel.engine.run import Run
    from dealmodel.scenarios.outcome import Outcome

__all__ = ["day_ticks", "save_figure", "timeline_figure", "write_timeline"]

SUFFIXES = (".png", ".svg", ".pdf")
_PHASES = ("#9ecae1", "#6baed6", "#4292c6", "#2171b5")
_BAND = {"limbo": "#fdd870", "suspended": "#f4a582", "extended": "#a1d99b",
         "pending": "#eeeeee"}
_END_COLOR = {"collapsed": "#b2182b", "lapsed": "#6a51a3", "concluded": "#1a9850"}
_DUE, _DELIVERED, _OK, _BAD, _ALLEGE = "#333333", "#2171b5", "#1a9850", "#b2182b", "#d6604d"
_RECORD = "#7b6a3a"  # what is on record: neutral
_QTY_COLORS = ["#2171b5", "#e6550d", "#31a354", "#756bb1", "#636363", "#8c6d31"]


def _date(run: Run, day: int) -> str | None:
    if run.deal.in_force is None:
        return None
    try:
        start = dt.date.fromisoformat(run.deal.in_force)
        return (start + dt.timedelta(days=day - 1)).strftime("%-d %b")
    except (ValueError, OverflowError):  # no such date, or beyond the year 9999
        return None


def _deliveries(run: Run) -> dict[str, list[tuple[int, int]]]:
    out: dict[str, list[tuple[int, int]]] = {}
    for entry in run.log:
        event = entry.event
        if isinstance(event, Performed):
            out.setdefault(event.obligation, []).append((event.day, event.quantity))
    return out


def _state_kind(state: str) -> str:
    if state == "pending":
        return "pending"
    _, _, situation = state.partition(":")
    return situation or "phase"


def _draw_bands(ax: Axes, run: Run, end: float) -> None:
    history = run.history
    for i, (state, day) in enumerate(history):
        if state in _END_COLOR or state == "pending":
            continue
        stop = history[i + 1][1] - 0.5 if i + 1 < len(history) else end
        kind = _state_kind(state)
        phase_id = state.partition(":")[0]
        index = run.deal.phase_index(phase_id)
        color = _PHASES[index % len(_PHASES)] if kind == "phase" else _BAND[kind]
        ax.axvspan(day - 0.5, stop, color=color, alpha=0.9, lw=0)
        title = run.deal.phases[index].title if kind == "phase" else f"{phase_id} {kind}"
        if kind == "limbo":
            talks = run.deal.phases[index].on_expiry is ExpiryRule.CONTINUE_WHILE_NEGOTIATING
            title = ("limbo: truce holds, talks go on" if talks
                     else "limbo: time up, truce holds")
        width = stop - (day - 0.5)
        span = ax.get_xlim()[1] - ax.get_xlim()[0]
        chars = max(3, int(width / span * 150))
        ax.text((day - 0.5 + stop) / 2, 0.5, textwrap.shorten(title, chars, placeholder="…"),
                ha="center", va="center", fontsize=10, fontweight="bold", color="#1a1a1a")
    ax.set_yticks([])
    ax.set_ylabel("phase", rotation=0, ha="right", va="center", fontsize=10)


def _cumulative(points: list[tuple[int, int]]) -> tuple[list[float], list[int]]:
    xs: list[float] = []
    ys: list[int] = []
    total = 0
    for day, qty in sorted(points):
        total += qty
        xs.append(day)
        ys.append(total)
    return xs, ys


def _quantity_entries(run: Run) -> list[LedgerEntry]:
    """The quantity obligations in force or settled that owe something: one panel each."""
    out = []
    for entry in run.ledger.values():
        ob = entry.obligation
        if ob.kind is not ObligationKind.QUANTITY or entry.status is ObligationStatus.PENDING:
            continue
        if (run.owed(entry) or entry.target or 0) > 0:
            out.append(entry)
    return out


def _draw_quantity(ax: Axes, run: Run, entry: LedgerEntry, color: str,
                   deliveries: dict[str, list[tuple[int, int]]], end: float) -> None:
    """One small panel per quantity obligation, in its own units: what was delivered
    (solid) against what was due or owed in return (dashed). Separate panels, so lines
    that coincide as shares (30 prisoners per hostage) cannot hide each other."""
    ob = entry.obligation
    owed = run.owed(entry) or entry.target or 0
    party = run.deal.names(ob.obligors)
    name = f"{ob.quantity.unit if ob.quantity else ob.id} ({party})"
    start = _history_days(entry, ObligationStatus.ACTIVE)[0]
    xs, ys = _cumulative(deliveries.get(ob.id, []))
    px = [start - 0.5, *xs, end]
    py = [0, *ys, ys[-1] if ys else 0]
    ax.step(px, py, where="post", color=color, lw=2.6, zorder=3,
            label=f"{name}: delivered {entry.progress:,} of {owed:,}")
    if entry.milestones:
        dx = [start - 0.5] + [d + 0.5 for d, _ in entry.milestones]
        dy = [0] + [c for _, c in entry.milestones]
        ax.step(dx, dy, where="post", color="#333333", lw=1.3, ls="--", zorder=4,
                label=f"{name}: due on the schedule")
    elif ob.reciprocal:
        per = ob.reciprocal
        days = sorted({d for r in per for d, _ in deliveries.get(r.per, [])})
        due_x, due_y = [start - 0.5], [0]
        for d in days:
            total = sum(r.ratio * sum(q for dd, q in deliveries.get(r.per, []) if dd <= d)
                        for r in per)
            due_x.append(d)
            due_y.append(min(total, owed))
        due_x.append(end)
        due_y.append(due_y[-1])
        ax.step(due_x, due_y, where="post", color="#333333", lw=1.3, ls="--", zorder=4,
                label=f"{name}: owed in return ({per[0].ratio} per {per[0].per})")
    elif entry.due_day is not None:
        ax.plot([entry.due_day + 0.5], [owed], marker="|", ms=14, mew=2, color="#333333",
                ls="none", label=f"{name}: all {owed:,} due by day {entry.due_day}")
    ax.set_ylim(-0.06 * owed, owed * 1.12)
    ax.set_yticks([0, owed])
    ax.set_yticklabels(["0", f"{owed:,}"], fontsize=8.5)
    ax.grid(axis="y", color="#dddddd", lw=0.8)
    ax.legend(loc="upper left", fontsize=8.5, frameon=True, framealpha=0.95, ncol=2)


def _row_label(run: Run, entry: LedgerEntry) -> str:
    """``Party: what``, wrapped on up to two lines (never cut mid-phrase on one line)."""
    ob = entry.obligation
    party = run.deal.names(ob.obligors)
    what = ob.description or ob.id
    lines = textwrap.wrap(f"{party}: {what}", 44)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), 44, placeholder="…")]
    return "\n".join(lines)


def day_ticks(end: float) -> list[int]:
    """Day ticks: day 1, then a step (1, 2, 7, 14, 28, ... days) giving at least 4 ticks."""
    last = max(int(end), 1)
    step = next((s for s in (1, 2, 7, 14, 28, 56, 91, 182, 364) if last / s <= 10), 364)
    return [1, *(d for d in range(step, last + 1, step) if d > 1 + step / 3)]


def _draw_rows(ax: Axes, run: Run, entries: list[LedgerEntry],
               deliveries: dict[str, list[tuple[int, int]]], end: float) -> None:
    n = len(entries)
    for i, entry in enumerate(entries):
        y = n - 1 - i
        ob = entry.obligation
        start = _history_days(entry, ObligationStatus.ACTIVE)[0] - 0.5
        stop_days = _history_days(entry, ObligationStatus.FULFILLED,
                                  ObligationStatus.FULFILLED_LATE, ObligationStatus.DISCHARGED)
        stop = (stop_days[-1] - 0.5) if stop_days else end
        ax.barh(y, stop - start, left=start, height=0.5, color="#e8e8e8", edgecolor="#bdbdbd",
                lw=0.6, zorder=1)
        for s0, s1 in _suspensions(entry, end):
            ax.barh(y, s1 - s0, left=s0, height=0.5, color="#fbd0b6", edgecolor="#d6604d",
                    hatch="///", lw=0.8, zorder=2)
        for s0, s1 in _withheld_spans(entry, end):
            ax.barh(y, s1 - s0, left=s0, height=0.5, color=_WITHHELD, edgecolor="#6a51a3",
                    hatch="\\\\", lw=0.8, zorder=2)
        due = [d for d, _ in entry.milestones] or ([entry.due_day] if
                                                   entry.due_day is not None
                                                   and ob.kind is not ObligationKind.ONGOING
                                                   else [])
        if due:
            ax.plot([d + 0.5 for d in due], [y] * len(due), ls="none", marker="|", ms=13,
                    mew=2.2, color=_DUE, zorder=3)
        got = deliveries.get(ob.id, [])
        if got:
            ax.plot([d for d, _ in got], [y] * len(got), ls="none", marker="o", ms=6.5,
                    color=_DELIVERED, zorder=4)
        for day in _history_days(entry, ObligationStatus.FULFILLED,
                                 ObligationStatus.FULFILLED_LATE):
            ax.plot([day], [y], marker="P", ms=10, color=_OK, mec="white", ls="none", zorder=5)
        if entry.violated_day is not None:
            ax.plot([entry.violated_day + 0.5], [y], marker="X", ms=12, color=_BAD,
                    mec="white", ls="none", zorder=6)
            first = next(r for r in entry.history if isinstance(r, Violated))
            what = "partly done" if first.partial else "violated"
            late = (f", fulfilled late day {entry.fulfilled_day}"
                    if entry.status is ObligationStatus.FULFILLED_LATE else "")
            ax.annotate(f"{what} day {entry.violated_day}{late}",
                        (entry.violated_day + 0.5, y),
                        xytext=(8, 0), textcoords="offset points", va="center", fontsize=8.5,
                        color=_BAD, fontweight="bold", zorder=6)
        for a in run.allegations:
            if a.obligation == ob.id:
                ax.plot([a.day], [y + 0.33], marker="v", ms=9, color=_ALLEGE, ls="none",
                        zorder=6)
                if a.ruled_day is not None:
                    ax.plot([a.ruled_day], [y + 0.33], marker="D", ms=7,
                            color=_BAD if a.status is AllegationStatus.UPHELD else "#4d4d4d",
                            ls="none", zorder=6)
    ax.set_yticks(range(n))
    ax.set_yticklabels([_row_label(run, e) for e in reversed(entries)], fontsize=9)
    ax.set_ylim(-0.7, n - 0.3)
    ax.grid(axis="x", color="#eeeeee", lw=0.8)


def _mark_events(axes: list[Axes], run: Run, end: float) -> None:
    top = axes[0]
    same_day: dict[int, int] = {}
    for a in run.allegations:
        for ax in axes[1:]:
            ax.axvline(a.day, color=_ALLEGE, ls=":", lw=1.2, zorder=0)
        nth = same_day[a.day] = same_day.get(a.day, -1) + 1  # side by side, not on top
        what = a.obligation or "the deal"
        ruling = (f"{a.status.value} by {run.deal.party(a.ruled_by).name}, day {a.ruled_day}"
                  if a.ruled_by else "no ruling")
        by = run.deal.party(a.by).name
        against = run.deal.party(a.against).name
        axes[-1].annotate(f"{a.id}: {by} alleges {against} violated {what} ({ruling})",
                          (a.day, 1.0), xycoords=("data", "axes fraction"),
                          xytext=(3 + 10 * nth, -3),
                          textcoords="offset points", rotation=90, va="top", ha="left",
                          fontsize=8, color=_ALLEGE)
        if a.ruled_day is not None:
            for ax in axes[1:]:
                ax.axvline(a.ruled_day, color="#4d4d4d", ls="-.", lw=1, zorder=0)
    for r in on_record(run):  # recorded, not judged: a mark on the phase band, no more
        top.plot([r.day], [0.12], marker="D", ms=6, color=_RECORD, mec="white", ls="none",
                 zorder=8)
    for state, day in run.history:
        if state in _END_COLOR:
            for ax in axes:
                ax.axvline(day - 0.5, color=_END_COLOR[state], lw=3, zorder=7)
            top.annotate(f"{state.upper()} day {day}", (day - 0.5, 1.05),
                         xycoords=("data", "axes fraction"), ha="center", va="bottom",
                         fontsize=10, fontweight="bold", color=_END_COLOR[state])


def _legend(fig: Figure, run: Run) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Line2D([], [], ls="none", marker="|", ms=12, mew=2.2, color=_DUE, label="deadline"),
        Line2D([], [], ls="none", marker="o", ms=7, color=_DELIVERED, label="delivered"),
        Line2D([], [], ls="none", marker="P", ms=10, color=_OK, label="fulfilled"),
        Line2D([], [], ls="none", marker="X", ms=10, color=_BAD, label="violated"),
        Patch(facecolor="#fbd0b6", edgecolor="#d6604d", hatch="///", label="suspended"),
        Patch(facecolor=_WITHHELD, edgecolor="#6a51a3", hatch="\\\\",
              label="withheld (pending a condition)"),
        Line2D([], [], ls="none", marker="v", ms=9, color=_ALLEGE,
               label="violation alleged (not a finding)"),
        Line2D([], [], ls="none", marker="D", ms=7, color="#4d4d4d", label="ruling"),
        Patch(facecolor=_PHASES[0], label="phase in force"),
        Patch(facecolor=_BAND["limbo"], label="limbo (time up, truce holds)"),
        Patch(facecolor=_BAND["suspended"], label="deal suspended"),
    ]
    if on_record(run):
        handles.insert(7, Line2D([], [], ls="none", marker="D", ms=6, color=_RECORD,
                                 label="on record (not judged)"))
    fig.legend(handles=handles, loc="lower center", ncol=(len(handles) + 1) // 2, fontsize=9,
               frameon=False, bbox_to_anchor=(0.5, 0.035))


def timeline_figure(outcome: Outcome) -> Figure:
    """The timeline chart of a scenario's outcome, as a matplotlib Figure (Agg canvas).

    Raises :class:`~dealmodel.errors.MissingExtraError` when matplotlib is not installed.
    """
    require("matplotlib", "a timeline chart")
    from matplotlib.figure import Figure

    run = outcome.run
    scenario = outcome.scenario
    deliveries = _deliveries(run)
    last = max([run.day, *(e.event.day for e in outcome.events)])
    end = last + 0.5
    entries = [e for e in run.ledger.values() if e.status is not ObligationStatus.PENDING]
    quantities = _quantity_entries(run)
    row_height = 0.5 * max(len(entries), 1)
    height = 3.4 + 0.45 + 1.25 * (1 + len(quantities)) + row_height
    fig = Figure(figsize=(14, height), dpi=110, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.06, rect=(0, 0.09, 1, 0.91))  # type: ignore[call-arg, union-attr]
    grid = fig.add_gridspec(3 + len(quantities), 1,
                            height_ratios=[0.45, 1.25, *[1.25] * len(quantities), row_height])
    band = fig.add_subplot(grid[0])
    rate = fig.add_subplot(grid[1], sharex=band)
    panels = [fig.add_subplot(grid[2 + i], sharex=band) for i in range(len(quantities))]
    rows = fig.add_subplot(grid[-1], sharex=band)
    band.set_xlim(0.5, end + max(2.0, end * 0.06))
    _draw_bands(band, run, end)
    _draw_rate(rate, run, end)
    for i, (ax, entry) in enumerate(zip(panels, quantities, strict=True)):
        _draw_quantity(ax, run, entry, _QTY_COLORS[i % len(_QTY_COLORS)], deliveries, end)
    if panels:
        panels[len(panels) // 2].set_ylabel("delivered\n(each in its own units)", fontsize=10)
    _draw_rows(rows, run, entries, deliveries, end)
    _mark_events([band, rate, *panels, rows], run, end)
    for ax in (band, rate, *panels):
        ax.tick_params(labelbottom=False)
    ticks = day_ticks(end)
    rows.set_xticks(ticks)
    labels = []
    for d in ticks:
        date = _date(run, d)
        labels.append(f"day {d}\n{date}" if date else f"day {d}")
    rows.set_xticklabels(labels, fontsize=9)
    for ax in (band, rate, *panels, rows):
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    deal = run.deal
    title = deal.title + (" (hypothetical deal)" if deal.hypothetical else "")
    name = scenario.title or "untitled scenario"
    if scenario.hypothetical:
        name += " (hypothetical)"
    if scenario.raw_variants is not None:
        name += "\nthe base run only; its hypothetical variants are not shown"
    fig.suptitle(f"{title}\nScenario: {name}", fontsize=15, fontweight="bold")
    hyp = sum(1 for e in outcome.events if e.event.hypothetical)
    notes = [f"State on day {run.day}: {run.state}."]
    if deal.in_force:
        notes.append(f"Day 1 = {_date(run, 1)} {deal.in_force[:4]}.")
    if hyp:
        notes.append(f"{hyp} of {len(outcome.events)} events are marked hypothetical in the "
                     "scenario (dates or numbers not reported).")
    if outcome.refused:
        notes.append(f"{len(outcome.refused)} event(s) refused by the model are not shown.")
    notes.append("An allegation is not a finding. Chart: dealmodel.")
    fig.text(0.01, 0.008, " ".join(notes), fontsize=8.5, color="#444444", ha="left",
             va="bottom", wrap=True)
    _legend(fig, run)
    return fig


def write_timeline(outcome: Outcome, path: str | Path) -> Path:
    """Save the timeline chart of ``outcome`` to ``path`` (.png, .svg or vector .pdf)."""
    return save_figure(timeline_figure(outcome), Path(path))


def save_figure(fig: Figure, path: Path) -> Path:
    """Save a chart as the suffix of ``path`` says: .png, .svg (text kept as text) or .pdf."""
    from dealmodel.render.renderers import check_suffix

    suffix = check_suffix(path, SUFFIXES)
    import matplotlib

    kwargs: dict[str, Any] = {"format": suffix[1:], "facecolor": "white"}
    if suffix == ".svg":
        kwargs["metadata"] = {"Date": None}  # reproducible output
    elif suffix == ".pdf":
        kwargs["metadata"] = {"CreationDate": None}
    # SVG text stays text: searchable, and editable by a graphics desk
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(path, **kwargs)
    return path
