"""The January 2025 Gaza deal replayed from the public record (issue #10, "Checked by").

Every check goes through the real CLI (``dealmodel test`` and ``dealmodel run --json``)
on examples/gaza-2025-record.yaml, against the documented outcome in
shared/history/gaza-2025-january.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dealmodel.cli import main
from dealmodel.io.deals import builtin_deal

ROOT = Path(__file__).parent.parent
RECORD = ROOT / "examples" / "gaza-2025-record.yaml"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["run", str(RECORD), "--json", *args]) == 0
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return doc


@pytest.fixture
def doc(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return run_json(capsys)


def obligation(doc: dict[str, Any], oid: str) -> dict[str, Any]:
    found: dict[str, Any] = next(o for o in doc["obligations"] if o["id"] == oid)
    return found


def test_dealmodel_test_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", str(RECORD)]) == 0
    assert "ok" in capsys.readouterr().out


def test_the_deal_collapsed_on_day_59_after_limbo_from_day_43(doc: dict[str, Any]) -> None:
    assert doc["final_state"] == "collapsed" and doc["ended_day"] == 59
    assert doc["ended_date"] == "2025-03-18"
    entered = {h["state"]: h["entered_day"] for h in doc["phase_history"]}
    assert entered["phase1"] == 1 and entered["phase1:limbo"] == 43
    assert not any(s.startswith(("phase2", "phase3")) for s in entered)


def test_every_event_is_dated_sourced_and_none_hypothetical(doc: dict[str, Any]) -> None:
    events = doc["events"]
    assert sum(1 for e in events if e["hypothetical"]) == 0
    for e in events:
        assert e["source"].startswith("https://"), e
        assert e["date"] is not None and e["accepted"], e
    assert all(not e["refusal"] for e in events)


def test_every_obligation_has_the_new_fields(doc: dict[str, Any]) -> None:
    for ob in doc["obligations"]:
        for field in ("unit", "fulfilled_day", "violated_day", "score", "obligors",
                      "performed_by", "withheld_from", "surplus"):
            assert field in ob, (ob["id"], field)


def test_every_unit_is_text(doc: dict[str, Any]) -> None:
    """A standing duty with no quantity has no unit: "" (so filters on units never fail)."""
    assert all(isinstance(ob["unit"], str) for ob in doc["obligations"])
    assert obligation(doc, "p1_ceasefire_israel")["unit"] == ""


def test_prisoners_and_detainees_sum_to_1777_and_hostages_to_33(doc: dict[str, Any]) -> None:
    def total(*words: str) -> int:
        return sum(o["progress"] for o in doc["obligations"]
                   if any(w in (o["unit"] or "") for w in words))  # None: a standing duty

    assert total("prisoner", "detainee") == 1777  # 90+200+110+183+183+369+642
    assert total("hostage", "remains") == 33
    hostages = obligation(doc, "p1_hostages")
    assert hostages["parts"] == {"living": 25, "remains": 8}
    assert (hostages["status"], hostages["fulfilled_day"]) == ("fulfilled", 40)


def test_withdrawals_rafah_and_talks(doc: dict[str, Any]) -> None:
    netzarim = obligation(doc, "p1_netzarim")
    assert (netzarim["status"], netzarim["fulfilled_day"]) == ("fulfilled", 22)
    philadelphi = obligation(doc, "p1_philadelphi")
    assert (philadelphi["status"], philadelphi["violated_day"]) == ("violated", 50)
    rafah = obligation(doc, "p1_rafah")
    assert "late" in rafah["status"] and rafah["fulfilled_day"] == 14
    assert rafah["violated_day"] == 7
    talks = obligation(doc, "p1_talks")
    assert (talks["status"], talks["violated_day"], talks["obligors"]) == (
        "violated", 16, ["israel", "hamas"])


def test_withholdings_and_the_aid_cut(doc: dict[str, Any]) -> None:
    prisoners = obligation(doc, "p1_prisoners")
    [held] = prisoners["withholdings"]
    assert (held["by"], held["from"], held["until"]) == ("israel", 35, 40)
    withheld = next(e for e in doc["events"] if e["type"] == "withhold" and e["day"] == 35)
    assert "602" in withheld["disputed"] and "620" in withheld["disputed"]
    [postponed] = obligation(doc, "p1_hostages")["withholdings"]
    assert (postponed["by"], postponed["from"], postponed["until"]) == ("hamas", 23, 26)
    aid = obligation(doc, "p1_aid")
    suspended = [r for e in doc["events"] for r in e["records"]
                 if r["kind"] == "status" and r["obligation"] == "p1_aid"
                 and r["status"] == "suspended"]
    assert [r["day"] for r in suspended] == [43]
    assert aid["score"] == 0


def test_allegations_include_qatars(doc: dict[str, Any]) -> None:
    allegations = doc["allegations"]
    assert allegations
    qatar = [a for a in allegations if a["by"] == "qatar"]
    assert [(a["day"], a["against"], a["obligation"]) for a in qatar] == [
        (43, "israel", "p1_aid")]
    pointing = [a for a in allegations if a["withheld_from"] is not None]
    assert [(a["by"], a["obligation"], a["withheld_from"]) for a in pointing] == [
        ("israel", "p1_hostages", 23)]


def test_until_13_march_stands_in_limbo_on_day_54(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "--until", "2025-03-13")
    assert (doc["final_state"], doc["day"]) == ("phase1:limbo", 54)
    assert doc["ended_day"] is None
    assert main(["run", str(RECORD), "--until", "2025-03-13", "-q"]) == 0
    assert "final state: phase1:limbo as of day 54 (2025-03-13)" in capsys.readouterr().out


def test_disputed_terms_are_marked_with_both_figures() -> None:
    deal = builtin_deal("gaza-2025")
    prisoners = deal.clause("p1-prisoners")
    assert prisoners.disputed and "1,977" in prisoners.dispute_note
    assert "1,904" in prisoners.dispute_note
    assert deal.clause("p1-rafah").disputed
    ob = deal.obligation("p1_prisoners")
    assert ob.quantity is not None and ob.quantity.unit == "prisoners and detainees"
    assert not any(o.id == "p1_detainees" for o in deal.obligations())  # counted once
    assert deal.obligation("p1_hostages").parts == ("living", "remains")


def test_builtin_scenario_is_the_record() -> None:
    packaged = ROOT / "src" / "dealmodel" / "data" / "scenarios" / "gaza-2025.yaml"
    assert packaged.read_text() == RECORD.read_text()
    assert not (ROOT / "examples" / "gaza-2025-as-reported.yaml").exists()
