"""Static checks for ``dealmodel verify``: what the definition and the lifecycle edges show
without running anything.

* every lifecycle state is reachable from ``pending`` along the engine's own edges;
* from every live state an ending other than collapse is reachable along the edges;
* no edge skips a phase (each phase hands over only to the next) - the deal format
  cannot express a skip, so this guards the engine's machine itself;
* every name in every condition (entry conditions, invariants) is defined;
* (the loader checks that each power's holders are actors of the deal). A deal with no
  mediator, guarantor, monitor or joint body grants no power to rule: its allegations
  stay on record, unjudged (as the engine records them), which is no fault.

Each finding is ``(property, message)``; the exploration decides what only a run can show.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from dealmodel.engine.machine import Edge, lifecycle
from dealmodel.model.checks import condition_names
from dealmodel.model.deal import Deal

__all__ = ["condition_hints", "edge_findings", "static_findings"]

_READS_PROGRESS = ("fulfilled", "progress", "delivered", "released", "status", "violated")


def static_findings(deal: Deal) -> Iterator[tuple[str, str, None]]:
    """Every static finding as (property, message, no trace)."""
    for prop, message in edge_findings(deal, lifecycle(deal).edges):
        yield prop, message, None
    for prop, message in _name_findings(deal):
        yield prop, message, None


def edge_findings(deal: Deal, edges: Iterable[Edge]) -> Iterator[tuple[str, str]]:
    """Reachability, traps and skips on a lifecycle's edges (the engine's, or any list)."""
    edges = list(edges)
    order = {p.id: i for i, p in enumerate(deal.phases)}
    out: dict[str, set[str]] = {}
    for edge in edges:
        out.setdefault(edge.source, set()).add(edge.dest)
        src = order.get(edge.source.split(":")[0])
        dst = order.get(edge.dest.split(":")[0])
        if dst is not None and ((src is None and dst != 0) or (src is not None
                                and dst not in (src, src + 1))):
            yield ("phases-in-order", f"the lifecycle edge {edge.trigger}: {edge.source} -> "
                   f"{edge.dest} skips a phase (each phase may only hand over to the next)")
    seen, todo = {"pending"}, ["pending"]
    while todo:
        for nxt in out.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    terminal = {"concluded", "collapsed", "lapsed"} | {
        s for s in deal.states() if s not in out and ":" not in s and s not in order
        and s != "pending"}
    for state in deal.states():
        if state not in seen and state not in terminal:
            yield ("phases-reachable", f"state {state!r} has no path from 'pending' in the "
                   "lifecycle")
    good = {s for s in terminal if s != "collapsed"}
    changed = True
    while changed:
        changed = False
        for state, dests in out.items():
            if state not in good and dests & good:
                good.add(state)
                changed = True
    for state in deal.states():
        if state in seen and state not in terminal and state not in good:
            yield ("ending-reachable", f"state {state!r} has no path to an ending other than "
                   "collapse in the lifecycle")


def _name_findings(deal: Deal) -> Iterator[tuple[str, str]]:
    conditions = [(f"phases[{i}].entry_condition", p.entry_condition)
                  for i, p in enumerate(deal.phases) if p.entry_condition is not None]
    conditions += [(f"invariants[{i}]", e) for i, e in enumerate(deal.invariants)]
    for where, expression in conditions:
        for func, arg, kind, known in condition_names(deal, expression):
            if arg not in known:
                yield ("names-defined", f"{where}: {func}(\"{arg}\") names no "
                       f"{kind.replace('-', ' ')} of {deal.id}")


def condition_hints(deal: Deal) -> dict[str, str]:
    """Why a phase's entry condition may never hold, read from what it names."""
    hints: dict[str, str] = {}
    for i, phase in enumerate(deal.phases):
        if phase.entry_condition is None:
            continue
        for func, arg in phase.entry_condition.references:
            if func in ("agreed", "negotiating") and arg in order_of(deal) \
                    and order_of(deal)[arg] > i:
                hints[phase.id] = (f"; its entry condition reads {func}(\"{arg}\"), a phase that "
                                   "comes after it (as if the deal could skip to it)")
            elif func in _READS_PROGRESS and arg in {o.id for o in deal.obligations()}:
                owner = deal.obligation_phase(arg)
                if owner >= i:
                    hints[phase.id] = (f"; its entry condition reads {func}(\"{arg}\"), a duty "
                                       f"of {deal.phases[owner].id}, which is not in force "
                                       f"before {phase.id} begins: a duty due before its "
                                       "phase starts")
        if phase.id not in hints:
            hints[phase.id] = (f"; its entry condition is {phase.entry_condition.source!r}: "
                               "no explored run makes it true when the phase before ends")
    return hints


def order_of(deal: Deal) -> dict[str, int]:
    return {p.id: i for i, p in enumerate(deal.phases)}
