"""DOT, Mermaid, SVG and text renderings of a diagram model."""


from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from dealmodel._optional import require
from dealmodel.model.phases import TERMINAL_STATES
from dealmodel.render.diagram_model import TRIGGER_MEANING, DiagramModel, DiagramState
from dealmodel.render.renderers import render_svg, render_to_file

if TYPE_CHECKING:
    import graphviz


__all__ = [
    "to_dot",
    "to_mermaid",
    "to_svg",
    "to_text",
    "write_diagram",
]

FONT = "DejaVu Sans"
_FILL = {"start": "#f2f2f2", "phase": "#dbe9f6", "extended": "#e3f0e0", "limbo": "#fff1cc",
         "suspended": "#fde0cf", "terminal": "#eeeeee"}
_VISITED = {"start": "#c9c9c9", "phase": "#8dbbe8", "extended": "#9fd39a", "limbo": "#ffd166",
            "suspended": "#f4a582", "terminal": "#bdbdbd"}
_PATH = "#1f4e79"
_RED = "#b2182b"
_GREY = "#555555"
_WRAP = 46
_STATUS_MARK = {"fulfilled": "✓ ", "fulfilled late": "✓ ", "suspended": "‖ ",
                "withheld": "‖ "}


def _days_list(days: tuple[int, ...]) -> str:
    return ", ".join(str(d) for d in days)


def _q(text: str) -> str:
    """Escape text for a DOT label (backslashes and quotes are handled by graphviz.quote)."""
    return text.replace("\\", "\\\\")


def _lines(lines: list[str], justify: str = "n", width: int = _WRAP) -> str:
    out = []
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        hanging = " " * (indent + 2) if justify != "n" else ""  # centred text: no indent
        wrapped = textwrap.wrap(line, width, subsequent_indent=hanging) or [""]
        out.extend(wrapped)
    sep = f"\\{justify}"
    return sep.join(_q(line) for line in out) + (sep if justify != "n" else "")


def node_id(state: str) -> str:
    """The DOT node id of a lifecycle state (DOT reads ``a:b`` as node a, port b)."""
    return state.replace(":", "__").replace("-", "_")


def _state_lines(model: DiagramModel, s: DiagramState) -> list[str]:
    lines = [s.title, *s.details]
    if s.entered:
        word = "day" if len(s.entered) == 1 else "days"
        lines.append(f"✔ entered {word} {_days_list(s.entered)}")
    if s.final:
        lines.append(f"◉ final state (day {model.final_day})")
    return lines


def _obligation_lines(model: DiagramModel, s: DiagramState) -> list[str]:
    lines = [f"Obligations of {s.phase}"]
    for row in s.obligations:
        lines.append(f"• {row.obligor}: {row.what}")
        target = "" if row.target == "act" else f"{row.target}, "
        status = ""
        if model.overlay and row.status is not None:
            if row.violated:
                status = f" - ✗ {row.status.upper()} (day {row.violated_day})"
            else:
                missed = (f" (missed day {row.violated_day})"
                          if row.violated_day is not None else "")
                status = f" - {_STATUS_MARK.get(row.status, '')}{row.status}{missed}"
        lines.append(f"    {target}{row.due}{status}")
    return lines


def run_note_lines(model: DiagramModel, s: DiagramState) -> list[str]:
    """What the overlaid run did in phase ``s``: violations, suspensions, allegations."""
    lines = []
    if s.violated:
        lines.append("✗ Violated in this run:")
        lines += [f"  {r.id} (day {r.violated_day}): {r.what}" for r in s.violated]
    notes = model.notes_of(s.id)
    suspended = [n.text for n in notes if n.kind == "suspended"]
    if suspended:
        lines.append("‖ Suspended:")
        lines += [f"  {text}" for text in suspended]
    alleged = [n.text for n in notes if n.kind == "alleged"]
    if alleged:
        lines.append("▼ Alleged (an allegation is not a finding):")
        lines += [f"  {text}" for text in alleged]
    recorded = [n.text for n in notes if n.kind == "recorded"]
    if recorded:
        lines.append("◆ On record (as reported, not judged):")
        lines += [f"  {text}" for text in recorded]
    return lines


def run_note_tooltip(model: DiagramModel, s: DiagramState) -> str:
    """What the events behind the notes said (reasons, notes, sources), for a tooltip:
    one line each, escaped for DOT."""
    return "\\n".join(_q(f"day {n.day}: {n.detail}") for n in model.notes_of(s.id)
                      if n.detail)


