"""Comparing runs: divergence, per-variant results and the side-by-side comparison."""


from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from dealmodel import _display
from dealmodel.analysis import export
from dealmodel.analysis.results import Divergence, VariantResult, diverge
from dealmodel.engine import Allegation, Run
from dealmodel.model.events import ClockAdvanced, Event
from dealmodel.model.obligations import ObligationStatus
from dealmodel.scenarios import export as scenario_export
from dealmodel.scenarios.outcome import Outcome, apply_events, run_scenario
from dealmodel.scenarios.scenario import Scenario
from dealmodel.scenarios.selectors import HYPOTHETICAL_NOTE, _fail, _suggest
from dealmodel.scenarios.variants import Variant

__all__ = ["Comparison", "Divergence", "VariantResult", "compare", "continue_run", "replay_until"]

def replay_until(scenario: Scenario, day: int) -> Run:
    """A run of ``scenario`` with its events up to and including ``day`` applied.

    Refused events are skipped as in :func:`~dealmodel.scenarios.run_scenario`. Continue
    it with :func:`continue_run` (which forks it) or :meth:`Run.fork` and ``apply``.
    """
    return run_scenario(attrs.evolve(scenario, events=[e for e in scenario.events
                                                       if e.day <= day])).run


def continue_run(run: Run, events: Iterable[Event], title: str = "continuation") -> Outcome:
    """Fork ``run`` and apply ``events`` to the fork; ``run`` itself is not changed.

    The outcome records refused events with their reasons; its scenario is marked
    hypothetical and holds only the continuation events.
    """
    scenario = Scenario(run.deal, tuple(events), f"{title} (hypothetical)",
                        hypothetical=True)
    return run_scenario(scenario, run.fork())


