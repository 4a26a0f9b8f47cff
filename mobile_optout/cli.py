"""The entry point (``mobile-optout`` is ``mobile_optout.cli:main``). The commands are
``mobile_optout/commands/`` (one module per family); they and this are the only place that
parses argv and returns exit codes.

Every command returns an int exit code (or raises an ``OptoutError``); ``main`` turns
the tool's own errors into a message and their ``exit_code``: 0 success, 1 a flow did
not reach its desired state, 2 invalid input or usage, 3 device or infrastructure. A
run's code is its verdict (``results.record.verdict``), the one report.json records.
"""

from __future__ import annotations

import sys

import click

from mobile_optout import console
from mobile_optout.commands import cli
from mobile_optout.errors import OptoutError

__all__ = ["cli", "main"]


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="mobile-optout", standalone_mode=False)
    except OptoutError as exc:
        console.error(str(exc))
        code = exc.exit_code
    except click.exceptions.Abort:
        console.error("interrupted")
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = 2
    except KeyboardInterrupt as exc:  # before a run started, or after it was recorded
        from mobile_optout.results.record import INTERRUPT_EXIT
        from mobile_optout.signals import stop_reason

        console.error(f"interrupted ({stop_reason(exc).upper()})")
        code = INTERRUPT_EXIT[stop_reason(exc)]
    sys.exit(code if isinstance(code, int) else 0)
