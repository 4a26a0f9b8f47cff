"""Phones found, not typed: a stand-in `adb` (and `xcrun`) on PATH prints what the real
tools print, and `devices`, `run --device usb` and the default device act on it."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from e2e.e2e_helpers import FLOWS, ROOT

from mobile_optout.choose import choose_devices
from mobile_optout.cli import cli
from mobile_optout.discover import SeveralPhones, connected, parse_adb, parse_xctrace
from mobile_optout.flow.model import Platform
from mobile_optout.job import RunRequest

HEADER = "List of devices attached\n"
PHONE = ("R58M123ABC             device usb:1-1 product:a52qnsxx model:SM_A525F "
         "device:a52q transport_id:1\n")
EMULATOR = ("emulator-5554          device product:sdk_gphone64_x86_64 "
            "model:sdk_gphone64_x86_64 device:emu64xa transport_id:2\n")
UNAUTHORISED = "R58M123ABC             unauthorized usb:1-1 transport_id:3\n"
OFFLINE = ("R58M123ABC             offline usb:1-1 product:a52qnsxx model:SM_A525F "
           "device:a52q transport_id:4\n")
NO_PERMISSIONS = ("0123456789ABCDEF       no permissions (missing udev rules? user is in the "
                  "plugdev group); see [http://developer.android.com/tools/device.html] "
                  "usb:1-1 transport_id:5\n")
DAEMON = "* daemon not running; starting now at tcp:5037\n* daemon started successfully\n"

XCTRACE = """\
== Devices ==
Jane's MacBook Pro (0000FE00-1234-5678-9ABC-DEF012345678)
Jane's iPhone (17.5.1) (00008110-001A2B3C4D5E801E)

== Devices Offline ==
Old iPad (16.7.8) (00008020-000A1B2C3D4E002E)

== Simulators ==
iPhone 15 Pro Simulator (17.5) (6C1E3F1A-2B4C-4D5E-8F90-123456789ABC)
"""


def stand_in(bin_dir: Path, name: str, expected_args: str, output: str) -> None:
    """A script called ``name`` that prints ``output`` when called with ``expected_args``."""
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / name
    script.write_text(
        "#!/bin/sh\n"
        f'[ "$*" = "{expected_args}" ] || {{ echo "unexpected: $*" >&2; exit 1; }}\n'
        f"/bin/cat <<'OUTPUT'\n{output}OUTPUT\n",
        encoding="utf-8",
    )
    script.chmod(0o755)


@pytest.fixture
def adb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``adb(output)``: a stand-in adb on PATH (the only tool there); cwd has no devices.yaml,
    and the managed Appium's cache is an empty folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOBILE_OPTOUT_CACHE", str(tmp_path / "cache"))
    for name in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        monkeypatch.delenv(name, raising=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))

    def install(output: str) -> dict[str, str]:
        stand_in(bin_dir, "adb", "devices -l", output)
        return {"PATH": str(bin_dir)}

    return install


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that no cell of the devices table wraps (phrases stay whole)."""
    from mobile_optout import console

    monkeypatch.setattr(console.out, "width", 250)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), standalone_mode=False)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        from mobile_optout.errors import OptoutError

        if isinstance(result.exception, OptoutError):
            return result.exception.exit_code, str(result.exception)
        raise result.exception
    return (result.return_value if isinstance(result.return_value, int) else 0), result.output


# ------------------------------------------------------------------ what adb prints


def test_adb_output_is_read_as_phones_with_model_and_state() -> None:
    phones = parse_adb(DAEMON + HEADER + PHONE + EMULATOR + UNAUTHORISED.replace(
        "R58M123ABC", "9B071FFAZ00") + NO_PERMISSIONS + "\n")
    assert [(p.serial, p.state, p.model, p.emulator) for p in phones] == [
        ("R58M123ABC", "device", "SM_A525F", False),
        ("emulator-5554", "device", "sdk_gphone64_x86_64", True),
        ("9B071FFAZ00", "unauthorized", "", False),
        ("0123456789ABCDEF", "no permissions", "", False),
    ]
    assert parse_adb(HEADER + "\n") == []


def test_xctrace_lists_physical_iphones_not_the_mac_or_simulators(
    tmp_path: Path,
) -> None:
    stand_in(tmp_path, "xcrun", "xctrace list devices", XCTRACE)
    stand_in(tmp_path, "adb", "devices -l", HEADER + "\n")
    phones = connected({"PATH": str(tmp_path)}, macos=True)
    assert [(p.serial, p.platform, p.state, p.model) for p in phones] == [
        ("00008110-001A2B3C4D5E801E", Platform.IOS, "available", "Jane's iPhone"),
        ("00008020-000A1B2C3D4E002E", Platform.IOS, "offline", "Old iPad"),
    ]
    assert parse_xctrace(XCTRACE)[0].profile().capabilities == {
        "appium:udid": "00008110-001A2B3C4D5E801E"}