@attrs.frozen
class Comparison:
    """The base scenario and its variants, side by side. ``str()`` gives the text table."""

    scenario: Scenario
    base: VariantResult
    variants: tuple[VariantResult, ...]
    horizon: int

    @property
    def results(self) -> tuple[VariantResult, ...]:
        return (self.base, *self.variants)

    def __getitem__(self, name: str) -> VariantResult:
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(f"no variant {name!r} (compared: "
                       f"{', '.join(r.name for r in self.results)})")

    def to_dict(self) -> dict[str, Any]:
        return {"format": "dealmodel.whatif/1", "deal": self.scenario.deal.id,
                "scenario": self.scenario.title, "note": HYPOTHETICAL_NOTE,
                "horizon": self.horizon, "base": self.base.to_dict(),
                "variants": [v.to_dict() for v in self.variants]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    def records(self, table: str = "runs") -> list[dict[str, Any]]:
        """Rows of a table: ``runs`` (one per run) or ``obligations`` (per run and obligation)."""
        return export.records(self, table)

    def to_csv(self, table: str = "runs") -> str:
        """A table (see :meth:`records`) as CSV text, what ``dealmodel whatif --csv`` prints."""
        return scenario_export.to_csv(self.records(table), export.columns(self, table))

    def to_dataframe(self, table: str = "runs") -> Any:
        """A table (see :meth:`records`) as a pandas DataFrame (``dealmodel[pandas]``)."""
        return scenario_export.to_dataframe(self.records(table), export.columns(self, table))

    def _repr_html_(self) -> str:
        """Jupyter: the side-by-side table first, each variant's notes folded."""
        return _display.html(self)

    def __repr__(self) -> str:
        return (f"<Comparison of {self.scenario.title or self.scenario.deal.id!r}: base and "
                f"{len(self.variants)} hypothetical variant(s), compared on day {self.horizon}>")

    def rows(self) -> list[tuple[str, list[str]]]:
        """The table: (label, one cell per run). Labels of rows that differ end with ' *'."""
        results = self.results
        rows: list[tuple[str, list[str]]] = []

        def row(label: str, cells: list[str]) -> None:
            differs = any(c != cells[0] for c in cells[1:])
            rows.append((label + (" *" if differs else ""), cells))

        row("final state", [r.final_state for r in results])
        row("final day", [str(r.final_day) for r in results])
        for phase in self.scenario.deal.phases:
            row(f"{phase.id} entered", [_day(r.phase_entered()[phase.id]) for r in results])
        row("days in limbo", [str(r.days_in_limbo) for r in results])
        row("days suspended (deal)", [str(r.days_suspended) for r in results])
        row("suspended obligations", [
            "; ".join(f"{s['obligation']} by {s['by']}, {s['days']} d" for s in
                      r.suspensions()) or "none" for r in results])
        row("first violation", [_violation(r.first_violation()) for r in results])
        row("allegations", [_allegations(r.run.allegations) for r in results])
        row("refused events", [str(len(r.outcome.refused)) for r in results])
        row("diverges from base", ["-"] + [
            f"day {r.divergence.day}" if r.divergence else "never" for r in self.variants])
        idle = 0
        for entry_id in self.base.run.ledger:
            cells = [_progress(r.run, entry_id) for r in results]
            if all(c.startswith("pending") for c in cells):
                idle += 1
                continue
            row(entry_id, cells)
        if idle:
            row(f"({idle} more obligations)", ["pending"] * len(results))
        return rows

    def headers(self) -> list[str]:
        return ["", "base"] + [f"{v.name} (hypothetical)" for v in self.variants]

    def notes(self) -> list[str]:
        """What each variant changes, where it diverges, and its refused events."""
        lines = []
        for v in self.variants:
            lines.append(f"{v.name} (hypothetical): {v.description or '; '.join(v.changes)}")
            if v.description:
                lines.extend(f"    changes: {c}" for c in v.changes)
            if v.divergence:
                lines.append(f"    diverges on {v.divergence.describe()}")
            for r in v.refused():
                lines.append(f"    REFUSED day {r['day']} {r['event']}: {r['reason']}")
        return lines

    def to_text(self) -> str:
        head = [f"What-if comparison: {self.scenario.title or self.scenario.deal.title}",
                f"HYPOTHETICAL - {HYPOTHETICAL_NOTE}",
                f"All runs compared on day {self.horizon}. Rows marked * differ.", ""]
        table = [self.headers(), *[[label, *cells] for label, cells in self.rows()]]
        widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
        lines = []
        for i, cells in enumerate(table):
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
                         .rstrip())
            if i == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join([*head, *lines, "", *self.notes()])

    def to_markdown(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|")

        lines = [f"### What-if: {cell(self.scenario.title or self.scenario.deal.title)}", "",
                 f"> **Hypothetical.** {HYPOTHETICAL_NOTE} All runs are compared on day "
                 f"{self.horizon}; rows marked \\* differ.", "",
                 "| " + " | ".join(cell(h) for h in self.headers()) + " |",
                 "|" + "---|" * len(self.headers())]
        for label, cells in self.rows():
            lines.append("| " + " | ".join(cell(c) for c in [label.replace("*", "\\*"),
                                                             *cells]) + " |")
        lines.append("")
        lines.extend(f"- {cell(n.strip())}" for n in self.notes())
        return "\n".join(lines)

    def __str__(self) -> str:
        """The table at the terminal's width (through rich), else :meth:`to_text`."""
        return _display.text(self) or self.to_text()


def _day(day: int | None) -> str:
    return "-" if day is None else f"day {day}"


def _violation(v: dict[str, Any] | None) -> str:
    return "none" if v is None else f"{v['obligation']} ({v['party']}) day {v['day']}"


def _allegations(allegations: list[Allegation], shown: int = 3) -> str:
    """The allegations in a table cell: each in full if a few, else the count and the last."""
    if not allegations:
        return "none"
    if len(allegations) <= shown:
        return "; ".join(_allegation(a) for a in allegations)
    last = allegations[-1]
    return f"{len(allegations)}, the last {_allegation(last)}"


def _allegation(a: Any) -> str:
    what = a.obligation or "the deal"
    return f"{a.id} day {a.day} {a.by} v {a.against} {what}: {a.status.value}"


def _progress(run: Run, entry_id: str) -> str:
    entry = run.ledger[entry_id]
    owed = run.owed(entry)
    amount = f"{entry.progress:,}/{owed:,}" if owed is not None else f"{entry.progress:,}"
    if entry.status is ObligationStatus.VIOLATED:
        return f"violated d{entry.violated_day} {amount}"
    return f"{entry.status.value} {amount}"


def compare(scenario: Scenario, variants: Iterable[Variant | str] | None = None, *,
            horizon: int | None = None) -> Comparison:
    """Run ``scenario`` and its variants (default: all it declares) and compare them.

    Variants that keep the base deal fork the base run just before their first changed
    event. Each run is taken to the same ``horizon`` day (default: the last event day of
    any timeline) so that deadlines are judged alike; a variant's refused events are
    reported, never fatal.
    """
    declared = {v.name: v for v in scenario.variants()} if variants is None or any(
        isinstance(v, str) for v in variants) else {}
    chosen: list[Variant] = []
    for item in (declared.values() if variants is None else variants):
        if isinstance(item, str):
            if item not in declared:
                raise _fail("--variant", f"no variant named {item!r}",
                            _suggest(item, declared) if declared else
                            "the scenario declares no variants", scenario.source)
            item = declared[item]
        if item.base != scenario:
            raise _fail(f"variants[{item.name}]", "is a variant of another scenario",
                        "build it with scenario.variant(...)", scenario.source)
        chosen.append(item)
    timelines = [scenario.events, *(v.events for v in chosen)]
    last = max((t[-1].day for t in timelines if t), default=1)
    horizon = max(horizon or last, last)

    def extend(events: tuple[Event, ...]) -> tuple[Event, ...]:
        if events and events[-1].day >= horizon:
            return events
        return (*events, ClockAdvanced(horizon, note="comparison horizon: the clock is "
                                       "moved to the day all runs are compared on"))

    base_events = extend(scenario.events)
    variant_events = [extend(v.events) for v in chosen]
    fork_points = {_common_prefix(base_events, events)
                   for v, events in zip(chosen, variant_events, strict=True)
                   if v.deal is scenario.deal}
    forks: dict[int, Run] = {}
    run, base_outcomes = Run(scenario.deal), []
    for i, event in enumerate(base_events):
        if i in fork_points:
            forks[i] = run.fork()
        base_outcomes.extend(apply_events(run, [event]))
    if len(base_events) in fork_points:
        forks[len(base_events)] = run.fork()
    base_scenario = attrs.evolve(scenario, events=base_events)
    base = VariantResult("base", scenario.title, Outcome(base_scenario, run,
                                                         tuple(base_outcomes)))
    results = []
    for v, events in zip(chosen, variant_events, strict=True):
        vscenario = attrs.evolve(v.scenario, events=events)
        forked_at: int | None = None
        if v.deal is scenario.deal:
            k = _common_prefix(base_events, events)
            vrun = forks[k].fork()
            forked_at = vrun.day
            outcomes = [*base_outcomes[:k], *apply_events(vrun, events[k:])]
            outcome = Outcome(vscenario, vrun, tuple(outcomes))
        else:
            outcome = run_scenario(vscenario)
        results.append(VariantResult(v.name, v.description, outcome, v.changes,
                                     diverge(base_outcomes, outcome.events), forked_at))
    return Comparison(scenario, base, tuple(results), horizon)


def _common_prefix(a: Sequence[Event], b: Sequence[Event]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
