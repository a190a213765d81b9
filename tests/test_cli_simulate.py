"""``dealmodel simulate``: the acceptance check, outputs, sweeps, plots, progress and errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dealmodel.analysis.montecarlo_results import DISCLAIMER
from dealmodel.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "gaza-2025-montecarlo.yaml"


def _shares(doc: dict[str, object]) -> list[float]:
    out: list[float] = []
    for key in ("phases_reached", "endings", "paths"):
        for item in doc[key]:  # type: ignore[attr-defined]
            out += [item["p"], item["low"], item["high"]]
    curve = doc["collapse_by_day"]
    out += curve["p"] + curve["low"] + curve["high"]  # type: ignore[index]
    for ob in doc["obligations"]:  # type: ignore[attr-defined]
        out += [*ob["status"].values(), ob["fulfilled"]["p"], ob["fulfilled_late"]["p"]]
    return out


def test_acceptance_same_json_with_one_and_two_workers() -> None:
    """The issue's check, through the installed command line in its own processes."""
    docs = []
    for workers in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "dealmodel.cli.main", "simulate", str(EXAMPLE), "--runs",
             "2000", "--seed", "7", "--json", "--workers", workers],
            capture_output=True, text=True, check=True, cwd=ROOT)
        docs.append(json.loads(done.stdout))
    one, two = docs
    assert one.pop("timing")["workers"] == 1
    assert two.pop("timing")["workers"] == 2
    assert one == two
    assert one["runs"] == 2000 and one["disclaimer"] == DISCLAIMER
    shares = _shares(one)
    assert len(shares) > 700 and all(0 <= p <= 1 for p in shares)


def test_compiled_and_pure_python_simulators_give_the_same_json() -> None:
    """setup.py compiles the simulator's hot modules with mypyc; the pure-Python source
    (DEALMODEL_PURE_PYTHON=1 makes the import system take it) must give the very same
    results. Where no build is compiled, both runs use the source (and this proves less)."""
    import os

    docs = []
    for pure in ("", "1"):
        env = {**os.environ, "DEALMODEL_PURE_PYTHON": pure}
        done = subprocess.run(
            [sys.executable, "-c", "import sys\n"
             "from dealmodel.analysis.montecarlo import COMPILED\n"
             "from dealmodel.cli.main import main\n"
             "print('compiled' if COMPILED else 'source', file=sys.stderr)\n"
             "sys.exit(main())", "simulate", str(EXAMPLE), "--runs", "1500", "--seed", "11",
             "--json"],
            capture_output=True, text=True, check=True, cwd=ROOT, env=env)
        docs.append((done.stderr.strip().splitlines()[-1], json.loads(done.stdout)))
    (build_a, a), (build_b, b) = docs
    assert build_b == "source"
    if shutil.which("cc") or shutil.which("gcc"):  # the build can compile: it must have
        assert build_a == "compiled", "the mypyc build of the simulator is not in use"
    a.pop("timing")
    b.pop("timing")
    assert a == b


def test_setup_compiles_the_modules_the_import_guard_knows() -> None:
    """setup.py's COMPILED list and dealmodel.analysis._compiled.MODULES name the same
    modules (the guard must know every compiled module to prefer a newer source)."""
    import ast

    from dealmodel.analysis._compiled import MODULES

    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    listed = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "COMPILED" for t in node.targets))
    paths = ast.literal_eval(listed)
    assert sorted(Path(p).stem for p in paths) == sorted(MODULES)
    if (ROOT / "src").exists():  # not when testing an installed wheel (CI removes src/)
        assert all((ROOT / p).exists() for p in paths)


