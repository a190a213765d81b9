"""Charts of Monte Carlo simulations and sweeps (matplotlib, PNG or SVG).

:func:`write_simulation_plot` draws a simulation: the chance of reaching each phase and
of each ending with their 95 % intervals, and the chance of collapse by each day as a
curve with its interval band. :func:`write_sweep_plot` draws a sweep: each chance
against the swept assumption, with interval bands. Every chart carries the disclaimer
that the figures follow from the stated assumptions and are not forecasts.
matplotlib runs with the Agg backend and is imported only when a chart is drawn.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dealmodel._optional import require
from dealmodel.analysis.montecarlo_results import DISCLAIMER

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from dealmodel.analysis.montecarlo_results import SimulationResult
    from dealmodel.analysis.simulate_sweep import SweepResult

__all__ = ["simulation_figure", "sweep_figure", "write_simulation_plot", "write_sweep_plot"]

SUFFIXES = (".png", ".svg")
_ENDING_COLORS = {"concluded": "#1a9850", "collapsed": "#b2182b", "lapsed": "#6a51a3",
                  "in_force": "#969696"}
_PHASE_COLORS = ["#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]


def _footer(fig: Figure, text: str) -> None:
    fig.text(0.01, 0.01, "\n".join(textwrap.wrap(f"{DISCLAIMER} {text}", 150)),
             fontsize=8, color="#333333", ha="left", va="bottom")


def simulation_figure(result: SimulationResult) -> Figure:
    """Phases reached, endings, and the collapse curve of one simulation."""
    require("matplotlib", "a simulation chart")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.8), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.08, 1, 0.92))  # type: ignore[call-arg, union-attr]
    bars, curve = fig.subplots(1, 2, width_ratios=(1, 1.3))
    rows = [(f"reached {r['phase']}", r, _PHASE_COLORS[i % len(_PHASE_COLORS)])
            for i, r in enumerate(result.phase_shares())]
    rows += [(r["ending"].replace("_", " "), r, _ENDING_COLORS.get(r["ending"], "#777777"))
             for r in result.ending_shares()]
    labels = [label for label, _, _ in rows]
    ps = [r["p"] for _, r, _ in rows]
    errors = [[r["p"] - r["low"] for _, r, _ in rows], [r["high"] - r["p"] for _, r, _ in rows]]
    ys = list(range(len(rows)))[::-1]
    bars.barh(ys, ps, xerr=errors, color=[c for _, _, c in rows], capsize=3)
    bars.set_yticks(ys, labels)
    bars.set_xlim(0, 1)
    bars.set_xlabel(f"share of {result.runs:,} runs (95% interval)")
    bars.set_title("Phases reached and endings", loc="left", fontsize=11)
    for y, p in zip(ys, ps, strict=True):
        bars.text(min(p + 0.02, 0.86), y, f"{p:.2f}", va="center", fontsize=8)
    data = result.collapse_curve()
    curve.fill_between(data["day"], data["low"], data["high"], color="#b2182b", alpha=0.2,
                       linewidth=0, label="95% interval")
    curve.plot(data["day"], data["p"], color="#b2182b", label="collapsed by day")
    curve.set_xlim(1, result.horizon)
    curve.set_ylim(0, 1)
    curve.set_xlabel("day (day 1 = the deal takes effect)")
    curve.set_ylabel("share of runs collapsed")
    curve.set_title("Collapse (hostilities resumed) by day", loc="left", fontsize=11)
    curve.grid(alpha=0.3)
    curve.legend(loc="upper left", fontsize=8)
    fig.suptitle(f"{result.cd.deal.title}: Monte Carlo under stated assumptions", fontsize=12)
    _footer(fig, f"Seed {result.seed}; assumptions: {result.source or 'as given'}.")
    return fig


def sweep_figure(sweep: SweepResult) -> Figure:
    """Each phase's and ending's chance against the swept assumption, with bands."""
    require("matplotlib", "a sweep chart")
    from matplotlib.figure import Figure

    first = sweep.points[0]
    fig = Figure(figsize=(9, 5.2), layout="constrained")
    fig.get_layout_engine().set(rect=(0, 0.08, 1, 0.92))  # type: ignore[call-arg, union-attr]
    ax = fig.subplots()
    xs = list(sweep.sweep.values)
    series: list[tuple[str, list[dict[str, Any]], str, str, float]] = []
    for i, pid in enumerate(first.cd.phase_ids[1:], start=1):  # thick, under the endings
        series.append((f"reached {pid}", [r.phase_shares()[i] for r in sweep.points],
                       _PHASE_COLORS[i % len(_PHASE_COLORS)], "-", 3.0))
    for j, ending in enumerate(e["ending"] for e in first.ending_shares()):
        items = [r.ending_shares()[j] for r in sweep.points]
        if any(item["count"] for item in items):
            series.append((ending.replace("_", " "), items,
                           _ENDING_COLORS.get(ending, "#777777"), "--", 1.5))
    for label, items, color, style, width in series:
        ax.fill_between(xs, [r["low"] for r in items], [r["high"] for r in items],
                        color=color, alpha=0.15, linewidth=0)
        ax.plot(xs, [r["p"] for r in items], style, marker="o", markersize=3, color=color,
                linewidth=width, label=label)
    ax.set_ylim(0, 1)
    ax.set_xlim(min(xs), max(xs))
    ax.set_xlabel(sweep.sweep.name)
    ax.set_ylabel(f"share of {first.runs:,} runs (bands: 95% interval)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    fig.suptitle(f"{first.cd.deal.title}: sweep of {sweep.sweep.name}", fontsize=12)
    _footer(fig, f"Each value: {first.runs:,} runs, seed {first.seed}, days 1-{first.horizon};"
                 f" assumptions: {first.source or 'as given'}.")
    return fig


def _save(fig: Figure, path: str | Path) -> Path:
    from dealmodel.render.renderers import check_suffix

    path = Path(path)
    suffix = check_suffix(path, SUFFIXES)
    import matplotlib

    kwargs: dict[str, Any] = {"format": suffix[1:], "facecolor": "white", "dpi": 110}
    if suffix == ".svg":
        kwargs["metadata"] = {"Date": None}
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(path, **kwargs)
    return path


def write_simulation_plot(result: SimulationResult, path: str | Path) -> Path:
    """Save the chart of ``result`` to ``path`` (.png or .svg)."""
    return _save(simulation_figure(result), path)


def write_sweep_plot(sweep: SweepResult, path: str | Path) -> Path:
    """Save the chart of a sweep to ``path`` (.png or .svg)."""
    return _save(sweep_figure(sweep), path)
