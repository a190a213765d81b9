"""Tabular exports: the ledger over time, events, allegations and comparisons as CSV and
DataFrames, through the library and the real command line."""

from __future__ import annotations

import csv
import io
import sys

import pytest

from dealmodel import compare, load_scenario
from dealmodel.cli import main
from dealmodel.errors import DealModelError, MissingExtraError
from dealmodel.scenarios.export import COLUMNS


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_cli_run_csv_prints_the_ledger_over_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "gaza-2025", "--csv"]) == 0
    out = capsys.readouterr().out
    rows = read_csv(out)
    assert out.splitlines()[0] == ",".join(COLUMNS["ledger"])
    hostages = [r for r in rows if r["obligation"] == "p1_hostages"]
    # one row per day it changed: each release, the postponement (withheld from day 23 to
    # day 26), and day 40 when the last four were returned (fulfilled on 40)
    assert [r["day"] for r in hostages] == ["1", "7", "12", "14", "21", "23", "26", "28",
                                           "33", "34", "35", "40"]
    assert [r["progress"] for r in hostages][-4:] == ["22", "23", "29", "33"]
    assert [r["status"] for r in hostages][5:7] == ["withheld", "active"]
    assert hostages[-1]["status"] == "fulfilled" and hostages[-1]["quantity"] == "4"
    assert all(r["hypothetical"] == "false" for r in hostages)  # the public record
    philadelphi = [r for r in rows if r["obligation"] == "p1_philadelphi"]
    assert (philadelphi[-1]["day"], philadelphi[-1]["status"]) == ("50", "violated")
    rafah = [r for r in rows if r["obligation"] == "p1_rafah"]
    assert [(r["day"], r["status"]) for r in rafah][-2:] == [("7", "violated"),
                                                             ("14", "fulfilled late")]
    aid = [r for r in rows if r["obligation"] == "p1_aid"]
    assert [(r["day"], r["status"]) for r in aid][-2:] == [("43", "suspended"),
                                                           ("59", "discharged")]
    assert [int(r["day"]) for r in rows] == sorted(int(r["day"]) for r in rows)


@pytest.mark.parametrize("table", ["events", "allegations"])
def test_cli_run_csv_tables(table: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "gaza-2025", "--csv", table]) == 0
    rows = read_csv(capsys.readouterr().out)
    if table == "events":
        assert len(rows) == 40 and rows[0]["accepted"] == "true"
        assert all(r["hypothetical"] == "false" for r in rows)  # the public record
        assert rows[-1]["state_after"] == "collapsed"
        suspension = next(r for r in rows if r["type"] == "suspend")
        assert suspension["detail"] == ("reason: Israel halted the entry of all goods and "
                                        "aid into Gaza")
        assert suspension["reason"] == "" and suspension["code"] == ""  # not refused
        assert suspension["source"].startswith("https://www.thenationalnews.com/")
    else:
        assert len(rows) == 7
        assert rows[4] == {"id": "A5", "day": "43", "by": "qatar", "against": "israel",
                           "obligation": "p1_aid", "evidence": rows[4]["evidence"],
                           "status": "open", "ruled_by": "", "ruled_day": "",
                           "refers_to": ""}


def test_cli_run_csv_bad_table_and_json_together() -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "gaza-2025", "--csv", "ledgers"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["run", "gaza-2025", "--csv", "--json"])
    assert info.value.code == 2


def test_refused_event_in_events_csv() -> None:
    from dealmodel import Performed, Scenario, builtin_deal

    scenario = Scenario(builtin_deal("gaza-2025"), [
        Performed(1, "israel", "p1_hostages", 3), Performed(2, "hamas", "p1_hostages", 3)])
    rows = scenario.run().records("events")
    assert [r["accepted"] for r in rows] == [False, True]
    assert rows[0]["reason"].startswith(
        "only 'hamas' can perform 'p1_hostages'; party was 'israel'")
    with pytest.raises(DealModelError, match="tables: ledger, events, on_record, allegations"):
        scenario.run().records("ledgers")


def test_cli_whatif_csv(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["whatif", "gaza-2025-whatif", "--csv"]) == 0
    rows = read_csv(capsys.readouterr().out)
    assert [(r["run"], r["hypothetical"]) for r in rows][:2] == [
        ("base", "false"), ("phase2-agreed-day-35", "true")]
    assert rows[1]["phase2_entered"] == "43" and rows[0]["phase2_entered"] == ""
    assert main(["whatif", "gaza-2025-whatif", "--csv", "obligations"]) == 0
    rows = read_csv(capsys.readouterr().out)
    assert len(rows) == 6 * 19


def test_dataframes() -> None:
    pytest.importorskip("pandas")
    outcome = load_scenario("gaza-2025").run()
    ledger = outcome.to_dataframe()
    assert list(ledger.columns) == list(COLUMNS["ledger"])
    assert str(ledger["day"].dtype) == "Int64" and str(ledger["quantity"].dtype) == "Int64"
    assert ledger["quantity"].isna().any()  # a day without a delivery is NA, not 0
    assert int(ledger[ledger.obligation == "p1_prisoners"]["quantity"].sum()) == 1777
    assert len(outcome.to_dataframe("events")) == 40
    assert outcome.to_dataframe("allegations").loc[4, "by"] == "qatar"
    comparison = compare(load_scenario("gaza-2025-whatif"))
    runs = comparison.to_dataframe()
    assert runs.set_index("run").loc["phase2-agreed-day-35", "final_state"] == "collapsed"
    assert len(comparison.to_dataframe("obligations")) == 6 * 19


def test_dataframe_without_pandas_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # the import now fails
    outcome = load_scenario("gaza-2025").run()
    with pytest.raises(MissingExtraError, match=r"pip install 'dealmodel\[pandas\]'"):
        outcome.to_dataframe()
    with pytest.raises(ImportError):  # also an ImportError, for code that catches those
        compare(load_scenario("gaza-2025-whatif")).to_dataframe()


def test_whatif_json_divergence_is_typed(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["whatif", "gaza-2025-whatif", "--json", "--variant", "aid-not-cut",
                 "--variant", "phase2-agreed-day-35"]) == 0
    aid, phase2 = json.loads(capsys.readouterr().out)["variants"]
    base_event = aid["divergence"]["base_event"]
    assert base_event["event"] == {**base_event["event"], "type": "suspend", "day": 43,
                                   "party": "israel", "obligation": "p1_aid"}
    assert {"kind": "status", "day": 43, "obligation": "p1_aid", "status": "suspended",
            "cause": "suspended", "actor": "israel"} in base_event["records"]
    assert aid["divergence"]["variant_event"] is None  # the variant dropped it
    assert phase2["divergence"]["variant_event"]["event"]["type"] == "negotiations_opened"
    assert all(r["code"] for r in phase2["refused"])  # refusals carry their code
