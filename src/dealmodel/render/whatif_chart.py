"""What-if timelines: the base run and each hypothetical variant as small multiples.

:func:`comparison_figure` draws one row per run of a
:class:`~dealmodel.analysis.compare.Comparison`, on one shared day axis: the phases and
situations the run went through (limbo, suspension), the day it ended (collapse, lapse,
conclusion), its violations, the suspensions of single obligations, its allegations,
and the day a variant first diverges from the base. Every variant row is labelled
hypothetical, and so is the figure. ``dealmodel timeline`` draws it for a scenario that
declares variants (``--base`` draws the base alone, in detail).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from dealmodel._optional import require
from dealmodel.render.timeline import (
    _ALLEGE,
    _BAD,
    _BAND,
    _END_COLOR,
    _PHASES,
    _date,
    _state_kind,
    day_ticks,
    save_figure,
)
from dealmodel.render.timeline_spans import _suspensions
from dealmodel.scenarios.selectors import HYPOTHETICAL_NOTE

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from dealmodel.analysis.compare import Comparison
    from dealmodel.analysis.results import VariantResult

__all__ = ["comparison_figure", "write_comparison_timeline"]


def _draw_run(ax: Axes, result: VariantResult, end: float) -> None:
    run = result.run
    history = run.history
    for i, (state, day) in enumerate(history):
        if state in _END_COLOR:
            ax.axvline(day - 0.5, color=_END_COLOR[state], lw=3, zorder=5)
            ax.text(day - 0.3, 0.93, f"{state} day {day}", color=_END_COLOR[state],
                    fontsize=8.5, fontweight="bold", va="top", zorder=6)
            continue
        if state == "pending":
            continue
        stop = history[i + 1][1] - 0.5 if i + 1 < len(history) else end
        kind = _state_kind(state)
        phase_id = state.partition(":")[0]
        index = run.deal.phase_index(phase_id)
        color = _PHASES[index % len(_PHASES)] if kind == "phase" else _BAND[kind]
        ax.axvspan(day - 0.5, stop, ymin=0.58, ymax=0.98, color=color, lw=0, zorder=1)
        label = phase_id if kind == "phase" else f"{phase_id} {kind}"
        width = stop - (day - 0.5)
        if width >= 3:
            ax.text((day - 0.5 + stop) / 2, 0.78, textwrap.shorten(label, max(4, int(width))),
                    ha="center", va="center", fontsize=8.5, zorder=3)
    violated: dict[int, list[str]] = {}
    for entry in run.ledger.values():
        for s0, s1 in _suspensions(entry, end):
            ax.axvspan(s0, s1, ymin=0.02, ymax=0.2, facecolor="#fbd0b6", edgecolor="#d6604d",
                       hatch="///", lw=0.6, zorder=2)
            ax.text(s0 + 0.3, 0.11, f"{entry.id} suspended", fontsize=7.5, va="center",
                    color="#7f2704", zorder=3)
        if entry.violated_day is not None:
            violated.setdefault(entry.violated_day, []).append(entry.id)
    # one label per cluster of nearby violations, so labels never run into each other
    per_char = (end + max(2.0, end * 0.04)) / 170  # days per character of a 7.5 pt label
    clusters: list[tuple[int, list[str]]] = []
    for day in sorted(violated):
        ax.plot([day + 0.5], [0.33], marker="X", ms=9, color=_BAD, mec="white", ls="none",
                zorder=6)
        if clusters:
            first, ids = clusters[-1]
            if first + 0.9 + len(f"{', '.join(ids)} violated") * per_char > day:
                ids.extend(violated[day])
                continue
        clusters.append((day, list(violated[day])))
    for day, ids in clusters:
        ax.text(day + 0.9, 0.33, f"{', '.join(ids)} violated", fontsize=7.5, color=_BAD,
                va="center", zorder=6)
    for a in run.allegations:
        ax.plot([a.day], [0.47], marker="v", ms=8, color=_ALLEGE, ls="none", zorder=6)
    if result.divergence is not None:
        ax.axvline(result.divergence.day - 0.5, color="#444444", ls="--", lw=1.2, zorder=2)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    name = "base" if not result.hypothetical else f"{result.name}\n(hypothetical)"
    ax.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9.5,
                  fontweight="bold" if not result.hypothetical else "normal")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _legend(fig: Figure) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=_PHASES[0], label="phase in force"),
        Patch(facecolor=_BAND["limbo"], label="limbo (time up, truce holds)"),
        Patch(facecolor=_BAND["suspended"], label="deal suspended"),
        Patch(facecolor="#fbd0b6", edgecolor="#d6604d", hatch="///",
              label="obligation suspended"),
        Line2D([], [], ls="none", marker="X", ms=9, color=_BAD, label="violated"),
        Line2D([], [], ls="none", marker="v", ms=8, color=_ALLEGE,
               label="violation alleged (not a finding)"),
        Line2D([], [], color="#444444", ls="--", label="variant diverges from the base"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, fontsize=8.5, frameon=False,
               bbox_to_anchor=(0.5, 0.03))


def comparison_figure(comparison: Comparison) -> Figure:
    """Small multiples of a what-if comparison: the base, then each hypothetical variant.

    Raises :class:`~dealmodel.errors.MissingExtraError` when matplotlib is not installed.
    """
    require("matplotlib", "a timeline chart")
    from matplotlib.figure import Figure

    results = comparison.results
    end = comparison.horizon + 0.5
    fig = Figure(figsize=(12, 1.9 + 0.85 * len(results)), dpi=110, layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.1, 1, 0.9))  # type: ignore[call-arg, union-attr]
    axes = fig.subplots(len(results), 1, sharex=True, squeeze=False)[:, 0]
    for ax, result in zip(axes, results, strict=True):
        _draw_run(ax, result, end)
    axes[0].set_xlim(0.5, end + max(2.0, end * 0.04))
    ticks = day_ticks(end)
    run = comparison.base.run
    axes[-1].set_xticks(ticks)
    axes[-1].set_xticklabels([f"day {d}\n{_date(run, d)}" if _date(run, d) else f"day {d}"
                              for d in ticks], fontsize=8.5)
    title = comparison.scenario.title or comparison.scenario.deal.title
    fig.suptitle(f"What-if: {title}\nthe base run and {len(comparison.variants)} "
                 "HYPOTHETICAL variants", fontsize=13, fontweight="bold")
    fig.text(0.01, 0.006, f"{HYPOTHETICAL_NOTE} All runs compared on day "
             f"{comparison.horizon}. An allegation is not a finding. Chart: dealmodel.",
             fontsize=8, color="#444444", ha="left", va="bottom", wrap=True)
    _legend(fig)
    return fig


def write_comparison_timeline(comparison: Comparison, path: str | Path) -> Path:
    """Save :func:`comparison_figure` to ``path`` (.png, .svg or vector .pdf)."""
    return save_figure(comparison_figure(comparison), Path(path))

