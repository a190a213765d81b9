"""Phase diagrams: a deal's lifecycle (and optionally a run over it) as plain data, DOT, Mermaid.

:func:`diagram_model` turns a deal into a :class:`DiagramModel` - states, edges,
labels and, given a run, an overlay (the path taken, the day each state was
entered, the final state, the violated obligations). The edges are exactly
``dealmodel.engine.machine.lifecycle(deal).edges``, the transitions the engine fires, so a
diagram cannot drift from the behaviour.

Renderers only see that data: :func:`to_dot` (Graphviz source, built with the
``graphviz`` package) and :func:`to_mermaid` (a Mermaid ``stateDiagram-v2``).
:func:`write_diagram` picks the format from a file's suffix; SVG and PNG go through
the renderer chain of :mod:`dealmodel.render.renderers`.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import attrs

from dealmodel.engine.machine import lifecycle
from dealmodel.engine.records import OnRecord, StatusChanged
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event, Suspended, ViolationAlleged
from dealmodel.model.obligations import Obligation, ObligationKind, ObligationStatus
from dealmodel.model.phases import TERMINAL_STATES, ExpiryRule, Phase

if TYPE_CHECKING:

    from dealmodel.engine.run import Run

__all__ = [
    "FORMATS",
    "DiagramEdge",
    "DiagramModel",
    "DiagramState",
    "ObligationRow",
    "RunNote",
    "diagram_model",
]

#: What fires each trigger of the lifecycle machine, in words (shown in the key).
TRIGGER_MEANING = {
    "enter_force": "the deal takes effect on day 1",
    "advance": "the phase's time is up (or agreement is reached in limbo) and the next "
               "phase's condition holds",
    "limbo": "time is up without agreement: the truce holds (while talks go on, where the "
             "phase says so)",
    "lapse": "time is up with no agreement and no talks, or talks break off in limbo",
    "conclude": "the last phase ends (an open-ended one: all its obligations settled)",
    "extend": "a holder of the extension power extends the phase",
    "suspend": "a party suspends all its performance",
    "resume": "the suspending party resumes; the deal returns to where it was",
    "collapse": "hostilities resume",
    "expire": "the term runs out with no renewal (or a party objected to it)",
    "terminate": "a holder of the power declares the deal over (after any notice)",
}

_TERMINAL_TEXT = {
    "concluded": ("Concluded", "every phase completed"),
    "collapsed": ("Collapsed", "hostilities resumed"),
    "lapsed": ("Lapsed", "ended without agreement or talks"),
    "expired": ("Expired", "the term ran out, not renewed"),
    "terminated": ("Terminated", "declared over by a power holder"),
}

#: File suffixes ``write_diagram`` understands.
FORMATS = (".svg", ".png", ".pdf", ".dot", ".mmd")


@attrs.frozen
class ObligationRow:
    """One obligation as listed on a diagram (with its status when a run is overlaid)."""

    id: str
    obligor: str  # the party's name, as in the agreement
    what: str
    target: str
    due: str
    status: str | None = None  # overlay: the obligation's status at the end of the run
    violated_day: int | None = None

    @property
    def violated(self) -> bool:
        """In breach: violated, or partially fulfilled when a deadline passed."""
        return self.status in ("violated", "partially fulfilled")


@attrs.frozen
class RunNote:
    """Something the overlaid run did, shown beside its phase: a suspension, an allegation,
    or a report, statement, incident or finding on record. ``detail`` is what the event
    behind it said (its reason or evidence, note and source), for tooltips."""

    kind: str  # suspended | alleged | recorded
    phase: str  # the phase it belongs to
    day: int
    text: str
    detail: str = ""


@attrs.frozen
class DiagramState:
    """One lifecycle state: its id, kind, label lines, and the overlay for it."""

    id: str
    kind: str  # start | phase | extended | limbo | suspended | terminal
    phase: str | None
    title: str
    details: tuple[str, ...] = ()
    obligations: tuple[ObligationRow, ...] = ()  # filled with obligations=True
    violated: tuple[ObligationRow, ...] = ()  # overlay: this phase's violated obligations
    entered: tuple[int, ...] = ()  # overlay: days the run entered this state
    final: bool = False  # overlay: the run ended (so far) in this state

    @property
    def visited(self) -> bool:
        return bool(self.entered)


@attrs.frozen
class DiagramEdge:
    """One transition: the machine's trigger and guard, and the days the run took it."""

    trigger: str
    source: str
    dest: str
    guard: str
    taken: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.trigger} [{self.guard}]" if self.guard else self.trigger


