"""The compact phase diagram, the run notes (suspensions, allegations) on both diagrams, and
PDF output - through the real renderer chain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dealmodel import builtin_deal, load_scenario
from dealmodel.cli import main
from dealmodel.render.compact import WIDTH_INCHES, to_compact_dot, to_compact_svg
from dealmodel.render.diagram_model import diagram_model
from dealmodel.render.dot import to_dot
from dealmodel.render.renderers import find_renderer


def run_model() -> object:
    outcome = load_scenario("gaza-2025").run()
    return diagram_model(outcome.run.deal, outcome.run)


def test_compact_has_phases_and_endings_only() -> None:
    dot = to_compact_dot(diagram_model(builtin_deal("gaza-2025")))
    nodes = set(re.findall(r'^  "([\w:-]+)" \[label', dot, re.M))
    assert nodes == {"phase1", "phase2", "phase3", "concluded", "collapsed", "lapsed"}
    assert '"phase1" -> "phase2" [label="agreed(\\"phase2\\")"]' in dot
    assert "limbo while talks go on" in dot  # a phase's situations are lines in its box
    assert f'size="{WIDTH_INCHES},20"' in dot


def test_run_notes_list_suspensions_and_allegations() -> None:
    model = run_model()
    notes = [(n.kind, n.phase, n.day, n.text) for n in model.notes]  # type: ignore[attr-defined]
    assert ("suspended", "phase1", 43, "p1_aid suspended by Israel, days 43-59") in notes
    assert ("alleged", "phase1", 43,
            "A5 day 43: Qatar alleges Israel violated p1_aid (no ruling)") in notes
    assert [n[2] for n in notes if n[0] == "alleged"] == [7, 23, 23, 33, 43, 43, 51]
    compact = to_compact_dot(model)  # type: ignore[arg-type]
    assert "‖ p1_aid suspended by Israel, days\\l  43-59" in compact
    assert "▼ A5 day 43: Qatar alleges Israel" in compact
    assert "✗ p1_philadelphi violated day 50" in compact
    assert "an allegation is not a" in compact
    full = to_dot(model)  # type: ignore[arg-type]
    assert "‖ Suspended:" in full and "▼ Alleged (an allegation is not a finding):" in full


def test_a_resumed_suspension_gives_its_days() -> None:
    from dealmodel import Resumed, Scenario, Suspended
    from dealmodel.render.diagram_model import run_notes

    deal = builtin_deal("gaza-2025")
    outcome = Scenario(deal, [Suspended(3, "israel", "p1_aid"), Resumed(6, "israel", "p1_aid")],
                       hypothetical=True).run()
    assert [n.text for n in run_notes(outcome.run)] == [
        "p1_aid suspended by Israel, days 3-6"]


needs_renderer = pytest.mark.skipif(find_renderer() is None, reason="no Graphviz renderer")


@needs_renderer
def test_compact_svg_fits_16_cm() -> None:
    svg = to_compact_svg(run_model()).decode()  # type: ignore[arg-type]
    width = float(re.search(r'<svg width="([\d.]+)pt"', svg)[1])  # type: ignore[index]
    assert width <= WIDTH_INCHES * 72 + 1


@needs_renderer
@pytest.mark.parametrize("compact", [True, False])
def test_diagram_pdf(compact: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "d.pdf"
    argv = ["diagram", "gaza-2025", "--scenario", "-o", str(out)]
    assert main([*argv, "--compact"] if compact else argv) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    box = re.search(rb"/MediaBox \[\s*([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", data)
    assert box is not None
    width_pt = float(box[3]) - float(box[1])
    if compact:
        assert WIDTH_INCHES * 72 * 0.9 <= width_pt <= WIDTH_INCHES * 72 + 2  # 16 cm wide
    else:
        assert width_pt > WIDTH_INCHES * 72 * 2  # the full diagram is a poster


def test_compact_refuses_mermaid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram", "gaza-2025", "--compact", "-o", str(tmp_path / "c.mmd")]) == 2
    assert "cannot tell the format from '.mmd'" in capsys.readouterr().err
