"""Variants declared in a scenario file (``variants:``): parsed into :class:`Variant` objects.

Each entry names a variant and lists its changes (``drop``, ``shift``, ``add``,
``with_deal``); every problem of every variant is reported at once, with its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dealmodel.errors import Problem, ScenarioError, short
from dealmodel.io.yaml import LineDict
from dealmodel.scenarios.selectors import _VARIANT_KEYS, _fail, _suggest
from dealmodel.scenarios.variants import Variant

if TYPE_CHECKING:
    from dealmodel.scenarios.scenario import Scenario

__all__ = ["parse_variants"]


def parse_variants(scenario: Scenario) -> tuple[Variant, ...]:
    """The variants declared under ``variants:``; every problem is reported at once."""
    raw = scenario.raw_variants
    if raw is None:
        return ()
    source = scenario.source
    if not isinstance(raw, list):
        raise _fail("variants", f"must be a list of variants, got {short(raw)}",
                    "- name: aid-not-cut\n    drop: {type: suspend, obligation: p1_aid}", source)
    problems: list[Problem] = []
    variants: list[Variant] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        try:
            variant = _parse_variant(scenario, item, i)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        if variant.name in seen:
            problems.append(Problem(f"variants[{variant.name}].name", f"duplicate variant name "
                                    f"{variant.name!r}", "give each variant its own name",
                                    _line(item, "name")))
        seen.add(variant.name)
        variants.append(variant)
    if problems:
        raise ScenarioError(problems, source)
    return tuple(variants)


def _line(data: object, key: str | None = None) -> int | None:
    if not isinstance(data, LineDict):
        return None
    return data.line_of(key) if key is not None else data.line


def _with_line(exc: ScenarioError, line: int | None) -> ScenarioError:
    return ScenarioError([Problem(p.path, p.message, p.fix, p.line or line)
                          for p in exc.problems], exc.source)


def _parse_variant(scenario: Scenario, item: Any, index: int) -> Variant:
    source = scenario.source
    if not isinstance(item, dict):
        raise _fail(f"variants[{index}]", f"must be a mapping, got {short(item)}",
                    "give name: and drop:/shift:/add:/with_deal:", source)
    name = item.get("name")
    if not isinstance(name, str):
        raise ScenarioError([Problem(f"variants[{index}].name", "is required (a string)",
                                     "e.g. name: aid-not-cut", _line(item))], source)
    problems = []
    for key in item:
        if key not in _VARIANT_KEYS:
            problems.append(Problem(f"variants[{name}].{key}", "unknown field",
                                    _suggest(str(key), _VARIANT_KEYS), _line(item, key)))
    if not any(k in item for k in ("drop", "shift", "add", "with_deal")):
        problems.append(Problem(f"variants[{name}]", "changes nothing",
                                "give drop:, shift:, add: or with_deal:", _line(item)))
    description = item.get("description", "")
    if not isinstance(description, str):
        problems.append(Problem(f"variants[{name}].description", "must be a string", "",
                                _line(item, "description")))
    if problems:
        raise ScenarioError(problems, source)
    try:
        variant = Variant(scenario, name, description)
    except ScenarioError as exc:
        raise _with_line(exc, _line(item, "name")) from None
    for op in ("drop", "shift", "add", "with_deal"):  # applied in this order
        if op not in item:
            continue
        entries = item[op] if isinstance(item[op], list) else [item[op]]
        for k, entry in enumerate(entries):
            path = f"variants[{name}].{op}" + (f"[{k}]" if isinstance(item[op], list) else "")
            line = _line(entry) or _line(item, op)
            try:
                variant = _apply_op(variant, op, entry, path)
            except ScenarioError as exc:
                problems.extend(_with_line(exc, line).problems)
    if problems:
        raise ScenarioError(problems, source)
    return variant


def _apply_op(variant: Variant, op: str, entry: Any, path: str) -> Variant:
    if not isinstance(entry, dict):
        raise _fail(path, f"must be a mapping, got {short(entry)}", "", variant.base.source)
    if op == "drop":
        return variant._drop(path, entry)
    if op == "shift":
        fields = dict(entry)
        if "days" not in fields:
            raise _fail(f"{path}.days", "is required: how many days to move the events",
                        "e.g. {days: 7, day: 28}", variant.base.source)
        days = fields.pop("days")
        return variant._shift(path, days, fields)
    if op == "add":
        return variant._add(path, (entry,), numbered=False)
    fields = dict(entry)
    phase, obligation = fields.pop("phase", None), fields.pop("obligation", None)
    return variant._with_fields(path, phase, obligation, fields)


