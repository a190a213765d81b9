"""The compact phase diagram: phases and endings only, legible at a report's column width.

The full diagram (:mod:`dealmodel.render.dot`) draws every lifecycle state and every
transition; at the Gaza deal's size that is a poster. The compact one draws the same
:class:`~dealmodel.render.diagram_model.DiagramModel` as one box per phase (its limbo,
extension and suspension become lines in the box) and one per ending, the phases in a
column and the endings beside them, sized to fit 16 cm (6.3 in) wide. With a run it
shows the path taken with the day of each step, the final state, and beside each phase
what the run did there: violations, suspensions and allegations.

The DOT source is written here as text (no ``graphviz`` package needed), so ``.dot``
output works without the ``diagrams`` extra.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from dealmodel.model.phases import TERMINAL_STATES
from dealmodel.render.diagram_model import DiagramModel, DiagramState
from dealmodel.render.renderers import render_svg, render_to_file

__all__ = ["WIDTH_INCHES", "to_compact_dot", "to_compact_svg", "write_compact"]

#: The widest the figure is drawn: 16 cm.
WIDTH_INCHES = 6.3
FONT = "DejaVu Sans"
_PATH = "#1f4e79"
_RED = "#b2182b"
_FILL = {"phase": "#dbe9f6", "terminal": "#eeeeee"}
_VISITED = {"phase": "#8dbbe8", "terminal": "#bdbdbd"}
_KEY = "arrows: solid = next phase, grey = another ending, dashed = hostilities resume"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(lines: list[str], width: int = 34, left: bool = False) -> str:
    out: list[str] = []
    for line in lines:
        out.extend(textwrap.wrap(line, width, subsequent_indent="  " if left else "") or [""])
    escaped = [line.replace("\\", "\\\\").replace('"', '\\"') for line in out]
    sep = "\\l" if left else "\\n"
    return '"' + sep.join(escaped) + (sep if left else "") + '"'


def _nid(state: str) -> str:
    return _q(state.replace(":", "__"))


def _phase_of(state: str) -> str:
    return state.partition(":")[0]


def _situations(model: DiagramModel, phase: DiagramState) -> list[str]:
    """The phase's situations (limbo, extension, suspension) as short lines."""
    lines = []
    for s in model.states:
        if s.phase != phase.id or s.kind == "phase":
            continue
        mark = ""
        if s.entered:
            mark = f" (day {', '.join(str(d) for d in s.entered)})"
        if s.kind == "limbo":
            lines.append(f"time up: limbo while talks go on{mark}")
        elif s.kind == "extended" and (s.visited or not model.overlay):
            lines.append(f"extendable{mark}" if not s.entered else f"extended{mark}")
        elif s.kind == "suspended" and s.visited:
            lines.append(f"deal suspended{mark}")
        if s.final:
            lines.append(f"◉ final state: {s.title} (day {model.final_day})")
    return lines


def _phase_lines(model: DiagramModel, s: DiagramState) -> list[str]:
    first = s.details[0] if s.details else s.id  # "phase1 · 42 days (days 1-42)"
    lines = [s.title, first]
    starts = [d for d in s.details if d.startswith("starts on ")]
    lines.extend(starts)
    if s.entered:
        lines.append(f"✔ entered day {', '.join(str(d) for d in s.entered)}")
    lines.extend(_situations(model, s))
    if s.final:
        lines.append(f"◉ final state (day {model.final_day})")
    return lines


def _run_lines(model: DiagramModel, s: DiagramState) -> list[str]:
    lines = [f"✗ {r.id} violated day {r.violated_day}" for r in s.violated]
    if lines or model.notes_of(s.id):
        lines.insert(0, "In this run (an allegation is not a finding):")
    marks = {"suspended": "‖", "alleged": "▼", "recorded": "◆"}
    for note in model.notes_of(s.id):
        lines.append(f"{marks.get(note.kind, '▼')} {note.text}")
    return lines


