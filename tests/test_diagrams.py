"""Diagrams as data, DOT and Mermaid: drawn from the engine's own lifecycle edges."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from dealmodel import Deal, Scenario, builtin_deal, run_scenario
from dealmodel.cli import main
from dealmodel.cli.diagrams import committed_diagrams
from dealmodel.engine.machine import lifecycle
from dealmodel.model.events import Extended, HostilitiesResumed, Performed
from dealmodel.model.phases import TERMINAL_STATES
from dealmodel.render import diagram_model, node_id, to_dot, to_mermaid
from dealmodel.render.compact import to_compact_dot
from dealmodel.scenarios.scenario import load_scenario as resolve_scenario

ROOT = Path(__file__).parent.parent
NODE = re.compile(r'^\t+("?[\w:]+"?) \[label=.*\bclass="([^"]*)"', re.M)
EDGE = re.compile(r'^\t+(\w+) -> (\w+) \[(.*)\]$', re.M)


def nodes(dot: str) -> dict[str, set[str]]:
    return {name.strip('"'): set(cls.split()) for name, cls in NODE.findall(dot)}


def edges(dot: str) -> list[tuple[str, str, str]]:
    """(source, dest, attributes) of every drawn (visible) edge."""
    return [(a, b, rest) for a, b, rest in EDGE.findall(dot) if 'style=invis' not in rest]


def trigger_of(attributes: str) -> str:
    found = re.search(r'class="transition (\w+)', attributes)
    assert found, attributes
    return found.group(1)


def gaza_outcome():
    return resolve_scenario("gaza-2025").run()


@pytest.fixture(params=["gaza", "truce"])
def any_deal(request: pytest.FixtureRequest) -> Deal:
    deal: Deal = request.getfixturevalue(request.param)
    return deal


def test_a_node_per_lifecycle_state(any_deal: Deal) -> None:
    dot = to_dot(diagram_model(any_deal))
    states = {n for n, cls in nodes(dot).items() if "state" in cls}
    reached = lifecycle(any_deal).states
    assert states == {node_id(s) for s in reached}
    assert len(states) == len(reached)
    assert set(reached) <= set(any_deal.states()) and "collapsed" in reached


def test_edges_are_exactly_the_machine_edges(any_deal: Deal) -> None:
    dot = to_dot(diagram_model(any_deal))
    drawn = sorted((a, b, trigger_of(rest)) for a, b, rest in edges(dot))
    machine = sorted((node_id(e.source), node_id(e.dest), e.trigger)
                     for e in lifecycle(any_deal).edges)
    assert drawn == machine


def test_edges_only_between_consecutive_phases_or_to_terminal_states(any_deal: Deal) -> None:
    def phase_index(state: str) -> int:
        return -1 if state == "pending" else any_deal.phase_index(state.partition(":")[0])

    for e in diagram_model(any_deal).edges:
        if e.dest in TERMINAL_STATES:
            continue
        assert phase_index(e.dest) - phase_index(e.source) in (0, 1), e


def test_guard_labels_present(any_deal: Deal) -> None:
    dot = to_dot(diagram_model(any_deal))
    by_pair = {(a, b, trigger_of(rest)): rest for a, b, rest in edges(dot)}
    guarded = [e for e in lifecycle(any_deal).edges if e.guard]
    assert guarded
    for e in guarded:
        label = by_pair[(node_id(e.source), node_id(e.dest), e.trigger)]
        assert f"[{e.guard}]".replace('"', '\\"') in label, (e, label)


def test_gaza_shows_phases_durations_situations_and_expiry(gaza: Deal) -> None:
    dot = to_dot(diagram_model(gaza))
    for text in ("Phase 1: exchanges and ceasefire", "42 days (days 1–42)", "phase1 in limbo",
                 "phase2 suspended", "open-ended", "Concluded", "Collapsed", "Lapsed",
                 "the truce holds in limbo until it is ended or phase2 is agreed",
                 "continues while talks on phase3 go on", "else lapses",
                 'agreed(\\"phase2\\")', 'negotiating(\\"phase3\\")'):
        assert text in " ".join(dot.replace("\\n", " ").split()), text


def test_extension_is_drawn(truce: Deal) -> None:
    model = diagram_model(truce)
    assert model.state("pause:extended").kind == "extended"
    assert any(e.trigger == "extend" and e.dest == "pause:extended" for e in model.edges)
    assert "extendable by broker up to 6 days (+10 captives/day)" in " ".join(
        model.state("pause").details)
    assert "fulfilled(" in to_dot(model)  # the second phase's entry condition


def test_overlay_marks_exactly_the_visited_states(gaza: Deal) -> None:
    outcome = gaza_outcome()
    run = outcome.run
    dot = to_dot(diagram_model(gaza, run))
    drawn = nodes(dot)
    visited = {n for n, cls in drawn.items() if "visited" in cls}
    assert visited == {node_id(s) for s, _ in run.history}
    assert {n for n, cls in drawn.items() if "final" in cls} == {node_id(run.state)}
    taken = {(a, b) for a, b, rest in edges(dot) if "taken" in rest}
    history = [node_id(s) for s, _ in run.history]
    assert taken == set(pairwise(history))
    assert "entered day 43" in dot and "final state (day 59)" in dot


def test_overlay_flags_violated_obligations(gaza: Deal) -> None:
    run = gaza_outcome().run
    model = diagram_model(gaza, run)
    violated = [r.id for s in model.states for r in s.violated]
    assert violated == [e.id for e in run.ledger.values() if e.status.value == "violated"]
    assert violated == ["p1_philadelphi", "p1_talks"]
    dot = to_dot(model)
    assert "p1_philadelphi (day 50)" in dot and "p1_talks (day 16)" in dot
    assert re.search(r'class="?violated', dot)


def test_overlay_of_a_collapse_and_an_extension(truce: Deal) -> None:
    events = [Performed(1, "side_b", "captives", 40), Extended(3, "broker", 2),
              HostilitiesResumed(5, by="side_a")]
    run = run_scenario(Scenario(truce, events, title="hypothetical")).run
    model = diagram_model(truce, run)
    assert [s.id for s in model.states if s.visited] == ["pending", "pause", "pause:extended",
                                                         "collapsed"]
    assert model.state("collapsed").final and model.state("collapsed").entered == (5,)
    assert {(e.source, e.dest) for e in model.edges if e.taken} == {
        ("pending", "pause"), ("pause", "pause:extended"), ("pause:extended", "collapsed")}


def test_obligations_listed(gaza: Deal) -> None:
    plain = to_dot(diagram_model(gaza))
    dot = to_dot(diagram_model(gaza, obligations=True)).replace("\\l", " ")
    assert "Obligations of phase1" not in plain
    for ob in gaza.obligations():
        assert ob.description.split()[0] in dot
    for text in ("Hamas: Release 33 hostages, living or dead, on the reported schedule",
                 "33 hostages, 3 by day 1 … 33 by day 42 (7 steps)", "Leave the Netzarim",
                 "by day 22", "1,977 prisoners and detainees, no deadline",
                 "Israel and Hamas: Begin negotiations on phase 2"):
        assert text in " ".join(dot.split()), text


def test_obligations_with_overlay_show_status(gaza: Deal) -> None:
    dot = to_dot(diagram_model(gaza, gaza_outcome().run, obligations=True))
    assert "✗ VIOLATED (day 50)" in dot and "✓ fulfilled" in dot
    assert "✓ fulfilled late (missed day 7)" in dot and "discharged" in dot


def test_mermaid_from_the_same_data(gaza: Deal) -> None:
    run = gaza_outcome().run
    text = to_mermaid(diagram_model(gaza, run))
    assert text.startswith("---\ntitle: January 2025 Gaza")
    assert "stateDiagram-v2" in text
    for state in lifecycle(gaza).states:
        assert f" as {state.replace(':', '_')}\n" in text
    for e in lifecycle(gaza).edges:
        line = f"    {e.source.replace(':', '_')} --> {e.dest.replace(':', '_')} : {e.trigger}"
        assert line in text, line
    assert "agreed('phase2')" in text  # quotes Mermaid cannot take are replaced
    assert "class phase1_limbo visited" in text or "phase1_limbo visited" in text
    assert "class collapsed final" in text
    assert "VIOLATED p1_philadelphi (day 50)" in text


def test_dot_is_deterministic(gaza: Deal) -> None:
    assert to_dot(diagram_model(gaza)) == to_dot(diagram_model(builtin_deal("gaza-2025")))


def test_committed_diagrams_are_current() -> None:
    """diagrams/ must match the code: regenerate with `dealmodel diagram --all diagrams/`."""
    expected = committed_diagrams(ROOT / "examples")
    assert expected
    stale = []
    for stem, model, _ in expected:
        dot = ROOT / "diagrams" / f"{stem}.dot"
        svg = ROOT / "diagrams" / f"{stem}.svg"
        if not dot.exists() or not svg.exists() or dot.read_text("utf-8") != to_dot(model):
            stale.append(stem)
        compact = ROOT / "diagrams" / f"{stem}.compact.dot"
        if (not compact.exists() or not compact.with_suffix(".svg").exists()
                or compact.read_text("utf-8") != to_compact_dot(model)):
            stale.append(f"{stem}.compact")
    assert not stale, (f"stale or missing diagrams: {stale}; run "
                       "`dealmodel diagram --all diagrams/` and commit the result")


def test_every_builtin_deal_and_example_scenario_is_committed() -> None:
    from dealmodel.io.deals import builtin_deals

    stems = {stem for stem, _, _ in committed_diagrams(ROOT / "examples")}
    assert set(builtin_deals()) <= stems
    assert "gaza-2025-record.run" in stems
    committed = {p.name.removesuffix(".dot") for p in (ROOT / "diagrams").glob("*.dot")}
    # nothing left over from a renamed deal or example; each has its compact diagram
    assert committed == stems | {f"{stem}.compact" for stem in stems}


# -- CLI ----------------------------------------------------------------------------------
def test_cli_writes_dot_and_mermaid(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    gaza: Deal) -> None:
    assert main(["diagram", "gaza-2025", "-o", str(tmp_path / "g.dot")]) == 0
    assert (tmp_path / "g.dot").read_text("utf-8") == to_dot(diagram_model(gaza))
    assert main(["diagram", "gaza-2025", "-o", str(tmp_path / "g.mmd"), "--obligations"]) == 0
    assert (tmp_path / "g.mmd").read_text("utf-8") == to_mermaid(
        diagram_model(gaza, obligations=True))
    assert f"wrote {tmp_path / 'g.mmd'}" in capsys.readouterr().out


def test_cli_overlays_a_scenario_file(tmp_path: Path) -> None:
    out = tmp_path / "run.dot"
    assert main(["diagram", str(ROOT / "examples/gaza-2025-record.yaml"), "-o",
                 str(out)]) == 0
    text = out.read_text("utf-8")
    assert "final state (day 59)" in text
    assert "Run: Gaza 2025 from the public record (to 18 March 2025)" in text


def test_cli_builtin_scenario_by_flag(tmp_path: Path) -> None:
    assert main(["diagram", "gaza-2025", "--scenario", "-o", str(tmp_path / "r.dot")]) == 0
    assert "visited" in (tmp_path / "r.dot").read_text("utf-8")


def test_cli_deal_file(tmp_path: Path) -> None:
    assert main(["diagram", str(ROOT / "tests/data/truce-2phase.yaml"), "-o",
                 str(tmp_path / "t.dot")]) == 0
    assert "pause__extended" in (tmp_path / "t.dot").read_text("utf-8")


@pytest.mark.parametrize(("argv", "message"), [
    (["diagram", "gaza-2025", "-o", "out.gif"], "cannot tell the format from '.gif'"),
    (["diagram", "gaza-2025", "-o", "out"], "cannot tell the format from no suffix"),
    (["diagram", "missing.yaml", "-o", "out.svg"], "missing.yaml: cannot load: no such "
                                                   "file"),
    (["diagram", "no-such-deal", "-o", "out.svg"], "no built-in deal or scenario and no file "
                                                   "named 'no-such-deal'"),
    (["diagram", "gaza-2025"], "give DEAL_OR_SCENARIO and -o FILE, or --all DIR"),
    (["diagram", "gaza-2025", "-o", "nofolder/x.svg"], "the folder nofolder does not exist"),
    (["diagram", "gaza-2025", "--all", "d"], "give no DEAL_OR_SCENARIO or -o"),
])
def test_cli_bad_input_exits_2(argv: list[str], message: str, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("dealmodel: error: ")
    assert message in err
    assert not list(tmp_path.iterdir())


def test_cli_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["diagram", "--help"])
    out = capsys.readouterr().out
    assert "dealmodel diagram --all diagrams/" in out and ".mmd" in out
