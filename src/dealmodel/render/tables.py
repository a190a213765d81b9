"""Tables: one plain table model, rendered as terminal text (rich), Markdown or HTML.

A :class:`Table` is data - a title, column headers, rows of strings, notes - built by
the ``*_table`` functions from a run, an outcome, a comparison or a deal. Renderers only
read that data, so the terminal, a Markdown report and Jupyter show the same table:

* :func:`print_table` / :func:`to_text` - through ``rich``: fits the terminal's width
  (cells wrap), bold headers, and no colour when the output is piped or ``NO_COLOR`` is
  set; with ``width=`` for a fixed width.
* :func:`to_markdown` - a GitHub-flavoured Markdown table.
* :func:`to_html` - an HTML ``<table>``, escaped, for notebooks and web pages.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING

import attrs

from dealmodel.engine.record_handlers import on_record
from dealmodel.model.deal import Deal
from dealmodel.model.obligations import ObligationStatus
from dealmodel.scenarios.selectors import HYPOTHETICAL_NOTE
from dealmodel.scenarios.text import event_lines

if TYPE_CHECKING:
    from rich.table import Table as RichTable

    from dealmodel.analysis.compare import Comparison
    from dealmodel.engine import LedgerEntry, Run
    from dealmodel.scenarios.scenario import Outcome

__all__ = [
    "Table",
    "allegations_table",
    "comparison_table",
    "comparison_text",
    "events_table",
    "obligations_table",
    "on_record_table",
    "phases_table",
    "print_table",
    "to_html",
    "to_markdown",
    "to_text",
]


def _rows(rows: Iterable[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(row) for row in rows)


def _strs(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(items)


def _ints(items: Iterable[int]) -> frozenset[int]:
    return frozenset(items)


@attrs.frozen
class Table:
    """A table as data: every cell a string, ``right`` the columns aligned right.

    ``marked`` holds the indices of rows to emphasise (in a comparison: rows where a
    variant differs from the base). ``notes`` are lines shown under the table.
    """

    columns: tuple[str, ...] = attrs.field(converter=_strs)
    rows: tuple[tuple[str, ...], ...] = attrs.field(converter=_rows)
    title: str = ""
    notes: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    right: frozenset[int] = attrs.field(default=frozenset(), converter=_ints)
    marked: frozenset[int] = attrs.field(default=frozenset(), converter=_ints)

    def __attrs_post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"row {i} has {len(row)} cells for {len(self.columns)} "
                                 f"columns: {row!r}")


# -- renderers ------------------------------------------------------------------------------
def _rich_table(table: Table) -> RichTable:
    from rich import box
    from rich.table import Table as RichTable

    out = RichTable(title=table.title or None, box=box.SIMPLE_HEAD, title_justify="left",
                    title_style="bold", header_style="bold", pad_edge=False, expand=False)
    for i, name in enumerate(table.columns):
        # the first column holds labels and ids: kept whole, the others wrap at spaces
        out.add_column(name, justify="right" if i in table.right else "left",
                       overflow="fold", no_wrap=i == 0)
    for i, row in enumerate(table.rows):
        out.add_row(*row, style="bold" if i in table.marked else None)
    return out


def print_table(table: Table, file: IO[str] | None = None, width: int | None = None) -> None:
    """Print ``table`` to ``file`` (default: standard output) through rich.

    The width is the terminal's (``COLUMNS``, else 80, when not a terminal); there is no
    colour when the output is not a terminal or the ``NO_COLOR`` variable is set.
    """
    from rich.console import Console

    console = Console(file=file, width=width, highlight=False, emoji=False, markup=False)
    with console.capture() as captured:
        console.print(_rich_table(table))
        for note in table.notes:
            console.print(note)
    text = "\n".join(line.rstrip() for line in captured.get().splitlines())
    console.file.write(text + "\n")


def to_text(table: Table, width: int = 100) -> str:
    """``table`` as plain text ``width`` columns wide (no colour, no escape codes)."""
    buffer = io.StringIO()
    from rich.console import Console

    console = Console(file=buffer, width=width, no_color=True, force_terminal=False,
                      highlight=False, emoji=False, markup=False, color_system=None)
    console.print(_rich_table(table))
    for note in table.notes:
        console.print(note)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("*", "\\*")


def to_markdown(table: Table) -> str:
    """``table`` as a Markdown (GitHub) table, with its title as a heading."""
    lines = [f"### {_md(table.title)}", ""] if table.title else []
    lines.append("| " + " | ".join(_md(c) for c in table.columns) + " |")
    lines.append("|" + "".join("---:|" if i in table.right else "---|"
                               for i in range(len(table.columns))))
    for i, row in enumerate(table.rows):
        cells = [_md(c) for c in row]
        if i in table.marked:
            cells[0] = f"**{cells[0]}**"
        lines.append("| " + " | ".join(cells) + " |")
    if table.notes:
        lines.append("")
        lines.extend(f"- {_md(n.strip())}" for n in table.notes)
    return "\n".join(lines) + "\n"


def to_html(table: Table, caption: bool = True) -> str:
    """``table`` as an HTML ``<table>`` (every cell escaped); notes follow as a list."""
    esc = html.escape
    parts = ['<table class="dealmodel">']
    if caption and table.title:
        parts.append(f"<caption>{esc(table.title)}</caption>")
    parts.append("<thead><tr>" + "".join(
        f'<th style="text-align:{"right" if i in table.right else "left"}">'
        f'{esc(c).replace(chr(10), "<br>")}</th>'
        for i, c in enumerate(table.columns)) + "</tr></thead><tbody>")
    for i, row in enumerate(table.rows):
        style = ' style="font-weight:bold"' if i in table.marked else ""
        cells = "".join(
            f'<td style="text-align:{"right" if j in table.right else "left"}">{esc(c)}</td>'
            for j, c in enumerate(row))
        parts.append(f"<tr{style}>{cells}</tr>")
    parts.append("</tbody></table>")
    if table.notes:
        parts.append("<ul>" + "".join(f"<li>{esc(n.strip())}</li>" for n in table.notes)
                     + "</ul>")
    return "".join(parts)


# -- builders -------------------------------------------------------------------------------
def progress_text(run: Run, entry: LedgerEntry) -> str:
    """``k/n`` of an obligation (``k`` alone when nothing fixed is owed)."""
    owed = run.owed(entry)
    return f"{entry.progress:,}/{owed:,}" if owed is not None else f"{entry.progress:,}"


def obligations_table(run: Run, pending: bool = True) -> Table:
    """Each obligation of the run's ledger: obligor, status, progress, due day."""
    rows = []
    for entry in run.ledger.values():
        if not pending and entry.status is ObligationStatus.PENDING:
            continue
        ob = entry.obligation
        status = entry.status.value
        if entry.violated_day is not None:
            status += f" (day {entry.violated_day})"
        rows.append((ob.id, "+".join(ob.obligors), status, progress_text(run, entry),
                     "-" if entry.due_day is None else str(entry.due_day)))
    return Table(("obligation", "obligor", "status", "progress", "due day"), rows,
                 title=f"Obligations on day {run.day}", right={3, 4})


