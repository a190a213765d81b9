"""The record speaks (issue #15): notes, sources and reasons in every output; events that
record without judging; running totals. Through the real YAML loader, engine and CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from dealmodel import EventRejected, Performed, builtin_deal, start
from dealmodel.cli import main
from dealmodel.model.events import EVENT_TYPES
from dealmodel.model.reports import FindingIssued, IncidentReported, Reported, Stated
from dealmodel.scenarios.documents import EVENT_KEYS
from dealmodel.scenarios.scenario import load_scenario

GAZA_EVENTS = """\
deal: gaza-2025
title: notes, sources and the record
hypothetical: true
events:
  - {day: 1, type: perform, party: hamas, obligation: p1_hostages, quantity: 3,
     note: "three released on day 1", source: "https://example.org/day-1"}
  - {day: 7, type: perform, party: hamas, obligation: p1_hostages, cumulative: 7,
     note: "the source gives the total so far", source: "https://example.org/day-7"}
  - {day: 8, type: report, by: qatar, obligation: p1_aid, summary: "aid entering",
     figures: {trucks: 4200, fuel_share: 0.08}, source: "https://example.org/report"}
  - {day: 9, type: statement, by: [israel, us], text: "talks will continue"}
  - {day: 10, type: incident, by: hamas, location: Rafah, summary: "shots fired",
     reported_by: egypt, obligation: p1_ceasefire_hamas, id: rafah-shots,
     note: "denied by hamas", source: "https://example.org/incident"}
  - {day: 11, type: finding, body: "A court", summary: "an order on aid",
     concerning: israel}
  - {day: 12, type: allege, by: israel, against: hamas, obligation: p1_ceasefire_hamas,
     refers_to: rafah-shots, evidence: "the incident on record"}
  - {day: 14, type: suspend, party: israel, obligation: p1_aid,
     reason: "a reason of its own", source: "https://example.org/suspension"}
  - {day: 15, type: perform, party: hamas, obligation: p1_hostages, cumulative: 5,
     note: "lower than recorded: refused"}
