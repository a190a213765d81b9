"""The ``dealmodel`` command line: a thin layer over the library.

Exit codes: 0 success; 1 the scenario ran but ``--strict`` found refused events;
2 bad input (a file, entry or field that must be fixed), with a message naming it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from dealmodel._version import __version__
from dealmodel.cli import diagrams as _cli_diagrams
from dealmodel.cli import whatif as _cli_whatif
from dealmodel.errors import DealModelError, Problem, ScenarioError
from dealmodel.io.deals import builtin_deal, builtin_deals, load_deal
from dealmodel.render.score_text import score_report
from dealmodel.scenarios.scenario import Scenario, day_or_date, load_scenario

__all__ = ["main"]

EPILOG = """\
examples:
  dealmodel run gaza-2025                  run the built-in January 2025 Gaza scenario
  dealmodel run examples/gaza-2025-record.yaml --json
  dealmodel deals                          list the built-in deals
  dealmodel check my-deal.yaml             validate a deal definition
  dealmodel whatif examples/gaza-2025-whatif.yaml
                                           compare hypothetical variants side by side
  dealmodel diagram gaza-2025 -o gaza.svg  draw a deal's phase diagram
  dealmodel timeline gaza-2025 -o t.png    draw a scenario's timeline chart

exit codes: 0 ok, 1 refused events with --strict, 2 bad input
docs: docs/tutorial/first-run.md
"""


def _until(args: argparse.Namespace, scenario: Scenario) -> int | None:
    if args.until is None:
        return None
    try:
        return day_or_date(args.until, scenario.deal)
    except ValueError as exc:
        raise ScenarioError([Problem("--until", f"must be a day number or a date "
                                     f"(YYYY-MM-DD): {exc}", "e.g. --until 30 or --until "
                                     "2025-03-13")], scenario.source) from None


def _cmd_run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    outcome = scenario.run(until=_until(args, scenario))
    if args.json:
        print(json.dumps(outcome.to_dict(), indent=2))
    elif args.report == "score":
        print(score_report(outcome))
    else:
        if not args.quiet:
            print(outcome.timeline())
            print()
        print(outcome.summary())
    refused = outcome.refused
    if refused and not args.json:
        print(f"\n{len(refused)} event(s) refused; see the reasons above.", file=sys.stderr)
    return 1 if (args.strict and refused) else 0


def _cmd_test(args: argparse.Namespace) -> int:
    failed = errors = 0
    for ref in args.files:
        try:
            scenario = load_scenario(ref)
        except DealModelError as exc:
            errors += 1
            print(f"ERROR {ref}: {exc}", file=sys.stderr)
            continue
        if not scenario.expect:
            errors += 1
            print(f"ERROR {ref}: no expect: section (add the outcome you expect, e.g. "
                  "expect: {final_state: collapsed})", file=sys.stderr)
            continue
        mismatches = scenario.run().mismatches()
        if mismatches:
            failed += 1
            print(f"FAIL  {ref}")
            for m in mismatches:
                print(f"      {m}")
        elif not args.quiet:
            print(f"ok    {ref}")
    total = len(args.files)
    print(f"{total - failed - errors} passed, {failed} failed, {errors} error(s)",
          file=sys.stderr)
    return 2 if errors else (1 if failed else 0)


def _cmd_deals(args: argparse.Namespace) -> int:
    for name in builtin_deals():
        deal = builtin_deal(name)
        print(f"{name:<16} {deal.title} ({len(deal.phases)} phases)")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.deal)
    deal = load_deal(path) if path.exists() else builtin_deal(args.deal)
    obligations = sum(len(p.obligations) for p in deal.phases)
    print(f"{args.deal}: ok - {deal.id}, {len(deal.phases)} phases, {obligations} obligations, "
          f"{len(deal.states())} lifecycle states")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealmodel",
        description="Model multiphase agreements (ceasefires first) as state machines: "
                    "run a deal against dated events and see its state, obligations and "
                    "allegations.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser(
        "run", help="run a scenario and print its timeline and summary",
        description="Run a scenario (a YAML file, or a built-in name such as gaza-2025) and "
                    "print a timeline (day, event, state change, obligations changed) and a "
                    "summary. Refused events are reported with their reason.",
        epilog="example:\n  dealmodel run gaza-2025 --json | python -m json.tool",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("scenario", metavar="SCENARIO", help="scenario file or built-in name")
    run.add_argument("--json", action="store_true", help="print one JSON object instead")
    run.add_argument("--strict", action="store_true", help="exit 1 if any event was refused")
    run.add_argument("-q", "--quiet", action="store_true", help="summary only, no timeline")
    run.add_argument("--report", choices=("score",), help="score: each obligation's "
                     "implementation score (0-3) and the deal's implementation rate over time")
    run.add_argument("--until", metavar="DAY|DATE", help="stop on this day (a number, or a "
                     "date such as 2025-03-13): the deal as it stood then")
    run.set_defaults(func=_cmd_run)
    test = sub.add_parser(
        "test", help="run scenario files and check each against its expect: section",
        description="Run each scenario file and compare its outcome with the file's "
        "expect: section (final state and day, phase entry days, obligation fields, "
        "counts). Lists every mismatch, expected against actual.",
        epilog="examples:\n  dealmodel test examples/semantics/*.yaml\n"
        "  dealmodel test examples/gaza-2025-record.yaml\n\n"
        "exit codes: 0 all match, 1 a mismatch, 2 a file could not be loaded",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    test.add_argument("files", metavar="FILE", nargs="+", help="scenario files with expect:")
    test.add_argument("-q", "--quiet", action="store_true", help="print failures only")
    test.set_defaults(func=_cmd_test)
    deals = sub.add_parser("deals", help="list the built-in deals")
    deals.set_defaults(func=_cmd_deals)
    check = sub.add_parser("check", help="validate a deal definition (YAML file or built-in)",
                           epilog="example:\n  dealmodel check my-deal.yaml",
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("deal", metavar="DEAL")
    check.set_defaults(func=_cmd_check)
    # Commands of other modules register themselves here (each owns its module).

    _cli_diagrams.add_commands(sub)
    _cli_whatif.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        return func(args)
    except DealModelError as exc:
        print(f"dealmodel: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
