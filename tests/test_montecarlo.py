"""Monte Carlo runs: determinism across chunks, workers and executors; what the figures mean."""

from __future__ import annotations

import math
import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealmodel import DealModelError, builtin_deal, load_scenario
from dealmodel.analysis.montecarlo import SimSpec, assumptions_of, run_chunk, simulate
from dealmodel.analysis.montecarlo_assumptions import parse_assumptions
from dealmodel.analysis.montecarlo_results import DISCLAIMER, Tally, wilson
from dealmodel.scenarios.scenario import Scenario

EXAMPLE = Path(__file__).parent.parent / "examples" / "gaza-2025-montecarlo.yaml"


@pytest.fixture(scope="module")
def example() -> Scenario:
    return load_scenario(EXAMPLE)


def with_assumptions(data: dict[str, Any]) -> Scenario:
    deal = builtin_deal("gaza-2025")
    return Scenario(deal, (), "test (hypothetical)", raw_assumptions=data)


@pytest.fixture(scope="module")
def pools() -> Any:
    made = {k: ProcessPoolExecutor(max_workers=k) for k in (2, 3)}
    yield made
    for pool in made.values():
        pool.shutdown()


# -- determinism ---------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**63), runs=st.integers(1, 120), chunk=st.integers(1, 130))
def test_chunking_does_not_change_the_result(example: Scenario, seed: int, runs: int,
                                             chunk: int) -> None:
    whole = simulate(example, runs, seed, chunk_size=runs)
    split = simulate(example, runs, seed, chunk_size=chunk)
    assert split.to_dict(timing=False) == whole.to_dict(timing=False)


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32), workers=st.sampled_from([2, 3]),
       chunk=st.integers(1, 60), threads=st.booleans())
def test_workers_and_executors_do_not_change_the_result(example: Scenario, pools: Any,
                                                        seed: int, workers: int, chunk: int,
                                                        threads: bool) -> None:
    runs = 150
    alone = simulate(example, runs, seed)
    if threads:
        with ThreadPoolExecutor(workers) as pool:
            other = simulate(example, runs, seed, chunk_size=chunk, executor=pool)
    else:
        other = simulate(example, runs, seed, chunk_size=chunk, executor=pools[workers])
    assert other.to_dict(timing=False) == alone.to_dict(timing=False)


def test_own_process_pool(example: Scenario) -> None:
    one = simulate(example, 300, 11)
    two = simulate(example, 300, 11, workers=2, chunk_size=7)
    assert two.timing["executor"] == "process pool" and two.timing["chunks"] == 43
    assert two.to_dict(timing=False) == one.to_dict(timing=False)


def test_different_seeds_differ(example: Scenario) -> None:
    a = simulate(example, 400, 1).to_dict(timing=False)
    b = simulate(example, 400, 2).to_dict(timing=False)
    assert a["endings"] != b["endings"]


def test_run_streams_are_the_spawned_children_of_the_seed() -> None:
    """Run i draws from SeedSequence(seed).spawn(n)[i], whatever chunk it is in."""
    deal = builtin_deal("gaza-2025")
    spec = SimSpec(deal, parse_assumptions({"defaults": {"on_schedule": 0.5}}, deal), 99)
    children = np.random.SeedSequence(99).spawn(40)
    for i in (0, 1, 17, 39):
        ours = np.random.SeedSequence(99, spawn_key=(i,))
        assert (ours.generate_state(8) == children[i].generate_state(8)).all()
    # and a chunk's tally is the sum of its runs' tallies
    whole = run_chunk(spec, 0, 40)
    parts = Tally(len(deal.phases), len(list(deal.obligations())))
    for i in range(40):
        parts.merge(run_chunk(spec, i, i + 1))
    assert pickle.dumps(sorted(whole.paths.items())) == pickle.dumps(sorted(parts.paths.items()))
    assert whole.status == parts.status and whole.fulfilled == parts.fulfilled
    assert whole.endings == parts.endings


def test_spec_travels_pickled() -> None:
    deal = builtin_deal("gaza-2025")
    spec = SimSpec(deal, parse_assumptions({"horizon_days": 9}, deal), 1)
    again = pickle.loads(pickle.dumps(spec))
    assert again.deal == deal and again.assumptions == spec.assumptions


