"""The command line, run in-process: output, JSON document, exit codes, helpful errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dealmodel.cli import main

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "gaza-2025-record.yaml"


def test_run_builtin_prints_timeline_and_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "gaza-2025"]) == 0
    out = capsys.readouterr().out
    assert "day   1 (2025-01-19)  hamas performs 3 of p1_hostages (living)" in out
    assert "[hypothetical]" not in out  # the built-in scenario is the public record
    assert "state -> phase1:limbo" in out
    assert "final state: collapsed as of day 59 (2025-03-18)" in out
    assert "p1_philadelphi violated (not done by day 50)" in out
    allegation = next(line for line in out.splitlines() if line.lstrip().startswith("A5 "))
    assert allegation.split() == ["A5", "43", "qatar", "israel", "p1_aid", "no", "ruling"]


def test_run_json_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(EXAMPLE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"deal", "final_state", "day", "phase_history", "obligations", "events",
            "allegations"} <= set(doc)
    assert doc["deal"] == "gaza-2025" and doc["final_state"] == "collapsed"
    assert doc["phase_history"][-2] == {"state": "phase1:limbo", "entered_day": 43,
                                        "entered_date": "2025-03-02"}
    hostages = next(o for o in doc["obligations"] if o["id"] == "p1_hostages")
    assert {k: hostages[k] for k in ("obligor", "status", "progress", "target", "due_day")} == {
        "obligor": "hamas", "status": "fulfilled", "progress": 33, "target": 33, "due_day": 42}
    assert all({"day", "type", "accepted", "refusal", "records"} <= set(e)
               for e in doc["events"])
    assert [a["by"] for a in doc["allegations"]][4:6] == ["qatar", "egypt"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path


REFUSED = """\
deal: gaza-2025
events:
  - {day: 1, type: perform, party: israel, obligation: p1_hostages, quantity: 3}
  - {day: 2, type: advance}
"""


def test_refused_events_are_reported_and_strict_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, REFUSED)
    assert main(["run", str(path)]) == 0
    captured = capsys.readouterr()
    assert "REFUSED" in captured.out
    assert "only 'hamas' can perform 'p1_hostages'; party was 'israel'" in captured.out
    assert "1 event(s) refused" in captured.err
    assert main(["run", str(path), "--strict"]) == 1
    capsys.readouterr()
    assert main(["run", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    refusal = doc["events"][0]["refusal"]
    assert doc["events"][0]["accepted"] is False and "only 'hamas'" in refusal["reason"]
    assert refusal["code"] == "not-obligor"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("deal: gaza-2025\nevents:\n  - {day: 1, type: perfrom, party: hamas}\n",
         "line 3: events[0].type: unknown event type 'perfrom' (did you mean 'perform'?)"),
        ("deal: gaza-2025\nevents:\n  - day: 1\n    type: perform\n    party: hamas\n"
         "    obligation: p1_hostages\n    quantity: many\n",
         "line 7: events[0].quantity: must be a whole number, got 'many'"),
        ("deal: gaza-2025\nevents:\n  - {day: 1, type: perform, party: hamas}\n",
         "events[0].obligation: is required for a perform event"),
        ("deal: nowhere-1999\nevents: []\n", "no built-in deal or file named 'nowhere-1999'"),
        ("deal: gaza-2025\nevents: [\n", "YAML syntax error"),
        ("events: []\n", "deal: is required"),
        ("deal: gaza-2025\nevents: []\nextra: 1\n", "line 3: extra: unknown field"),
    ],
)
def test_bad_input_exits_2_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert expected in err


def test_missing_scenario_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "no/such/file.yaml"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_inline_deal_with_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "deal:\n  id: x\n  parties: [{id: a}]\n  phases:\n"
                           "    - {id: p, duration_days: 0}\nevents: []\n")
    assert main(["run", str(path)]) == 2
    assert "deal.phases[0].duration_days: must be >= 1, got 0" in capsys.readouterr().err


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "dealmodel run gaza-2025" in out and "exit codes" in out
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "examples:" in capsys.readouterr().out


def test_deals_and_check(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["deals"]) == 0
    assert "gaza-2025" in capsys.readouterr().out
    assert main(["check", "gaza-2025"]) == 0
    assert "ok - gaza-2025, 3 phases" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nparties: [{id: a}]\nphases:\n  - {id: p, duration_days: -1}\n")
    assert main(["check", str(bad)]) == 2
    assert "line 4: phases[0].duration_days: must be >= 1, got -1" in capsys.readouterr().err
