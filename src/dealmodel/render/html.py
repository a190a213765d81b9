"""Jupyter display: compact HTML for outcomes, comparisons, runs and deals.

Each object shows a short summary first - what it is, its final state, the counts that
matter - and folds the details (tables of obligations, allegations, events; each
variant's changes; the phase diagram) into ``<details>`` elements, so a notebook cell
stays a few kilobytes however long the run. :func:`to_html` picks the view by type;
``import dealmodel`` registers it (and :func:`mimebundle` for deals and runs) with
:mod:`dealmodel._display`, which the lower layers call.
"""

from __future__ import annotations

import contextlib
import html
from collections import Counter
from typing import Any

from dealmodel.analysis.compare import Comparison
from dealmodel.engine import Run
from dealmodel.errors import MissingExtraError
from dealmodel.model.deal import Deal
from dealmodel.render import tables
from dealmodel.render.compact import to_compact_svg
from dealmodel.render.diagram_model import diagram_model
from dealmodel.render.renderers import NoRendererError
from dealmodel.scenarios.scenario import Outcome
from dealmodel.scenarios.selectors import HYPOTHETICAL_NOTE

__all__ = ["mimebundle", "to_html"]

_STYLE = "font-family:sans-serif;font-size:13px;line-height:1.4"
esc = html.escape


def _details(summary: str, body: str, open_: bool = False) -> str:
    return (f"<details{' open' if open_ else ''}><summary>{esc(summary)}</summary>"
            f"{body}</details>")


def _wrap(head: str, *parts: str) -> str:
    return f'<div class="dealmodel" style="{_STYLE}">{head}{"".join(parts)}</div>'


def _statuses(run: Run) -> str:
    counts = Counter(e.status.value for e in run.ledger.values())
    return ", ".join(f"{n} {status}" for status, n in counts.most_common())


def _run_parts(run: Run) -> list[str]:
    in_force = tables.obligations_table(run, pending=False)
    parts = [_details(f"Obligations in force or settled ({len(in_force.rows)} of "
                      f"{len(run.ledger)})",
                      tables.to_html(_capped(in_force, "to_dataframe()"), caption=False))]
    if run.allegations:
        allegations = _capped(tables.allegations_table(run), "to_dataframe('allegations')")
        parts.append(_details(f"Allegations ({len(run.allegations)}; an allegation is not "
                              "a finding)", tables.to_html(allegations, caption=False)))
    return parts


def outcome_html(outcome: Outcome) -> str:
    """A scenario's outcome: summary, then obligations, allegations and events folded."""
    run = outcome.run
    lines = tables.summary_lines(outcome)
    violated = [e.id for e in run.ledger.values() if e.violated_day is not None]
    counts = (f"obligations: {_statuses(run)}; allegations: {len(run.allegations)}; "
              f"refused events: {len(outcome.refused)}")
    head = (f"<p><b>{esc(lines[0])}</b><br>" + "<br>".join(esc(line) for line in lines[1:])
            + f"<br>{esc(counts)}"
            + (f"<br>violated: {esc(', '.join(violated))}" if violated else "") + "</p>")
    events = _capped(tables.events_table(outcome), "outcome.to_dataframe('events')")
    hyp = sum(1 for e in outcome.events if e.event.hypothetical)
    noted = _capped(tables.on_record_table(outcome), "outcome.to_dataframe('on_record')")
    record = ([_details(f"On record ({len(noted.rows)}; recorded, not judged)",
                        tables.to_html(noted, caption=False))] if noted.rows else [])
    return _wrap(head, *_run_parts(run), *record, _details(
        f"Events ({len(outcome.events)}, {hyp} marked hypothetical)",
        tables.to_html(events, caption=False)))


#: Tables in a notebook show at most this many rows (the first and the last half).
MAX_ROWS = 40


#: Cells in a notebook are cut at this many characters (the whole text: to_dataframe()).
MAX_CELL = 100


def _capped(table: tables.Table, where: str) -> tables.Table:
    """At most MAX_ROWS rows of at most MAX_CELL characters a cell: a summary, not the data."""
    capped = tables.capped(table, MAX_ROWS, where)
    rows = [tuple(c if len(c) <= MAX_CELL else c[:MAX_CELL - 1] + "…" for c in row)
            for row in capped.rows]
    return tables.Table(capped.columns, rows, title=capped.title, notes=capped.notes,
                        right=capped.right, marked=capped.marked)


