"""Monte Carlo simulation of a deal under stated assumptions, on all cores or on Dask.

:func:`simulate` plays ``runs`` runs of a scenario's deal under the assumptions stated
in its ``assumptions:`` block and returns a
:class:`~dealmodel.analysis.montecarlo_results.SimulationResult`: the chance of reaching
each phase, of each ending (with 95 % intervals), of collapse by each day, each
obligation's completion, the most frequent paths. The figures follow from the stated
assumptions; they are not forecasts.

Randomness comes from one seed. Run ``i`` draws from its own stream, the ``i``-th child
of ``numpy.random.SeedSequence(seed)`` (what ``SeedSequence(seed).spawn(n)[i]`` gives;
:mod:`~dealmodel.analysis.montecarlo_streams` makes a chunk's streams in one go), so a
run's outcome does not depend on which process plays it or with which others.
Runs are sent in chunks to an executor - this process, a local process pool
(``workers``), or a Dask ``distributed`` cluster (``scheduler`` or ``client``) - and
the chunks' tallies add up exactly: the same seed gives the same result however the
runs are split and wherever they run.

numpy is needed (``pip install 'dealmodel[simulate]'``), and ``distributed`` for a cluster.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import Any

import attrs

from dealmodel._optional import require
from dealmodel.analysis import _compiled
from dealmodel.analysis._pool import pool_context
from dealmodel.analysis.montecarlo_assumptions import Assumptions, parse_assumptions
from dealmodel.analysis.montecarlo_results import SimulationResult, Tally
from dealmodel.analysis.montecarlo_sampler import Plan, make_plan, simulate_run
from dealmodel.analysis.montecarlo_streams import run_streams
from dealmodel.analysis.montecarlo_table import simulation_problems
from dealmodel.errors import DealModelError, Problem, ScenarioError
from dealmodel.model.deal import Deal
from dealmodel.scenarios.scenario import Scenario

__all__ = ["COMPILED", "SimSpec", "assumptions_of", "chunks", "run_chunk", "simulate",
           "spec_for"]

#: Whether the simulator's hot modules are the mypyc-compiled build (see setup.py) or
#: their pure-Python source; both give the same results (tests/test_montecarlo.py).
COMPILED = _compiled.compiled()

Progress = Callable[[int], None]
#: How long to wait for a Dask scheduler before giving up.
CONNECT_TIMEOUT = "10s"


@attrs.frozen
class SimSpec:
    """What every chunk of a simulation needs; travels to workers pickled."""

    deal: Deal
    assumptions: Assumptions
    seed: int
    token: str = attrs.field(factory=lambda: uuid.uuid4().hex, eq=False)


def assumptions_of(scenario: Scenario) -> Assumptions:
    """The scenario's ``assumptions:``, checked against its deal (ScenarioError if bad)."""
    if scenario.raw_assumptions is None:
        raise ScenarioError([Problem("assumptions", "the scenario states no assumptions",
                                     "add an 'assumptions:' block (see the how-to 'How "
                                     "likely is it?'; built-in example: "
                                     "gaza-2025-montecarlo); a simulation follows from "
                                     "stated assumptions only")], scenario.source)
    return parse_assumptions(scenario.raw_assumptions, scenario.deal, scenario.source)


def spec_for(scenario: Scenario, seed: int, assumptions: Assumptions | None = None) -> SimSpec:
    """What the chunks of a simulation of ``scenario`` need (checks the deal can be
    simulated, and the seed)."""
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise DealModelError(f"the seed must be a whole number >= 0, got {seed!r}")
    unsupported = simulation_problems(scenario.deal)
    if unsupported:
        raise ScenarioError([p.prefixed("deal") for p in unsupported], scenario.source)
    return SimSpec(scenario.deal, assumptions or assumptions_of(scenario), seed)


# -- one chunk (runs in a worker) -----------------------------------------------------
_PLANS: dict[str, Plan] = {}


def _plan(spec: SimSpec) -> Plan:
    plan = _PLANS.get(spec.token)
    if plan is None:
        if len(_PLANS) > 8:
            _PLANS.clear()
        plan = _PLANS[spec.token] = make_plan(spec.deal, spec.assumptions)
    return plan


def run_chunk(spec: SimSpec, start: int, stop: int) -> Tally:
    """Play runs ``start`` .. ``stop - 1`` of ``spec``; each from its own random stream."""
    plan = _plan(spec)
    tally = Tally(len(plan.cd.phase_ids), len(plan.cd.ob_ids))
    add = tally.add
    for rng in run_streams(spec.seed, start, stop):
        add(simulate_run(plan, rng))
    return tally


