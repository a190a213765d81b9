"""Analyses over runs: what-if forks and comparisons, verification, Monte Carlo."""

from dealmodel.analysis import _compiled

_compiled.install()  # before any simulator module is imported: see _compiled
