"""Commands of the ``whatif`` feature for the ``dealmodel`` command line."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from dealmodel.cli._help import docs
from dealmodel.errors import Problem, ScenarioError

EPILOG = f"""\
examples:
  dealmodel whatif gaza-2025-whatif        the built-in Gaza 2025 what-if variants
  dealmodel whatif my-scenario.yaml       a scenario file with variants:
  dealmodel whatif gaza-2025-whatif --variant aid-not-cut --markdown
  dealmodel whatif gaza-2025-whatif --json | python -m json.tool

Variants are hypothetical; every output says so. A bad variant exits 2 naming the
variant and the field; a variant event the engine refuses is reported in the table.
  dealmodel whatif gaza-2025-whatif --csv obligations > whatif.csv

The table fits the terminal (cells wrap); no colour when piped or with NO_COLOR set.
docs: {docs("how-to/what-if/")}, {docs("reference/scenario-file/#variants")}
"""


def add_commands(sub: Any) -> None:
    """Register this feature's subcommands on the CLI's subparsers object."""
    whatif = sub.add_parser(
        "whatif", help="compare a scenario with its hypothetical variants side by side",
        description="Run a scenario and the variants it declares under 'variants:' and "
                    "print one side-by-side table: final state and day, the day each phase "
                    "was entered, days in limbo or suspended, the first violation, each "
                    "obligation's progress and status, allegations, and where each variant "
                    "first diverges from the base.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    whatif.add_argument("scenario", metavar="SCENARIO",
                        help="scenario file (or built-in name) that declares variants")
    whatif.add_argument("--variant", metavar="NAME", action="append", default=None,
                        help="compare only this variant (repeatable; default: all)")
    fmt = whatif.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the comparison as JSON")
    fmt.add_argument("--markdown", action="store_true",
                     help="print a Markdown table to paste into a report")
    fmt.add_argument("--csv", nargs="?", const="runs", choices=("runs", "obligations"),
                     metavar="TABLE", help="print a table as CSV: runs (the default: one row "
                     "per run) or obligations (one row per run and obligation)")
    whatif.set_defaults(func=_cmd_whatif)


def _cmd_whatif(args: argparse.Namespace) -> int:
    from dealmodel.analysis.compare import compare
    from dealmodel.cli._inputs import input_options
    from dealmodel.scenarios.scenario import builtin_scenarios, load_scenario

    scenario = load_scenario(args.scenario, **input_options(args))
    if scenario.raw_variants is None:
        with_variants = [name for name in builtin_scenarios()
                         if load_scenario(name).raw_variants is not None]
        hint = (f"add a 'variants:' list (see {docs('reference/scenario-file/#variants')})"
                + (f", or try a built-in scenario that declares some: "
                   f"{', '.join(with_variants)}" if with_variants else ""))
        raise ScenarioError([Problem("variants", "the scenario declares no variants", hint)],
                            scenario.source or args.scenario)
    comparison = compare(scenario, args.variant)
    if args.json:
        print(comparison.to_json())
        return 0
    if args.csv:
        sys.stdout.write(comparison.to_csv(args.csv))
        return 0
    from dealmodel.render.tables import comparison_table, print_table, to_markdown

    table = comparison_table(comparison)
    if args.markdown:
        print(to_markdown(table), end="")
    else:
        print_table(table)
    return 0
