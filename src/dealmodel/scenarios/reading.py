"""Private: the parts of reading a scenario file that need no Scenario object.

Its events, checked against its deal (an unknown party, obligation or phase is a problem
of the file, with its line and a "did you mean"), and its ``deal:`` resolved: a built-in
name, a file under the scenario's folder (problems inside it reported under its own
name), or an inline definition.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dealmodel.errors import DealDefinitionError, Problem, short
from dealmodel.io.deals import read_deal, resolve_deal
from dealmodel.io.events import event_from_dict
from dealmodel.io.limits import Limits
from dealmodel.io.reader import Reader
from dealmodel.io.resolve import AllowPaths
from dealmodel.io.yaml import LineDict
from dealmodel.model.deal import Deal
from dealmodel.model.events import Event
from dealmodel.scenarios.selectors import References

__all__ = ["line_at", "parse_events", "scenario_deal"]


def parse_events(items: Sequence[Any], path: str = "events", deal: Deal | None = None
                 ) -> tuple[list[Event], list[Problem]]:
    """Events from plain data; with ``deal``, names it does not know are problems too."""
    events: list[Event] = []
    problems: list[Problem] = []
    refs = References(deal) if deal is not None else None
    in_force = deal.in_force if deal is not None else None  # for events dated by date:
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        event, found = event_from_dict(item, where, in_force)
        problems.extend(found)
        if event is not None:
            events.append(event)
        if refs is not None and (event is not None or isinstance(item, dict)):
            for p in refs.problems(event if event is not None else item, where):
                key = p.path.rsplit(".", 1)[-1]
                problems.append(p.located(item.line_of(key) if isinstance(item, LineDict)
                                          else None))
    return events, problems


def line_at(data: Any, path: str) -> int | None:
    """The line of the deepest key of a dotted ``path`` found in line-tracking mappings."""
    line = None
    for part in path.split("."):
        if not isinstance(data, LineDict) or part not in data:
            break
        line = data.line_of(part)
        data = data[part]
    return line


def scenario_deal(reader: Reader, m: dict[str, Any], base: Path, default: Deal | None,
                   allow_paths: AllowPaths, limits: Limits | None) -> Deal | None:
    raw = m.get("deal")
    line = m.line_of("deal") if isinstance(m, LineDict) else None
    if raw is None:
        if default is None:
            reader.problem("deal", "is required", "name a built-in deal (e.g. gaza-2025), a "
                           "YAML path, or give the definition inline", m)
        return default
    if isinstance(raw, dict):  # inline: its problems are located in this file already
        deal_reader = Reader()
        deal = read_deal(deal_reader, raw)
        reader.problems.extend(p.prefixed("deal", line) for p in deal_reader.problems)
        return deal
    if not isinstance(raw, str):
        reader.problem("deal", f"must be a name, a path or a mapping, got {short(raw)}",
                       "e.g. deal: gaza-2025", m, "deal")
        return None
    try:
        return resolve_deal(raw, base, allow_paths=allow_paths, limits=limits)
    except DealDefinitionError as exc:
        # A problem inside the deal file is reported under its own name and lines.
        reader.problems.extend(p.located(None, exc.source) if exc.source else
                               p.prefixed("deal", line) for p in exc.problems)
        return None
