"""Choosing devices: what `run`, `check`, `inspect` and the pytest plugin all go through."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobile_optout.choose import choose_devices
from mobile_optout.errors import InputError
from mobile_optout.job import RunRequest

DEVICES = """\
devices:
  my-pixel:
    platform: android
    server: http://127.0.0.1:4723
    capabilities: {appium:udid: "${PHONE_SERIAL}"}
"""


def test_env_values_in_capabilities_are_filled_in_when_a_device_is_chosen(
    tmp_path: Path,
) -> None:
    devices = tmp_path / "devices.yaml"
    devices.write_text(DEVICES, encoding="utf-8")

    (profile,) = choose_devices(RunRequest(
        devices=["my-pixel"], devices_file=devices, environ={"PHONE_SERIAL": "emulator-5554"},
    ))

    assert profile.capabilities["appium:udid"] == "emulator-5554"


def test_an_unset_env_value_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    devices = tmp_path / "devices.yaml"
    devices.write_text(DEVICES, encoding="utf-8")

    with pytest.raises(InputError, match="PHONE_SERIAL"):
        choose_devices(RunRequest(devices=["my-pixel"], devices_file=devices, environ={}))
