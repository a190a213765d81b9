"""``expect:`` in scenario files and ``dealmodel test``: every mismatch, expected vs actual."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealmodel.cli import main
from dealmodel.scenarios.scenario import load_scenario

SCENARIO = """\
deal: gaza-2025
title: expect demo (hypothetical)
hypothetical: true
events:
  - {day: 1, type: perform, party: hamas, obligation: p1_hostages, quantity: 3}
  - {day: 20, type: hostilities_resumed, by: israel}
expect:
  final_state: collapsed
  phases: {phase1: 1, phase2: null}
  obligations:
    p1_hostages: {status: partially fulfilled, progress: 3, violated_day: 7}
  counts: {refused: 0, allegations: 0}
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_matching_expectations_pass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, SCENARIO)
    assert load_scenario(path).run().mismatches() == []
    assert main(["test", str(path)]) == 0
    assert "ok" in capsys.readouterr().out


@pytest.mark.parametrize(("old", "new", "shown"), [
    ("final_state: collapsed", "final_state: lapsed",
     "final_state: expected 'lapsed', got 'collapsed'"),
    ("phase1: 1,", "phase1: 2,", "phases.phase1: expected 2, got 1"),
    ("phase2: null", "phase2: 30", "phases.phase2: expected 30, got 'never entered'"),
    ("progress: 3,", "progress: 4,", "obligations.p1_hostages.progress: expected 4, got 3"),
    ("violated_day: 7", "violated_day: 8", "violated_day: expected 8, got 7"),
    ("refused: 0,", "refused: 1,", "counts.refused: expected 1, got 0"),
    ("p1_hostages: {", "p1_hostagez: {", "no such obligation"),
])
def test_each_mismatch_is_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str,
                                 new: str, shown: str) -> None:
    path = write(tmp_path, SCENARIO.replace(old, new))
    assert main(["test", str(path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and shown in out


def test_bad_expect_section_is_a_located_load_error(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, SCENARIO.replace("counts: {refused: 0, allegations: 0}",
                                            "counts: {refusd: 0}"))
    assert main(["test", str(path)]) == 2
    err = capsys.readouterr().err
    assert "expect.counts.refusd" in err and "line 12" in err


def test_a_file_without_expect_is_an_error(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, SCENARIO.split("expect:")[0])
    assert main(["test", str(path)]) == 2
    assert "no expect: section" in capsys.readouterr().err
