"""dealmodel verify through the real CLI: broken fixtures fail with a reproducible
counterexample, built-in deals and examples verify clean, JSON has the figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dealmodel import builtin_deal, load_deal, load_scenario
from dealmodel.analysis.verify import verify
from dealmodel.analysis.verify_static import edge_findings
from dealmodel.cli.main import main
from dealmodel.engine.machine import Edge, lifecycle

ROOT = Path(__file__).parent.parent
BROKEN = sorted(Path(__file__).parent.rglob("*broken*.yaml"))
EXPECTED = {  # fixture -> the property verify must name
    "skip-phase-broken.yaml": "phases-reachable",
    "duty-before-phase-broken.yaml": "phases-reachable",
    "unreachable-phase-broken.yaml": "phases-reachable",
    "guard-never-holds-broken.yaml": "phases-reachable",
    "limbo-no-way-out-broken.yaml": "ending-reachable",
    "extension-forever-broken.yaml": "extension-bounded",
    "power-nobody-holds-broken.yaml": "powers-usable",
}


def test_there_are_enough_broken_fixtures() -> None:
    assert len(BROKEN) >= 7
    assert {p.name for p in BROKEN} == set(EXPECTED)


@pytest.mark.parametrize("fixture", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_fixture_fails_with_a_reproducible_counterexample(
        fixture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ce"
    code = main(["verify", str(fixture), "--json", "--out", str(out)])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["result"] == "violations"
    named = {v["property"] for v in report["violations"]}
    assert EXPECTED[fixture.name] in named, named
    files = [v["file"] for v in report["violations"] if v["file"]]
    assert files, "at least one violation comes with a counterexample file"
    for file in files:
        data = yaml.safe_load(Path(file).read_text(encoding="utf-8"))
        assert data["expect"]["property"] in named
        # the file reproduces it through the real scenario loader and runner
        assert main(["run", file, "-q"]) == 0, f"{file}: expectations not met"
        outcome = load_scenario(file).run()
        assert outcome.mismatches() == []
        assert outcome.run.state == data["expect"]["final_state"]
    capsys.readouterr()


def test_the_limbo_trap_trace_is_shortest(tmp_path: Path) -> None:
    report = verify(load_deal(Path(__file__).parent / "data/broken/limbo-no-way-out-broken.yaml"))
    trap = next(f for f in report.violations if f.property == "ending-reachable")
    assert trap.trace is not None
    kinds = [e.TYPE for e in trap.trace]
    # enter, open talks, time runs out into limbo, agree (too late for the condition)
    assert len(kinds) == 4 or len(kinds) == 5, kinds
    assert "agreement_reached" in kinds and "negotiations_opened" in kinds


@pytest.mark.parametrize("source", ["gaza-2025", "tests/data/truce-2phase.yaml"])
def test_built_in_deals_verify_clean(
        source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = main(["verify", source, "--json", "--out", str(tmp_path)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["violations"]
    assert report["states_explored"] >= 100
    assert isinstance(report["states_explored"], int)
    assert report["properties_checked"] >= 12
    for gap in report["known_gaps"]:  # reported honestly, each with a reproducing file
        assert gap["known_gap"] and gap["file"]
        assert main(["run", gap["file"], "-q"]) == 0
        capsys.readouterr()


EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_verify_clean(example: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """An example verifies its deal; each example's deal is a built-in one verified in full
    above, so here a small budget shows the scenario route works end to end."""
    code = main(["verify", str(example), "--json", "--out", str(tmp_path),
                 "--max-states", "300"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["violations"]
    assert load_scenario(example).deal == builtin_deal(report["deal"])


def test_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "no-such-deal"]) == 2
    assert "no file, built-in deal or built-in scenario" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: x\nparties: [{id: a}]\nphases: [{id: p, duration_days: 3}]\n"
                   "invariants: ['fulfilled(\"nope\")']\n", encoding="utf-8")
    assert main(["verify", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "invariants[0]" in err and "nope" in err


def test_declared_invariant_is_checked(tmp_path: Path) -> None:
    text = (Path(__file__).parent / "data/truce-2phase.yaml").read_text(encoding="utf-8")
    path = tmp_path / "truce-inv.yaml"
    path.write_text(text + "invariants:\n  - 'not violated(\"captives\")'\n", encoding="utf-8")
    report = verify(load_deal(path), depth=6)
    found = [f for f in report.violations if f.property.startswith("invariant:")]
    assert found and found[0].trace is not None
    assert "captives" in found[0].message


def test_edge_checks_catch_a_skip_the_format_cannot_express() -> None:
    gaza = builtin_deal("gaza-2025")
    edges = [*lifecycle(gaza).edges, Edge("advance", "phase1", "phase3")]
    found = list(edge_findings(gaza, edges))
    assert any(p == "phases-in-order" and "phase1 -> phase3" in m for p, m in found)
    assert not list(edge_findings(gaza, lifecycle(gaza).edges))