def to_compact_dot(model: DiagramModel) -> str:
    """DOT source of the compact diagram (deterministic: same model, same text)."""
    title = model.title + (" (hypothetical deal)" if model.hypothetical else "")
    sub = model.subtitle or "Phases and endings (compact; the full diagram has every state)"
    out = [f"digraph {_q(model.deal_id + '_compact')} {{",
           f'  graph [rankdir=TB, size="{WIDTH_INCHES},20", ratio=compress, '
           f"label={_label([title, sub, _KEY], 72)}, labelloc=t, fontname={_q(FONT)}, "
           'fontsize=13, nodesep=0.35, ranksep=0.35, pad=0.15, bgcolor=white, newrank=true]',
           f"  node [shape=box, style=\"rounded,filled\", fontname={_q(FONT)}, fontsize=11, "
           'margin="0.14,0.06", color="#4a6a8a", penwidth=1.2]',
           f"  edge [fontname={_q(FONT)}, fontsize=9, color=\"#666666\", arrowsize=0.7]"]
    phases = [s for s in model.states if s.kind == "phase"]
    ends = [s for s in model.states if s.kind == "terminal"]
    for s in phases:
        fill = (_VISITED if s.visited else _FILL)["phase"]
        extra = f', color="{_PATH}", penwidth=2.6' if s.visited else ""
        if any(x.final for x in model.states if x.phase == s.id):
            extra += ", peripheries=2"
        if model.overlay and not s.visited:
            extra += ', fontcolor="#555555", color="#999999"'
        out.append(f"  {_nid(s.id)} [label={_label(_phase_lines(model, s))}, "
                   f'fillcolor="{fill}", group=main{extra}]')
        notes = _run_lines(model, s)
        if notes:
            nid = _nid(s.id + "__run")
            red = bool(s.violated)
            out.append(f"  {nid} [shape=note, style=filled, label={_label(notes, 38, True)}, "
                       f'fillcolor="{"#fde8e8" if red else "#f7f4ea"}", fontsize=9.5, '
                       f'color="{_RED if red else "#8c7b4f"}", fontcolor="#1a1a1a"]')
            out.append(f"  {{rank=same; {_nid(s.id)}; {nid}}}")
            out.append(f'  {_nid(s.id)} -> {nid} [style=dotted, arrowhead=none, color="#999999"]')
    for s in ends:
        fill = (_VISITED if s.visited else _FILL)["terminal"]
        extra = f', color="{_PATH}", penwidth=2.6, peripheries=2' if s.final else ""
        out.append(f"  {_nid(s.id)} [label={_label([s.title, *s.details], 26)}, "
                   f'style=filled, fillcolor="{fill}", fontsize=10{extra}]')
    out.append("  {rank=sink; " + " ".join(_nid(s.id) for s in ends) + "}")
    out.extend(_edges(model))
    out.append("}")
    return "\n".join(out) + "\n"


def _edges(model: DiagramModel) -> list[str]:
    """One edge per pair of boxes: limbo, extension and suspension fold into their phase."""
    pairs: dict[tuple[str, str], list[int]] = {}
    triggers: dict[tuple[str, str], str] = {}
    guards: dict[tuple[str, str], str] = {}
    for e in model.edges:
        if e.source == "pending":
            continue
        a = _phase_of(e.source)
        b = e.dest if e.dest in TERMINAL_STATES else _phase_of(e.dest)
        if a == b:
            continue
        pairs.setdefault((a, b), []).extend(e.taken)
        triggers.setdefault((a, b), e.trigger)
        if e.guard:
            guards.setdefault((a, b), e.guard)
    lines = []
    for (a, b), taken in pairs.items():
        trigger = triggers[(a, b)]
        text = [guards[(a, b)]] if trigger == "advance" and (a, b) in guards else []
        style = ""
        if trigger == "collapse":
            style = ', style=dashed, color="#b0b0b0", constraint=false'
        elif b in TERMINAL_STATES and trigger != "conclude":
            style = ', color="#999999", constraint=false'
        if taken:
            text.append("day " + ", ".join(map(str, taken)))
            style = f', color="{_PATH}", fontcolor="{_PATH}", penwidth=2.6'
        label = _label(text, 40) if text else '""'
        lines.append(f"  {_nid(a)} -> {_nid(b)} [label={label}{style}]")
    return lines


def to_compact_svg(model: DiagramModel) -> bytes:
    """The compact diagram as SVG (through the renderer chain)."""
    return render_svg(to_compact_dot(model))


def write_compact(model: DiagramModel, path: str | Path) -> Path:
    """Write the compact diagram to ``path``: .svg, .png, .pdf or .dot, by suffix."""
    return render_to_file(to_compact_dot(model), Path(path))
