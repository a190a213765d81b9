"""Scenarios: a deal with a dated list of events, their variants, and running them."""