def capped(table: Table, limit: int, where: str) -> Table:
    """``table`` with at most ``limit`` rows: the first and last halves, and a row between
    them saying how many are left out and where to find them all."""
    rows = table.rows
    if len(rows) <= limit:
        return table
    half = limit // 2
    gap = ("...",) + ("",) * (len(table.columns) - 1)
    kept = [*rows[:half], gap, *rows[-half:]]
    marked = {i if i < half else i - len(rows) + 2 * half + 1 for i in table.marked
              if i < half or i >= len(rows) - half}
    note = f"{len(rows) - 2 * half} of {len(rows)} rows not shown (at the ...): {where}"
    return Table(table.columns, kept, title=table.title, notes=(*table.notes, note),
                 right=table.right, marked=marked)


def allegations_table(run: Run) -> Table:
    """The allegations made in the run and their rulings (an allegation is not a finding)."""
    rows = []
    for a in run.allegations:
        ruling = (f"{a.status.value} by {a.ruled_by}, day {a.ruled_day}" if a.ruled_by
                  else "no ruling")
        rows.append((a.id, str(a.day), a.by, a.against, a.obligation or "the deal", ruling))
    return Table(("id", "day", "by", "against", "obligation", "ruling"), rows,
                 title="Allegations (an allegation is not a finding)", right={1})