def to_graph(model: DiagramModel) -> graphviz.Digraph:
    """The diagram as a ``graphviz.Digraph`` (not yet laid out)."""
    gv = require("graphviz", "a phase diagram")

    g: graphviz.Digraph = gv.Digraph(name=model.deal_id, strict=False)
    title = model.title + (" (hypothetical deal)" if model.hypothetical else "")
    sub = model.subtitle or "Phase lifecycle: every state and every transition the engine runs"
    g.attr(rankdir="TB", label=_q(title) + "\\n" + _q(sub),
           labelloc="t", fontname=FONT, fontsize="18", nodesep="0.7", ranksep="0.6",
           newrank="true", pad="0.3", bgcolor="white")
    g.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="12",
           margin="0.25,0.1", penwidth="1.2", color="#4a6a8a")
    g.attr("edge", fontname=FONT, fontsize="10", color=_GREY, fontcolor="#333333",
           arrowsize="0.8")
    by_phase: dict[str | None, list[DiagramState]] = {}
    for s in model.states:
        by_phase.setdefault(s.phase, []).append(s)

    def node(target: graphviz.Digraph, s: DiagramState) -> None:
        classes = ["state", s.kind]
        attrs_: dict[str, str] = {"fillcolor": (_VISITED if s.visited else _FILL)[s.kind],
                                  "tooltip": s.id}
        if s.kind == "terminal":
            attrs_["style"] = "filled"
        if s.kind == "start":
            attrs_["style"] = "rounded,filled,dashed"
        if s.visited:
            classes.append("visited")
            attrs_.update(color=_PATH, penwidth="3")
        if s.final:
            classes.append("final")
            attrs_["peripheries"] = "2"
        if model.overlay and not s.visited:
            attrs_.update(fontcolor="#555555", color="#999999")
        if s.kind in ("start", "phase") or s.id == "concluded":
            attrs_["group"] = "main"  # keeps the phases in one straight column
        attrs_["class"] = " ".join(classes)
        target.node(node_id(s.id), _lines(_state_lines(model, s)), **attrs_)

    for s in by_phase.get(None, []):
        if s.kind == "start":
            node(g, s)
    for phase_id, group in by_phase.items():
        if phase_id is None:
            continue
        with g.subgraph(name=f"cluster_{node_id(phase_id)}") as c:
            c.attr(label="", style="rounded,dashed", color="#9ab7d3", margin="14")
            # top to bottom: the phase, then its extended, limbo and suspended situations
            order = {"phase": 0, "extended": 1, "limbo": 2, "suspended": 3}
            group = sorted(group, key=lambda s: order[s.kind])
            for s in group:
                node(c, s)
            main = group[0]
            beside = []
            if main.obligations:
                oid = f"{node_id(phase_id)}__obligations"
                c.node(oid, _lines(_obligation_lines(model, main), "l", 72), shape="note",
                       style="filled", fillcolor="white", color="#9ab7d3", fontsize="10",
                       margin="0.15,0.08", **{"class": "obligations"})
                beside.append(oid)
            if main.violated or model.notes_of(phase_id):
                vid = f"{node_id(phase_id)}__violated"
                lines = run_note_lines(model, main)
                c.node(vid, _lines(lines, "l"), shape="note", style="filled",
                       # red only for violations; suspensions and allegations are neutral
                       fillcolor="#fde8e8" if main.violated else "#f7f4ea",
                       color=_RED if main.violated else "#8c7b4f",
                       fontcolor=_RED if main.violated else "#333333", fontsize="11",
                       penwidth="1.5", tooltip=run_note_tooltip(model, main) or "run notes",
                       **{"class": "violated" if main.violated else "run"})
                beside.append(vid)
            if beside:
                with c.subgraph() as same:  # notes beside their phase
                    same.attr(rank="same")
                    for nid in [node_id(main.id), *beside]:
                        same.node(nid)
    with g.subgraph() as bottom:
        bottom.attr(rank="sink")
        for s in by_phase.get(None, []):
            if s.kind == "terminal":
                node(bottom, s)
    for e in model.edges:
        attrs_ = {"class": f"transition {e.trigger}"}
        label = e.trigger + (f"\\n[{_q(e.guard)}]" if e.guard else "")
        if e.taken:
            label += f"\\nday {_days_list(e.taken)}"
            attrs_.update(color=_PATH, fontcolor=_PATH, penwidth="3", fontname=FONT)
            attrs_["class"] += " taken"
        elif e.trigger == "collapse":
            attrs_.update(style="dashed", color="#b0b0b0", fontcolor="#888888")
        g.edge(node_id(e.source), node_id(e.dest), label=label, **attrs_)
    key = ["Key: what fires each transition", "[in brackets: the condition that must hold]"]
    key += [f"{t}: {TRIGGER_MEANING[t]}" for t in model.triggers]
    if model.overlay:
        key += ["thick blue: the path this run took, with the day of each step",
                "✗: an obligation found violated in this run",
                "‖: an obligation suspended by its obligor; ▼: an allegation"]
    g.node("key", _lines(key, "l"), shape="note", style="filled", fillcolor="#fafafa",
           color="#bbbbbb", fontsize="10", margin="0.15,0.08", **{"class": "key"})
    return g


