"""``dealmodel verify``: static checks of a deal, then a bounded exhaustive exploration.

:func:`verify` returns a :class:`Report`: the static findings (read from the definition
and from the engine's own lifecycle edges), the findings of the exploration (each with
a shortest trace), and the figures (states explored, depth, properties checked, time).
:func:`write_counterexample` turns a finding into a scenario file, with ``expect:``,
that ``dealmodel run`` reproduces.

What is proven, and what is not: see docs/how-to/check-your-deal.md.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path
from typing import Any

import attrs
import yaml

from dealmodel.analysis._pool import pool_context
from dealmodel.analysis.verify_explore import Exploration, Trace, explore
from dealmodel.analysis.verify_invariants import BUILTIN, property_named
from dealmodel.analysis.verify_space import Plan, plans
from dealmodel.analysis.verify_static import condition_hints, static_findings
from dealmodel.engine import replay
from dealmodel.io.events import event_to_dict
from dealmodel.model.deal import Deal
from dealmodel.model.obligations import ObligationKind, ObligationStatus
from dealmodel.model.phases import ExpiryRule
from dealmodel.scenarios.outcome import apply_events

__all__ = ["Finding", "Report", "verify", "write_counterexample"]

DEFAULT_DEPTH = 40
#: live states explored per slice at most (the Gaza deal's largest slice has about 17,000)
DEFAULT_MAX_STATES = 50_000


@attrs.frozen
class Finding:
    """A property that does not hold: which, why, the shortest trace (if any), and if it is a
    known gap of the engine rather than a fault of the deal, why."""

    property: str
    message: str
    trace: tuple[Any, ...] | None
    obligations: tuple[str, ...] = ()
    known_gap: str = ""
    count: int = 1
    file: str | None = None


@attrs.define
class Report:
    deal: Deal
    depth_bound: int
    exploration: Exploration
    findings: list[Finding]
    seconds: float
    slices: int
    properties: list[str]
    workers: int = 1

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if not f.known_gap]

    @property
    def gaps(self) -> list[Finding]:
        return [f for f in self.findings if f.known_gap]

    def to_dict(self) -> dict[str, Any]:
        ex = self.exploration
        failing = {f.property for f in self.findings}
        return {
            "deal": self.deal.id,
            "states_explored": ex.states,
            "transitions": ex.transitions,
            "depth": ex.depth,
            "depth_bound": self.depth_bound,
            "exhausted": ex.exhausted,
            "slices": self.slices,
            "seconds": round(self.seconds, 3),
            "workers": self.workers,
            "properties_checked": len(self.properties),
            "properties": [{"name": p, "holds": p not in failing} for p in self.properties],
            "violations": [_finding_dict(f) for f in self.violations],
            "known_gaps": [_finding_dict(f) for f in self.gaps],
            "event_kinds_not_explored": dict(ex.skipped_kinds),
            "result": "violations" if self.violations else "clean",
        }

    def text(self) -> str:
        ex = self.exploration
        bound = ("every slice explored to its natural bound (nothing new left to explore)"
                 if ex.exhausted else f"cut short: the depth bound ({self.depth_bound}) or "
                 "the state budget (--max-states) stopped at least one slice")
        lines = [f"verify {self.deal.id}: {self.deal.title}",
                 f"explored {ex.states:,} states, {ex.transitions:,} transitions in "
                 f"{self.slices} slices to depth {ex.depth} in {self.seconds:.1f} s",
                 bound,
                 f"properties checked: {len(self.properties)}"]
        for kind, why in sorted(ex.skipped_kinds.items()):
            lines.append(f"  event kind {kind!r} not explored: {why}")
        for title, items in (("violations", self.violations),
                             ("known engine gaps (not counted; --strict counts them)",
                              self.gaps)):
            lines.append(f"{title}: {len(items) or 'none'}")
            for f in items:
                lines.append(f"  {f.property}: {f.message}")
                if f.known_gap:
                    lines.append(f"    known gap: {f.known_gap}")
                if f.trace is not None:
                    lines.append(f"    shortest trace ({len(f.trace)} events):")
                    lines.extend(f"      day {e.day:>3}  {e.describe()}" for e in f.trace)
                if f.file:
                    lines.append(f"    reproduce: dealmodel run {f.file}")
        lines.append("result: " + ("VIOLATIONS" if self.violations else "clean"))
        return "\n".join(lines)


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {"property": f.property, "message": f.message, "count": f.count,
            "known_gap": f.known_gap or None, "file": f.file,
            "trace": None if f.trace is None else [event_to_dict(e) for e in f.trace]}


def verify(deal: Deal, depth: int = DEFAULT_DEPTH, max_states: int = DEFAULT_MAX_STATES,
           workers: int = 1, progress: Callable[[int, int], None] | None = None) -> Report:
    """Check ``deal``: static checks, then explore every slice to ``depth`` events.

    The slices are independent: with ``workers`` > 1 they are explored in that many
    processes, and merged in the same order as one process would, so the report is the
    same whatever the number of workers (its time aside). ``progress(done, total)`` is
    called as slices finish."""
    began = time.perf_counter()
    findings = [Finding(prop, message, trace) for prop, message, trace in static_findings(deal)]
    total = Exploration()
    slices = plans(deal)
    for done, found in enumerate(_explorations(deal, slices, depth, max_states, workers), 1):
        total.merge(found)
        if progress is not None:
            progress(done, len(slices))
    for traces in total.findings.values():
        classified = [_classify(deal, t, total.counts[t.property]) for t in traces]
        for gap in (False, True):  # the shortest violation, and the shortest known gap
            first = next((f for f in classified if bool(f.known_gap) is gap), None)
            if first is not None:
                findings.append(first)
    findings.extend(_coverage_findings(deal, total, findings))
    properties = [p.name for p in BUILTIN] + [f"invariant: {e.source}" for e in deal.invariants]
    return Report(deal, depth, total, findings, time.perf_counter() - began, len(slices),
                  properties, max(1, min(workers, len(slices))))


def _explorations(deal: Deal, slices: list[Plan], depth: int, max_states: int,
                  workers: int) -> Iterator[Exploration]:
    """Each slice's exploration, in slice order (in a process pool when workers > 1)."""
    if workers <= 1 or len(slices) <= 1:
        for plan in slices:
            yield explore(deal, plan, depth, max_states)
        return
    with ProcessPoolExecutor(max_workers=min(workers, len(slices)),
                             mp_context=pool_context()) as pool:
        yield from pool.map(explore, repeat(deal), slices, repeat(depth), repeat(max_states))


