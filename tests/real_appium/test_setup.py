"""`mobile-optout setup android|ios`: the managed Appium installed with npm into the user's
cache folder (here a temporary one, through MOBILE_OPTOUT_CACHE), and what it says when the
machine lacks Node or Java.

One real install per session (Appium and its small fake driver, from the npm registry) proves
the mechanism: npm into the home, Appium started from it finds the driver, a second install
runs nothing. Which driver each platform gets is checked by the command `--dry-run` prints.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mobile_optout import managed
from mobile_optout.flow.model import Platform

ROOT = Path(__file__).resolve().parents[2]
FAKE_APP = ROOT / "tests" / "data" / "fake-app.xml"


def setup(*args: str, cache: Path, path: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mobile_optout", "setup", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": path, "PYTHONPATH": str(ROOT), "COLUMNS": "250",
             "MOBILE_OPTOUT_CACHE": str(cache), "HOME": str(cwd)},
    )  # fmt: skip


def tools_bin(tmp_path: Path, *names: str) -> str:
    """A PATH folder holding only ``names`` (links to this machine's tools)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in names:
        found = shutil.which(name)
        if found is None:
            pytest.skip(f"{name} is not installed here")
        (bin_dir / name).symlink_to(found)
    return str(bin_dir)


def test_the_pinned_versions_are_the_ones_the_tests_run() -> None:
    deps = json.loads((ROOT / "package.json").read_text("utf-8"))["dependencies"]
    assert deps["appium"] == managed.APPIUM_VERSION
    assert managed.FAKE_DRIVER.version == deps[managed.FAKE_DRIVER.package]


def test_the_cache_folder_is_the_platforms_own() -> None:
    home = {"HOME": "/home/ann"}
    assert managed.cache_dir(home, "Linux") == Path("/home/ann/.cache/mobile-optout")
    assert managed.cache_dir({**home, "XDG_CACHE_HOME": "/x"}, "Linux") == Path(
        "/x/mobile-optout")
    assert managed.cache_dir(home, "Darwin") == Path(
        "/home/ann/Library/Caches/mobile-optout")
    assert managed.appium_home({**home, "MOBILE_OPTOUT_CACHE": "/t"}) == Path("/t/appium")


@pytest.mark.parametrize(("platform", "driver"), [
    ("android", "appium-uiautomator2-driver@8.7.0"),
    ("ios", "appium-xcuitest-driver@12.13.1"),
])
def test_setup_installs_appium_with_the_platforms_driver(
    platform: str, driver: str, tmp_path: Path
) -> None:
    done = setup(platform, "--dry-run", cache=tmp_path / "cache", cwd=tmp_path,
                 path=os.environ["PATH"])
    out = " ".join(done.stdout.split())
    assert f"would install appium@3.8.0 + {driver} into {tmp_path / 'cache' / 'appium'}" in out
    assert "npm install --no-audit --no-fund --loglevel=error" in out
    assert not (tmp_path / "cache").exists()  # a dry run installs nothing


def test_scripts_optout_passes_setup_through(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "optout"), "setup", "android", "--dry-run"],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "MOBILE_OPTOUT_CACHE": str(tmp_path / "cache"), "COLUMNS": "250"},
    )  # fmt: skip
    assert "would install appium@3.8.0 + appium-uiautomator2-driver@8.7.0" in done.stdout, (
        done.stdout + done.stderr)


def test_setup_without_node_says_how_to_get_it_and_installs_nothing(tmp_path: Path) -> None:
    done = setup("android", cache=tmp_path / "cache", cwd=tmp_path,
                 path=str(tmp_path / "empty"))
    assert done.returncode == 3, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "fail  node: Node.js is not installed" in lines
    assert any(line.startswith("      -> install Node.js 20.19+") for line in lines)
    assert "fail  npm: npm is not installed" in lines
    assert "fail  java: Java is not installed; UiAutomator2 needs a JDK" in lines
    assert "fail  adb: adb (Android platform-tools) is not on PATH" in lines
    assert "nothing installed" in done.stdout
    assert not (tmp_path / "cache" / "appium" / "node_modules").exists()
    assert "Traceback" not in done.stderr


def test_setup_with_node_but_no_java_names_java_alone(tmp_path: Path) -> None:
    path = tools_bin(tmp_path, "node", "npm")
    done = setup("android", "--dry-run", cache=tmp_path / "cache", cwd=tmp_path, path=path)
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert any(line.startswith("ok    node: node v") for line in lines), done.stdout
    assert "fail  java: Java is not installed; UiAutomator2 needs a JDK" in lines
    assert any("install a JDK 17" in line for line in lines)


def test_doctor_reports_the_managed_installation(tmp_path: Path) -> None:
    (tmp_path / "devices.yaml").write_text(
        "devices:\n  my-phone:\n    platform: android\n    server: managed\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mobile_optout", "doctor"], cwd=tmp_path, capture_output=True,
        text=True, timeout=60, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "250",
             "MOBILE_OPTOUT_CACHE": str(tmp_path / "cache")},
    )  # fmt: skip
    assert done.returncode == 3
    assert f"fail  managed Appium: not installed in {tmp_path / 'cache' / 'appium'}" in (
        done.stdout)
    assert "-> run `mobile-optout setup android` once" in done.stdout


@pytest.mark.appium
@pytest.mark.slow
def test_an_npm_install_into_the_cache_runs_a_managed_appium_and_is_done_once(
    tmp_path: Path, raw_session: Callable[[str, dict[str, Any]], Any]
) -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed here")
    cache = tmp_path / "cache"
    env = {**os.environ, "MOBILE_OPTOUT_CACHE": str(cache)}
    home = managed.appium_home(env)
    packages = {"appium": managed.APPIUM_VERSION,
                managed.FAKE_DRIVER.package: managed.FAKE_DRIVER.version}

    assert managed.install(home, packages, environ=env) is True
    assert managed.installation(home).describe() == (
        f"Appium {managed.APPIUM_VERSION} with fake {managed.FAKE_DRIVER.version} in {home}")

    caps = {"platformName": "Fake", "appium:automationName": "Fake",
            "appium:deviceName": "Fake", "appium:app": str(FAKE_APP)}
    server = managed.managed_server(Platform.ANDROID, caps, tmp_path / "appium.log", env)
    try:
        raw_session(server.url, caps).quit()
    finally:
        server.stop()
    assert f"The APPIUM_HOME environment variable: {home}" in (
        tmp_path / "appium.log").read_text("utf-8")

    before = (home / managed.NPM_LOG).stat().st_mtime_ns
    assert managed.install(home, packages, environ=env) is False  # nothing to do, nothing run
    assert (home / managed.NPM_LOG).stat().st_mtime_ns == before
