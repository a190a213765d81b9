"""Sweeps: one assumption varied over a range, the same simulation at each value.

``--sweep phases.phase1.agreement_daily=0:0.04:9`` sets the named assumption to 9 evenly
spaced values from 0 to 0.04 and simulates each with the same runs and seed, so that
the points differ by the assumption and as little as possible by chance (each run's
random stream is the same at every point). The result is a table - P(each phase
reached), P(each ending), with 95 % intervals - and a plot. Like every simulation, it
follows from the stated assumptions and is not a forecast.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Callable
from typing import Any

import attrs

from dealmodel.analysis.montecarlo import assumptions_of, simulate
from dealmodel.analysis.montecarlo_assumptions import parse_assumptions, suggest
from dealmodel.analysis.montecarlo_results import DISCLAIMER, SimulationResult
from dealmodel.errors import Problem, ScenarioError
from dealmodel.io.yaml import LineDict
from dealmodel.scenarios.assumption_fields import (
    ACTOR_FIELDS,
    DELAY_FIELDS,
    OBLIGATION_FIELDS,
    PHASE_FIELDS,
    TOP_FIELDS,
)
from dealmodel.scenarios.scenario import Scenario

__all__ = ["Sweep", "SweepResult", "parse_sweep", "run_sweep", "with_value"]

_SWEEP_FIX = ("write NAME=START:STOP:STEPS, e.g. phases.phase1.agreement_daily=0:0.04:9 "
              "(9 values from 0 to 0.04)")


@attrs.frozen
class Sweep:
    """An assumption (a dotted path below ``assumptions:``) and the values it takes."""

    name: str
    values: tuple[float, ...]


def parse_sweep(text: str) -> Sweep:
    """Parse ``NAME=START:STOP:STEPS`` (STEPS >= 2 values, both ends included)."""
    name, eq, span = text.partition("=")
    parts = span.split(":")
    problem = None
    if not eq or not name or len(parts) != 3:
        problem = "expected NAME=START:STOP:STEPS"
    else:
        try:
            start, stop = float(parts[0]), float(parts[1])
            steps = int(parts[2])
        except ValueError:
            problem = f"START and STOP must be numbers and STEPS a whole number, got {span!r}"
        else:
            if steps < 2:
                problem = f"STEPS must be at least 2, got {steps}"
    if problem is not None:
        raise ScenarioError([Problem(f"--sweep {text}", problem, _SWEEP_FIX)])
    path_problem = _path_problem(name.split("."))
    if path_problem:
        raise ScenarioError([Problem(f"--sweep {name}", *path_problem)])
    values = tuple(round(start + (stop - start) * i / (steps - 1), 12) for i in range(steps))
    return Sweep(name, values)


@attrs.frozen
class SweepResult:
    """One simulation per value of the swept assumption."""

    sweep: Sweep
    points: tuple[SimulationResult, ...]

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for value, result in zip(self.sweep.values, self.points, strict=True):
            row: dict[str, Any] = {"value": value}
            for item in result.phase_shares():
                row[f"reached {item['phase']}"] = item
            for item in result.ending_shares():
                row[item["ending"]] = item
            rows.append(row)
        return rows

    def to_dict(self, timing: bool = True) -> dict[str, Any]:
        first = self.points[0]
        data: dict[str, Any] = {
            "disclaimer": DISCLAIMER, "deal": first.cd.deal.id, "scenario": first.scenario,
            "source": first.source, "runs": first.runs, "seed": first.seed,
            "horizon_days": first.horizon, "sweep": self.sweep.name,
            "values": list(self.sweep.values),
            "assumptions": first.stated,
            "points": [{"value": value, "phases_reached": r.phase_shares(),
                        "endings": r.ending_shares()}
                       for value, r in zip(self.sweep.values, self.points, strict=True)],
        }
        if timing:
            data["timing"] = [r.timing for r in self.points]
        return data

    def to_json(self, timing: bool = True) -> str:
        return json.dumps(self.to_dict(timing), indent=1)

    def to_csv(self) -> str:
        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow([self.sweep.name, "measure", "p", "low", "high", "count"])
        w.writerow(["disclaimer", DISCLAIMER, "", "", "", ""])
        for row in self.rows():
            for key, item in row.items():
                if key != "value":
                    w.writerow([row["value"], key, item["p"], item["low"], item["high"],
                                item["count"]])
        return out.getvalue()

    def to_text(self) -> str:
        first = self.points[0]
        rows = self.rows()
        keys = [k for k in rows[0] if k not in ("value", "reached " + first.cd.phase_ids[0])]
        lines = [f"{first.cd.deal.title} - sweep of {self.sweep.name}",
                 f"{first.runs:,} runs per value, seed {first.seed}, days 1-{first.horizon}",
                 DISCLAIMER, "",
                 f"{'value':>10}  " + "  ".join(f"{k:>16}" for k in keys)]
        for row in rows:
            cells = [f"{row[k]['p']:.3f} ±{(row[k]['high'] - row[k]['low']) / 2:.3f}"
                     for k in keys]
            lines.append(f"{row['value']:>10g}  " + "  ".join(f"{c:>16}" for c in cells))
        lines += ["", "(± is half the 95% interval)", DISCLAIMER]
        return "\n".join(lines)


def run_sweep(scenario: Scenario, sweep: Sweep, runs: int, seed: int = 0,
              progress: Callable[[int], None] | None = None, **options: Any) -> SweepResult:
    """Simulate ``scenario`` at each value of ``sweep`` (options as for simulate())."""
    assumptions_of(scenario)  # the stated assumptions must be valid to begin with
    points = []
    for value in sweep.values:
        data = with_value(scenario.raw_assumptions, sweep.name, value)
        assumptions = parse_assumptions(data, scenario.deal,
                                        f"{scenario.source or 'scenario'} with --sweep "
                                        f"{sweep.name}={value:g}")
        points.append(simulate(scenario, runs, seed, assumptions=assumptions,
                               progress=progress, **options))
    return SweepResult(sweep, tuple(points))


def with_value(data: Any, dotted: str, value: float) -> Any:
    """A copy of the stated assumptions with the field at ``dotted`` set to ``value``.

    ``dotted`` is a path below ``assumptions:``, e.g. ``phases.phase1.agreement_daily`` or
    ``obligations.p1_hostages.delay.geometric``; missing mappings are created. Whole-day
    fields take the value rounded to a whole number. Raises ScenarioError for a path that
    names no number of the assumptions (names of the deal are checked when the result is
    parsed).
    """
    parts = dotted.split(".")
    problem = _path_problem(parts)
    if problem:
        raise ScenarioError([Problem(f"--sweep {dotted}", *problem)])
    is_delay = len(parts) >= 2 and parts[-2] in DELAY_FIELDS
    new = copy.deepcopy(data) if isinstance(data, dict) else LineDict()
    node = new
    for part in parts[:-2] if is_delay else parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = LineDict()
        node = child
    field = parts[-1]
    number: float | int = value
    if field in ("planned_day", "talks_open_day", "horizon_days", "fixed"):
        number = round(value)
    if is_delay:
        node[parts[-2]] = {field: number}
    else:
        node[field] = number
    return new


def _path_problem(parts: list[str]) -> tuple[str, str] | None:
    """What is wrong with a sweep path (message, fix), or None."""
    head = parts[0]
    if head not in TOP_FIELDS:
        return f"unknown assumption {head!r}", suggest(head, TOP_FIELDS)
    if head == "note":
        return "note is not a number", "sweep a probability, a delay or a day"
    if head == "horizon_days":
        return None if len(parts) == 1 else ("horizon_days has no fields", "")
    allowed = {"defaults": OBLIGATION_FIELDS, "obligations": OBLIGATION_FIELDS,
               "actors": ACTOR_FIELDS, "phases": PHASE_FIELDS}[head]
    rest = parts[1:] if head == "defaults" else parts[2:]
    if not rest:
        return "name a field", f"e.g. {head}{'' if head == 'defaults' else '.NAME'}." \
            f"{allowed[0]}"
    if rest[0] not in allowed:
        return f"unknown field {rest[0]!r}", suggest(rest[0], allowed)
    if rest[0] in DELAY_FIELDS:
        if len(rest) != 2 or rest[1] not in ("fixed", "geometric"):
            stem = ".".join(parts[:len(parts) - len(rest) + 1])
            return (f"{rest[0]} is a distribution", f"sweep one number of it: "
                    f"{stem}.geometric (mean days) or {stem}.fixed (days)")
        return None
    if len(rest) != 1:
        return f"{rest[0]} has no fields", ""
    if rest[0] in ("alleged_by", "ruled_by"):
        return f"{rest[0]} is not a number", "sweep a probability, a delay or a day"
    return None
