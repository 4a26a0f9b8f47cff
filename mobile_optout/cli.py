"""Commands. The only place that parses argv and picks exit codes.

Every command returns an int exit code (or raises an ``OptoutError``); ``main`` turns
the tool's own errors into a message and their ``exit_code``: 0 success, 1 a flow did
not reach its desired state, 2 invalid input or usage, 3 device or infrastructure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mobile_optout import __version__, console
from mobile_optout.errors import OptoutError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mobile-optout")
def cli() -> None:
    """Drive, verify and record mobile app settings with YAML flows over Appium."""


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
    except KeyboardInterrupt:
        console.error("interrupted")
        code = 130
    sys.exit(code if isinstance(code, int) else 0)


DEFAULT_DEVICES = Path("devices.yaml")