def events_table(outcome: Outcome) -> Table:
    """Each event of the scenario: day, what, accepted or refused (with why), state after,
    and what it says (its own words: a reason, evidence, a summary; its note and source)."""
    rows = []
    for item in outcome.events:
        described = item.event.describe()
        what = described + (" [hypothetical]" if item.event.hypothetical else "")
        fate = "accepted" if item.accepted else f"REFUSED ({item.code}): {item.reason}"
        said = "; ".join(event_lines(item.event, described)) or "-"
        rows.append((str(item.event.day), what, fate, item.state, said))
    marked = {i for i, item in enumerate(outcome.events) if not item.accepted}
    return Table(("day", "event", "outcome", "state after", "note, source, reason"), rows,
                 title="Events", right={0}, marked=marked)


def on_record_table(outcome: Outcome) -> Table:
    """What the run put on record without judging: reports, statements, incidents and
    findings, with what each said and its source."""
    run = outcome.run
    events = {id(r): e.event for e in run.log for r in e.records}
    rows = []
    for r in on_record(run):
        event = events[id(r)]
        described = event.describe()
        rows.append((r.id, str(r.day), r.event, described,
                     "; ".join(event_lines(event, described)) or "-"))
    return Table(("id", "day", "type", "what (as reported)", "note, source"), rows,
                 title="On record (recorded, not judged)", right={1})


def summary_lines(outcome: Outcome) -> list[str]:
    """The head of a run's summary: deal, scenario (hypothetical or not), final state."""
    return outcome.head_lines()


def comparison_table(comparison: Comparison) -> Table:
    """The side-by-side what-if table; rows where a variant differs are marked."""
    rows = comparison.rows()
    marked = {i for i, (label, _) in enumerate(rows) if label.endswith(" *")}
    notes = [f"HYPOTHETICAL - {HYPOTHETICAL_NOTE}",
             f"All runs compared on day {comparison.horizon}. Rows marked * (bold) differ.",
             *comparison.notes()]
    title = f"What-if comparison: {comparison.scenario.title or comparison.scenario.deal.title}"
    headers = ["", "base", *(f"{v.name}\n(hypothetical)" for v in comparison.variants)]
    return Table(headers, [(label, *cells) for label, cells in rows],
                 title=title, notes=notes, marked=marked)


def comparison_text(comparison: Comparison) -> str:
    """A comparison's table as text as wide as the terminal (``str(comparison)``)."""
    import shutil

    return to_text(comparison_table(comparison), width=shutil.get_terminal_size().columns)


def phases_table(deal: Deal) -> Table:
    """A deal's phases: id, name, duration, what it needs to start, number of obligations."""
    rows = []
    for phase in deal.phases:
        needs = []
        if phase.requires_agreement:
            needs.append("agreement")
        if phase.entry_condition is not None:
            needs.append(phase.entry_condition.source)
        duration = "open-ended" if phase.duration_days is None else f"{phase.duration_days}"
        rows.append((phase.id, phase.title, duration, " and ".join(needs) or "-",
                     phase.on_expiry.value, str(len(phase.obligations))))
    return Table(("phase", "name", "days", "starts on", "when time is up", "obligations"),
                 rows, title="Phases", right={2, 5})
