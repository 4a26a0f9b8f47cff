"""The commands, one module per family (``mobile_optout/cli.py`` is the entry point:
``main`` turns the tool's own errors into a message and an exit code). Each module
registers its commands with the one click group (``commands.group.cli``).
"""

from mobile_optout.commands import files, records, run, scan, screens, tools
from mobile_optout.commands.group import cli

__all__ = ["cli", "files", "records", "run", "scan", "screens", "tools"]
