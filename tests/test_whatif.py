"""What-if: variants (Python and YAML), forks, comparisons, the whatif CLI and bad input."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealmodel import (
    AgreementReached,
    Deal,
    EventRejected,
    NegotiationsOpened,
    Performed,
    Run,
    Scenario,
    ScenarioError,
    Suspended,
    load_scenario,
    run_scenario,
)
from dealmodel.analysis.compare import compare, continue_run, replay_until
from dealmodel.cli import main
from tests.strategies import deals, events_for

ROOT = Path(__file__).parent.parent
RECORD = ROOT / "examples" / "gaza-2025-record.yaml"
WHATIF = ROOT / "examples" / "gaza-2025-whatif.yaml"


@pytest.fixture
def gaza_scenario() -> Scenario:
    return load_scenario(RECORD)


def write(tmp_path: Path, variants: str) -> Path:
    text = WHATIF.read_text(encoding="utf-8").split("\nvariants:\n")[0] + "\nvariants:\n" + variants
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# -- forks --------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.data())
def test_forks_are_independent(data: st.DataObject) -> None:
    deal: Deal = data.draw(deals())
    run = Run(deal)
    for _ in range(data.draw(st.integers(0, 8))):
        with contextlib.suppress(EventRejected):
            run.apply(data.draw(events_for(deal, run.day)))
    fork = run.fork()
    assert run.to_dict() == fork.to_dict()
    for target, untouched in ((fork, run), (run, fork)):  # change one, then the other
        snapshot = untouched.to_dict()
        accepted = len(target.log)
        for _ in range(data.draw(st.integers(1, 8))):
            try:
                target.apply(data.draw(events_for(deal, target.day)))
                accepted += 1
            except EventRejected:
                pass
        assert untouched.to_dict() == snapshot
        assert len(target.log) == accepted


def test_replay_until_then_continue(gaza_scenario: Scenario) -> None:
    at30 = replay_until(gaza_scenario, 30)
    assert at30.day == 28 and at30.state == "phase1"
    assert all(e.day <= 30 for e in at30.events())
    rest = [e for e in gaza_scenario.events if e.day > 30]
    continued = continue_run(at30, rest)
    full = gaza_scenario.run()
    assert continued.run.to_dict() == full.run.to_dict()
    assert continued.scenario.hypothetical
    assert at30.day == 28  # continuing forks: the replayed run is unchanged
    talks = [NegotiationsOpened(30, phase="phase2"), AgreementReached(35, phase="phase2")]
    other = continue_run(at30, sorted([*talks, *rest], key=lambda e: e.day))
    assert ("phase2", 43) in other.run.history and ("phase1:limbo", 43) in full.run.history
    assert other.run.state == full.run.state == "collapsed"  # fighting resumed in both
    assert [e.reason for e in other.refused] == [
        "'p1_aid' is fulfilled, only an active obligation can be suspended"]


# -- variants in Python ---------------------------------------------------------------------
def test_drop_shift_add_with_deal(gaza_scenario: Scenario) -> None:
    v = gaza_scenario.variant("x").drop(type="suspend", obligation="p1_aid")
    assert len(v.events) == len(gaza_scenario.events) - 1
    assert not any(isinstance(e, Suspended) for e in v.events)
    assert len(gaza_scenario.events) == 40  # the base is never changed
    shifted = gaza_scenario.variant("y").shift(7, day=28)
    moved = [e for e in shifted.events if e.hypothetical and "moved 7 day(s) later" in e.note]
    assert [(e.day, e.type) for e in moved] == [(35, "perform"), (35, "perform")]
    assert [e.day for e in shifted.events] == sorted(e.day for e in shifted.events)
    added = gaza_scenario.variant("z").add(AgreementReached(35, phase="phase2"))
    new = [e for e in added.events if isinstance(e, AgreementReached)]
    assert len(new) == 1 and new[0].hypothetical
    longer = gaza_scenario.variant("w").with_deal(phase="phase1", duration_days=49)
    assert longer.deal.phase("phase1").duration_days == 49 and longer.deal.hypothetical
    assert gaza_scenario.deal.phase("phase1").duration_days == 42
    assert longer.changes == ("phase1.duration_days: 42 -> 49",)
    other_total = gaza_scenario.variant("r").with_deal(obligation="p1_prisoners",
                                                        quantity=1904)  # the UPI figure
    assert other_total.deal.obligation("p1_prisoners").target == 1904
    fewer = gaza_scenario.variant("q").with_deal(obligation="p1_hostages", quantity=40)
    assert fewer.deal.obligation("p1_hostages").target == 40
    # selectors: day range and acting party
    late = gaza_scenario.variant("d").drop(day=(43, 59))
    assert max(e.day for e in late.events) == 40
    by_qatar = gaza_scenario.variant("p").drop(party="qatar")
    assert len(by_qatar.events) == 39


def test_with_deal_changes_a_ratio(truce: Deal) -> None:
    scenario = Scenario(truce, ())
    ratio = scenario.variant("r").with_deal(obligation="detainees", ratio=5)
    assert ratio.deal.obligation("detainees").reciprocal[0].ratio == 5


def test_longer_phase_one_changes_when_limbo_starts(gaza_scenario: Scenario) -> None:
    v = gaza_scenario.variant("longer").with_deal(phase="phase1", duration_days=49)
    c = compare(gaza_scenario, [v])
    assert c["longer"].forked_at_day is None  # a changed deal is replayed, not forked
    assert ("phase1:limbo", 50) in c["longer"].run.history
    assert ("phase1:limbo", 43) in c.base.run.history
    assert c["longer"].days_in_limbo == 9 and c.base.days_in_limbo == 16  # to day 59


@pytest.mark.parametrize(("build", "path", "message"), [
    (lambda s: s.variant("v").drop(type="suspend", obligation="p1_hostages"),
     "variants[v].drop", "removes nothing"),
    (lambda s: s.variant("v").drop(type="aid_blocked"), "variants[v].drop.type",
     "unknown event type 'aid_blocked'"),
    (lambda s: s.variant("v").drop(party="hamass"), "variants[v].drop.party",
     "unknown party 'hamass'"),
    (lambda s: s.variant("v").drop(obligation="p1_aide"), "variants[v].drop.obligation",
     "unknown obligation 'p1_aide'"),
    (lambda s: s.variant("v").drop(colour="red"), "variants[v].drop.colour",
     "unknown selector field"),
    (lambda s: s.variant("v").shift(-3, day=1), "variants[v].shift.days",
     "would date it day -2, before day 1"),
    (lambda s: s.variant("v").shift(2, day=8), "variants[v].shift", "shifts nothing"),
    (lambda s: s.variant("v").add(Performed(50, party="israel", obligation="nope")),
     "variants[v].add[0].obligation", "unknown obligation 'nope'"),
    (lambda s: s.variant("v").with_deal(phase="phase9", duration_days=3),
     "variants[v].with_deal.phase", "unknown phase 'phase9'"),
    (lambda s: s.variant("v").with_deal(obligation="p1_hostages", ratio=3),
     "variants[v].with_deal.ratio", "is not reciprocal"),
    (lambda s: s.variant("v").with_deal(phase="phase1", colour=3),
     "variants[v].with_deal.colour", "cannot be changed on a phase"),
    (lambda s: s.variant("v").with_deal(phase="phase1", duration_days=0),
     "variants[v].with_deal.duration_days", "must be >= 1"),
])
def test_bad_variant_names_variant_and_field(gaza_scenario: Scenario, build: object,
                                             path: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        build(gaza_scenario)  # type: ignore[operator]
    problem = info.value.problems[0]
    assert problem.path.endswith(path.split(".", 1)[1]) and problem.path.startswith("variants[v]")
    assert problem.path == path or path in problem.path
    assert message in problem.message


def test_unknown_name_gets_a_suggestion(gaza_scenario: Scenario) -> None:
    with pytest.raises(ScenarioError) as info:
        gaza_scenario.variant("v").drop(obligation="p1_aide")
    assert "did you mean 'p1_aid'?" in str(info.value)


# -- comparison ---------------------------------------------------------------------------
def test_comparison_measures(gaza_scenario: Scenario) -> None:
    agreed = gaza_scenario.variant("agreed").add(NegotiationsOpened(16, phase="phase2"),
                                                 AgreementReached(35, phase="phase2"))
    postponed = gaza_scenario.variant("late").shift(14, day=21)
    c = compare(gaza_scenario, [agreed, postponed])
    base = c.base
    assert (base.final_state, base.final_day) == ("collapsed", 59)
    assert base.phase_entered() == {"phase1": 1, "phase2": None, "phase3": None}
    assert base.days_in_limbo == 16 and base.days_suspended == 0
    assert base.suspensions() == [{"obligation": "p1_aid", "by": "israel", "from_day": 43,
                                   "to_day": 59, "days": 16}]
    assert base.first_violation() == {"obligation": "p1_return_north", "party": "israel",
                                      "day": 7}
    assert base.divergence is None and base.outcome.run.state == gaza_scenario.run().run.state
    a = c["agreed"]
    assert a.phase_entered()["phase2"] == 43 and a.days_in_limbo == 0
    assert all(not s.endswith(":limbo") for s, _ in a.run.history)
    assert a.divergence is not None and a.divergence.day == 16
    assert "negotiations on phase2 open" in a.divergence.variant
    assert a.forked_at_day == 16  # forked from the base run after the day-16 events
    assert [r["type"] for r in a.refused()] == ["suspend"]
    late = c["late"]  # the releases of day 21 two weeks later: behind the day-28 milestone
    assert late.divergence is not None and late.divergence.day == 21
    hostages = late.run.ledger["p1_hostages"]
    assert (hostages.status.value, hostages.violated_day, hostages.fulfilled_day) == (
        "fulfilled", None, 40)  # the record ran ahead of the schedule: still on time
    late_more = compare(gaza_scenario, [gaza_scenario.variant("later").shift(21, day=21)])
    assert late_more["later"].obligations()["p1_hostages"]["status"] == "fulfilled"
    # a fork gives exactly what a replay from day 1 gives
    assert late.run.to_dict() == postponed.run().run.to_dict()
    assert a.run.to_dict() == agreed.run().run.to_dict()


def test_identical_variant_never_diverges(gaza_scenario: Scenario) -> None:
    same = gaza_scenario.variant("same").with_deal(lambda d: d)
    c = compare(gaza_scenario, [same])
    assert c["same"].divergence is None
    assert "never" in c.to_text()


def test_refused_event_is_reported_and_other_variants_run(gaza_scenario: Scenario) -> None:
    bad = gaza_scenario.variant("bad").add(Performed(10, party="israel",
                                                     obligation="p2_withdrawal"))
    good = gaza_scenario.variant("good").drop(type="allege")
    c = compare(gaza_scenario, [bad, good])
    assert [r["reason"] for r in c["bad"].refused()] == [
        "'p2_withdrawal' cannot be performed: its phase 'phase2' has not begun "
        "(state is 'phase1')"]
    assert c["good"].run.allegations == [] and c["good"].refused() == []
    text = c.to_text()
    assert "REFUSED day 10 israel performs p2_withdrawal" in text
    assert c.to_dict()["variants"][0]["refused"][0]["day"] == 10


def test_horizon_puts_runs_on_the_same_day(gaza_scenario: Scenario) -> None:
    late = gaza_scenario.variant("late").add(Performed(57, party="israel",
                                                       obligation="p1_philadelphi"))
    cut = gaza_scenario.variant("cut").drop(day=(51, 59))
    c = compare(gaza_scenario, [late, cut])
    assert c.horizon == 59 and c.base.final_day == 59 and c["late"].final_day == 59
    assert c["cut"].final_day == 59  # moved on to the horizon though its last event is day 43
    assert c.base.days_in_limbo == 16 and c["cut"].days_in_limbo == 17
    assert c["late"].obligations()["p1_philadelphi"] == {
        "status": "fulfilled late", "progress": 1, "owed": 1, "violated_day": 50}


def test_renderings_say_hypothetical(gaza_scenario: Scenario) -> None:
    c = compare(gaza_scenario, [gaza_scenario.variant("aid-not-cut").drop(type="suspend")])
    text, md, data = c.to_text(), c.to_markdown(), c.to_dict()
    assert "HYPOTHETICAL" in text and "aid-not-cut (hypothetical)" in text
    assert "**Hypothetical.**" in md and "| aid-not-cut (hypothetical) |" in md.splitlines()[4]
    assert data["variants"][0]["hypothetical"] is True and "hypothetical" in data["note"]
    assert data["base"]["hypothetical"] is False
    assert json.loads(c.to_json()) == data
    assert "suspended obligations *" in text  # rows that differ are marked


# -- scenario files -------------------------------------------------------------------------
def test_scenario_file_variants() -> None:
    scenario = load_scenario(WHATIF)
    names = [v.name for v in scenario.variants()]
    assert names == ["phase2-agreed-day-35", "aid-not-cut", "release-postponed",
                     "philadelphi-withdrawal-day-50", "philadelphi-deadline-day-57"]
    c = compare(scenario)
    assert c["phase2-agreed-day-35"].phase_entered()["phase2"] == 43
    assert c["aid-not-cut"].suspensions() == []
    assert c["philadelphi-withdrawal-day-50"].obligations()["p1_philadelphi"]["status"] == \
        "fulfilled"
    late = c["philadelphi-deadline-day-57"].run.ledger["p1_philadelphi"]
    assert (late.status.value, late.violated_day) == ("violated", 57)
    assert c["philadelphi-deadline-day-57"].divergence.day == 51  # type: ignore[union-attr]
    # the base timeline is the public record
    assert scenario.events == load_scenario(RECORD).events


@pytest.mark.parametrize(("variants", "where", "message"), [
    ("  - name: v\n    drop: {type: suspend, obligation: p1_hostages}\n",
     "variants[v].drop", "removes nothing"),
    ("  - name: v\n    drop: [{type: aid_blocked}]\n", "variants[v].drop[0].type",
     "unknown event type 'aid_blocked'"),
    ("  - name: v\n    shift: {days: -5, day: 1}\n", "variants[v].shift.days", "before day 1"),
    ("  - name: v\n    add: [{day: 50, type: perform, party: isreal, obligation: p1_aid}]\n",
     "variants[v].add[0].party", "unknown party 'isreal'"),
    ("  - name: v\n    with_deal: {obligation: p1_nope, due_day: 3}\n",
     "variants[v].with_deal.obligation", "unknown obligation 'p1_nope'"),
    ("  - name: v\n    remove: {type: suspend}\n", "variants[v].remove", "unknown field"),
    ("  - name: v\n    description: nothing\n", "variants[v]", "changes nothing"),
])
def test_bad_variant_in_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             variants: str, where: str, message: str) -> None:
    path = write(tmp_path, variants)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problem = info.value.problems[0]
    assert (problem.path, message in problem.message) == (where, True)
    assert problem.line is not None and problem.line > 50
    assert main(["whatif", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and where in err and message in err


def test_every_problem_of_every_variant_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "  - name: a\n    drop: {type: nope}\n"
                           "  - name: b\n    shift: {days: 3, obligation: p9}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert [p.path for p in info.value.problems] == ["variants[a].drop.type",
                                                     "variants[b].shift.obligation"]


def test_refused_variant_event_in_file_is_reported(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "  - name: early-talks-end\n"
                           "    add: [{day: 10, type: negotiations_ended, phase: phase2}]\n"
                           "  - name: aid-not-cut\n    drop: {type: suspend}\n")
    assert main(["whatif", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first, second = data["variants"]
    assert first["refused"][0]["reason"].startswith("negotiations on 'phase2' are not open")
    assert second["refused"] == [] and second["suspensions"] == []


# -- CLI ----------------------------------------------------------------------------------
def test_cli_text_table(capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["whatif", str(WHATIF)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("What-if comparison: ")
    assert "HYPOTHETICAL" in out
    assert "\x1b[" not in out  # no colour or escape codes when not a terminal
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 250
    header = next(line for line in lines if line.lstrip().startswith("base"))
    assert header.split()[1:3] == ["(hypothetical)", "(hypothetical)"]
    row = next(line for line in lines if line.lstrip().startswith("phase2 entered"))
    assert row.split()[2:6] == ["*", "-", "day", "43"]  # * marks a row that differs


@pytest.mark.parametrize("columns", [60, 100])
def test_cli_text_table_fits_the_terminal(columns: int, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["whatif", str(WHATIF)]) == 0
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= columns
    assert "phase2-agreed-day-35" in out.replace("\n", "")


def test_cli_builtin_whatif_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", "gaza-2025-whatif", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [v["name"] for v in data["variants"]] == [
        v.name for v in load_scenario(WHATIF).variants()]
    assert data["variants"][0]["phase_entered"]["phase2"] == 43


def test_cli_select_variant_json_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", str(WHATIF), "--variant", "aid-not-cut", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [v["name"] for v in data["variants"]] == ["aid-not-cut"]
    assert data["variants"][0]["divergence"]["day"] == 43
    assert data["base"]["first_violation"]["obligation"] == "p1_return_north"
    assert main(["whatif", str(WHATIF), "--variant", "release-postponed",
                 "--variant", "aid-not-cut", "--markdown"]) == 0
    md = capsys.readouterr().out
    assert "|  | base | release-postponed (hypothetical) | aid-not-cut (hypothetical) |" in md
    assert "7, the last A7 day 51 hamas v israel p1_philadelphi: open | " \
           "7, the last A7 day 51 hamas v israel p1_philadelphi: open | 5, the last A5 day 51 " \
           "hamas v israel p1_philadelphi: open |" in md


def test_cli_bad_input_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", str(WHATIF), "--variant", "aid-not-cutt"]) == 2
    assert "did you mean 'aid-not-cut'?" in capsys.readouterr().err
    assert main(["whatif", str(RECORD)]) == 2
    assert "declares no variants" in capsys.readouterr().err
    assert main(["whatif", "gaza-2025"]) == 2
    assert "try a built-in scenario that declares some: gaza-2025-whatif" in \
        capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["whatif", str(WHATIF), "--json", "--markdown"])
    assert info.value.code == 2


def test_run_still_runs_a_file_with_variants(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(WHATIF), "-q"]) == 0
    assert "final state: collapsed as of day 59 (2025-03-18)" in capsys.readouterr().out
    assert run_scenario(load_scenario(WHATIF)).run.state == "collapsed"