"""


@pytest.fixture
def gaza_file(tmp_path: Path) -> Path:
    path = tmp_path / "record.yaml"
    path.write_text(GAZA_EVENTS, "utf-8")
    return path


def run_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["run", str(path), "--json"]) == 0
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return doc


def test_notes_and_sources_per_event_in_json(gaza_file: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(gaza_file, capsys)
    first = doc["events"][0]
    assert first["note"] == "three released on day 1"
    assert first["source"] == "https://example.org/day-1"
    suspension = doc["events"][7]
    assert suspension["type"] == "suspend" and suspension["accepted"]
    assert suspension["reason"] == "a reason of its own"  # the event's own reason...
    assert suspension["refusal"] is None  # ...is not a refusal's
    refused = doc["events"][8]
    assert refused["refusal"]["code"] == "total-decreased"
    assert "cannot go down: 5 given, 7 recorded already" in refused["refusal"]["reason"]
    assert refused["cumulative"] == 5 and refused["note"].startswith("lower")


def test_event_keys_do_not_clash_with_own_fields() -> None:
    import attrs

    for cls in EVENT_TYPES.values():
        own = {f.name for f in attrs.fields(cls)} - {"day", "note", "source", "hypothetical",
                                                     "disputed"}
        assert not own & set(EVENT_KEYS), cls


def test_the_text_output_prints_notes_sources_and_reasons(
        gaza_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(gaza_file)]) == 0
    out = capsys.readouterr().out
    assert "          note: three released on day 1" in out
    assert "          source: https://example.org/day-1" in out
    assert "          reason: a reason of its own" in out
    assert "          refused (total-decreased): the running total of 'p1_hostages'" in out
    # the summary: reasons given, what is on record, the sources cited
    assert "reasons given (as stated):" in out
    assert "on record (as reported; recorded, not judged):" in out
    assert "  rafah-shots day 10: incident at Rafah: shots fired (attributed to hamas, " \
           "as reported) - reported by egypt - source: https://example.org/incident" in out
    assert "sources cited (5):" in out


def test_cumulative_records_the_difference(gaza_file: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(gaza_file, capsys)
    second = doc["events"][1]
    assert second["records"][0] == {
        "kind": "performance", "day": 7, "obligation": "p1_hostages", "quantity": 4,
        "progress": 7, "target": 33, "by": None, "part": None, "cumulative": True}
    hostages = next(o for o in doc["obligations"] if o["id"] == "p1_hostages")
    assert hostages["progress"] == 7 and hostages["performed_by"] == {"hamas": 7}


def test_record_events_are_accepted_listed_and_referred_to(
        gaza_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(gaza_file, capsys)
    listed = [(r["id"], r["event"], r["by"]) for r in doc["on_record"]]
    assert listed == [("R1", "report", ["qatar"]), ("S1", "statement", ["israel", "us"]),
                      ("rafah-shots", "incident", ["hamas"]),
                      ("F1", "finding", ["A court"])]
    report = doc["on_record"][0]
    assert report["figures"] == {"trucks": 4200, "fuel_share": 0.08}
    assert report["source"] == "https://example.org/report"
    assert doc["on_record"][2]["location"] == "Rafah"
    assert doc["allegations"][0]["refers_to"] == "rafah-shots"
    assert [e["accepted"] for e in doc["events"][2:6]] == [True] * 4
    # nothing judged: on their days they put themselves on record and change nothing
    # else (what the clock did on earlier days comes first, dated so)
    for e in doc["events"][2:6]:
        assert [r["kind"] for r in e["records"] if r["day"] == e["day"]] == ["on_record"]
    assert doc["final_state"] == "phase1"


def test_on_record_csv_and_events_detail(gaza_file: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(gaza_file), "--csv", "on_record"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["id"] for r in rows] == ["R1", "S1", "rafah-shots", "F1"]
    assert rows[2]["detail"] == "summary: shots fired; location: Rafah"
    assert rows[2]["note"] == "denied by hamas"
    assert main(["run", str(gaza_file), "--csv", "events"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[6]["detail"] == "evidence: the incident on record"
    assert rows[8]["code"] == "total-decreased"


def test_an_allegation_may_refer_only_to_what_is_on_record() -> None:
    run = start(builtin_deal("gaza-2025"))
    from dealmodel import ViolationAlleged

    with pytest.raises(EventRejected) as info:
        run.apply(ViolationAlleged(3, by="israel", against="hamas", refers_to="I1"))
    assert info.value.code == "unknown-record"
    run.apply(IncidentReported(3, location="the corridor"))
    run.apply(ViolationAlleged(3, by="israel", against="hamas", refers_to="I1"))
    assert run.allegations[0].refers_to == "I1"


@pytest.mark.parametrize(("event", "code"), [
    (Reported(2, by="nobody"), "unknown-party"),
    (Stated(2, by="israel", obligation="p9_none"), "unknown-obligation"),
    (Reported(2, by="qatar", indicator="tonnes"), "unknown-indicator"),
    (Reported(2, by="qatar", cumulative=5), "bad-quantity"),
    (Reported(2, by="qatar", obligation="p1_aid", quantity=3, cumulative=5), "bad-quantity"),
    (Reported(2, by="qatar", id="not an id"), "bad-id"),
    (IncidentReported(2, reported_by="press"), "unknown-party"),
    (FindingIssued(2, body="A court", concerning="nobody"), "unknown-party"),
])
def test_record_events_are_still_checked(event: Any, code: str) -> None:
    run = start(builtin_deal("gaza-2025"))
    before = run.to_dict()
    with pytest.raises(EventRejected) as info:
        run.apply(event)
    assert info.value.code == code
    assert run.to_dict() == before


def test_ids_are_unique_and_automatic_per_type() -> None:
    run = start(builtin_deal("gaza-2025"))
    run.apply(IncidentReported(2, id="I2"))
    run.apply(IncidentReported(3))  # the second incident: I2 is taken, so I3
    assert [r.id for e in run.log for r in e.records if r.kind == "on_record"] == ["I2", "I3"]
    with pytest.raises(EventRejected) as info:
        run.apply(Stated(4, by="us", id="I3"))
    assert info.value.code == "duplicate-id"


def test_a_running_total_on_a_report_never_goes_down() -> None:
    run = start(builtin_deal("gaza-2025"))
    first = run.apply(Reported(2, by="qatar", obligation="p1_aid", cumulative=1200))
    second = run.apply(Reported(5, by="egypt", obligation="p1_aid", cumulative=3000))
    assert [(r.quantity, r.total) for r in (*first.records, *second.records)
            if r.kind == "on_record"] == [(1200, 1200), (1800, 3000)]
    assert run.ledger["p1_aid"].progress == 0  # a report judges nothing
    with pytest.raises(EventRejected) as info:
        run.apply(Reported(6, by="qatar", obligation="p1_aid", cumulative=2999))
    assert info.value.code == "total-decreased"


def test_cumulative_on_perform_is_checked_like_a_quantity() -> None:
    run = start(builtin_deal("gaza-2025"))
    run.apply(Performed(1, party="hamas", obligation="p1_hostages", cumulative=3))
    for event, code in [
            (Performed(2, party="hamas", obligation="p1_hostages", cumulative=3), "bad-quantity"),
            (Performed(2, party="hamas", obligation="p1_hostages", cumulative=2),
             "total-decreased"),
            (Performed(2, party="hamas", obligation="p1_hostages", quantity=2, cumulative=9),
             "bad-quantity"),
            (Performed(2, party="israel", obligation="p1_netzarim", cumulative=2),
             "bad-quantity")]:
        assert run.refusal(event) is not None and run.refusal(event).code == code  # type: ignore[union-attr]
    run.apply(Performed(2, party="hamas", obligation="p1_hostages", cumulative=33))
    assert run.ledger["p1_hostages"].status.value == "fulfilled"


def test_record_events_after_the_end_are_put_on_record(tmp_path: Path) -> None:
    path = tmp_path / "after.yaml"
    path.write_text("""\