# -- what the figures mean --------------------------------------------------------------
def test_probabilities_and_intervals_are_proportions(example: Scenario) -> None:
    data = simulate(example, 500, 3).to_dict()
    assert data["disclaimer"] == DISCLAIMER
    shares = [*data["phases_reached"], *data["endings"], *data["paths"],
              *(ob["fulfilled"] for ob in data["obligations"])]
    for item in shares:
        assert 0 <= item["low"] <= item["p"] <= item["high"] <= 1
        assert item["p"] == pytest.approx(item["count"] / 500)
    assert sum(e["count"] for e in data["endings"]) == 500
    curve = data["collapse_by_day"]
    assert curve["p"] == sorted(curve["p"])  # cumulative
    endings = {e["ending"]: e for e in data["endings"]}
    assert list(endings) == ["concluded", "lapsed", "collapsed", "in_force"]  # reachable
    assert curve["p"][-1] == endings["collapsed"]["p"]  # collapsed by the horizon
    for ob in data["obligations"]:
        assert sum(ob["status"].values()) == pytest.approx(1)


def test_wilson_interval() -> None:
    low, high = wilson(40, 100)  # reference values for 40/100
    assert (round(low, 4), round(high, 4)) == (0.3094, 0.4980)
    assert wilson(0, 10)[0] == 0 and wilson(10, 10)[1] == 1


def test_perfect_compliance_and_quick_agreement_concludes_every_run() -> None:
    scenario = with_assumptions({"horizon_days": 200, "phases": {
        "phase1": {"agreement_daily": 1}, "phase2": {"agreement_daily": 1}}})
    data = simulate(scenario, 50, 5).to_dict()
    endings = {e["ending"]: e["count"] for e in data["endings"]}
    assert endings["concluded"] == 50
    assert [p["count"] for p in data["phases_reached"]] == [50, 50, 50]
    assert data["paths"][0]["path"] == ["phase1", "phase2", "phase3", "concluded"]
    by_id = {ob["id"]: ob for ob in data["obligations"]}
    assert by_id["p1_hostages"]["fulfilled_day"]["median"] == 42  # the last milestone
    assert by_id["p1_hostages"]["status"]["fulfilled"] == 1


def test_no_talks_means_every_run_lapses_at_the_end_of_phase_1() -> None:
    """Under the rule the text states (the truce continues while talks go on)."""
    deal = builtin_deal("gaza-2025").evolve_phase(
        "phase1", on_expiry="continue_while_negotiating")
    scenario = Scenario(deal, (), "test (hypothetical)",
                        raw_assumptions={"phases": {"phase1": {"talks_open_day": None}}})
    data = simulate(scenario, 30, 5).to_dict()
    [lapsed] = [e for e in data["endings"] if e["ending"] == "lapsed"]
    assert lapsed["count"] == 30 and lapsed["median_day"] == 43


def test_no_talks_under_hold_every_run_holds_in_limbo() -> None:
    """The built-in deal holds in limbo when phase 1's time is up (clause phase1-expiry)."""
    scenario = with_assumptions({"phases": {"phase1": {"talks_open_day": None}}})
    data = simulate(scenario, 30, 5).to_dict()
    assert data["paths"] == [{"path": ["phase1", "phase1:limbo"], "count": 30, "p": 1.0,
                              "low": 0.886487, "high": 1.0}]
    assert [e["count"] for e in data["endings"] if e["ending"] == "in_force"] == [30]


def test_collapse_hazard_gives_a_geometric_curve() -> None:
    p = 0.02
    scenario = with_assumptions({"horizon_days": 120,
                                 "phases": {"phase1": {"collapse_daily": p,
                                                       "limbo_collapse_daily": p}}})
    runs = 4000
    curve = simulate(scenario, runs, 8).collapse_curve()
    for day in (10, 30, 42, 60, 100):
        expected = 1 - (1 - p) ** (day - 1)  # a daily chance, from day 2 on
        observed = curve["p"][day - 1]
        assert abs(observed - expected) < 4 * math.sqrt(expected * (1 - expected) / runs)