def run_html(run: Run) -> str:
    """A run: its state and day, then its obligations and allegations folded."""
    head = (f"<p><b>{esc(run.deal.title)}</b><br>run: <b>{esc(run.state)}</b> on day "
            f"{run.day}, {len(run.log)} events accepted<br>phases: "
            + esc(", ".join(f"{s} (day {d})" for s, d in run.history))
            + f"<br>obligations: {esc(_statuses(run))}</p>")
    return _wrap(head, *_run_parts(run), _diagram(run.deal, run))


def comparison_html(comparison: Comparison) -> str:
    """A what-if comparison: the side-by-side table, then each variant's notes folded."""
    table = tables.comparison_table(comparison)
    title = comparison.scenario.title or comparison.scenario.deal.title
    head = (f"<p><b>What-if: {esc(title)}</b><br><b>Hypothetical.</b> "
            f"{esc(HYPOTHETICAL_NOTE)} Compared on day {comparison.horizon}; rows in bold "
            "differ from the base.</p>")
    # the run-level rows first; the per-obligation rows (after "diverges from base") fold
    split = next((i + 1 for i, row in enumerate(table.rows)
                  if row[0].startswith("diverges from base")), len(table.rows))

    def part(first: int, last: int) -> str:
        return tables.to_html(_capped(tables.Table(
            table.columns, table.rows[first:last],
            marked={i - first for i in table.marked if first <= i < last}),
            "comparison.to_dataframe('obligations')"), caption=False)

    differ = sum(1 for i in table.marked if i >= split)
    notes = "<ul>" + "".join(f"<li>{esc(n.strip())}</li>" for n in comparison.notes()) + "</ul>"
    return _wrap(head, part(0, split),
                 _details(f"Obligations ({len(table.rows) - split} rows, {differ} differ)",
                          part(split, len(table.rows))),
                 _details(f"What each variant changes ({len(comparison.variants)}"
                          " hypothetical variants)", notes))


def deal_html(deal: Deal) -> str:
    """A deal: title, parties and phases, then obligations and the compact diagram folded."""
    parties = ", ".join(f"{p.name} ({p.role_text})" for p in deal.parties)
    hyp = " (hypothetical deal)" if deal.hypothetical else ""
    head = (f"<p><b>{esc(deal.title)}</b>{esc(hyp)}<br>id: {esc(deal.id)}"
            + (f", in force {esc(deal.in_force)}" if deal.in_force else "")
            + f"<br>{esc(parties)}</p>")
    obligations = tables.Table(
        ("obligation", "phase", "obligor", "what", "target"),
        [(o.id, deal.phases[deal.obligation_phase(o.id)].id, "+".join(o.obligors),
          o.description or "-", o.describe_target()) for o in deal.obligations()])
    return _wrap(head, tables.to_html(tables.phases_table(deal), caption=False),
                 _details(f"Obligations ({len(obligations.rows)})",
                          tables.to_html(obligations, caption=False)),
                 _diagram(deal, None))


def _diagram(deal: Deal, run: Run | None) -> str:
    """The compact phase diagram, folded, when a Graphviz renderer is installed."""
    with contextlib.suppress(NoRendererError, MissingExtraError):
        subtitle = f"Run: {run.state} on day {run.day}" if run is not None else ""
        svg = to_compact_svg(diagram_model(deal, run, subtitle=subtitle)).decode("utf-8")
        svg = svg[svg.find("<svg"):]  # drop the XML prolog and doctype
        return _details("Phase diagram (compact)", svg)
    return ""


def to_html(obj: Any) -> str:
    """Compact HTML for an Outcome, a Comparison, a Run or a Deal."""
    if isinstance(obj, Outcome):
        return outcome_html(obj)
    if isinstance(obj, Comparison):
        return comparison_html(obj)
    if isinstance(obj, Run):
        return run_html(obj)
    if isinstance(obj, Deal):
        return deal_html(obj)
    return f"<pre>{esc(repr(obj))}</pre>"


def mimebundle(obj: Deal | Run) -> dict[str, str]:
    """Jupyter display data for a Deal or a Run: compact HTML, and two lines of text (what
    a terminal shows; ``dealmodel.render.to_text`` gives the whole outline)."""
    if isinstance(obj, Deal):
        obligations = sum(len(p.obligations) for p in obj.phases)
        hyp = " (hypothetical deal)" if obj.hypothetical else ""
        text = (f"<Deal {obj.id}: {obj.title}{hyp}>\n{len(obj.phases)} phases ("
                + ", ".join(p.id for p in obj.phases) + f"), {obligations} obligations, "
                f"{len(obj.parties)} parties and other actors")
    else:
        path = " -> ".join(f"{s} (day {d})" for s, d in obj.history[1:])
        text = f"{obj!r}\npath: {path or 'not yet in force'}; obligations: {_statuses(obj)}"
    return {"text/plain": text, "text/html": to_html(obj)}
