"""The ``dealmodel`` command line: a thin layer over the library.

Exit codes: 0 success; 1 the scenario ran but ``--strict`` found refused events, or its
``expect:`` was not met; 2 bad input (a file, entry or field that must be fixed), naming it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

from dealmodel._version import __version__
from dealmodel.cli import completion as _cli_completion
from dealmodel.cli import diagrams as _cli_diagrams
from dealmodel.cli import schema as _cli_schema
from dealmodel.cli import simulate as _cli_simulate
from dealmodel.cli import verify as _cli_verify
from dealmodel.cli import whatif as _cli_whatif
from dealmodel.cli._help import docs
from dealmodel.cli._inputs import add_input_options, input_options
from dealmodel.errors import DealModelError, MissingExtraError, Problem, ScenarioError
from dealmodel.io.deals import builtin_deal, builtin_deals
from dealmodel.model.deal import Deal
from dealmodel.render.score_text import score_report
from dealmodel.scenarios.export import TABLES
from dealmodel.scenarios.scenario import Scenario, day_or_date, load_deal_or_scenario, load_scenario

__all__ = ["main"]

EPILOG = f"""\
examples:
  dealmodel run gaza-2025                  run the built-in January 2025 Gaza scenario
  dealmodel run gaza-2025 --csv            the obligation ledger over time, as CSV
  dealmodel run my-scenario.yaml --json    a scenario file, as one JSON document
  dealmodel deals                          list the built-in deals
  dealmodel check my-deal.yaml             validate a deal or scenario file
  dealmodel run their-scenario.yaml --allow-path their-deals
                                           let a scenario read deal files in their-deals
  dealmodel whatif gaza-2025-whatif        compare hypothetical variants side by side
  dealmodel diagram gaza-2025 --compact -o gaza.pdf
                                           a phase diagram that fits a report column
  dealmodel timeline gaza-2025 -o t.png    draw a scenario's timeline chart
  dealmodel simulate examples/gaza-2025-montecarlo.yaml --runs 2000 --seed 7
                                           Monte Carlo under stated assumptions
  dealmodel verify gaza-2025               check a deal exhaustively (bounded)
  dealmodel schema deal > deal.schema.json JSON Schema for editor completion
  dealmodel completion bash > ~/.local/share/bash-completion/completions/dealmodel

Each command has its own help: dealmodel COMMAND --help
exit codes: 0 ok, 1 refused events with --strict (or an optional extra is missing),
2 bad input
docs: {docs("")}
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
    scenario = load_scenario(args.scenario, **input_options(args))
    until = _until(args, scenario)
    outcome = scenario.run(until=until)
    if args.csv:
        sys.stdout.write(outcome.to_csv(args.csv))
        return 1 if (args.strict and outcome.refused) else 0
    if args.json:
        print(json.dumps(outcome.to_dict(), indent=2))
    elif args.report == "score":
        print(score_report(outcome))
    else:
        from dealmodel.render import tables

        if not args.quiet:
            print(outcome.timeline())
            print()
        print("\n".join(tables.summary_lines(outcome)))
        print()
        tables.print_table(tables.obligations_table(outcome.run))
        if outcome.run.allegations:
            tables.print_table(tables.capped(
                tables.allegations_table(outcome.run), 40,
                "all of them with dealmodel run SCENARIO --csv allegations"))
        else:
            print("allegations: none")
        record = outcome.record_lines()
        if record:
            print("\n".join(record))
    refused = outcome.refused
    if refused and not args.json:
        print(f"\n{len(refused)} event(s) refused; see the reasons above.", file=sys.stderr)
    # expect: describes the whole run, not one cut short by --until
    unmet = outcome.mismatches() if until is None else []
    if outcome.scenario.expect and until is None and not args.json:
        print("\nexpect: " + ("met" if not unmet else "NOT met (see dealmodel test)"))
        for mismatch in unmet:
            print(f"  unmet: {mismatch}", file=sys.stderr)
    return 1 if (args.strict and refused) or unmet else 0


