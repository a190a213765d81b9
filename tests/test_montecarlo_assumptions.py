"""Assumptions for Monte Carlo: parsing, the cascade, and located errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealmodel import ScenarioError, builtin_deal, load_scenario
from dealmodel.analysis.montecarlo import assumptions_of
from dealmodel.analysis.montecarlo_assumptions import Delay, parse_assumptions
from dealmodel.analysis.simulate_sweep import parse_sweep, with_value

EXAMPLE = Path(__file__).parent.parent / "examples" / "gaza-2025-montecarlo.yaml"


def write(tmp_path: Path, assumptions: str) -> Path:
    path = tmp_path / "mc.yaml"
    path.write_text("deal: gaza-2025\nevents: []\nassumptions:\n" + assumptions,
                    encoding="utf-8")
    return path


def test_example_parses_and_cascades() -> None:
    scenario = load_scenario(EXAMPLE)
    a = assumptions_of(scenario)
    assert a.horizon_days == 240
    # defaults, then the obligor's entry, then the obligation's own
    assert a.obligations["p1_hostages"].on_schedule == 0.9
    assert a.obligations["p1_hostages"].withhold == 0.05  # from actors.hamas
    assert a.obligations["p1_philadelphi"].on_schedule == 0.5  # its own
    assert a.obligations["p1_philadelphi"].delay == Delay("geometric", mean=30.0)
    assert a.actors["israel"].suspend_deal_days == Delay("uniform", (2, 10))
    assert a.phases["phase1"].talks_open_day == 16
    assert a.phases["phase3"].collapse_daily == 0.001
    assert a.stated["horizon_days"] == 240  # echoed as stated


# (assumptions text, expected line, expected path, words in the message or fix)
BAD = [
    ("  defaults: {on_schedule: 1.5}\n", 4, "assumptions.defaults.on_schedule",
     ["probability between 0 and 1", "1.5"]),
    ("  phases:\n    phase1:\n      collapse_daily: -0.1\n", 6,
     "assumptions.phases.phase1.collapse_daily", ["probability", "-0.1"]),
    ("  obligations:\n    p1_hostage: {on_schedule: 0.5}\n", 5,
     "assumptions.obligations.p1_hostage", ["unknown obligation", "did you mean 'p1_hostages'"]),
    ("  actors:\n    hamaz: {withhold: 0.1}\n", 5, "assumptions.actors.hamaz",
     ["unknown party", "did you mean 'hamas'"]),
    ("  actors:\n    qatar: {withhold: 0.1}\n", 5, "assumptions.actors.qatar",
     ["unknown party"]),
    ("  phases:\n    phase4: {collapse_daily: 0.1}\n", 5, "assumptions.phases.phase4",
     ["unknown phase", "did you mean"]),
    ("  phases:\n    phase1: {colapse_daily: 0.1}\n", 5, "assumptions.phases.phase1.colapse_daily",
     ["unknown field", "did you mean 'collapse_daily'"]),
    ("  horizon: 30\n", 4, "assumptions.horizon", ["unknown field", "horizon_days"]),
    ("  horizon_days: 0\n", 4, "assumptions.horizon_days", [">= 1"]),
    ("  defaults: {delay: {gaussian: 3}}\n", 4, "assumptions.defaults.delay.gaussian",
     ["unknown distribution"]),
    ("  defaults: {delay: {uniform: [5, 2]}}\n", 4, "assumptions.defaults.delay.uniform",
     ["low <= high"]),
    ("  defaults: {delay: {geometric: 0.5}}\n", 4, "assumptions.defaults.delay.geometric",
     [">= 1"]),
    ("  defaults: {on_schedule: yes}\n", 4, "assumptions.defaults.on_schedule",
     ["must be a number"]),
    ("  phases:\n    phase3: {agreement_daily: 0.1}\n", 5,
     "assumptions.phases.phase3.agreement_daily", ["last phase", "remove it"]),
    ("  obligations:\n    p1_rafah: {withhold: 0.2}\n", 5,
     "assumptions.obligations.p1_rafah.withhold", ["no installments"]),
    ("  obligations:\n    p1_hostages: {planned_day: 3}\n", 5,
     "assumptions.obligations.p1_hostages.planned_day", ["schedule"]),
    ("  obligations:\n    p1_aid: {ruled_by: israel}\n", 5,
     "assumptions.obligations.p1_aid.ruled_by", ["not a mediator"]),
    ("  obligations:\n    p1_aid: {alleged_by: israel}\n", 5,
     "assumptions.obligations.p1_aid.alleged_by", ["its own obligation"]),
]


@pytest.mark.parametrize(("text", "line", "path", "words"), BAD,
                         ids=[b[2].split(".", 1)[1] for b in BAD])
def test_bad_assumptions_are_located(tmp_path: Path, text: str, line: int, path: str,
                                     words: list[str]) -> None:
    file = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        assumptions_of(load_scenario(file))
    [problem] = info.value.problems
    assert problem.path == path
    assert problem.line == line
    message = str(info.value)
    assert str(file) in message  # the file, the line, the field, what to do
    assert f"line {line}" in message
    for word in words:
        assert word in message


def test_every_problem_at_once(tmp_path: Path) -> None:
    file = write(tmp_path, "  defaults: {on_schedule: 2, withhold: -1}\n"
                           "  phases: {phase9: {}}\n")
    with pytest.raises(ScenarioError) as info:
        assumptions_of(load_scenario(file))
    assert len(info.value.problems) == 3


def test_scenario_without_assumptions() -> None:
    with pytest.raises(ScenarioError, match="states no assumptions"):
        assumptions_of(load_scenario("gaza-2025"))


@pytest.mark.parametrize(("raw", "expected"), [
    (3, Delay("fixed", (3,))),
    ({"fixed": 2}, Delay("fixed", (2,))),
    ({"uniform": [1, 4]}, Delay("uniform", (1, 4))),
    ({"geometric": 6}, Delay("geometric", mean=6.0)),
    ({"choice": {7: 1, 1: 3}}, Delay("choice", (1, 7), (0.75, 1.0))),
])
def test_delay_forms(raw: object, expected: Delay) -> None:
    a = parse_assumptions({"defaults": {"delay": raw}}, builtin_deal("gaza-2025"))
    assert a.obligations["p1_rafah"].delay == expected


@pytest.mark.parametrize("delay", [Delay("fixed", (3,)), Delay("uniform", (2, 9)),
                                   Delay("geometric", mean=5.0),
                                   Delay("choice", (1, 7), (0.75, 1.0))])
def test_delay_samples_follow_the_distribution(delay: Delay) -> None:
    draws = [delay.sample((i + 0.5) / 20000) for i in range(20000)]
    assert min(draws) >= 1
    assert sum(draws) / len(draws) == pytest.approx(delay.expected, rel=0.01)


def test_sweep_parsing_and_values() -> None:
    sweep = parse_sweep("phases.phase1.agreement_daily=0:0.04:5")
    assert sweep.values == (0.0, 0.01, 0.02, 0.03, 0.04)
    data = with_value(load_scenario(EXAMPLE).raw_assumptions, sweep.name, 0.03)
    assert data["phases"]["phase1"]["agreement_daily"] == 0.03
    data = with_value({}, "obligations.p1_aid.suspend_days.geometric", 12.0)
    assert data == {"obligations": {"p1_aid": {"suspend_days": {"geometric": 12.0}}}}
    assert with_value({}, "horizon_days", 99.6) == {"horizon_days": 100}


@pytest.mark.parametrize(("text", "words"), [
    ("phases.phase1.agreement_daily", "NAME=START:STOP:STEPS"),
    ("phases.phase1.agreement_daily=0:1", "NAME=START:STOP:STEPS"),
    ("phases.phase1.agreement_daily=a:1:3", "must be numbers"),
    ("phases.phase1.agreement_daily=0:1:1", "at least 2"),
    ("phases.phase1.agreement_dail=0:1:3", "did you mean 'agreement_daily'"),
    ("phase.phase1.agreement_daily=0:1:3", "did you mean 'phases'"),
    ("obligations.p1_aid.delay=1:5:3", "geometric"),
    ("obligations.p1_aid.ruled_by=1:5:3", "not a number"),
])
def test_bad_sweeps(text: str, words: str) -> None:
    with pytest.raises(ScenarioError, match=words.replace("(", r"\(")):
        parse_sweep(text)
