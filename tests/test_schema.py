"""JSON Schemas of deal and scenario files: valid draft 2020-12, printed by the CLI, shipped
in the package, accepting every shipped and example file, and agreeing with the loaders."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from dealmodel.cli import main
from dealmodel.errors import DealDefinitionError, ScenarioError
from dealmodel.io.deals import FIELDS, deal_from_dict
from dealmodel.io.schema import deal_schema
from dealmodel.model.events import EVENT_TYPES
from dealmodel.scenarios.scenario import scenario_from_dict
from dealmodel.scenarios.schema import scenario_schema

ROOT = Path(__file__).parent.parent
# the installed package's data (CI runs these tests against the installed wheel)
DATA = Path(str(resources.files("dealmodel") / "data"))


class CoreLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (1.2 core: a date stays a string)."""


CoreLoader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=CoreLoader)


def is_scenario(path: Path) -> bool:
    data = load(path)
    return isinstance(data, dict) and "events" in data


FILES = sorted([*DATA.rglob("*.yaml"), *ROOT.joinpath("examples").rglob("*.yaml"),
                *ROOT.joinpath("tests", "data").rglob("*.yaml")])
DEAL_SCHEMA = deal_schema()
SCENARIO_SCHEMA = scenario_schema()


def errors(schema: dict[str, Any], data: Any) -> list[str]:
    """Every error, with those inside anyOf/oneOf branches (``X | None`` fields)."""
    def walk(found: Any) -> list[str]:
        out = []
        for e in found:
            out.append(f"{'/'.join(map(str, e.absolute_path))}: {e.message}")
            out.extend(walk(e.context or []))
        return out

    return walk(jsonschema.Draft202012Validator(schema).iter_errors(data))


@pytest.mark.parametrize("kind", ["deal", "scenario"])
def test_cli_prints_a_draft_2020_12_schema(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", kind]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == (DEAL_SCHEMA if kind == "deal" else SCENARIO_SCHEMA)


@pytest.mark.parametrize("kind", ["deal", "scenario"])
def test_shipped_copy_is_current(kind: str) -> None:
    shipped = resources.files("dealmodel") / "data" / "schema" / f"{kind}.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == json.loads(
        json.dumps(DEAL_SCHEMA if kind == "deal" else SCENARIO_SCHEMA)), (
        f"regenerate it: dealmodel schema {kind} > src/dealmodel/data/schema/{kind}.schema.json")


def test_the_files_to_check_include_every_built_in_and_example() -> None:
    names = {p.name for p in FILES}
    assert {"gaza-2025.yaml", "gaza-2025-whatif.yaml", "gaza-2025-record.yaml"} <= names
    assert any(not is_scenario(p) for p in FILES) and any(is_scenario(p) for p in FILES)


def label(path: Path) -> str:
    base = ROOT if path.is_relative_to(ROOT) else DATA.parent.parent
    return str(path.relative_to(base))


@pytest.mark.parametrize("path", FILES, ids=[label(p) for p in FILES])
def test_every_shipped_and_example_file_validates(path: Path) -> None:
    schema = SCENARIO_SCHEMA if is_scenario(path) else DEAL_SCHEMA
    assert errors(schema, load(path)) == []


GAZA = load(DATA / "deals" / "gaza-2025.yaml")
# objects the Gaza deal does not use, added so that every object of the format is tested
GAZA["phases"][0]["extension"] = {"max_days": 3, "granted_by": ["qatar"], "clause": None}
GAZA["phases"][1]["renewal"] = {"term_days": 30, "automatic": True}
GAZA["powers"] = [{"power": "terminate", "holders": ["israel"], "notice_days": 3}]
GAZA["phases"][2]["obligations"][0]["due"] = {"after": "phase:phase3", "days": 30}
GAZA["phases"][2]["obligations"][1]["due"] = {"day": 120}
GAZA["actors"] = [{"id": "unmon", "name": "A monitor", "roles": ["monitor", "obligor"]}]
GAZA["documents"] = [{"id": "main", "title": "The agreement", "clause": "mediators",
                      "signatories": ["israel", "hamas", "qatar", "egypt", "us"]}]
GAZA["indicators"] = [{"id": "fuel_trucks", "unit": "trucks", "clause": "p1-aid",
                       "description": "fuel trucks entering Gaza"}]
GAZA["phases"][0]["obligations"][1]["reciprocal"] = [{"per": "p1_hostages", "ratio": 30}]
[_AID] = [o for o in GAZA["phases"][0]["obligations"] if o["id"] == "p1_aid"]
_AID.update(term_days=42, renewal={"term_days": 42, "notice_days": 7}, document="main")


def instances(data: Any, obj: str) -> list[dict[str, Any]]:
    """Every mapping of object kind ``obj`` in a loaded deal (first found first)."""
    paths = {"deal": lambda d: [d], "party": lambda d: d["parties"],
             "clause": lambda d: d.get("clauses", []), "phase": lambda d: d["phases"],
             "obligation": lambda d: [o for p in d["phases"] for o in p.get("obligations", [])],
             "extension": lambda d: [p["extension"] for p in d["phases"] if "extension" in p],
             "renewal": lambda d: [p["renewal"] for p in d["phases"] if "renewal" in p],
             "power": lambda d: d.get("powers", []),
             "quantity": lambda d: [o["quantity"] for o in instances(d, "obligation")
                                    if "quantity" in o],
             "milestone": lambda d: [m for o in instances(d, "obligation")
                                     for m in o.get("schedule", [])],
             "reciprocity": lambda d: [r for o in instances(d, "obligation")
                                       for r in o.get("reciprocal", [])],
             "due": lambda d: [o["due"] for o in instances(d, "obligation")
                               if isinstance(o.get("due"), dict) and "after" in o["due"]],
             "due_on": lambda d: [o["due"] for o in instances(d, "obligation")
                                  if isinstance(o.get("due"), dict) and "after" not in o["due"]],
             "document": lambda d: d.get("documents", []),
             "indicator": lambda d: d.get("indicators", [])}
    return list(paths[obj](data))


