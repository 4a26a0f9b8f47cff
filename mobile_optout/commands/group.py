"""The click group every command registers with, and what several commands share."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mobile_optout import __version__, console

if TYPE_CHECKING:
    from mobile_optout.doctor import Check


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mobile-optout")
def cli() -> None:
    """Drive, verify and record mobile app settings with YAML flows over Appium."""


DEFAULT_DEVICES = Path("devices.yaml")


def cap_value(text: str) -> object:
    """--cap values: true/false and numbers as JSON would read them, else the string."""
    try:
        value: object = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, bool | int | float) else text


def print_checks(checks: Sequence[Check]) -> None:
    from mobile_optout import doctor

    styles = {"ok": "green", "warn": "yellow", "fail": "red"}
    for check in checks:
        console.say(f"{check.status.value:<4}  {check.name}: {check.detail}",
                    style=styles[check.status.value])
        if check.fix and check.status is not doctor.Status.OK:
            console.say(f"      -> {check.fix}")
