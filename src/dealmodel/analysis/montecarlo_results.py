"""What a Monte Carlo simulation counts, and the figures it reports.

A :class:`Tally` holds integer counts over a set of runs: how many reached each phase,
how each ended and on which day, each obligation's final status and the day it was
completed, the path of lifecycle states, allegations. Tallies of disjoint sets of runs
add up exactly, in any order, so a simulation split into chunks over processes or a
cluster gives the same tally as one run in a loop.

:class:`SimulationResult` turns a tally into proportions with 95 % Wilson score
intervals and renders them as text, JSON and CSV. Every rendering carries
:data:`DISCLAIMER`: the figures follow from the stated assumptions; they are not
forecasts.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter
from typing import Any

import attrs

from dealmodel.analysis.montecarlo_core import LeanRun
from dealmodel.analysis.montecarlo_table import (
    STATUS_NAMES,
    TERMINAL_STATE,
    UPHELD,
    CompiledDeal,
)

__all__ = ["DISCLAIMER", "IN_FORCE", "SimulationResult", "Tally", "wilson"]

DISCLAIMER = ("These figures follow from the assumptions stated in the scenario file and "
              "from nothing else; they are not forecasts of what will happen.")
#: The "ending" of a run still in force when the horizon is reached.
IN_FORCE = "in_force"
_Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = _Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (95 % by default)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


class Tally:
    """Counts over a set of runs of one plan (see the module docstring).

    Its size does not grow with the number of runs: counts by phase, ending and day, path
    (few distinct ones), obligation and status, obligation and fulfilment day.
    """

    __slots__ = ("alleged", "ending_days", "endings", "fulfilled", "paths", "phase_reached",
                 "runs", "status", "upheld")

    def __init__(self, phases: int, obligations: int) -> None:
        self.runs = 0
        self.phase_reached = [0] * phases
        self.endings: Counter[str] = Counter()
        self.ending_days: dict[str, Counter[int]] = {}
        self.paths: Counter[tuple[int, ...]] = Counter()
        #: runs by (obligation, final status), flat: index ob * len(STATUS_NAMES) + status
        self.status = [0] * (obligations * len(STATUS_NAMES))
        #: per obligation: the days it was fulfilled (on time or late) -> runs
        self.fulfilled: list[Counter[int]] = [Counter() for _ in range(obligations)]
        self.alleged: Counter[str] = Counter()
        self.upheld: Counter[str] = Counter()

    def add(self, lean: LeanRun) -> None:
        """Count one finished run."""
        cd = lean.cd
        self.runs += 1
        reached = self.phase_reached
        for k in range(lean.phase_index + 1):
            reached[k] += 1
        history = lean.history
        if cd.kind_of[lean.state] == TERMINAL_STATE:
            ending = cd.states[lean.state]
            days = self.ending_days.get(ending)
            if days is None:
                days = self.ending_days[ending] = Counter()
            days[history[-1][1]] += 1
        else:
            ending = IN_FORCE
        self.endings[ending] += 1
        self.paths[tuple([s for s, _ in history[1:]])] += 1
        status, fulfilled, width = self.status, self.fulfilled, len(STATUS_NAMES)
        base = 0
        for ob, day in enumerate(lean.fulfilled_day):
            status[base + lean.status[ob]] += 1
            base += width
            if day is not None:
                fulfilled[ob][day] += 1
        for against, _, verdict in lean.allegations:
            self.alleged[str(against)] += 1
            if verdict == UPHELD:
                self.upheld[str(against)] += 1

    def merge(self, other: Tally) -> Tally:
        """Add ``other``'s counts to this tally (returns self)."""
        self.runs += other.runs
        self.phase_reached = [a + b for a, b in zip(self.phase_reached, other.phase_reached,
                                                    strict=True)]
        self.endings.update(other.endings)
        for ending, days in other.ending_days.items():
            self.ending_days.setdefault(ending, Counter()).update(days)
        self.paths.update(other.paths)
        self.status = [a + b for a, b in zip(self.status, other.status, strict=True)]
        for mine, theirs in zip(self.fulfilled, other.fulfilled, strict=True):
            mine.update(theirs)
        self.alleged.update(other.alleged)
        self.upheld.update(other.upheld)
        return self

    def per_obligation(self, count: int) -> tuple[list[list[int]], list[Counter[int]]]:
        """Per obligation: runs by final status, and the days it was fulfilled."""
        width = len(STATUS_NAMES)
        return ([self.status[ob * width:(ob + 1) * width] for ob in range(count)],
                self.fulfilled)