# ------------------------------------------------------------------ mobile-optout devices


def test_devices_lists_one_phone_with_how_to_use_it(adb: Any) -> None:
    adb(HEADER + PHONE + "\n")
    code, out = invoke("devices")
    assert code == 0
    assert "R58M123ABC" in out and "SM_A525F" in out and "ready" in out
    assert "--device usb:R58M123ABC" in out


def test_devices_says_plainly_when_no_phone_is_connected(adb: Any) -> None:
    adb(HEADER + "\n")
    code, out = invoke("devices")
    assert code == 0
    assert "No phone connected" in out and "USB debugging" in out


@pytest.mark.parametrize(("line", "says"), [
    (UNAUTHORISED, "not authorised: unlock the phone and tap Allow"),
    (OFFLINE, "offline: unplug and replug the cable"),
    (NO_PERMISSIONS, "udev"),
])
def test_devices_says_what_to_do_with_a_phone_it_cannot_use(
    adb: Any, line: str, says: str, wide: None
) -> None:
    adb(HEADER + line + "\n")
    code, out = invoke("devices")
    assert code == 0
    assert says in " ".join(out.split())


def test_devices_tells_an_emulator_from_a_phone(adb: Any, wide: None) -> None:
    adb(HEADER + PHONE + EMULATOR + "\n")
    _, out = invoke("devices")
    assert "Android emulator" in out and "Android phone" in out


# ------------------------------------------------------------------ choosing the phone


def test_device_usb_is_the_phone_on_the_cable_on_a_managed_appium(adb: Any) -> None:
    env = adb(HEADER + PHONE + "\n")
    (profile,) = choose_devices(RunRequest(devices=["usb"], environ=env))
    assert profile.managed and profile.platform is Platform.ANDROID
    assert profile.capabilities["appium:udid"] == "R58M123ABC"
    assert profile.name == "SM_A525F-R58M123ABC"
    # its Appium runs beside others': the driver's port forwards get ports of their own
    assert isinstance(profile.capabilities["appium:systemPort"], int)


def test_no_device_named_and_one_phone_connected_runs_on_it(adb: Any) -> None:
    env = adb(HEADER + EMULATOR + "\n")
    (profile,) = choose_devices(RunRequest(environ=env))
    assert profile.capabilities["appium:udid"] == "emulator-5554"


@pytest.mark.parametrize("adb_output", [None, HEADER + "\n"], ids=["no-adb", "no-phone"])
def test_no_device_named_and_no_phone_is_the_simulated_phone(
    adb: Any, adb_output: str | None
) -> None:
    env = adb(adb_output) if adb_output is not None else {"PATH": "/nonexistent"}
    (profile,) = choose_devices(RunRequest(environ=env))
    assert profile.name == "sim-android" and profile.sim is not None


def test_a_default_in_devices_yaml_wins_over_a_connected_phone(
    adb: Any, tmp_path: Path
) -> None:
    env = adb(HEADER + PHONE + "\n")
    (tmp_path / "devices.yaml").write_text(
        "devices:\n  lab:\n    platform: android\n    server: http://127.0.0.1:4723\n"
        "    default: true\n  other:\n    platform: ios\n    sim: {}\n", encoding="utf-8")
    (profile,) = choose_devices(RunRequest(environ=env))
    assert profile.name == "lab"


def test_two_phones_and_none_named_is_never_a_guess(adb: Any) -> None:
    env = adb(HEADER + PHONE + EMULATOR + "\n")
    with pytest.raises(SeveralPhones) as raised:
        choose_devices(RunRequest(environ=env))
    assert [p.serial for p in raised.value.phones] == ["R58M123ABC", "emulator-5554"]

    code, text = invoke("run", "--device", "usb")  # not at a terminal: the list, exit 2
    assert code == 2
    assert "2 phones are connected; choose one with --device usb:SERIAL" in text
    assert "R58M123ABC" in text and "emulator-5554" in text

    (profile,) = choose_devices(RunRequest(devices=["usb:emulator-5554"], environ=env))
    assert profile.capabilities["appium:udid"] == "emulator-5554"


def test_an_unauthorised_phone_is_an_error_saying_what_to_do(adb: Any) -> None:
    adb(HEADER + UNAUTHORISED + "\n")
    code, text = invoke("run", "--device", "usb")
    assert code == 3
    assert "R58M123ABC" in text and "tap Allow on 'Allow USB debugging?'" in text


def test_no_phone_for_device_usb_says_how_to_connect_one(adb: Any) -> None:
    adb(HEADER + "\n")
    code, text = invoke("run", "--device", "usb")
    assert code == 3
    assert "no phone is connected" in text and "USB debugging" in text


