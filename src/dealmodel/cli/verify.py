"""The ``verify`` command: static checks and a bounded exhaustive exploration of a deal.

Exit codes: 0 clean (known engine gaps are reported but not counted, unless --strict);
1 violations found (each printed as a shortest trace and written as a scenario file that
``dealmodel run`` reproduces); 2 bad input (the file, entry and field are named).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from dealmodel.analysis.verify import (
    DEFAULT_DEPTH,
    DEFAULT_MAX_STATES,
    verify,
    write_counterexample,
)
from dealmodel.cli._help import docs
from dealmodel.errors import DealDefinitionError, Problem
from dealmodel.io.deals import builtin_deal, builtin_deals, load_deal
from dealmodel.io.yaml import load_yaml
from dealmodel.model.deal import Deal
from dealmodel.scenarios.scenario import builtin_scenario, builtin_scenarios, load_scenario

EPILOG = f"""\
examples:
  dealmodel verify gaza-2025                     the built-in deal
  dealmodel verify my-deal.yaml --depth 20       a deal file, explored to 20 events
  dealmodel verify gaza-2025-whatif --json       a scenario: its deal is verified
Counterexamples are written to --out (default: a folder named counterexamples) as
scenario files with expect:, so `dealmodel run FILE` shows the violating outcome.
A report says whether every slice was explored to its natural bound (no new state
left: "exhausted") or cut by --depth or --max-states.
exit codes: 0 clean, 1 violations, 2 bad input
docs: {docs("how-to/check-your-deal/")}
"""


def add_commands(sub: Any) -> None:
    """Register ``verify`` on the CLI's subparsers object."""
    parser = sub.add_parser(
        "verify", help="check a deal exhaustively: static checks and a bounded exploration",
        description="Check a deal (or a scenario's deal): every phase and ending reachable, "
                    "no trap states, no skipped phase, duties satisfiable, names defined, "
                    "powers usable; then explore every event kind and clock advance breadth "
                    "first, checking the built-in invariants and the deal's invariants:, "
                    "and print each violation as a shortest trace.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", metavar="DEAL_OR_SCENARIO",
                        help="a built-in deal or scenario name, a deal file or a scenario file")
    parser.add_argument("--depth", type=int, default=DEFAULT_DEPTH, metavar="N",
                        help=f"explore runs of up to N events (default {DEFAULT_DEPTH})")
    parser.add_argument("--max-states", type=int, default=DEFAULT_MAX_STATES, metavar="K",
                        help="live states explored per slice at most (default "
                             f"{DEFAULT_MAX_STATES:,}); a slice stops earlier at its natural "
                             "bound, when no new state is reachable")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="W",
                        help="explore slices in W processes (default: one per CPU, here "
                             f"{os.cpu_count() or 1}); the report is the same for any W")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--out", metavar="DIR", default="counterexamples",
                        help="where to write counterexample scenarios (default counterexamples)")
    parser.add_argument("--strict", action="store_true",
                        help="count known engine gaps as violations")
    parser.set_defaults(func=_cmd_verify)


def resolve(source: str) -> tuple[Deal, str | None]:
    """The deal to verify, and how a scenario file next to ``--out`` can name it."""
    path = Path(source)
    if path.is_file():
        data = load_yaml(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "events" in data:
            scenario = load_scenario(path)
            ref = data.get("deal") if isinstance(data.get("deal"), str) else None
            if ref is not None and ref not in builtin_deals():
                ref = str((path.parent / ref).resolve())
            return scenario.deal, ref
        return load_deal(path), str(path.resolve())
    if source in builtin_deals():
        return builtin_deal(source), source
    if source in builtin_scenarios():
        scenario = builtin_scenario(source)
        return scenario.deal, scenario.deal.id if scenario.deal.id in builtin_deals() else None
    raise DealDefinitionError([Problem("", f"no file, built-in deal or built-in scenario named "
                                       f"{source!r}", "built-in deals: "
                                       + ", ".join(builtin_deals()))], source)


def _cmd_verify(args: argparse.Namespace) -> int:
    for flag in ("depth", "max_states", "workers"):
        if getattr(args, flag) < 1:
            raise DealDefinitionError([Problem("--" + flag.replace("_", "-"),
                                               "must be at least 1")])
    deal, ref = resolve(args.source)
    report = verify(deal, args.depth, args.max_states, args.workers,
                    _progress if sys.stderr.isatty() else None)
    out = Path(args.out)
    numbers: dict[str, int] = {}
    for i, finding in enumerate(report.findings):
        if finding.trace is None:
            continue
        numbers[finding.property] = numbers.get(finding.property, 0) + 1
        # a built-in by name; a deal from a file inline, so the scenario stands alone
        # (a file may only refer to files under its own folder)
        builtin = ref if ref is not None and ref in builtin_deals() else None
        path = write_counterexample(finding, deal, out, builtin, numbers[finding.property])
        if path is not None:
            report.findings[i] = _with_file(finding, str(path))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.text())
    failed = report.violations or (args.strict and report.gaps)
    return 1 if failed else 0


def _progress(done: int, total: int) -> None:
    """On a terminal: how many slices are explored (stderr, overwritten in place)."""
    end = "\n" if done == total else ""
    print(f"\rverify: {done}/{total} slices explored", end=end, file=sys.stderr, flush=True)


def _with_file(finding: Any, file: str) -> Any:
    import attrs

    return attrs.evolve(finding, file=file)
