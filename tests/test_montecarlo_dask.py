"""Scale-out on Dask: the same simulation on a distributed LocalCluster equals the local run."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dealmodel import load_scenario
from dealmodel.analysis.montecarlo import simulate
from dealmodel.cli.main import main

distributed = pytest.importorskip("distributed")

EXAMPLE = Path(__file__).parent.parent / "examples" / "gaza-2025-montecarlo.yaml"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A small in-process cluster: two single-threaded workers."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as local:
        yield local


def test_cluster_result_equals_local_run(cluster: Any) -> None:
    scenario = load_scenario(EXAMPLE)
    local = simulate(scenario, 400, 7)
    with distributed.Client(cluster) as client:
        remote = simulate(scenario, 400, 7, client=client, chunk_size=33)
    assert remote.timing["executor"] == "dask" and remote.timing["chunks"] == 13
    assert remote.to_dict(timing=False) == local.to_dict(timing=False)


def test_cli_scheduler_option(cluster: Any, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", str(EXAMPLE), "--runs", "300", "--seed", "5", "--json"]
    assert main(args) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*args, "--scheduler", cluster.scheduler_address]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert remote.pop("timing")["executor"] == "dask"
    local.pop("timing")
    assert remote == local


def test_worker_processes_receive_the_deal_pickled() -> None:
    """Workers in other processes: the deal and assumptions cross a process boundary."""
    scenario = load_scenario(EXAMPLE)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local, \
            distributed.Client(local) as client:
        remote = simulate(scenario, 200, 3, client=client, chunk_size=50)
        pids = set(client.run(lambda: __import__("os").getpid()).values())
    assert len(pids) == 2
    assert remote.to_dict(timing=False) == simulate(scenario, 200, 3).to_dict(timing=False)


def test_unreachable_scheduler(capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dealmodel.analysis.montecarlo.CONNECT_TIMEOUT", "1s")
    code = main(["simulate", str(EXAMPLE), "--runs", "10", "--scheduler",
                 "tcp://127.0.0.1:9"])
    assert code == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