def defs(obj: str) -> dict[str, Any]:
    return DEAL_SCHEMA if obj == "deal" else DEAL_SCHEMA["$defs"][obj]


def test_schema_objects_are_the_loaders_field_tables() -> None:
    for obj, names in FIELDS.items():
        assert tuple(defs(obj)["properties"]) == names
        assert defs(obj)["additionalProperties"] is False


def test_the_extended_gaza_deal_is_valid() -> None:
    assert errors(DEAL_SCHEMA, GAZA) == []
    deal_from_dict(copy.deepcopy(GAZA))


@pytest.mark.parametrize("obj", list(FIELDS))
def test_required_fields_agree_with_the_loader(obj: str) -> None:
    """Leaving out a field the schema requires is an error for the loader too, and the other
    way round: leaving out an optional field passes both."""
    found = instances(GAZA, obj)
    assert found, f"the Gaza deal has no {obj}"
    for name in FIELDS[obj]:
        data = copy.deepcopy(GAZA)
        target = instances(data, obj)[0]
        if name not in target:
            continue
        del target[name]
        schema_says = [e for e in errors(DEAL_SCHEMA, data) if "is a required property" in e
                       or (name == "obligor" and "is not valid under any" in e)]
        try:
            deal_from_dict(json.loads(json.dumps(data)))
            loader_says = []
        except DealDefinitionError as exc:
            loader_says = [p for p in exc.problems if p.message.startswith("is required")]
        assert bool(schema_says) == bool(loader_says), (obj, name, schema_says, loader_says)
        either = [r for alt in defs(obj).get("anyOf", []) for r in alt.get("required", [])]
        # required unless another field says otherwise (a quantity's amount, but for an
        # ongoing duty): the parent's ``else`` branch requires it
        either += [r for d in DEAL_SCHEMA["$defs"].values()
                   for r in d.get("else", {}).get("properties", {}).get(obj, {})
                   .get("required", [])]
        assert (name in defs(obj).get("required", []) or name in either) == bool(schema_says)


@pytest.mark.parametrize("obj", list(FIELDS))
def test_unknown_field_rejected_by_both(obj: str) -> None:
    data = copy.deepcopy(GAZA)
    instances(data, obj)[0]["colour"] = "blue"
    assert any("'colour' was unexpected" in e for e in errors(DEAL_SCHEMA, data))
    with pytest.raises(DealDefinitionError, match="colour: unknown field"):
        deal_from_dict(data)


def test_wrong_types_rejected_by_both() -> None:
    data = copy.deepcopy(GAZA)
    data["phases"][0]["duration_days"] = "six weeks"
    data["phases"][0]["on_expiry"] = "stop"
    found = errors(DEAL_SCHEMA, data)
    assert any(e.startswith("phases/0/duration_days:") for e in found)
    assert any(e.startswith("phases/0/on_expiry:") for e in found)
    with pytest.raises(DealDefinitionError) as info:
        deal_from_dict(data)
    assert {p.path for p in info.value.problems} >= {"phases[0].duration_days",
                                                     "phases[0].on_expiry"}


def test_every_event_type_is_in_the_scenario_schema() -> None:
    events = SCENARIO_SCHEMA["$defs"]["event"]["oneOf"]
    assert [e["$ref"].rsplit("_", 1)[-1] for e in events] == [
        t.rsplit("_", 1)[-1] for t in EVENT_TYPES]
    perform = SCENARIO_SCHEMA["$defs"]["event_perform"]
    assert perform["required"] == ["type", "party", "obligation"]
    assert perform["oneOf"] == [{"required": ["day"]}, {"required": ["date"]}]
    assert perform["properties"]["quantity"] == {"type": "integer"}


@pytest.mark.parametrize(("event", "loader_message"), [
    ({"day": 1, "type": "perform", "party": "hamas"}, "is required for a perform event"),
    ({"day": "one", "type": "advance"}, "must be a whole number"),
    ({"day": 1, "type": "advance", "colour": "blue"}, "unknown field"),
    ({"day": 1, "type": "perfrom"}, "unknown event type"),
])
def test_bad_events_rejected_by_both(event: dict[str, Any], loader_message: str) -> None:
    data = {"deal": "gaza-2025", "events": [event]}
    assert errors(SCENARIO_SCHEMA, data)
    with pytest.raises(ScenarioError, match=loader_message):
        scenario_from_dict(data)


def test_variants_and_expect_are_checked() -> None:
    data = load(DATA / "scenarios" / "gaza-2025-whatif.yaml")
    data["variants"][0]["drop"] = {"type": "suspend", "colour": "blue"}
    assert errors(SCENARIO_SCHEMA, data)
    data["variants"][0] = {"name": "x", "with_deal": {"phase": "phase1", "duration_days": 49}}
    data["expect"] = {"final_state": "phase2", "counts": {"refused": 0}}
    assert errors(SCENARIO_SCHEMA, data) == []
    data["expect"]["counts"]["refusals"] = 1
    assert errors(SCENARIO_SCHEMA, data)