def test_text_report_says_it_is_not_a_forecast(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(EXAMPLE), "--runs", "200", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert DISCLAIMER in lines[:4] and lines[-1] == DISCLAIMER
    for heading in ("phase reached", "ending by day 240", "collapsed by day",
                    "obligation", "most frequent paths"):
        assert heading in out
    assert "phase1 > phase1:limbo" in out


def test_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(EXAMPLE), "--runs", "100", "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["section", "key", "day", "p", "low", "high", "count"]
    assert rows[1][:2] == ["disclaimer", DISCLAIMER]
    curve = [r for r in rows if r[0] == "collapsed_by_day"]
    assert len(curve) == 240 and curve[-1][2] == "240"
    endings = {r[1]: int(r[6]) for r in rows if r[0] == "ending"}
    assert sum(endings.values()) == 100


def test_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "mc.png"
    assert main(["simulate", str(EXAMPLE), "--runs", "100", "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000
    svg = tmp_path / "mc.svg"
    assert main(["simulate", str(EXAMPLE), "--runs", "50", "--plot", str(svg), "-q"]) == 0
    assert "not forecasts" in svg.read_text(encoding="utf-8")  # the disclaimer is on it


def test_sweep_table_json_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", str(EXAMPLE), "--runs", "150", "--seed", "3", "--sweep",
            "phases.phase1.agreement_daily=0:0.04:3"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "sweep of phases.phase1.agreement_daily" in out and DISCLAIMER in out
    assert main([*args, "--json", "--plot", str(tmp_path / "sweep.png")]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["values"] == [0, 0.02, 0.04] and doc["disclaimer"] == DISCLAIMER
    reached = [p["phases_reached"][1]["p"] for p in doc["points"]]
    assert reached[0] == 0 < reached[1] < reached[2]  # no agreement, no phase 2
    assert (tmp_path / "sweep.png").stat().st_size > 20_000
    assert main([*args, "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][0] == "phases.phase1.agreement_daily" and rows[1][1] == DISCLAIMER


def test_progress_bar_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for quiet, expected in (([], True), (["-q"], False)):
        fake = Terminal()
        monkeypatch.setattr(sys, "stderr", fake)
        assert main(["simulate", str(EXAMPLE), "--runs", "300", *quiet]) == 0
        assert ("simulating" in fake.getvalue()) is expected
    assert "simulating" not in capsys.readouterr().err  # not a terminal: no bar


BAD_INPUT = [
    (["--runs", "0"], "--runs must be at least 1"),
    (["--workers", "0"], "--workers must be at least 1"),
    (["--seed", "-1"], "--seed must be a whole number"),
    (["--plot", "out.gif"], "cannot tell the format"),
    (["--sweep", "defaults.on_schedule=0:2:3"], "probability between 0 and 1, got 2.0"),
    (["--sweep", "phases.phase9.collapse_daily=0:1:2"], "unknown phase 'phase9'"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_INPUT, ids=[b[1][:20] for b in BAD_INPUT])
def test_bad_input_exits_2(extra: list[str], message: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", str(EXAMPLE), "--runs", "5", *extra]) == 2
    assert message in capsys.readouterr().err


def test_scenario_without_assumptions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "gaza-2025", "--runs", "5"]) == 2
    assert "states no assumptions" in capsys.readouterr().err


def test_bad_assumptions_name_file_line_and_field(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("deal: gaza-2025\nevents: []\nassumptions:\n  phases:\n    phase1:\n"
                    "      agreement_daily: 7\n", encoding="utf-8")
    assert main(["simulate", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "line 6" in err
    assert "assumptions.phases.phase1.agreement_daily" in err and "between 0 and 1" in err


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["simulate", "--help"])
    out = capsys.readouterr().out
    assert "--sweep" in out and "not forecasts" in out and "examples:" in out


def test_builtin_copy_of_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib import resources

    packaged = resources.files("dealmodel") / "data" / "scenarios" / "gaza-2025-montecarlo.yaml"
    assert packaged.read_text("utf-8") == EXAMPLE.read_text("utf-8")
    assert main(["simulate", "gaza-2025-montecarlo", "--runs", "100", "--seed", "3",
                 "--json"]) == 0
    builtin = json.loads(capsys.readouterr().out)
    assert main(["simulate", str(EXAMPLE), "--runs", "100", "--seed", "3", "--json"]) == 0
    example = json.loads(capsys.readouterr().out)
    for doc in (builtin, example):
        doc.pop("timing"), doc.pop("source")
    assert builtin == example


@pytest.mark.parametrize(("module", "extra_args"), [
    ("numpy", []),
    ("matplotlib", ["--plot", "{tmp}/chart.png"]),
    ("distributed", ["--scheduler", "tcp://127.0.0.1:9"]),
])
def test_missing_extra_names_it(module: str, extra_args: list[str], tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    args = [a.format(tmp=tmp_path) for a in extra_args]
    assert main(["simulate", str(EXAMPLE), "--runs", "5", *args]) == 1
    err = capsys.readouterr().err
    assert "pip install 'dealmodel[" in err and f"needs {module}" in err
    assert not list(tmp_path.iterdir())
