"""devices.yaml: the shipped file, its commented examples, pools, ${ENV}, and errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mobile_optout.devices import (
    BUILTIN_DEVICES_NAME,
    load_devices,
    load_devices_or_builtin,
    parse_devices,
    resolve_capabilities,
    resolve_server,
)
from mobile_optout.errors import DevicesFileError, InputError, UsageError
from mobile_optout.flow.model import Platform

REPO = Path(__file__).resolve().parents[2]
INVALID = sorted((REPO / "tests" / "data" / "devices_invalid").glob("*.yaml"))


def test_shipped_devices_file_has_the_simulated_phones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    file = load_devices(Path("devices.yaml"))
    assert list(file.devices) == ["sim-android", "sim-ios", "sim-web"]
    assert file.default().name == "sim-android"
    assert file.get("sim-ios").platform is Platform.IOS
    assert file.get("sim-ios").endpoint == "sim:ios"
    web = file.get("sim-web")
    assert (web.platform, web.browser, web.headless) == (Platform.WEB, "chromium", True)


def _uncommented_examples() -> str:
    """devices.yaml with its commented example devices and pools switched on."""
    lines = (REPO / "devices.yaml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("devices:"))
    example = re.compile(r"^(\s*)# (\s*(?:[A-Za-z0-9_:-]+:|- ).*)$")
    body = [(m.group(1) + m.group(2)) if (m := example.match(line)) else line
            for line in lines[start:]]
    return "\n".join(lines[:start] + body) + "\n"


def test_the_commented_examples_are_valid_when_switched_on() -> None:
    file = parse_devices(_uncommented_examples(), "devices.yaml")
    names = set(file.devices)
    assert {"android-emulator", "pixel-usb", "iphone-usb", "grid/pixel-7",
            "farm/galaxy-s23"} <= names
    iphone = file.get("iphone-usb")
    assert iphone.capabilities["appium:automationName"] == "XCUITest"
    farm = file.get("farm/galaxy-s23")
    assert farm.pool == "farm"
    # pool capabilities merged with the device's own
    assert farm.capabilities["appium:automationName"] == "UiAutomator2"
    assert farm.capabilities["appium:deviceName"] == "Galaxy S23"
    assert farm.endpoint == "https://hub.example.com/wd/hub"


def test_env_references_resolve_only_when_asked() -> None:
    file = parse_devices(_uncommented_examples(), "devices.yaml")
    farm = file.get("farm/galaxy-s23")
    env = {"FARM_USER": "alice", "FARM_KEY": "k3y", "FARM_BUILD": "b7"}
    assert resolve_server(farm, env) == "https://alice:k3y@hub.example.com/wd/hub"
    assert resolve_capabilities(farm, env)["farm:options"] == {
        "project": "mobile-optout", "build": "b7"}
    with pytest.raises(DevicesFileError, match="environment variable FARM_KEY is not set"):
        resolve_server(farm, {"FARM_USER": "alice"})
    with pytest.raises(DevicesFileError) as info:
        resolve_server(farm, {})
    assert info.value.where.path == "devices.yaml" and info.value.where.line > 1


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_devices_files_report_exact_errors(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")
    with pytest.raises(InputError) as info:
        load_devices(path.relative_to(REPO))
    assert str(info.value) == expected


def test_default_and_get_explain_themselves() -> None:
    file = parse_devices(
        "devices:\n  pixel: {platform: android, sim: {}}\n  iphone: {platform: ios, sim: {}}\n",
        "d.yaml")
    with pytest.raises(UsageError, match="none is marked 'default: true'"):
        file.default()
    with pytest.raises(UsageError, match="did you mean 'pixel'"):
        file.get("pixle")
    only = parse_devices("devices:\n  solo: {platform: ios, server: http://h:1}\n", "d.yaml")
    assert only.default().name == "solo"


def test_builtin_devices_when_no_file_is_named(tmp_path: Path) -> None:
    file = load_devices_or_builtin(tmp_path / "devices.yaml", explicit=False)
    assert file.path == BUILTIN_DEVICES_NAME
    assert file.default().name == "sim-android"
    with pytest.raises(UsageError, match="devices file not found"):
        load_devices_or_builtin(tmp_path / "devices.yaml", explicit=True)


def test_settings_and_the_cost_model_per_device() -> None:
    file = parse_devices("""\
devices:
  slow-sim: {platform: android, sim: {cost_model: true, latency_ms: 30}}
  my-pixel:
    platform: android
    server: http://127.0.0.1:4723
    settings: {waitForIdleTimeout: 1000, ignoreUnimportantViews: null}
pools:
  farm:
    server: https://farm.example/wd/hub
    settings: {waitForIdleTimeout: 500}
    devices:
      a: {platform: android}
      b: {platform: android, settings: {waitForIdleTimeout: 50}}
""", "devices.yaml")
    sim = file.get("slow-sim").sim
    assert sim is not None and sim.cost_model and sim.latency_ms == 30
    assert dict(file.get("my-pixel").settings) == {
        "waitForIdleTimeout": 1000, "ignoreUnimportantViews": None}
    assert dict(file.get("farm/a").settings) == {"waitForIdleTimeout": 500}
    assert dict(file.get("farm/b").settings) == {"waitForIdleTimeout": 50}


def test_bad_settings_and_cost_model_name_the_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_devices("""\
devices:
  a: {platform: android, sim: {cost_model: maybe}}
  b:
    platform: android
    server: http://127.0.0.1:4723
    settings: {waitForIdleTimeout: [1, 2]}
""", "devices.yaml")
    text = str(caught.value)
    assert "devices.yaml:2:44: cost_model must be true or false" in text
    assert "devices.yaml:6:36: setting 'waitForIdleTimeout' must be a number" in text
