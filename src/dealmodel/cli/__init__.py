"""The command line: ``dealmodel run|check|deals|whatif|diagram|timeline``."""

from dealmodel.cli.main import main

__all__ = ["main"]
