"""Commands of the ``schema`` feature: ``dealmodel schema deal|scenario``."""

from __future__ import annotations

import argparse
import json
from typing import Any

EPILOG = """\
examples:
  dealmodel schema deal > deal.schema.json
  dealmodel schema scenario > scenario.schema.json

Then, for completion and checking in an editor with the YAML language server (VS Code's
YAML extension, Neovim, Helix, ...), put this first line in a deal file:
  # yaml-language-server: $schema=deal.schema.json
The schemas are generated from the loader's own field tables, so they accept exactly what
dealmodel accepts; both are also shipped in the package (dealmodel/data/schema/).
"""


def add_commands(sub: Any) -> None:
    """Register this feature's subcommands on the CLI's subparsers object."""
    schema = sub.add_parser(
        "schema", help="print the JSON Schema of deal or scenario files",
        description="Print the JSON Schema (draft 2020-12) of deal files or scenario "
                    "files, for editor completion and validation.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    schema.add_argument("kind", choices=("deal", "scenario"), metavar="deal|scenario",
                        help="which file format")
    schema.set_defaults(func=_cmd_schema)


def schema_of(kind: str) -> dict[str, Any]:
    """The generated schema of ``kind`` (``deal`` or ``scenario``)."""
    if kind == "deal":
        from dealmodel.io.schema import deal_schema

        return deal_schema()
    from dealmodel.scenarios.schema import scenario_schema

    return scenario_schema()


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(schema_of(args.kind), indent=2, ensure_ascii=False))
    return 0