@attrs.frozen
class DiagramModel:
    """A deal's lifecycle as plain data, ready for any renderer."""

    deal_id: str
    title: str
    states: tuple[DiagramState, ...]
    edges: tuple[DiagramEdge, ...]
    subtitle: str = ""
    hypothetical: bool = False
    overlay: bool = False  # whether a run is overlaid
    final_state: str | None = None
    final_day: int | None = None
    path: tuple[tuple[str, int], ...] = ()  # overlay: (state, day entered), in order
    notes: tuple[RunNote, ...] = ()  # overlay: suspensions and allegations, by day

    def notes_of(self, phase_id: str) -> tuple[RunNote, ...]:
        return tuple(n for n in self.notes if n.phase == phase_id)

    def state(self, state_id: str) -> DiagramState:
        for s in self.states:
            if s.id == state_id:
                return s
        raise KeyError(state_id)

    @property
    def triggers(self) -> tuple[str, ...]:
        seen = dict.fromkeys(e.trigger for e in self.edges)
        return tuple(seen)


# -- building the data ------------------------------------------------------------------
def _days(n: int | None) -> str:
    if n is None:
        return "any number of days"
    return f"{n} day" if n == 1 else f"{n} days"


def _expiry_text(deal: Deal, index: int) -> str:
    phase = deal.phases[index]
    last = index == len(deal.phases) - 1
    if phase.duration_days is None and last:
        return "open-ended: concludes when its obligations are settled"
    if phase.duration_days is None:
        return f"open-ended: an end_phase event ends it, then on to {deal.phases[index + 1].id}"
    if phase.on_expiry is ExpiryRule.LAPSE:
        return "when time is up: the deal lapses"
    if last:
        return "when time is up: the deal is concluded"
    nxt = deal.phases[index + 1]
    if phase.on_expiry is ExpiryRule.CONTINUE_WHILE_NEGOTIATING:
        return (f"when time is up: on to {nxt.id} if ready, else continues while "
                f"talks on {nxt.id} go on, else lapses")
    if phase.on_expiry is ExpiryRule.HOLD:
        return (f"when time is up: on to {nxt.id} if ready, else the truce holds in limbo "
                f"until it is ended or {nxt.id} is agreed")
    return f"when time is up: on to {nxt.id} if ready, else lapses"


def _phase_details(deal: Deal, index: int) -> tuple[str, ...]:
    phase = deal.phases[index]
    lines = []
    if phase.duration_days is None:
        lines.append(f"{phase.id} · open-ended")
    elif index == 0:
        lines.append(f"{phase.id} · {_days(phase.duration_days)} (days 1–{phase.duration_days})")
    else:
        lines.append(f"{phase.id} · {_days(phase.duration_days)}")
    if index > 0:
        needs = []
        if phase.requires_agreement:
            needs.append("agreement")
        if phase.entry_condition is not None:
            needs.append(phase.entry_condition.source)
        if needs:
            lines.append("starts on " + " and ".join(needs))
    lines.append(_expiry_text(deal, index))
    if phase.extension is not None:
        ext = phase.extension
        per_day = ", ".join(f"+{n} {deal.obligation(ob).unit}/day" for ob, n in ext.per_day)
        extra = f" ({per_day})" if per_day else ""
        lines.append(f"extendable by {', '.join(ext.granted_by)} up to "
                     f"{_days(ext.max_days)}{extra}")
    if not phase.suspendable:
        lines.append("cannot be suspended")
    return tuple(lines)