deal: gaza-2025
hypothetical: true
events:
  - {day: 5, type: hostilities_resumed}
  - {day: 6, type: incident, location: the north, summary: "strikes reported"}
  - {day: 7, type: report, by: qatar, summary: "no talks", id: late-report}
""", "utf-8")
    outcome = load_scenario(path).run()
    doc = outcome.to_dict()
    assert doc["final_state"] == "collapsed" and doc["ended_day"] == 5
    assert [(r["id"], r["after_end"]) for r in doc["on_record"]] == [
        ("I1", True), ("late-report", True)]
    assert [r["event"] for r in doc["after_end"]] == ["incident", "report"]


def test_every_event_type_has_json_fields(gaza_file: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(gaza_file, capsys)
    incident = doc["events"][4]
    assert {k: incident[k] for k in ("by", "location", "summary", "reported_by",
                                     "obligation", "id")} == {
        "by": "hamas", "location": "Rafah", "summary": "shots fired", "reported_by": "egypt",
        "obligation": "p1_ceasefire_hamas", "id": "rafah-shots"}
    statement = doc["events"][3]
    assert statement["by"] == ["israel", "us"] and statement["text"] == "talks will continue"


def test_diagrams_and_tables_carry_the_record(gaza_file: Path) -> None:
    from dealmodel.render import tables
    from dealmodel.render.diagram_model import diagram_model
    from dealmodel.render.dot import to_dot

    outcome = load_scenario(gaza_file).run()
    model = diagram_model(outcome.run.deal, outcome.run)
    recorded = [n for n in model.notes if n.kind == "recorded"]
    assert [n.text.split(":")[0] for n in recorded] == [
        "R1 day 8", "S1 day 9", "rafah-shots day 10", "F1 day 11"]
    assert recorded[2].detail == ("summary: shots fired; location: Rafah; note: denied by "
                                  "hamas; source: https://example.org/incident")
    suspended = next(n for n in model.notes if n.kind == "suspended")
    assert suspended.detail.startswith("reason: a reason of its own")
    dot = to_dot(model)
    assert "◆ On record (as reported, not judged):" in dot
    assert "day 10: summary: shots fired; location: Rafah; note: denied by hamas" in dot
    events = tables.events_table(outcome)
    assert events.columns[-1] == "note, source, reason"
    assert events.rows[7][-1] == ("reason: a reason of its own; source: "
                                  "https://example.org/suspension")
    noted = tables.on_record_table(outcome)
    assert [r[0] for r in noted.rows] == ["R1", "S1", "rafah-shots", "F1"]
    assert "On record (4; recorded, not judged)" in outcome._repr_html_()


@pytest.mark.parametrize("figures", ["[{injured: 3}]", "{injured: many}", "{injured: .nan}",
                                     "{injured: true}", "3"])
def test_bad_figures_are_named_at_load_time(tmp_path: Path, figures: str) -> None:
    from dealmodel.errors import ScenarioError

    path = tmp_path / "bad.yaml"
    path.write_text(f"deal: gaza-2025\nevents:\n  - {{day: 2, type: incident, figures: "
                    f"{figures}}}\n", "utf-8")
    with pytest.raises(ScenarioError, match=r"events\[0\]\.figures: must"):
        load_scenario(path)


def test_the_record_index_follows_forks_undo_and_saving() -> None:
    from dealmodel import Run
    from dealmodel.model.events import HostilitiesResumed

    run = start(builtin_deal("gaza-2025"))
    run.apply(Reported(2, by="qatar", obligation="p1_aid", cumulative=100))
    fork = run.fork()
    fork.apply(Reported(3, by="qatar", obligation="p1_aid", cumulative=150))
    assert [r.id for r in run.noted] == ["R1"] and [r.id for r in fork.noted] == ["R1", "R2"]
    # a dry run after the end commits the report to see if it passes, then undoes it
    run.apply(HostilitiesResumed(4))
    assert run.refusal(Reported(5, by="qatar", obligation="p1_aid", cumulative=120)) is None
    assert [r.id for r in run.noted] == ["R1"]
    run.apply(Reported(5, by="qatar", obligation="p1_aid", cumulative=120))
    assert [(r.id, r.quantity) for r in run.noted] == [("R1", 100), ("R2", 20)]
    again = Run.from_dict(run.to_dict())
    assert again.noted == run.noted
    with pytest.raises(EventRejected) as info:
        again.apply(Reported(6, by="qatar", obligation="p1_aid", cumulative=119))
    assert info.value.code == "total-decreased"
    outcome = load_scenario("gaza-2025").run()
    aid = next(o for o in outcome.to_dict()["obligations"] if o["id"] == "p1_aid")
    assert aid["reported_total"] is None  # nothing reported on it in the built-in scenario


def test_reported_total_in_the_json(tmp_path: Path) -> None:
    path = tmp_path / "totals.yaml"
    path.write_text("""deal: gaza-2025
