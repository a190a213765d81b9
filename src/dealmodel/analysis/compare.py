"""Comparing runs: divergence, per-variant results and the side-by-side comparison."""


from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from dealmodel.engine import Allegation, Run
from dealmodel.engine.records import StatusChanged
from dealmodel.model.events import ClockAdvanced, Event
from dealmodel.model.obligations import ObligationStatus
from dealmodel.scenarios.outcome import EventOutcome, Outcome, apply_events, run_scenario
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


# -- comparing ---------------------------------------------------------------------------
@attrs.frozen
class Divergence:
    """Where a variant's run first differs from the base: the day, and what each did."""

    day: int
    index: int  # position in the timeline (0-based)
    base: str
    variant: str

    def describe(self) -> str:
        return f"day {self.day}: base: {self.base}; variant: {self.variant}"

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day, "index": self.index, "base": self.base,
                "variant": self.variant}


def _result_text(item: EventOutcome) -> str:
    text = f"{item.event.describe()}"
    if not item.accepted:
        return f"{text} - REFUSED: {item.reason}"
    return f"{text} -> {', '.join(item.changes)}" if item.changes else text


def _diverge(base: Sequence[EventOutcome], other: Sequence[EventOutcome]) -> Divergence | None:
    for i in range(max(len(base), len(other))):
        b = base[i] if i < len(base) else None
        v = other[i] if i < len(other) else None
        if b is not None and v is not None:
            if b.event == v.event:
                if (b.accepted, b.reason, b.changes, b.state) == (
                        v.accepted, v.reason, v.changes, v.state):
                    continue
                return Divergence(b.event.day, i, _result_text(b), _result_text(v))
            if b.event.day == v.event.day:
                return Divergence(b.event.day, i, _result_text(b), _result_text(v))
        if v is None or (b is not None and b.event.day < v.event.day):
            assert b is not None
            return Divergence(b.event.day, i, _result_text(b),
                              f"no such event on day {b.event.day}")
        return Divergence(v.event.day, i, f"no such event on day {v.event.day}",
                          _result_text(v))
    return None


@attrs.frozen
class VariantResult:
    """One column of a comparison: a run's outcome and the measures compared."""

    name: str
    description: str
    outcome: Outcome
    changes: tuple[str, ...] = ()
    divergence: Divergence | None = None
    forked_at_day: int | None = None  # the base run was forked on this day (None: replayed)

    @property
    def hypothetical(self) -> bool:
        return self.name != "base"

    @property
    def run(self) -> Run:
        return self.outcome.run

    @property
    def final_state(self) -> str:
        return self.run.state

    @property
    def final_day(self) -> int:
        return self.run.day

    def phase_entered(self) -> dict[str, int | None]:
        """The day each phase was first entered (None: never)."""
        out: dict[str, int | None] = {p.id: None for p in self.run.deal.phases}
        for state, day in self.run.history:
            if state in out and out[state] is None:
                out[state] = day
        return out

    def _days_in(self, suffix: str) -> int:
        history, total = self.run.history, 0
        for i, (state, day) in enumerate(history):
            if state.endswith(suffix):
                end = history[i + 1][1] if i + 1 < len(history) else self.run.day + 1
                total += end - day
        return total

    @property
    def days_in_limbo(self) -> int:
        return self._days_in(":limbo")

    @property
    def days_suspended(self) -> int:
        """Days the whole deal was suspended (a suspension of one obligation is listed apart)."""
        return self._days_in(":suspended")

    def suspensions(self) -> list[dict[str, Any]]:
        """Suspensions of single obligations: which, by whom, from and to which day."""
        out = []
        for entry in self.run.ledger.values():
            current: dict[str, Any] | None = None
            for r in entry.history:
                if not isinstance(r, StatusChanged):
                    continue
                if r.status is ObligationStatus.SUSPENDED:
                    current = {"obligation": entry.id, "by": r.actor, "from_day": r.day,
                               "to_day": None, "days": None}
                    out.append(current)
                elif current is not None:
                    current["to_day"] = r.day
                    current["days"] = r.day - current["from_day"]
                    current = None
            if current is not None:
                current["days"] = self.run.day - current["from_day"] + 1
        return sorted(out, key=lambda s: s["from_day"])

    def first_violation(self) -> dict[str, Any] | None:
        found = [e for e in self.run.ledger.values() if e.violated_day is not None]
        if not found:
            return None
        first = min(found, key=lambda e: e.violated_day or 0)
        return {"obligation": first.id, "party": first.obligation.obligor,
                "day": first.violated_day}

    def obligations(self) -> dict[str, dict[str, Any]]:
        run = self.run
        return {e.id: {"status": e.status.value, "progress": e.progress,
                       "owed": run.owed(e), "violated_day": e.violated_day}
                for e in run.ledger.values()}

    def refused(self) -> list[dict[str, Any]]:
        return [{"day": e.event.day, "type": e.event.TYPE, "event": e.event.describe(),
                 "reason": e.reason} for e in self.outcome.refused]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "hypothetical": self.hypothetical,
            "description": self.description, "changes": list(self.changes),
            "final_state": self.final_state, "final_day": self.final_day,
            "phase_entered": self.phase_entered(), "days_in_limbo": self.days_in_limbo,
            "days_suspended": self.days_suspended, "suspensions": self.suspensions(),
            "first_violation": self.first_violation(),
            "obligations": self.obligations(),
            "allegations": [a.to_dict() for a in self.run.allegations],
            "refused": self.refused(),
            "divergence": self.divergence.to_dict() if self.divergence else None,
            "forked_at_day": self.forked_at_day,
        }


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

    def _notes(self) -> list[str]:
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
        return "\n".join([*head, *lines, "", *self._notes()])

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
        lines.extend(f"- {cell(n.strip())}" for n in self._notes())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


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
                                     _diverge(base_outcomes, outcome.events), forked_at))
    return Comparison(scenario, base, tuple(results), horizon)


def _common_prefix(a: Sequence[Event], b: Sequence[Event]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