def _due_text(ob: Obligation, phase: Phase) -> str:
    if ob.schedule:
        first, last = ob.schedule[0], ob.schedule[-1]
        if len(ob.schedule) == 1:
            return f"{first.cumulative:,} by day {first.day}"
        return (f"{first.cumulative:,} by day {first.day} … {last.cumulative:,} by day "
                f"{last.day} ({len(ob.schedule)} steps)")
    if ob.due_day is not None:
        return f"by day {ob.due_day}"
    if ob.kind in (ObligationKind.ONGOING, ObligationKind.PROHIBITION):
        return "while in force"
    if ob.due is not None:
        return f"within {ob.due.days} day(s) after {ob.due.after}"
    if not ob.due_at_phase_end:
        return "no deadline (open until the deal ends)"
    if phase.duration_days is None:
        return "before the phase concludes"
    return "by the end of the phase"


def _obligation_rows(deal: Deal, phase: Phase, run: Run | None) -> tuple[ObligationRow, ...]:
    rows = []
    for ob in phase.obligations:
        status = violated_day = None
        if run is not None:
            entry = run.ledger[ob.id]
            status = entry.status.value
            violated_day = entry.violated_day
        rows.append(ObligationRow(
            id=ob.id, obligor=deal.names(ob.obligors), what=ob.description or ob.id,
            target=ob.describe_target(), due=_due_text(ob, phase), status=status,
            violated_day=violated_day))
    return tuple(rows)


def _state_info(deal: Deal, state: str) -> tuple[str, str | None, str, tuple[str, ...]]:
    """kind, phase id, title and detail lines of one lifecycle state."""
    if state == "pending":
        return "start", None, "Not yet in force", ("pending",)
    if state in TERMINAL_STATES:
        title, note = _TERMINAL_TEXT[state]
        return "terminal", None, title, (note,)
    phase_id, _, situation = state.partition(":")
    index = deal.phase_index(phase_id)
    phase = deal.phases[index]
    if not situation:
        return "phase", phase_id, phase.title, _phase_details(deal, index)
    if situation == "limbo":
        nxt = deal.phases[index + 1].id if index + 1 < len(deal.phases) else None
        if phase.on_expiry is ExpiryRule.CONTINUE_WHILE_NEGOTIATING and nxt is not None:
            return "limbo", phase_id, f"{phase_id} in limbo", (
                "time is up; the truce continues", f"while talks on {nxt} go on")
        until = f"until it is ended or {nxt} is agreed" if nxt else "until it is ended"
        return "limbo", phase_id, f"{phase_id} in limbo", ("time is up; the truce holds", until)
    if situation == "extended":
        ext = phase.extension
        assert ext is not None
        return "extended", phase_id, f"{phase_id} extended", (
            f"up to {_days(ext.max_days)} more, by {', '.join(ext.granted_by)}",)
    return "suspended", phase_id, f"{phase_id} suspended", (
        "a party has suspended all its performance",
        "the phase cannot end until it resumes")


def _phase_on(run: Run, day: int) -> str:
    """The phase in force on ``day`` of the run (the first phase before it took effect)."""
    phase = run.deal.phases[0].id
    for state, entered in run.history:
        if entered > day:
            break
        if state.partition(":")[0] in {p.id for p in run.deal.phases}:
            phase = state.partition(":")[0]
    return phase


def _detail(event: Event | None) -> str:
    """What an event said, in one line: its own words, note and source."""
    if event is None:
        return ""
    parts = [f"{k}: {v}" for k, v in event.texts()]
    parts += [f"{k}: {v}" for k, v in (("note", event.note), ("source", event.source)) if v]
    return "; ".join(parts)