def chunks(runs: int, size: int) -> list[tuple[int, int]]:
    return [(a, min(a + size, runs)) for a in range(0, runs, size)]


def _default_chunk(runs: int, workers: int) -> int:
    return max(1, min(2000, -(-runs // (workers * 4))))


# -- executors ---------------------------------------------------------------------------
def _local(spec: SimSpec, parts: list[tuple[int, int]], workers: int,
           executor: Executor | None) -> Iterator[Tally]:
    if executor is None and workers <= 1:
        for start, stop in parts:
            yield run_chunk(spec, start, stop)
        return
    own = executor is None
    pool = executor or ProcessPoolExecutor(max_workers=workers, mp_context=pool_context())
    try:
        futures = [pool.submit(run_chunk, spec, start, stop) for start, stop in parts]
        for future in as_completed(futures):
            yield future.result()
    finally:
        if own:
            pool.shutdown(cancel_futures=True)


def _dask(spec: SimSpec, parts: list[tuple[int, int]], client: Any) -> Iterator[Tally]:
    from distributed import as_completed as dask_completed

    [shared] = client.scatter([spec], broadcast=True)
    futures = client.map(run_chunk, [shared] * len(parts), [a for a, _ in parts],
                         [b for _, b in parts], pure=False)
    for future in dask_completed(futures):  # type: ignore[no-untyped-call]
        yield future.result()


def connect(scheduler: str) -> Any:
    """A ``distributed.Client`` connected to the scheduler at ``scheduler``."""
    client_class = require("distributed", "a Dask scheduler (--scheduler)").Client
    try:
        return client_class(scheduler, timeout=CONNECT_TIMEOUT)
    except OSError as exc:
        raise DealModelError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}"
                             " (start one with `dask scheduler`, or leave --scheduler out "
                             "to run on this machine)") from None


# -- the simulation -----------------------------------------------------------------
def simulate(scenario: Scenario, runs: int, seed: int = 0, *, workers: int = 1,
             chunk_size: int | None = None, executor: Executor | None = None,
             client: Any = None, scheduler: str | None = None,
             progress: Progress | None = None,
             assumptions: Assumptions | None = None) -> SimulationResult:
    """Play ``runs`` runs of ``scenario`` under its stated assumptions (see module doc).

    Runs go in chunks of ``chunk_size`` to this process (``workers=1``), a process pool
    of ``workers`` (or the given ``executor``), or a Dask cluster (``client``, or a
    ``scheduler`` address to connect to). None of these changes the result.
    ``progress`` is called with the number of runs each finished chunk held.
    ``assumptions`` overrides the scenario's own (sweeps use it).
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise DealModelError(f"the number of runs must be a whole number >= 1, got {runs!r}")
    if workers < 1:
        raise DealModelError(f"workers must be >= 1, got {workers}")
    spec = spec_for(scenario, seed, assumptions)
    own_client = None
    if scheduler is not None and client is None:
        client = own_client = connect(scheduler)
    if client is not None:
        slots = max(1, sum(client.nthreads().values()))
        where, count = "dask", slots
    elif executor is not None:
        where, count = type(executor).__name__, workers
    else:
        where, count = ("process pool" if workers > 1 else "this process"), workers
    size = chunk_size or _default_chunk(runs, count)
    if size < 1:
        raise DealModelError(f"chunk size must be >= 1, got {size}")
    parts = chunks(runs, size)
    plan = _plan(spec)
    total = Tally(len(plan.cd.phase_ids), len(plan.cd.ob_ids))
    began = time.perf_counter()
    try:
        results = (_dask(spec, parts, client) if client is not None
                   else _local(spec, parts, workers, executor))
        for tally in results:
            total.merge(tally)
            if progress is not None:
                progress(tally.runs)
    finally:
        if own_client is not None:
            own_client.close()
    elapsed = time.perf_counter() - began
    return SimulationResult(
        plan.cd, total, seed, spec.assumptions.horizon_days, spec.assumptions.stated,
        scenario.title, scenario.source,
        timing={"executor": where, "workers": count, "chunk_size": size,
                "chunks": len(parts), "seconds": round(elapsed, 3),
                "runs_per_second": round(runs / elapsed, 1) if elapsed else None,
                "cpu_count": os.cpu_count()})