def _cmd_test(args: argparse.Namespace) -> int:
    failed = errors = 0
    for ref in args.files:
        try:
            scenario = load_scenario(ref, **input_options(args))
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
    loaded = load_deal_or_scenario(args.file, **input_options(args))
    if isinstance(loaded, Deal):
        deal = loaded
        obligations = sum(len(p.obligations) for p in deal.phases)
        print(f"{args.file}: ok - {deal.id}, {len(deal.phases)} phases, {obligations} "
              f"obligations, {len(deal.states())} lifecycle states")
        return 0
    variants = len(loaded.variants())
    title = f" {loaded.title!r}" if loaded.title else ""
    print(f"{args.file}: ok - scenario{title} on {loaded.deal.id}, {len(loaded.events)} events"
          + (f", {variants} variants" if variants else ""))
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
        epilog="examples:\n"
               "  dealmodel run gaza-2025                     timeline, then the summary\n"
               "  dealmodel run gaza-2025 -q                  the summary only\n"
               "  dealmodel run my-scenario.yaml --strict     exit 1 if an event is refused\n"
               "  dealmodel run gaza-2025 --json | python -m json.tool\n"
               "  dealmodel run gaza-2025 --csv > ledger.csv  the ledger over time\n"
               "  dealmodel run gaza-2025 --csv events        every event and its fate\n"
               "  dealmodel run gaza-2025 --csv allegations\n"
               "  dealmodel run my-scenario.yaml --csv on_record   reports, incidents, ...\n\n"
               "Tables fit the terminal; no colour when piped or with NO_COLOR set.\n"
               f"docs: {docs('how-to/export/')}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    run.add_argument("scenario", metavar="SCENARIO", help="scenario file or built-in name")
    out = run.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object instead")
    out.add_argument("--csv", nargs="?", const="ledger", choices=TABLES, metavar="TABLE",
                     help="print a table as CSV instead: ledger (the default: one row per "
                          "obligation per day it changed), events, on_record (reports, "
                          "statements, incidents, findings) or allegations (give it after "
                          "SCENARIO)")
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
        epilog="examples:\n  dealmodel test my-scenario.yaml\n"
        "  dealmodel test scenarios/*.yaml -q\n\n"
        "exit codes: 0 all match, 1 a mismatch, 2 a file could not be loaded",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    test.add_argument("files", metavar="FILE", nargs="+", help="scenario files with expect:")
    test.add_argument("-q", "--quiet", action="store_true", help="print failures only")
    test.set_defaults(func=_cmd_test)
    deals = sub.add_parser(
        "deals", help="list the built-in deals",
        description="List the deals shipped with dealmodel: name, title and number of "
                    "phases. Any command that takes a deal accepts these names.",
        epilog="examples:\n  dealmodel deals\n  dealmodel check gaza-2025\n"
               "  dealmodel diagram gaza-2025 --compact -o gaza.svg",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    deals.set_defaults(func=_cmd_deals)
    check = sub.add_parser(
        "check", help="validate a deal or scenario file (or a built-in name)",
        description="Load a deal or scenario file and check it: every problem is reported "
                    "at once with its line, path and fix (exit 2) - for a scenario, its "
                    "events and variants are checked against its deal too; nothing is run. "
                    "A valid file prints a one-line summary.",
        epilog="examples:\n  dealmodel check my-deal.yaml\n  dealmodel check my-scenario.yaml"
               "\n  dealmodel check gaza-2025\n\n"
               "For completion and checking while you type, see: dealmodel schema --help\n"
               f"docs: {docs('how-to/write-a-deal/')}",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("file", metavar="FILE", help="a deal or scenario YAML file, or a "
                       "built-in name")
    check.set_defaults(func=_cmd_check)
    # Commands of other modules register themselves here (each owns its module).

    _cli_diagrams.add_commands(sub)
    _cli_whatif.add_commands(sub)
    _cli_simulate.add_commands(sub)
    _cli_schema.add_commands(sub)
    for name in ("run", "test", "check", "whatif", "diagram", "timeline"):
        add_input_options(sub.choices[name])
    _cli_completion.add_commands(sub, parser)
    _cli_verify.add_commands(sub)
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
    except MissingExtraError as exc:  # an optional dependency: install it, try again
        print(f"dealmodel: {exc}", file=sys.stderr)
        return 1
    except DealModelError as exc:
        print(f"dealmodel: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
