"""The ``dealmodel simulate`` command: Monte Carlo runs of a scenario's stated assumptions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from dealmodel._optional import require
from dealmodel.cli._help import docs
from dealmodel.errors import DealModelError

EPILOG = f"""\
examples:
  dealmodel simulate gaza-2025-montecarlo --runs 2000 --seed 7
                       the built-in Gaza 2025 deal under illustrative assumptions
  dealmodel simulate gaza-2025-montecarlo --runs 2000 --seed 7 --workers 2 --json
  dealmodel simulate gaza-2025-montecarlo --runs 1000 --seed 7 \\
      --sweep phases.phase1.agreement_daily=0:0.04:9 --plot sweep.png
  dealmodel simulate my-assumptions.yaml --runs 100000 --scheduler tcp://10.0.0.5:8786

The scenario states its assumptions under 'assumptions:'. The same seed gives the same
figures whatever --workers or --scheduler. The figures follow from the stated
assumptions; they are not forecasts.
exit codes: 0 ok, 2 bad input (the message names the file, line and field)
docs: {docs("how-to/how-likely/")}, {docs("explanation/monte-carlo/")}
"""


def add_commands(sub: Any) -> None:
    """Register ``simulate`` on the CLI's subparsers object."""
    cmd = sub.add_parser(
        "simulate", help="Monte Carlo: how often each phase and ending comes about under "
                         "stated assumptions",
        description="Run a scenario's deal many times, drawing events from the assumptions "
                    "stated in its 'assumptions:' block (performance, delays, suspensions, "
                    "allegations, talks, collapse hazards), and report the share of runs "
                    "reaching each phase, each ending with 95%% intervals, collapse by day, "
                    "each obligation's completion and the most frequent paths. The figures "
                    "follow from the stated assumptions; they are not forecasts.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("scenario", metavar="SCENARIO",
                     help="scenario file with an 'assumptions:' block, or a built-in "
                          "scenario that has one (gaza-2025-montecarlo)")
    cmd.add_argument("--runs", type=int, default=1000, metavar="N",
                     help="number of runs (default 1000)")
    cmd.add_argument("--seed", type=int, default=0, metavar="S",
                     help="the one seed all randomness comes from (default 0)")
    cmd.add_argument("--workers", type=int, default=1, metavar="K",
                     help="processes on this machine (default 1)")
    cmd.add_argument("--scheduler", metavar="ADDRESS",
                     help="run on a Dask distributed cluster, e.g. tcp://host:8786")
    cmd.add_argument("--chunk-size", type=int, metavar="C",
                     help="runs per task (default: about 4 tasks per worker); does not "
                          "change the result")
    cmd.add_argument("--sweep", metavar="NAME=START:STOP:STEPS",
                     help="vary one assumption, e.g. phases.phase1.agreement_daily=0:0.04:9")
    fmt = cmd.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print one JSON document")
    fmt.add_argument("--csv", action="store_true", help="print CSV (long format)")
    cmd.add_argument("--plot", metavar="FILE", help="also draw a chart (.png or .svg)")
    cmd.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    cmd.set_defaults(func=_cmd_simulate)


def _progress_bar(total: int, quiet: bool) -> Any:
    """A tqdm bar on stderr, or None when quiet, not on a terminal, or tqdm is missing."""
    if quiet or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is in the simulate extra
        return None
    tqdm.monitor_interval = 0  # no monitor thread: the process pool may then fork
    return tqdm(total=total, file=sys.stderr, unit="runs", unit_scale=True, leave=False,
                desc="simulating")


def _cmd_simulate(args: argparse.Namespace) -> int:
    require("numpy", "dealmodel simulate")
    from dealmodel.analysis.montecarlo import connect, simulate
    from dealmodel.analysis.simulate_sweep import parse_sweep, run_sweep
    from dealmodel.scenarios.scenario import load_scenario

    for name in ("runs", "workers"):
        if getattr(args, name) < 1:
            raise DealModelError(f"--{name} must be at least 1, got {getattr(args, name)}")
    if args.chunk_size is not None and args.chunk_size < 1:
        raise DealModelError(f"--chunk-size must be at least 1, got {args.chunk_size}")
    if args.seed < 0:
        raise DealModelError(f"--seed must be a whole number >= 0, got {args.seed}")
    if args.plot:
        from dealmodel.render.renderers import check_suffix
        from dealmodel.render.simulate_plot import SUFFIXES

        check_suffix(Path(args.plot), SUFFIXES)
        require("matplotlib", "a simulation chart (--plot)")
    scenario = load_scenario(args.scenario)
    sweep = parse_sweep(args.sweep) if args.sweep else None
    total = args.runs * (len(sweep.values) if sweep else 1)
    client = connect(args.scheduler) if args.scheduler else None
    bar = _progress_bar(total, args.quiet)
    options: dict[str, Any] = {"workers": args.workers, "chunk_size": args.chunk_size,
                               "client": client,
                               "progress": bar.update if bar is not None else None}
    try:
        if sweep is not None:
            result: Any = run_sweep(scenario, sweep, args.runs, args.seed, **options)
        else:
            result = simulate(scenario, args.runs, args.seed, **options)
    finally:
        if bar is not None:
            bar.close()
        if client is not None:
            client.close()
    if args.json:
        print(result.to_json())
    elif args.csv:
        print(result.to_csv(), end="")
    else:
        print(result.to_text())
    if args.plot:
        from dealmodel.render.simulate_plot import write_simulation_plot, write_sweep_plot

        written = (write_sweep_plot(result, args.plot) if sweep is not None
                   else write_simulation_plot(result, args.plot))
        print(f"chart written to {written}", file=sys.stderr)
    return 0