def _share(count: int, n: int) -> dict[str, float | int]:
    low, high = wilson(count, n)
    return {"count": count, "p": _round(count / n if n else 0.0), "low": _round(low),
            "high": _round(high)}


def _round(x: float) -> float:
    return round(x, 6)


def _quantile(days: Counter[int], q: float) -> int | None:
    total = sum(days.values())
    if not total:
        return None
    rank = q * (total - 1)
    seen = 0
    for day in sorted(days):
        seen += days[day]
        if seen > rank:
            return day
    return max(days)  # pragma: no cover - the loop always returns


@attrs.frozen
class SimulationResult:
    """The figures of a simulation: see :meth:`to_dict` for the document."""

    cd: CompiledDeal
    tally: Tally
    seed: int
    horizon: int
    stated: Any  # the assumptions as stated
    scenario: str = ""
    source: str | None = None
    timing: dict[str, Any] = attrs.field(factory=dict)
    top_paths: int = 10

    @property
    def runs(self) -> int:
        return self.tally.runs

    def phase_shares(self) -> list[dict[str, Any]]:
        n = self.runs
        return [{"phase": pid, **_share(self.tally.phase_reached[i], n)}
                for i, pid in enumerate(self.cd.phase_ids)]

    def ending_shares(self) -> list[dict[str, Any]]:
        n, tally = self.runs, self.tally
        out = []
        for ending in (*self.cd.endings, IN_FORCE):
            days = tally.ending_days.get(ending, Counter())
            out.append({"ending": ending, **_share(tally.endings[ending], n),
                        "median_day": _quantile(days, 0.5)})
        return out

    def collapse_curve(self) -> dict[str, list[float] | list[int]]:
        """P(collapsed by day d) for d = 1 .. horizon, with its 95 % interval."""
        days = self.tally.ending_days.get("collapsed", Counter())
        n = self.runs
        running, ps, lows, highs = 0, [], [], []
        for day in range(1, self.horizon + 1):
            running += days.get(day, 0)
            low, high = wilson(running, n)
            ps.append(_round(running / n if n else 0.0))
            lows.append(_round(low))
            highs.append(_round(high))
        return {"day": list(range(1, self.horizon + 1)), "p": ps, "low": lows, "high": highs}

    def obligation_shares(self) -> list[dict[str, Any]]:
        """Per obligation: the share of runs ending in each status, and when it was
        fulfilled (on time or late) in the runs where it was."""
        n, cd = self.runs, self.cd
        status, fulfilled = self.tally.per_obligation(len(cd.ob_ids))
        late = STATUS_NAMES.index("fulfilled late")
        out = []
        for ob, oid in enumerate(cd.ob_ids):
            days = fulfilled[ob]
            out.append({
                "id": oid, "obligor": cd.ob_obligor[ob], "phase": cd.phase_ids[cd.ob_phase[ob]],
                "status": {name: _round(status[ob][i] / n if n else 0.0)
                           for i, name in enumerate(STATUS_NAMES)},
                "fulfilled": _share(sum(days.values()), n),
                "fulfilled_late": _share(status[ob][late], n),
                "fulfilled_day": {"p10": _quantile(days, 0.1), "median": _quantile(days, 0.5),
                                  "p90": _quantile(days, 0.9)},
                "fulfilled_days": {str(d): days[d] for d in sorted(days)},
            })
        return out

    def path_shares(self) -> list[dict[str, Any]]:
        n, states = self.runs, self.cd.states
        ranked = sorted(self.tally.paths.items(), key=lambda item: (-item[1], item[0]))
        return [{"path": [states[s] for s in path], **_share(count, n)}
                for path, count in ranked[:self.top_paths]]

    def allegation_means(self) -> dict[str, dict[str, float]]:
        n, tally = self.runs, self.tally
        return {party: {"per_run": _round(tally.alleged[party] / n),
                        "upheld_per_run": _round(tally.upheld[party] / n)}
                for party in sorted(tally.alleged)}

    def to_dict(self, timing: bool = True) -> dict[str, Any]:
        """The document ``dealmodel simulate --json`` prints (``timing`` apart, the same
        for the same seed whatever the number of workers or the executor)."""
        data: dict[str, Any] = {
            "disclaimer": DISCLAIMER,
            "deal": self.cd.deal.id, "deal_title": self.cd.deal.title,
            "scenario": self.scenario, "source": self.source,
            "runs": self.runs, "seed": self.seed, "horizon_days": self.horizon,
            "assumptions": self.stated,
            "phases_reached": self.phase_shares(),
            "endings": self.ending_shares(),
            "collapse_by_day": self.collapse_curve(),
            "obligations": self.obligation_shares(),
            "paths": self.path_shares(),
            "allegations": self.allegation_means(),
        }
        if timing:
            data["timing"] = dict(self.timing)
        return data

    def to_json(self, timing: bool = True) -> str:
        return json.dumps(self.to_dict(timing), indent=1)

    def to_csv(self) -> str:
        """Long-format CSV: section, key, day, p, low, high, count (and the disclaimer)."""
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["section", "key", "day", "p", "low", "high", "count"])
        w.writerow(["disclaimer", DISCLAIMER, "", "", "", "", ""])
        w.writerow(["runs", self.cd.deal.id, "", "", "", "", self.runs])
        for row in self.phase_shares():
            w.writerow(["phase_reached", row["phase"], "", row["p"], row["low"], row["high"],
                        row["count"]])
        for row in self.ending_shares():
            w.writerow(["ending", row["ending"], row["median_day"] or "", row["p"], row["low"],
                        row["high"], row["count"]])
        curve = self.collapse_curve()
        for i, day in enumerate(curve["day"]):
            w.writerow(["collapsed_by_day", "collapsed", day, curve["p"][i], curve["low"][i],
                        curve["high"][i], ""])
        for ob in self.obligation_shares():
            c = ob["fulfilled"]
            w.writerow(["obligation_fulfilled", ob["id"], ob["fulfilled_day"]["median"] or "",
                        c["p"], c["low"], c["high"], c["count"]])
            for status, p in ob["status"].items():
                w.writerow([f"obligation_{status}", ob["id"], "", p, "", "", ""])
        for row in self.path_shares():
            w.writerow(["path", " > ".join(row["path"]), "", row["p"], row["low"], row["high"],
                        row["count"]])
        return out.getvalue()

    def to_text(self) -> str:
        """A readable report, opening and closing with the disclaimer."""
        lines = [f"{self.cd.deal.title} - Monte Carlo simulation",
                 f"{self.runs:,} runs, seed {self.seed}, days 1-{self.horizon}"
                 + (f"; assumptions from {self.source}" if self.source else ""),
                 DISCLAIMER, "", "phase reached                 P    95% interval"]
        for row in self.phase_shares():
            lines.append(f"  {row['phase']:<24} {row['p']:6.3f}  [{row['low']:.3f}, "
                         f"{row['high']:.3f}]")
        lines += ["", f"ending by day {self.horizon:<14}  P    95% interval   median day"]
        for row in self.ending_shares():
            day = "" if row["median_day"] is None else f"{row['median_day']:>6}"
            lines.append(f"  {row['ending']:<24} {row['p']:6.3f}  [{row['low']:.3f}, "
                         f"{row['high']:.3f}]  {day}")
        curve = self.collapse_curve()
        marks = sorted({d for d in (7, 14, 28, 42, 60, 90, 120, 180, 270, 365)
                        if d <= self.horizon} | {self.horizon})
        lines += ["", "collapsed by day " + "  ".join(f"{d:>5}" for d in marks),
                  "               P " + "  ".join(f"{curve['p'][d - 1]:5.3f}" for d in marks),
                  "", "obligation              fulfilled  late  in breach  fulfilled on day "
                  "(median, 10%-90%)"]
        for ob in self.obligation_shares():
            q = ob["fulfilled_day"]
            span = (f"{q['median']:>4} ({q['p10']}-{q['p90']})" if q["median"] is not None
                    else "   -")
            breach = ob["status"]["violated"] + ob["status"]["partially fulfilled"]
            lines.append(f"  {ob['id']:<22} {ob['fulfilled']['p']:6.3f}  "
                         f"{ob['fulfilled_late']['p']:6.3f}  {breach:6.3f}    {span}")
        lines += ["", "most frequent paths"]
        for row in self.path_shares():
            lines.append(f"  {row['p']:6.3f}  {' > '.join(row['path'])}")
        allegations = self.allegation_means()
        if allegations:
            lines += ["", "allegations per run (an allegation is not a finding)"]
            for party, means in allegations.items():
                lines.append(f"  against {party:<14} {means['per_run']:6.2f} alleged, "
                             f"{means['upheld_per_run']:.2f} upheld")
        lines += ["", DISCLAIMER]
        return "\n".join(lines)
