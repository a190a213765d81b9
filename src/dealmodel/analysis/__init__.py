"""Analyses over runs: what-if forks and comparisons."""
