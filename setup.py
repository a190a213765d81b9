"""Build hook: compile the Monte Carlo simulator's hot modules with mypyc, when possible.

Everything else about the package is in pyproject.toml. The modules listed in
``COMPILED`` are plain, fully annotated Python (mypy --strict); mypyc turns them into C
extensions that run a simulated run about twice as fast. The pure-Python modules are
always shipped too, and used when there is no compiled build: compiling is optional
(a machine without a C compiler still installs, with a warning) and can be switched off
with ``DEALMODEL_PURE_PYTHON=1``. ``dealmodel.analysis.montecarlo.COMPILED`` tells which
one is in use.
"""

from __future__ import annotations

import os
import sys

from setuptools import setup

COMPILED = [
    "src/dealmodel/analysis/montecarlo_core.py",
    "src/dealmodel/analysis/montecarlo_sampler.py",
    "src/dealmodel/analysis/montecarlo_agenda.py",
]


def ext_modules() -> list[object]:
    if os.environ.get("DEALMODEL_PURE_PYTHON"):
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # pragma: no cover - mypy is a build requirement
        print("dealmodel: mypyc not available; the simulator stays pure Python",
              file=sys.stderr)
        return []
    try:
        extensions = mypycify(
            ["--ignore-missing-imports", "--follow-imports=silent", *COMPILED], opt_level="3")
    except (Exception, SystemExit) as error:  # e.g. a newer mypy that disagrees
        print(f"dealmodel: mypyc could not compile the simulator ({error!r}); it stays "
              "pure Python", file=sys.stderr)
        return []
    for extension in extensions:
        extension.optional = True  # no C compiler: install the pure-Python modules
    return list(extensions)


setup(ext_modules=ext_modules())
