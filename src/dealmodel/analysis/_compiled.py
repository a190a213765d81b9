"""Which build of the Monte Carlo simulator's hot modules is imported: compiled or source.

``setup.py`` compiles :data:`MODULES` with mypyc when it can; the ``.py`` files are
always there too. Python imports a module's compiled extension in preference to its
source, so two cases need the source to be chosen on purpose, which :func:`install`
does with a finder on ``sys.meta_path`` (importlib's public API):

* ``DEALMODEL_PURE_PYTHON=1`` in the environment - to compare the builds, or to rule
  the compiled one out when looking into a problem;
* a source checkout (an editable install) whose ``.py`` file is newer than its compiled
  extension - the source was edited since the last ``pip install -e .``, so the
  extension is stale; the source is used, with a warning saying how to recompile.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

__all__ = ["MODULES", "install"]

#: the modules setup.py compiles (keep in step with its COMPILED list)
MODULES = ("montecarlo_core", "montecarlo_sampler", "montecarlo_agenda")
_HERE = Path(__file__).resolve().parent
_PACKAGE = __name__.rpartition(".")[0]


def _extension(name: str) -> Path | None:
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = _HERE / f"{name}{suffix}"
        if path.exists():
            return path
    return None


def _stale(name: str) -> bool:
    """In a source checkout: the module's source is newer than its compiled extension."""
    if not (_HERE.parents[1].name == "src" and (_HERE.parents[2] / "pyproject.toml").exists()):
        return False  # an installed wheel: built together, never stale
    extension = _extension(name)
    return extension is not None and (_HERE / f"{name}.py").stat().st_mtime \
        > extension.stat().st_mtime


class _SourceFinder:
    """Finds the chosen modules as their ``.py`` source files (a meta path finder: the
    protocol is ``find_spec``; importlib.abc is not imported for it, to keep start-up
    light)."""

    def __init__(self, names: set[str]) -> None:
        self.names = {f"{_PACKAGE}.{name}": name for name in names}

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        name = self.names.get(fullname)
        if name is None:
            return None
        import importlib.util

        return importlib.util.spec_from_file_location(fullname, _HERE / f"{name}.py")


def install() -> None:
    """Put a finder in front of the import system for the modules to import as source."""
    if os.environ.get("DEALMODEL_PURE_PYTHON"):
        chosen = {name for name in MODULES if _extension(name) is not None}
    else:
        stale = sorted(name for name in MODULES if _stale(name))
        # all or none: the compiled modules are built together, against each other
        chosen = {name for name in MODULES if _extension(name) is not None} if stale else set()
        if stale:
            warnings.warn(
                f"dealmodel: the compiled {', '.join(stale)} is older than its source; "
                "using the source of the simulator (slower). Run `pip install -e .` again "
                "to recompile.", RuntimeWarning, stacklevel=2)
    if chosen and not any(isinstance(f, _SourceFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder(chosen))


def compiled() -> bool:
    """Whether the simulator's hot modules in use are the compiled ones."""
    module = sys.modules.get(f"{_PACKAGE}.montecarlo_sampler")
    if module is None:
        return False
    return not str(getattr(module, "__file__", "")).endswith(".py")