hypothetical: true
events:
  - {day: 3, type: report, by: qatar, obligation: p1_aid, cumulative: 1800}
  - {day: 5, type: report, by: egypt, obligation: p1_aid, quantity: 600}
""", "utf-8")
    doc = load_scenario(path).run().to_dict()
    aid = next(o for o in doc["obligations"] if o["id"] == "p1_aid")
    assert (aid["reported_total"], aid["progress"]) == (2400, 0)


def test_variants_select_what_is_on_record_by_id(gaza_file: Path) -> None:
    from dealmodel.analysis.compare import compare

    scenario = load_scenario(gaza_file)
    without = scenario.variant("no-incident").drop(id="rafah-shots")
    moved = scenario.variant("incident-later").shift(1, type="incident")
    comparison = compare(scenario, [without, moved])
    run = comparison["no-incident"]
    refused = [e for e in run.outcome.events if not e.accepted]
    assert [(e.event.TYPE, e.code) for e in refused][:1] == [("allege", "unknown-record")]
    assert [e.day for e in comparison["incident-later"].outcome.scenario.events
            if e.TYPE == "incident"] == [11]
    with pytest.raises(Exception, match="removes nothing"):
        scenario.variant("none").drop(id="no-such-id")


def test_a_day_beyond_the_calendar_has_no_date(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "far.yaml"
    path.write_text("""\
hypothetical: true
deal:
  id: far
  in_force: "9999-12-01"
  hypothetical: true
  parties: [{id: a, name: A}]
  phases: [{id: only, duration_days: 90}]
events:
  - {day: 60, type: advance}
""", "utf-8")
    doc = run_json(path, capsys)
    assert doc["as_of_day"] == 60 and doc["as_of_date"] is None  # past 9999-12-31
    assert doc["phase_history"][1]["entered_date"] == "9999-12-01"
    assert doc["phases"][0]["end_date"] is None
    assert main(["run", str(path), "-q"]) == 0