def _classify(deal: Deal, trace: Trace, count: int) -> Finding:
    gap = ""
    with contextlib.suppress(KeyError):
        gap = property_named(trace.property).known_gap
    if gap and trace.property == "ending-reachable":
        gap = gap if _stuck_on_a_violation(deal, trace) else ""
    return Finding(trace.property, trace.message, trace.events, trace.obligations, gap, count)


def _stuck_on_a_violation(deal: Deal, trace: Trace) -> bool:
    """Whether a trap holds a violated duty of an open-ended phase (which cannot settle)."""
    run = replay(deal, trace.events)
    return any(run.ledger[o.id].status is ObligationStatus.VIOLATED
               for p in deal.phases if p.duration_days is None for o in p.obligations
               if o.kind in (ObligationKind.QUANTITY, ObligationKind.ACT))


def _coverage_findings(deal: Deal, ex: Exploration, found: list[Finding]) -> list[Finding]:
    """Reachability of phases and endings, satisfiable duties, usable powers."""
    out: list[Finding] = []
    bound = "" if ex.exhausted else " within the bounds"
    from dealmodel.engine.machine import lifecycle

    targets = {edge.dest for edge in lifecycle(deal).edges}
    for phase in deal.phases:
        if phase.id not in ex.reached:
            hint = condition_hints(deal).get(phase.id, "")
            out.append(Finding("phases-reachable", f"phase {phase.id!r} is never entered"
                               f"{bound}{hint}", _nearest_miss(deal, ex, phase.id)))
    for state in sorted(targets):
        if state == "lapsed" and not can_lapse(deal):
            continue  # the lifecycle has the edge, but no clause of this deal fires it
        if ":" not in state and state not in ex.reached and state not in {
                p.id for p in deal.phases}:
            out.append(Finding("phases-reachable", f"ending {state!r} has a transition in the "
                               f"lifecycle but no run reaches it{bound}", None))
    for phase in deal.phases:
        if phase.id not in ex.reached:
            continue  # reported above
        for ob in phase.obligations:
            if ob.id not in ex.fulfilled:
                out.append(Finding("duty-satisfiable", f"{ob.id} ({ob.kind.value}, "
                                   f"{phase.id}) is never fulfilled in any run{bound}",
                                   ex.violated_at.get(ob.id), (ob.id,)))
        if phase.extension is not None and ex.accepted[f"extend@{phase.id}"] == 0:
            refused = ex.refused.get(f"extend@{phase.id}")
            out.append(Finding("powers-usable", f"the power to extend {phase.id} is never "
                               f"usable{bound}" + (f": {refused[1]}" if refused else ""),
                               refused[0] if refused else None))
    for i, power in enumerate(deal.powers):
        keys = [f"{power.kind.value}@{p.id}" for p in deal.phases
                if power.applies_to(p.id) and p.id in ex.reached]
        if keys and not any(ex.accepted[k] for k in keys):
            refused = next((ex.refused[k] for k in keys if k in ex.refused), None)
            who = " and ".join(power.holders) if power.jointly else " or ".join(power.holders)
            where = f" in {', '.join(power.phases)}" if power.phases else ""
            out.append(Finding("powers-usable", f"the power to {power.kind.value} "
                               f"(powers[{i}], held by {who}{where}) is never exercised{bound}"
                               + (f": {refused[1]}" if refused else ""),
                               refused[0] if refused else None))
    # ruling is a role, not a clause: only a deal with a mediator, guarantor, monitor or
    # joint body grants it (without one, allegations stay on record unjudged)
    if deal.mediators and not any(k.startswith("rule") for k in ex.accepted) and any(
            k.startswith("allege") for k in ex.accepted):
        refused = next((v for k, v in ex.refused.items() if k.startswith("rule")), None)
        out.append(Finding("powers-usable", "allegations can be made but nobody can rule on "
                           "them" + (f": {refused[1]}" if refused else ""),
                           refused[0] if refused else None))
    return out


