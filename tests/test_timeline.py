"""Timeline charts: real matplotlib figures of real runs, via the library and the CLI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dealmodel import Deal, Scenario, run_scenario
from dealmodel.cli import main
from dealmodel.model.events import (
    HostilitiesResumed,
    Performed,
    Ruling,
    Suspended,
    ViolationAlleged,
)
from dealmodel.render.timeline import timeline_figure
from dealmodel.scenarios.scenario import load_scenario as resolve_scenario
from tests.test_render import assert_png_not_blank


def all_text(fig: object) -> str:
    from matplotlib.text import Text

    return " ".join(t.get_text() for t in fig.findobj(Text))  # type: ignore[attr-defined]


def test_gaza_timeline_content() -> None:
    outcome = resolve_scenario("gaza-2025").run()
    fig = timeline_figure(outcome)
    text = all_text(fig)
    assert "January 2025 Gaza ceasefire and hostage-release deal" in text
    assert "Scenario: Gaza 2025 from the public record (to 18 March 2025)" in text
    for expected in ("Phase 1: exchanges and ceasefire", "limbo: time up, truce holds",
                     "violated day 50", "A5: Qatar alleges Israel violated p1_aid (no ruling)",
                     "violated day 7, fulfilled late day 14", "COLLAPSED day 59",
                     "hostages (Hamas): delivered 33 of 33", "due on the schedule",
                     "prisoners and detainees (Israel): delivered 1,777 of 1,977",
                     "implementation rate (mean PAM score / 3)", "day 1\n19 Jan",
                     "deadline", "delivered", "fulfilled", "violated", "suspended",
                     "withheld (pending a condition)",
                     "violation alleged (not a finding)", "ruling"):
        assert expected in text, expected
    assert "marked hypothetical" not in text  # the record has no hypothetical event
    rows = fig.axes[-1]
    labels = [t.get_text() for t in rows.get_yticklabels()]
    assert "Israel: Leave the Philadelphi corridor" in labels
    assert not any(label.startswith("Hamas: Release the remaining") for label in labels)
    # no label is cut: long ones wrap onto a second line, whole
    assert "Hamas: Release 33 hostages, living or dead,\non the reported schedule" in labels
    assert not any("…" in label for label in labels)


def test_each_quantity_has_its_own_panel_so_no_line_hides_another() -> None:
    """Hostages and prisoners could coincide as shares of what is owed; each has its own
    panel in its own units, so neither line can hide the other. The implementation rate
    has a panel of its own, in % of full, above them."""
    fig = timeline_figure(resolve_scenario("gaza-2025").run())
    rate, panels = fig.axes[1], fig.axes[2:-1]
    assert rate.get_legend().get_texts()[0].get_text() == (
        "implementation rate (mean PAM score / 3), % of full")
    assert [ax.get_legend().get_texts()[0].get_text() for ax in panels] == [
        "hostages (Hamas): delivered 33 of 33",
        "prisoners and detainees (Israel): delivered 1,777 of 1,977"]
    assert [ax.get_ylim()[1] for ax in panels] == pytest.approx([33 * 1.12, 1977 * 1.12])


@pytest.mark.parametrize(("end", "ticks"), [
    (1.5, [1]), (4.5, [1, 2, 3, 4]), (12.5, [1, 2, 4, 6, 8, 10, 12]),
    (54.5, [1, 7, 14, 21, 28, 35, 42, 49]), (130.5, [1, 14, 28, 42, 56, 70, 84, 98, 112, 126]),
])
def test_day_ticks(end: float, ticks: list[int]) -> None:
    from dealmodel.render.timeline import day_ticks

    assert day_ticks(end) == ticks


def test_short_deal_gets_several_ticks(truce: Deal) -> None:
    outcome = run_scenario(Scenario(truce, [Performed(1, "side_b", "captives", 20),
                                            HostilitiesResumed(4, by="side_a")],
                                    title="A hypothetical short run", hypothetical=True))
    fig = timeline_figure(outcome)
    assert len(fig.axes[-1].get_xticks()) >= 4


def test_variants_beside_the_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from dealmodel import compare
    from dealmodel.render.whatif_chart import comparison_figure

    comparison = compare(resolve_scenario("gaza-2025-whatif"))
    fig = comparison_figure(comparison)
    assert len(fig.axes) == 1 + len(comparison.variants)
    names = [ax.get_ylabel() for ax in fig.axes]
    assert names[0] == "base"
    assert all(n.endswith("\n(hypothetical)") for n in names[1:])
    text = all_text(fig)
    assert "5 HYPOTHETICAL variants" in text and "p1_philadelphi violated" in text
    assert main(["timeline", "gaza-2025-whatif", "-o", str(tmp_path / "w.png")]) == 0
    assert_png_not_blank((tmp_path / "w.png").read_bytes())
    assert main(["timeline", "gaza-2025-whatif", "--base", "-o", str(tmp_path / "b.pdf")]) == 0
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")


def test_collapse_and_ruling_marked(truce: Deal) -> None:
    events = [Performed(1, "side_b", "captives", 20),
              ViolationAlleged(2, "side_b", "side_a", "no_fire_a", evidence="reported strike"),
              Ruling(3, "broker", "A1", upheld=True),
              Suspended(3, "side_a", "detainees"),
              HostilitiesResumed(4, by="side_a")]
    outcome = run_scenario(Scenario(truce, events, title="A hypothetical collapse",
                                    hypothetical=True))
    text = all_text(timeline_figure(outcome))
    assert "COLLAPSED day 4" in text
    assert "upheld by Broker, day 3" in text
    assert "(hypothetical deal)" in text and "A hypothetical collapse (hypothetical)" in text


def test_cli_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "t.png"
    assert main(["timeline", "gaza-2025", "-o", str(out)]) == 0
    assert_png_not_blank(out.read_bytes(), min_side=1200)
    assert f"wrote {out}" in capsys.readouterr().out


def test_cli_svg_keeps_text(tmp_path: Path) -> None:
    out = tmp_path / "t.svg"
    example = Path(__file__).parent.parent / "examples/gaza-2025-record.yaml"
    assert main(["timeline", str(example), "-o", str(out)]) == 0
    root = ET.parse(out).getroot()
    text = " ".join(root.itertext())
    assert "Scenario: Gaza 2025 from the public record" in text and "violated day 50" in text


@pytest.mark.parametrize(("argv", "message"), [
    (["timeline", "gaza-2025", "-o", "t.gif"], "cannot tell the format from '.gif'; use one "
                                               "of .png, .svg"),
    (["timeline", "missing.yaml", "-o", "t.png"], "missing.yaml: invalid scenario"),
    (["timeline", "gaza-2025", "-o", "nofolder/t.png"], "the folder nofolder does not exist"),
])
def test_cli_bad_input(argv: list[str], message: str, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