def to_dot(model: DiagramModel) -> str:
    """Graphviz DOT source of the diagram (deterministic: same model, same text)."""
    source: str = to_graph(model).source
    return source


# -- Mermaid ----------------------------------------------------------------------------
def _mid(state: str) -> str:
    return state.replace(":", "_").replace("-", "_")


def _mtext(text: str) -> str:
    """Text safe inside a Mermaid state description or transition label."""
    return (text.replace('"', "'").replace(":", " -").replace(";", ",")
            .replace("{", "(").replace("}", ")").replace("#", "no.").replace("\n", " "))


def to_mermaid(model: DiagramModel) -> str:
    """A Mermaid ``stateDiagram-v2`` of the same data (for Markdown and GitHub)."""
    lines = ["---", f"title: {_mtext(model.title)}", "---", "stateDiagram-v2",
             "    direction TB"]
    for s in model.states:
        lines.append(f'    state "{_mtext(s.title)}" as {_mid(s.id)}')
        for line in s.details:
            lines.append(f"    {_mid(s.id)} : {_mtext(line)}")
        for row in s.obligations:
            text = f"{row.obligor} - {row.what} - {row.target} - {row.due}"
            if row.violated:
                text = f"VIOLATED day {row.violated_day} - " + text
            lines.append(f"    {_mid(s.id)} : {_mtext(text)}")
        if not s.obligations:
            for row in s.violated:
                lines.append(f"    {_mid(s.id)} : VIOLATED {_mtext(row.id)} "
                             f"(day {row.violated_day})")
        if s.entered:
            lines.append(f"    {_mid(s.id)} : entered day {_days_list(s.entered)}")
        if s.final:
            lines.append(f"    {_mid(s.id)} : final state (day {model.final_day})")
    lines.append("    [*] --> pending")
    for e in model.edges:
        label = e.label + (f" (day {_days_list(e.taken)})" if e.taken else "")
        lines.append(f"    {_mid(e.source)} --> {_mid(e.dest)} : {_mtext(label)}")
    for s in model.states:
        if s.id in TERMINAL_STATES:
            lines.append(f"    {s.id} --> [*]")
    if model.overlay:
        lines.append(f"    classDef visited fill:#7fb2e5,stroke:{_PATH},stroke-width:3px")
        lines.append(f"    classDef final fill:#ffd166,stroke:{_PATH},stroke-width:4px")
        visited = [_mid(s.id) for s in model.states if s.visited and not s.final]
        if visited:
            lines.append(f"    class {','.join(visited)} visited")
        finals = [_mid(s.id) for s in model.states if s.final]
        if finals:
            lines.append(f"    class {','.join(finals)} final")
    return "\n".join(lines) + "\n"


# -- output -----------------------------------------------------------------------------
def to_svg(model: DiagramModel) -> bytes:
    """The diagram rendered to SVG by the first available renderer (see ``_render``)."""

    return render_svg(to_dot(model))


def write_diagram(model: DiagramModel, path: str | Path) -> Path:
    """Write ``model`` to ``path``; the suffix chooses the format (see :data:`FORMATS`).

    Returns the path written. Raises :class:`~dealmodel.render.renderers.NoRendererError`
    (after writing the ``.dot`` next to ``path``) when SVG/PNG is asked for and no
    Graphviz renderer is installed.
    """

    return render_to_file(to_dot(model), Path(path), mermaid=lambda: to_mermaid(model))


def to_text(model: DiagramModel) -> str:
    """A plain-text outline of the diagram (the fallback when nothing can render SVG)."""
    lines = [model.title + (f" - {model.subtitle}" if model.subtitle else ""), "states:"]
    for s in model.states:
        mark = ""
        if s.entered:
            mark = f"  <- entered day {_days_list(s.entered)}"
        if s.final:
            mark += f" (final, day {model.final_day})"
        lines.append(f"  {s.id}: {s.title}{mark}")
        for row in s.violated:
            lines.append(f"    violated: {row.id} (day {row.violated_day})")
    lines.append("transitions:")
    for e in model.edges:
        taken = f"  <- day {_days_list(e.taken)}" if e.taken else ""
        lines.append(f"  {e.source} -> {e.dest}: {e.label}{taken}")
    return "\n".join(lines)