def can_lapse(deal: Deal) -> bool:
    """Whether some clause of ``deal`` can make it lapse, as the engine's expiry does
    (engine/clock.py, ``expire``; handlers.py, talks ending in limbo): a phase before the
    last whose successor needs an agreement or an entry condition, unless the phase waits
    in limbo with no talks rule (hold), ends by expiring (expire, or a renewal clause);
    or a last phase whose rule is lapse. The lifecycle has a lapse edge out of every
    phase before the last, whether or not a clause can fire it."""
    last = len(deal.phases) - 1
    for i, phase in enumerate(deal.phases):
        rule = phase.on_expiry
        if phase.renewal is not None or rule in (ExpiryRule.EXPIRE, ExpiryRule.HOLD):
            continue
        if i == last:
            if rule is ExpiryRule.LAPSE:
                return True
            continue
        following = deal.phases[i + 1]
        if following.requires_agreement or following.entry_condition is not None:
            return True
    return False


def _nearest_miss(deal: Deal, ex: Exploration, phase_id: str) -> tuple[Any, ...] | None:
    """The shortest trace that ends the phase before ``phase_id`` without entering it."""
    index = deal.phase_index(phase_id)
    if index == 0:
        return ex.reached.get("pending")
    before = deal.phases[index - 1]
    for state in (before.limbo_state, "lapsed", before.id):
        if state is not None and state in ex.reached:
            return ex.reached[state]
    return None


def write_counterexample(finding: Finding, deal: Deal, folder: Path,
                         deal_ref: str | None = None, number: int = 1) -> Path | None:
    """A scenario file reproducing ``finding`` (with ``expect:``), or None without a trace."""
    if finding.trace is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in finding.property).strip("-")[:60]
    suffix = f"-{number}" if number > 1 else ""
    path = folder / f"{deal.id}-{slug}{suffix}.yaml"
    from dealmodel.engine import Run

    run = Run(deal)
    outcomes = apply_events(run, finding.trace)
    refused = sum(1 for o in outcomes if not o.accepted)
    expect: dict[str, Any] = {"property": finding.property, "note": finding.message,
                              "final_state": run.state, "day": run.day, "refused": refused}
    if finding.obligations:
        expect["obligations"] = {
            oid: {"status": run.ledger[oid].status.value,
                  "violated_day": run.ledger[oid].violated_day,
                  "progress": run.ledger[oid].progress}
            for oid in finding.obligations if oid in run.ledger}
    if run.allegations:
        expect["allegations"] = {a.id: a.status.value for a in run.allegations}
    if deal_ref is None:
        from dealmodel.io.deals import deal_to_dict

        deal_value: Any = deal_to_dict(deal)
    else:
        deal_value = deal_ref
    data = {"deal": deal_value,
            "title": f"verify: {finding.property}",
            "description": f"Found by dealmodel verify: {finding.message}",
            "hypothetical": True,
            "events": [event_to_dict(e) for e in finding.trace],
            "expect": expect}
    header = (f"# A shortest run showing: {finding.property}\n"
              f"# Reproduce: dealmodel run {path}\n")
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, width=100), encoding="utf-8")
    return path

