"""File access: a scenario reads only built-ins and files under its own folder, unless allowed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from dealmodel import DealDefinitionError, ScenarioError, builtin_scenario, load_scenario
from dealmodel.cli import main
from dealmodel.io.deals import resolve_deal
from dealmodel.scenarios.scenario import scenario_from_dict

DATA = Path(__file__).parent / "data"
SECRET = "top-secret-line-0123456789"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder with a readable secret file, next to the scenario's folder."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(f"{SECRET}: {SECRET}\nid: {SECRET}\n")
    (folder / "truce.yaml").write_text((DATA / "truce-2phase.yaml").read_text())
    return folder


def scenario(tmp_path: Path, deal: str) -> Path:
    folder = tmp_path / "here"
    folder.mkdir(exist_ok=True)
    path = folder / "s.yaml"
    path.write_text(f"deal: {deal}\nevents: []\n")
    return path


@pytest.mark.parametrize("ref", [
    "/etc/passwd", "../../../../etc/passwd", "../outside/secret.yaml", "{outside}/secret.yaml",
    "/dev/zero", "/dev/stdin", "link.yaml",
])
def test_refused_outside_the_scenario_s_folder(ref: str, tmp_path: Path, outside: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path, ref.format(outside=outside))
    (path.parent / "link.yaml").symlink_to(outside / "secret.yaml")
    start = time.perf_counter()
    assert main(["run", str(path)]) == 2
    assert time.perf_counter() - start < 5
    out, err = capsys.readouterr()
    assert "is outside the folder of the file that names it" in err
    assert "--allow-path DIR" in err
    assert SECRET not in out + err and "root:" not in out + err


def test_allow_path_lets_a_trusted_folder_in(tmp_path: Path, outside: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path, f"{outside}/truce.yaml")
    assert main(["run", "-q", str(path), "--allow-path", str(outside)]) == 0
    assert load_scenario(path, allow_paths=[outside]).deal.id == "truce-2phase"
    with pytest.raises(ScenarioError, match="outside the folder"):
        load_scenario(path)
    capsys.readouterr()
    secret = scenario(tmp_path, f"{outside}/secret.yaml")  # allowed, but never echoed
    assert main(["check", str(secret), "--allow-path", str(outside)]) == 2
    _out, err = capsys.readouterr()
    assert "secret.yaml, line 1: top-secret-l...: unknown field" in err
    assert SECRET[:13] not in err


def test_files_under_the_scenario_s_folder_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "here" / "deals"
    folder.mkdir(parents=True)
    (folder / "t.yaml").write_text((DATA / "truce-2phase.yaml").read_text())
    assert load_scenario(scenario(tmp_path, "deals/t.yaml")).deal.id == "truce-2phase"
    assert load_scenario(scenario(tmp_path, "./deals/../deals/t.yaml")).deal.id == "truce-2phase"


@pytest.mark.parametrize(("make", "expected"), [
    ("dir", "is a directory, not a regular file"),
    ("fifo", "is a FIFO (named pipe), not a regular file"),
])
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file types")
def test_only_regular_files(make: str, expected: str, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path, "thing")
    target = path.parent / "thing"
    target.mkdir() if make == "dir" else os.mkfifo(target)
    start = time.perf_counter()
    assert main(["run", str(path)]) == 2
    assert main(["check", str(target)]) == 2
    assert time.perf_counter() - start < 5
    assert expected in capsys.readouterr().err


def test_a_device_is_refused_even_when_allowed(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = scenario(tmp_path, "/dev/zero")
    start = time.perf_counter()
    assert main(["run", str(path), "--allow-path", "/dev"]) == 2
    assert main(["check", "/dev/zero"]) == 2
    assert time.perf_counter() - start < 5
    assert "is a device, not a regular file" in capsys.readouterr().err


def test_missing_files_say_so(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"no such file: 'missing\.yaml'"):
        load_scenario(scenario(tmp_path, "missing.yaml"))
    with pytest.raises(ScenarioError, match="no built-in deal or file named 'nowhere-1999'"):
        load_scenario(scenario(tmp_path, "nowhere-1999"))
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")


def test_dict_scenarios_are_held_to_the_current_folder(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError, match="outside the folder"):
        scenario_from_dict({"deal": "/etc/passwd", "events": []})
    with pytest.raises(DealDefinitionError, match="outside the folder"):
        resolve_deal("../x.yaml", tmp_path)


def test_one_resolver_for_names_and_paths() -> None:
    assert load_scenario("gaza-2025") == builtin_scenario("gaza-2025")
    assert load_scenario(Path("examples/gaza-2025-record.yaml")).deal.id == "gaza-2025"
    with pytest.raises(ScenarioError, match="no built-in scenario named 'nope'"):
        builtin_scenario("nope")
