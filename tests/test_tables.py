"""The table model and its renderers (rich text, Markdown, HTML), and Jupyter's compact HTML."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dealmodel import builtin_deal, compare, load_scenario
from dealmodel.render.tables import (
    Table,
    comparison_table,
    obligations_table,
    print_table,
    to_html,
    to_markdown,
    to_text,
)

ROOT = Path(__file__).parent.parent
TABLE = Table(("name", "note", "n"), [("a|b", "<x> & y", "1"), ("long", "word " * 30, "22")],
              title="T", notes=["a note"], right={2}, marked={1})


def test_table_rejects_ragged_rows() -> None:
    with pytest.raises(ValueError, match="row 0 has 2 cells for 3 columns"):
        Table(("a", "b", "c"), [("1", "2")])


@pytest.mark.parametrize("width", [40, 60, 120])
def test_text_fits_the_width_and_wraps(width: int) -> None:
    text = to_text(TABLE, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    assert "\x1b[" not in text
    assert text.count("word") == 30  # wrapped, nothing lost
    assert text.rstrip().endswith("a note")


def test_print_table_no_colour_when_piped_or_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    print_table(TABLE, file=out, width=50)  # a StringIO is not a terminal
    assert "\x1b[" not in out.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("FORCE_COLOR", "1")  # even when colour is forced, NO_COLOR wins
    out = io.StringIO()
    print_table(TABLE, file=out, width=50)
    assert "\x1b[3" not in out.getvalue()  # no foreground colour codes


def test_markdown_escapes_and_aligns() -> None:
    md = to_markdown(TABLE)
    assert md.splitlines()[:4] == ["### T", "", "| name | note | n |", "|---|---|---:|"]
    assert "| a\\|b | <x> & y | 1 |" in md
    assert "| **long** |" in md  # a marked row
    assert md.rstrip().endswith("- a note")


def test_html_escapes_every_cell() -> None:
    html = to_html(TABLE)
    ET.fromstring(f"<div>{html}</div>")  # well-formed
    assert "&lt;x&gt; &amp; y" in html and "<x>" not in html
    assert '<td style="text-align:right">22</td>' in html


def test_obligations_table_from_a_run() -> None:
    run = load_scenario("gaza-2025").run().run
    table = obligations_table(run)
    row = dict(zip(table.columns, next(r for r in table.rows if r[0] == "p1_philadelphi"),
                   strict=True))
    assert row == {"obligation": "p1_philadelphi", "obligor": "israel",
                   "status": "violated (day 50)", "progress": "0/1", "due day": "50"}


def test_comparison_table_labels_every_variant_hypothetical() -> None:
    table = comparison_table(compare(load_scenario("gaza-2025-whatif")))
    assert table.columns[1] == "base"
    assert all(c.endswith("\n(hypothetical)") for c in table.columns[2:])
    assert any("HYPOTHETICAL" in n for n in table.notes)
    marked = {table.rows[i][0] for i in table.marked}
    assert "phase2 entered *" in marked and "final day" not in marked


# -- Jupyter ---------------------------------------------------------------------------------
def test_outcome_html_is_compact_summary_first() -> None:
    outcome = load_scenario("gaza-2025").run()
    html = outcome._repr_html_()
    assert len(html.encode("utf-8")) < 20_000
    assert html.index("final state: collapsed as of day 59") < html.index("<details>")
    assert html.count("<details>") == 3  # obligations, allegations, events: folded
    assert "an allegation is not a finding" in html
    assert "Events (40, 0 marked hypothetical)" in html  # the public record: none is
    ET.fromstring(html.replace("<br>", "<br/>"))
    assert len(repr(outcome)) < 200


def test_a_long_run_stays_compact_in_jupyter() -> None:
    """A thousand events still give a few kilobytes: long tables show their first and
    last rows and say how many are left out."""
    from dealmodel import ClockAdvanced, Scenario

    events = [ClockAdvanced(day) for day in range(1, 1001)]
    outcome = Scenario(builtin_deal("gaza-2025"), events, title="A hypothetical long wait",
                       hypothetical=True).run()
    html = outcome._repr_html_()
    assert len(html.encode("utf-8")) < 20_000
    assert ("960 of 1000 rows not shown (at the ...): "
            "outcome.to_dataframe(&#x27;events&#x27;)") in html
    assert html.count("clock advances to day") == 40
    assert "clock advances to day 1000" in html


def test_comparison_html_is_compact_and_says_hypothetical() -> None:
    comparison = compare(load_scenario("gaza-2025-whatif"))
    html = comparison._repr_html_()
    assert len(html.encode("utf-8")) < 20_000
    assert "<b>Hypothetical.</b>" in html
    assert "phase2-agreed-day-35<br>(hypothetical)" in html
    # the run-level rows first, the per-obligation rows folded
    assert html.index("diverges from base") < html.index("<summary>Obligations (")
    assert html.index("<summary>Obligations (") < html.index(">p1_philadelphi *</td>")
    assert len(repr(comparison)) < 300
    assert all(len(repr(r)) < 200 for r in comparison.results)


def test_deal_and_run_html() -> None:
    deal = builtin_deal("gaza-2025")
    html = deal._repr_mimebundle_()["text/html"]
    assert "Israel (party)" in html and "Qatar (mediator)" in html
    assert "<summary>Obligations (19)</summary>" in html
    run = load_scenario("gaza-2025").run().run
    html = run._repr_mimebundle_()["text/html"]
    assert "run: <b>collapsed</b> on day 59" in html


def test_str_of_a_comparison_fits_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    comparison = compare(load_scenario("gaza-2025-whatif"))
    text = str(comparison)
    assert max(len(line) for line in text.splitlines()) <= 90
    assert "HYPOTHETICAL" in text and "(hypothetical)" in text
    assert max(len(line) for line in comparison.to_text().splitlines()) > 200  # unwrapped
