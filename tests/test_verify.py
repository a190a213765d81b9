"""dealmodel verify through the real CLI: broken fixtures fail with a reproducible
counterexample, built-in deals and examples verify clean, JSON has the figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from dealmodel import builtin_deal, builtin_deals, load_deal, load_scenario
from dealmodel.analysis.verify import can_lapse, verify
from dealmodel.analysis.verify_explore import _met
from dealmodel.analysis.verify_invariants import step_violations
from dealmodel.analysis.verify_static import edge_findings
from dealmodel.cli.main import main
from dealmodel.engine import replay
from dealmodel.engine.machine import Edge, lifecycle
from dealmodel.model.obligations import ObligationStatus
from tests.helpers import events_of

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


BUILT_IN = [*builtin_deals(), "tests/data/truce-2phase.yaml"]


def test_every_built_in_deal_is_verified() -> None:
    assert set(builtin_deals()) <= set(BUILT_IN) and "gaza-2025" in BUILT_IN


@pytest.mark.parametrize("source", BUILT_IN)
def test_built_in_deals_verify_clean(
        source: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    # the built-in deals with the defaults; the hypothetical test deal (150,000 states
    # at its bound, a minute) with a budget
    budget = [] if source in builtin_deals() else ["--max-states", "3000"]
    code = main(["verify", source, "--json", "--out", str(tmp_path), *budget])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["violations"]
    assert report["states_explored"] >= 100
    assert isinstance(report["states_explored"], int)
    if not budget:  # explored to its natural bound (no new state left), not cut short
        assert report["exhausted"] is True, "stopped by the depth or the state budget"
    assert report["properties_checked"] >= 12
    for gap in report["known_gaps"]:  # reported honestly, each with a reproducing file
        assert gap["known_gap"] and gap["file"]
        assert main(["run", gap["file"], "-q"]) == 0
        capsys.readouterr()


EXAMPLES = sorted((ROOT / "examples").rglob("*.yaml"))


def test_every_example_is_verified() -> None:
    names = {p.relative_to(ROOT / "examples").as_posix() for p in EXAMPLES}
    assert len([n for n in names if n.startswith("semantics/")]) >= 28
    assert {"gaza-2025-whatif.yaml", "gaza-2025-record.yaml"} <= names


@pytest.mark.parametrize("example", EXAMPLES,
                         ids=[p.relative_to(ROOT / "examples").as_posix() for p in EXAMPLES])
def test_examples_verify_clean(example: Path, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """Every example verifies clean. An example on a built-in deal (verified in full
    above) runs with a small budget, to show the scenario route works end to end; an
    example with a deal of its own (examples/semantics) with a budget of 3,000 live
    states per slice, which all but the deals whose extensions or deadlines have no cap
    (infinite state spaces) exhaust."""
    deal = load_scenario(example).deal
    builtin = deal.id in builtin_deals() and deal == builtin_deal(deal.id)
    budget = ["--max-states", "300" if builtin else "3000"]
    code = main(["verify", str(example), "--json", "--out", str(tmp_path), *budget])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report["violations"]
    assert report["result"] == "clean" and report["deal"] == deal.id
    assert report["states_explored"] >= 50


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


# -- the rules follow the engine (each was a false alarm on an example) -----------------
SEMANTICS = ROOT / "examples" / "semantics"


def test_no_mediator_grants_no_power_to_rule() -> None:
    """Without a mediator, guarantor, monitor or joint body allegations stay on record,
    unjudged: no fault. A power granted under powers: must still be exercised."""
    deal = load_scenario(SEMANTICS / "fighting-after-expiry.yaml").deal
    assert not deal.mediators
    report = verify(deal)
    assert report.exploration.accepted["allege@truce"] > 0
    assert not [f for f in report.findings if f.property == "powers-usable"]
    terminable = verify(load_scenario(SEMANTICS / "termination-with-notice.yaml").deal)
    assert any(n for k, n in terminable.exploration.accepted.items()
               if k.startswith("terminate@"))
    assert "terminated" in terminable.exploration.reached


def test_joint_extension_is_tried_with_every_holder() -> None:
    deal = load_scenario(SEMANTICS / "truce-extended-twice.yaml").deal
    report = verify(deal, max_states=3_000)  # its extensions have no total cap: no bound
    assert report.exploration.accepted["extend@pause"] > 0
    assert not report.violations


def test_an_amendment_may_lift_a_violation_day_nothing_else_may() -> None:
    deal = load_scenario(SEMANTICS / "deadline-moved-after-it-passed.yaml").deal
    before = replay(deal, events_of(
        {"day": 1, "type": "advance"},
        {"day": 1, "type": "allege", "by": "south", "against": "north", "obligation": "withdraw"},
        {"day": 1, "type": "rule", "by": "broker", "allegation": "A1", "upheld": True}))
    amend = events_of({"day": 1, "type": "amend", "by": "broker", "obligation": "withdraw",
                     "due_day": 20})[0]
    after = before.fork()
    after.apply(amend)
    assert before.ledger["withdraw"].violated_day == 1
    assert after.ledger["withdraw"].violated_day is None  # the engine judged it again
    assert not list(step_violations(before, amend, after))
    # performing it afterwards is judged by the new terms, not against the upheld ruling
    perform = events_of({"day": 1, "type": "perform", "party": "north",
                       "obligation": "withdraw"})[0]
    later = after.fork()
    later.apply(perform)
    assert not list(step_violations(after, perform, later))
    # any other event that moved it is still caught
    tick = events_of({"day": 1, "type": "advance"})[0]
    forged = before.fork()
    forged._writable(forged.ledger["withdraw"]).violated_day = None
    found = {p for p, _ in step_violations(before, tick, forged)}
    assert {"violation-day-fixed", "upheld-stays"} <= found


def test_resuming_returns_to_the_standing_a_rejudging_gave() -> None:
    deal = load_scenario(SEMANTICS / "zero-start-extension.yaml").deal
    events = events_of(
        {"day": 1, "type": "advance"},
        {"day": 1, "type": "extend", "by": "m", "days": 1},
        {"day": 1, "type": "allege", "by": "a", "against": "b",
         "obligation": "extra_releases"},
        {"day": 1, "type": "rule", "by": "m", "allegation": "A1", "upheld": True},
        {"day": 1, "type": "perform", "party": "b", "obligation": "extra_releases",
         "quantity": 10},
        {"day": 1, "type": "extend", "by": "m", "days": 1},
        {"day": 1, "type": "suspend", "party": "b", "obligation": "extra_releases"})
    before = replay(deal, events)
    resume = events_of({"day": 1, "type": "resume", "party": "b",
                      "obligation": "extra_releases"})[0]
    after = before.fork()
    after.apply(resume)
    assert after.ledger["extra_releases"].status.value == "active"
    assert not list(step_violations(before, resume, after))
    # a suspension holding a breach that came back active would still be caught
    held = before.fork()
    held._writable(held.ledger["extra_releases"]).held_status = ObligationStatus.VIOLATED
    found = {p for p, _ in step_violations(held, resume, after)}
    assert "upheld-stays" in found


def test_a_duty_with_no_deadline_is_met_when_all_it_owed_was_delivered() -> None:
    deal = load_scenario(SEMANTICS / "withholding.yaml").deal
    start = [{"day": 1, "type": "advance"},
             {"day": 1, "type": "perform", "party": "b", "obligation": "captives",
              "quantity": 10}]
    end = [{"day": 31, "type": "advance"}]
    short = replay(deal, events_of(*start, {"day": 1, "type": "perform", "party": "a",
                                          "obligation": "prisoners", "quantity": 150}, *end))
    full = replay(deal, events_of(*start, {"day": 1, "type": "perform", "party": "a",
                                         "obligation": "prisoners", "quantity": 300}, *end))
    for run in (short, full):
        assert run.terminal and run.ledger["prisoners"].status.value == "discharged"
    assert not _met(short, short.ledger["prisoners"])
    assert _met(full, full.ledger["prisoners"])
    assert "prisoners" in verify(deal).exploration.fulfilled


def test_lapse_is_demanded_only_when_a_clause_can_fire_it() -> None:
    assert can_lapse(builtin_deal("gaza-2025"))
    for name in ("open-ended-phase", "limbo-hold-then-collapse", "suspend-and-return"):
        assert not can_lapse(load_scenario(SEMANTICS / f"{name}.yaml").deal), name
    gated = load_scenario(SEMANTICS / "suspend-and-return.yaml").deal
    gated = gated.evolve_phase(gated.phases[1].id, requires_agreement=True)
    assert can_lapse(gated)
    report = verify(gated)
    assert "lapsed" in report.exploration.reached


@pytest.mark.parametrize("name", ["limbo-no-way-out-broken.yaml", "extension-forever-broken.yaml"])
def test_workers_do_not_change_the_report(name: str) -> None:
    """Slices explored in two processes are merged in slice order: the same report (its
    time aside), counterexamples and all, as one process gives."""
    deal = load_deal(ROOT / "tests" / "data" / "broken" / name)
    one = verify(deal, max_states=200).to_dict()
    calls: list[tuple[int, int]] = []
    two = verify(deal, max_states=200, workers=2,
                 progress=lambda done, total: calls.append((done, total))).to_dict()
    assert two.pop("workers") == 2 and one.pop("workers") == 1
    one.pop("seconds")
    two.pop("seconds")
    assert one == two
    assert one["slices"] > 1 and one["violations"]
    assert calls == [(k, one["slices"]) for k in range(1, one["slices"] + 1)]
