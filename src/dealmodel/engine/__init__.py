"""The engine: runs of a deal against dated events (``Run``), its ledger and records."""

from dealmodel.engine.ledger import Allegation, LedgerEntry
from dealmodel.engine.records import LogEntry
from dealmodel.engine.run import Run, replay, start

__all__ = ["Allegation", "LedgerEntry", "LogEntry", "Run", "replay", "start"]