def test_lateness_shows_as_late_fulfilment() -> None:
    scenario = with_assumptions({"defaults": {"on_schedule": 0.0, "delay": 2},
                                 "phases": {"phase1": {"talks_open_day": None}}})
    data = simulate(scenario, 20, 5).to_dict()
    rafah = next(ob for ob in data["obligations"] if ob["id"] == "p1_rafah")
    # due on day 7, done on day 9: in breach on day 8, fulfilled late on day 9
    assert rafah["status"]["fulfilled late"] == 1 and rafah["status"]["violated"] == 0
    assert rafah["fulfilled_late"]["count"] == 20
    assert rafah["fulfilled_day"]["median"] == 9


def test_bad_arguments(example: Scenario) -> None:
    with pytest.raises(DealModelError, match="runs"):
        simulate(example, 0, 1)
    with pytest.raises(DealModelError, match="seed"):
        simulate(example, 10, -1)
    with pytest.raises(DealModelError, match="chunk"):
        simulate(example, 10, 1, chunk_size=-3)


def test_assumptions_override_for_sweeps(example: Scenario) -> None:
    base = assumptions_of(example)
    never = attrs.evolve(base, phases={**base.phases, "phase1": attrs.evolve(
        base.phases["phase1"], agreement_daily=0.0)})
    data = simulate(example, 200, 4, assumptions=never).to_dict()
    assert data["phases_reached"][1]["count"] == 0


def test_deals_simulation_does_not_model_are_refused_naming_the_field() -> None:
    from dealmodel import ScenarioError, deal_from_dict

    deal = deal_from_dict({
        "id": "relative", "title": "Hypothetical", "hypothetical": True,
        "parties": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
        "phases": [{"id": "one", "duration_days": 10, "obligations": [
            {"id": "first", "obligor": "a"},
            {"id": "second", "obligor": "b", "due": {"after": "first", "days": 3}}]}]})
    scenario = Scenario(deal, (), "hypothetical", raw_assumptions={}, source="rel.yaml")
    with pytest.raises(ScenarioError) as info:
        simulate(scenario, 10, 1)
    [problem] = info.value.problems
    assert problem.path == "deal.phases[0].obligations[1].due"
    assert "relative deadlines" in problem.message and "rel.yaml" in str(info.value)


def test_a_chunks_counts_do_not_grow_with_its_runs(example: Scenario) -> None:
    """What a chunk sends back is bounded (by phases, days, paths, obligations), not a
    record per run, so millions of runs can be counted."""
    spec = SimSpec(example.deal, assumptions_of(example), 5)
    small, large = (len(pickle.dumps(run_chunk(spec, 0, n))) for n in (300, 3000))
    assert large < 3 * small  # ten times the runs, not ten times the bytes


# -- the benchmark's floor is a second, hand-written simulator of the same model ------
def test_the_benchmark_floor_counts_what_the_compiled_simulator_counts(
        example: Scenario) -> None:
    """benchmarks/bench_simulate.py's floor makes the same draws in the same order as the
    compiled simulator, by hand for the Gaza deal; any difference in semantics between
    the two (e.g. resuming in limbo after an agreement) shows as different counts."""
    import importlib.util

    path = Path(__file__).parent.parent / "benchmarks" / "bench_simulate.py"
    spec_ = importlib.util.spec_from_file_location("bench_simulate", path)
    assert spec_ is not None and spec_.loader is not None
    bench = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(bench)
    sim = SimSpec(example.deal, assumptions_of(example), bench.SEED)
    from dealmodel.analysis.montecarlo import _plan

    compiled = run_chunk(sim, 0, 3000)
    floor = bench.floor_chunk(_plan(sim), 0, 3000)
    assert bench.same_counts(compiled, floor)
    assert compiled.runs == 3000


@settings(max_examples=60, deadline=None)
@given(seed=st.one_of(st.integers(0, 2**64), st.integers(0, 2**200)),
       start=st.one_of(st.integers(0, 5000), st.integers(2**32 - 5, 2**32 + 5)),
       count=st.integers(1, 6))
def test_bulk_streams_are_numpys_spawned_children(seed: int, start: int, count: int) -> None:
    """run_streams computes a chunk's streams in bulk: each must be exactly
    Generator(PCG64(SeedSequence(seed, spawn_key=(i,)))) - the same draws, in order."""
    from dealmodel.analysis.montecarlo_streams import run_streams

    got = [rng.random(5).tolist() for rng in run_streams(seed, start, start + count)]
    want = [np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(i,))))
            .random(5).tolist() for i in range(start, start + count)]
    assert got == want
