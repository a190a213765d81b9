"""Frozen definitions: deals, actors, phases, obligations, events and the condition language."""