def run_notes(run: Run) -> tuple[RunNote, ...]:
    """The run's suspensions of obligations, its allegations and what it put on record,
    as notes by phase (each with what the event behind it said)."""
    deal = run.deal
    name = {p.id: p.name for p in deal.parties}
    notes = []
    suspensions = {(e.event.day, getattr(e.event, "obligation", None)): e.event
                   for e in run.log if isinstance(e.event, Suspended)}
    allegations = [e.event for e in run.log if isinstance(e.event, ViolationAlleged)]
    for entry in run.ledger.values():
        phase = deal.phases[deal.obligation_phase(entry.id)].id
        start: tuple[int, str] | None = None
        for r in entry.history:
            if not isinstance(r, StatusChanged):
                continue
            if r.status is ObligationStatus.SUSPENDED:
                start = (r.day, r.actor or "+".join(entry.obligation.obligors))
            elif start is not None:
                notes.append(RunNote("suspended", phase, start[0],
                                     f"{entry.id} suspended by {name.get(start[1], start[1])}, "
                                     f"days {start[0]}-{r.day}",
                                     _detail(suspensions.get((start[0], entry.id))
                                             or suspensions.get((start[0], None)))))
                start = None
        if start is not None:
            notes.append(RunNote("suspended", phase, start[0],
                                 f"{entry.id} suspended by {name.get(start[1], start[1])} "
                                 f"from day {start[0]}",
                                 _detail(suspensions.get((start[0], entry.id))
                                         or suspensions.get((start[0], None)))))
    for a in run.allegations:
        phase = (deal.phases[deal.obligation_phase(a.obligation)].id if a.obligation
                 else _phase_on(run, a.day))
        ruling = (f"{a.status.value} by {name.get(a.ruled_by, a.ruled_by)} day {a.ruled_day}"
                  if a.ruled_by else "no ruling")
        index = int(a.id[1:]) - 1
        notes.append(RunNote("alleged", phase, a.day,
                             f"{a.id} day {a.day}: {name.get(a.by, a.by)} alleges "
                             f"{name.get(a.against, a.against)} violated "
                             f"{a.obligation or 'the deal'} ({ruling})",
                             _detail(allegations[index] if index < len(allegations)
                                     else None)))
    for logged in run.log:
        for r in logged.records:
            if isinstance(r, OnRecord):
                notes.append(RunNote("recorded", _phase_on(run, r.day), r.day,
                                     f"{r.id} day {r.day}: {logged.event.describe()}",
                                     _detail(logged.event)))
    return tuple(sorted(notes, key=lambda n: n.day))


def diagram_model(deal: Deal, run: Run | None = None, *, obligations: bool = False,
                  subtitle: str = "") -> DiagramModel:
    """The lifecycle of ``deal`` as plain data; with ``run``, the run overlaid on it.

    ``obligations=True`` lists each phase's obligations (obligor, what, target, due).
    With a run, violated obligations are always listed on their phase.
    """
    machine = lifecycle(deal)
    path: tuple[tuple[str, int], ...] = tuple(run.history) if run is not None else ()
    entered: dict[str, list[int]] = {}
    for state, day in path:
        entered.setdefault(state, []).append(day)
    steps: dict[tuple[str, str], list[int]] = {}
    for a, b in pairwise(path):
        steps.setdefault((a[0], b[0]), []).append(b[1])
    states = []
    for state in lifecycle(deal).states:  # endings no clause provides for are left out
        kind, phase_id, title, details = _state_info(deal, state)
        rows: tuple[ObligationRow, ...] = ()
        violated: tuple[ObligationRow, ...] = ()
        if kind == "phase" and phase_id is not None:
            all_rows = _obligation_rows(deal, deal.phase(phase_id), run)
            rows = all_rows if obligations else ()
            violated = tuple(r for r in all_rows if r.violated)
        states.append(DiagramState(
            id=state, kind=kind, phase=phase_id, title=title, details=details,
            obligations=rows, violated=violated, entered=tuple(entered.get(state, ())),
            final=run is not None and run.state == state))
    edges = tuple(DiagramEdge(e.trigger, e.source, e.dest, e.guard,
                              tuple(steps.get((e.source, e.dest), ())))
                  for e in machine.edges)
    return DiagramModel(
        deal_id=deal.id, title=deal.title, states=tuple(states), edges=edges,
        subtitle=subtitle, hypothetical=deal.hypothetical, overlay=run is not None,
        final_state=run.state if run is not None else None,
        final_day=run.day if run is not None else None, path=path,
        notes=run_notes(run) if run is not None else ())

