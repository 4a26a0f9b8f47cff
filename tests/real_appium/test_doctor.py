"""``mobile-optout doctor``: through the real command line against a real Appium server and
a closed port, and the pure ``diagnose`` on facts a test writes down (adb states, env)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mobile_optout.appium_server import free_port
from mobile_optout.devices import DeviceProfile, SimSpec
from mobile_optout.discover import Phone, parse_adb
from mobile_optout.doctor import Check, Facts, ServerProbe, Status, can_run, diagnose
from mobile_optout.errors import Where
from mobile_optout.flow.model import Platform

ROOT = Path(__file__).resolve().parents[2]


def doctor(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mobile_optout", "doctor", *args],
        cwd=cwd, capture_output=True, text=True, timeout=60, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
    )  # fmt: skip


@pytest.mark.appium
def test_doctor_passes_a_running_appium_and_shows_its_version(appium_server: Any) -> None:
    done = doctor("--server", appium_server.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"ok    Appium at {appium_server.url}: Appium 3." in done.stdout
    assert "can run flows here" in done.stdout


@pytest.mark.appium
def test_doctor_reads_the_server_from_the_devices_file(
    appium_server: Any, tmp_path: Path
) -> None:
    (tmp_path / "devices.yaml").write_text(
        "devices:\n"
        "  desk-phone:\n"
        "    platform: android\n"
        f"    server: {appium_server.url}\n"
        "  farm-phone:\n"
        "    platform: android\n"
        "    server: https://${FARM_USER}:${FARM_KEY}@farm.example/wd/hub\n",
        encoding="utf-8",
    )
    done = doctor("--device", "desk-phone", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Appium 3." in done.stdout
    # the other entry cannot be resolved here: said, but it does not block desk-phone
    assert "warn  device farm-phone: " in done.stdout
    assert "FARM_USER is not set" in done.stdout


def test_doctor_fails_a_closed_port_naming_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    done = doctor("--server", url)
    assert done.returncode == 3
    assert f"fail  Appium at {url}: no Appium server answers at {url}: connection refused" in (
        done.stdout
    )
    assert "start Appium" in done.stdout


def test_doctor_says_a_simulated_device_needs_no_appium(tmp_path: Path) -> None:
    done = doctor(cwd=tmp_path)  # no devices.yaml: the built-in simulated phones
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no Appium server, adb or SDK needed" in done.stdout


def test_doctor_refuses_device_and_server_together() -> None:
    done = doctor("--device", "x", "--server", "http://127.0.0.1:4723")
    assert done.returncode == 2
    assert "not both" in done.stderr


# --------------------------------------------------------- diagnose: facts -> checks

LOCAL = "http://127.0.0.1:4723"


def android(caps: dict[str, Any] | None = None, server: str = LOCAL) -> DeviceProfile:
    return DeviceProfile(name="desk", platform=Platform.ANDROID, where=Where.unknown(),
                         server=server, capabilities=caps or {})  # fmt: skip


def adb(*lines: str) -> list[Phone]:
    """The phones in what `adb devices -l` prints."""
    return parse_adb("List of devices attached\n" + "\n".join(lines) + "\n")


def ready_facts(**overrides: Any) -> Facts:
    base: dict[str, Any] = {
        "server": ServerProbe(LOCAL, {"ready": True, "build": {"version": "3.8.0"}}),
        "node": "v20.19.0", "npm": "10.8.2", "adb": True,
        "adb_devices": adb("R58M123ABC    device usb:1-1 product:a52q model:SM_A525F"),
        "environ": {"ANDROID_HOME": "/sdk", "JAVA_HOME": "/jdk"},
        "existing_paths": frozenset({"ANDROID_HOME", "JAVA_HOME"}),
    }  # fmt: skip
    base.update(overrides)
    return Facts(**base)


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def test_a_ready_local_android_setup_is_all_ok() -> None:
    checks = diagnose(android(), ready_facts())
    assert [c.status for c in checks] == [Status.OK] * len(checks)
    assert "Appium 3.8.0 ready" in checks[0].detail
    assert can_run(checks)


def test_an_unauthorised_phone_tells_the_user_to_accept_the_prompt() -> None:
    facts = ready_facts(adb_devices=adb("R58M123ABC    unauthorized usb:1-1 transport_id:2"))
    check = by_name(diagnose(android(), facts))["adb devices"]
    assert check.status is Status.WARN
    assert "R58M123ABC" in check.detail
    assert "Allow USB debugging" in check.fix


def test_the_udid_asked_for_must_be_connected() -> None:
    facts = ready_facts()
    check = by_name(diagnose(android({"appium:udid": "OTHER123"}), facts))["adb devices"]
    assert check.status is Status.WARN
    assert "OTHER123 is not connected" in check.detail


def test_missing_sdk_variables_warn_but_do_not_block() -> None:
    facts = ready_facts(environ={"ANDROID_HOME": "/gone"}, existing_paths=frozenset())
    checks = by_name(diagnose(android(), facts))
    assert checks["ANDROID_HOME"].status is Status.WARN
    assert "/gone does not exist" in checks["ANDROID_HOME"].detail
    assert checks["JAVA_HOME"].status is Status.WARN
    assert can_run(list(checks.values()))


def test_a_remote_server_skips_local_adb_and_sdk_checks() -> None:
    remote = "https://hub.example/wd/hub"
    facts = ready_facts(server=ServerProbe(remote, {"ready": True, "nodes": [
        {"availability": "UP"}, {"availability": "DOWN"}]}), adb=False)
    checks = diagnose(android(server=remote), facts)
    assert [c.name for c in checks] == [f"Appium at {remote}", "session settings", "node"]
    assert "Selenium Grid ready, 1 of 2 nodes up" in checks[0].detail


def test_a_server_that_is_not_ready_blocks() -> None:
    facts = ready_facts(server=ServerProbe(LOCAL, {"ready": False, "message": "starting"}))
    checks = diagnose(android(), facts)
    assert checks[0].status is Status.FAIL
    assert not can_run(checks)


def test_an_unset_variable_in_the_server_url_blocks() -> None:
    facts = ready_facts(server=None, server_error="environment variable FARM_KEY is not set")
    checks = diagnose(android(server="https://${FARM_KEY}@farm.example"), facts)
    assert checks[0].status is Status.FAIL
    assert "FARM_KEY" in checks[0].detail


def test_ios_off_a_mac_says_where_appium_must_run() -> None:
    profile = DeviceProfile(name="iphone", platform=Platform.IOS, where=Where.unknown(),
                            server=LOCAL)  # fmt: skip
    check = by_name(diagnose(profile, ready_facts(macos=False)))["Xcode"]
    assert check.status is Status.WARN
    assert "Mac" in check.detail


def test_a_simulated_device_checks_nothing_local() -> None:
    profile = DeviceProfile(name="sim", platform=Platform.IOS, where=Where.unknown(),
                            sim=SimSpec(variants=("popups",)))  # fmt: skip
    checks = diagnose(profile, Facts())
    assert [c.name for c in checks] == ["device sim", "session settings", "screenshots"]
    assert all(c.status is Status.OK for c in checks)
    assert "variants: popups" in checks[0].detail


def test_doctor_shows_the_session_settings_in_effect_and_who_chose_them() -> None:
    plain = by_name(diagnose(android(), ready_facts()))["session settings"]
    assert plain.detail == "waitForIdleTimeout=0"
    assert plain.fix == ""

    profile = DeviceProfile(
        name="desk", platform=Platform.ANDROID, where=Where.unknown(), server=LOCAL,
        settings={"waitForIdleTimeout": None},
        capabilities={"appium:settings[ignoreUnimportantViews]": True},
    )  # fmt: skip
    mine = by_name(diagnose(profile, ready_facts()))["session settings"]
    assert "waitForIdleTimeout=driver default (devices file)" in mine.detail
    assert "ignoreUnimportantViews=true (devices file)" in mine.detail

    iphone = DeviceProfile(name="iphone", platform=Platform.IOS, where=Where.unknown(),
                           server=LOCAL)  # fmt: skip
    ios = by_name(diagnose(iphone, ready_facts(macos=False)))["session settings"]
    assert ios.detail == ("animationCoolOffTimeout=0, respectSystemAlerts=true, "
                          "appium:waitForQuiescence=false")


def test_doctor_device_resolves_env_in_capabilities_and_names_an_unset_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "devices.yaml").write_text(
        "devices:\n"
        "  my-phone:\n"
        "    platform: android\n"
        f"    server: http://127.0.0.1:{free_port()}\n"
        "    capabilities:\n"
        "      appium:automationName: UiAutomator2\n"
        '      appium:udid: "${ANDROID_SERIAL}"\n',
        encoding="utf-8",
    )
    done = doctor("--device", "my-phone", cwd=tmp_path)
    assert done.returncode == 3
    assert "fail  capabilities: " in done.stdout
    assert "ANDROID_SERIAL is not set" in done.stdout


def test_doctor_says_plainly_that_adb_is_missing(tmp_path: Path) -> None:
    facts = Facts(server=ServerProbe("http://127.0.0.1:4723", value={"ready": True}),
                  node="v20", adb=False)
    profile = DeviceProfile(name="usb", platform=Platform.ANDROID, where=Where("d", 1),
                            server="http://127.0.0.1:4723")
    (adb,) = [c for c in diagnose(profile, facts) if c.name == "adb"]
    assert "adb (Android platform-tools) is not installed" in adb.detail
    assert "platform-tools" in adb.fix


def test_after_a_device_error_the_hint_names_that_device(tmp_path: Path) -> None:
    (tmp_path / "devices.yaml").write_text(
        "devices:\n"
        "  desk-phone:\n"
        "    platform: android\n"
        f"    server: http://127.0.0.1:{free_port()}\n",
        encoding="utf-8",
    )
    flow = ROOT / "flows" / "linkedin" / "android.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "mobile_optout", "run", str(flow), "-d", "desk-phone",
         "-o", str(tmp_path / "out")],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "200"},
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert "mobile-optout doctor --device desk-phone" in done.stdout