def test_a_phone_without_the_managed_appium_says_to_run_setup(
    adb: Any, tmp_path: Path
) -> None:
    adb(HEADER + PHONE + "\n")
    code, _ = invoke("run", str(FLOWS / "linkedin"), "--device", "usb",
                     "-o", str(tmp_path / "out"), "-q")
    assert code == 3
    (report,) = (tmp_path / "out").glob("*/report.json")
    (result,) = json.loads(report.read_text("utf-8"))["results"]
    assert result["outcome"] == "error"
    assert "run `mobile-optout setup android` once" in result["error"]["message"]


def test_a_phone_on_usb_refuses_capabilities_that_would_clear_or_install(adb: Any) -> None:
    adb(HEADER + PHONE + "\n")
    code, text = invoke("run", "--device", "usb", "--cap", "appium:noReset=false")
    assert code == 2
    assert "appium:noReset" in text and "the app's data is never cleared" in text
    code, text = invoke("run", "--device", "usb", "--cap", "appium:app=/tmp/x.apk")
    assert code == 2
    assert "never installs or uninstalls apps" in text


def test_doctor_checks_the_phone_on_the_cable_and_its_managed_appium(adb: Any) -> None:
    adb(HEADER + PHONE + "\n")
    code, out = invoke("doctor", "--device", "usb")
    assert code == 3
    lines = out.splitlines()
    assert any(line.startswith("fail  managed Appium: not installed in ") for line in lines)
    assert "      -> run `mobile-optout setup android` once" in lines
    assert "ok    adb devices: R58M123ABC (device)" in lines
    assert "fail  node: Node.js is not installed" in lines  # PATH holds only adb here


def test_without_adb_devices_and_device_usb_say_adb_is_missing(adb: Any) -> None:
    code, out = invoke("devices")  # the fixture's PATH holds no adb
    assert code == 0
    assert "No phone seen: adb (Android platform-tools) is not installed" in out
    assert "mobile-optout setup android" in " ".join(out.split())
    code, text = invoke("run", "--device", "usb")
    assert code == 3
    assert "adb (Android platform-tools) is not installed" in text


def read_until(fd: int, wanted: bytes, proc: subprocess.Popen[bytes], seen: bytes = b"",
               timeout: float = 60) -> bytes:
    """What the terminal showed, read until ``wanted`` appears or the process ends."""
    deadline = time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the process closed the terminal
                break
        elif proc.poll() is not None:
            break
    return seen


def test_at_a_terminal_several_phones_are_listed_and_the_person_chooses(
    tmp_path: Path,
) -> None:
    stand_in(tmp_path / "bin", "adb", "devices -l", HEADER + PHONE + EMULATOR + "\n")
    main, terminal = os.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "mobile_optout", "run", str(FLOWS / "linkedin"),
         "-o", str(tmp_path / "out"), "-q"],
        stdin=terminal, stdout=terminal, stderr=terminal, cwd=tmp_path,
        env={"PATH": str(tmp_path / "bin"), "PYTHONPATH": str(ROOT), "COLUMNS": "200",
             "MOBILE_OPTOUT_CACHE": str(tmp_path / "cache")},
    ) as proc:  # fmt: skip
        os.close(terminal)
        try:
            shown = read_until(main, b"Which phone?", proc)
            assert b"R58M123ABC" in shown and b"emulator-5554" in shown
            os.write(main, b"2\n")
            read_until(main, b"Reports:", proc, shown)
            proc.wait(timeout=60)
        finally:
            proc.kill()
            os.close(main)

    (report,) = (tmp_path / "out").glob("*/report.json")
    (result,) = json.loads(report.read_text("utf-8"))["results"]
    assert result["device"] == "sdk_gphone64_x86_64-emulator-5554"  # the one chosen


def test_a_phone_without_the_android_sdk_says_so_before_any_appium_starts(
    adb: Any, tmp_path: Path
) -> None:
    """An installation (as `setup android` leaves it) but no ANDROID_HOME, and adb not in
    an SDK's platform-tools: UiAutomator2 would refuse the session; we say why first."""
    for package, version in (("appium", "3.8.0"), ("appium-uiautomator2-driver", "8.7.0")):
        folder = tmp_path / "cache" / "appium" / "node_modules" / package
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"version": version}), "utf-8")
    adb(HEADER + PHONE + "\n")
    code, _ = invoke("run", str(FLOWS / "linkedin"), "--device", "usb",
                     "-o", str(tmp_path / "out"), "-q")
    assert code == 3
    (report,) = (tmp_path / "out").glob("*/report.json")
    (result,) = json.loads(report.read_text("utf-8"))["results"]
    assert "export ANDROID_HOME=" in result["error"]["message"]
    assert not list((tmp_path / "out").glob("*/appium-*.log"))  # no Appium was started
