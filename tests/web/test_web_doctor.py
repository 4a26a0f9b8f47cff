"""`doctor` for web devices: a browser started here needs it and a chromedriver of the same
major version; a named browser profile must exist (and be closed during a run)."""

from __future__ import annotations

from typing import Any

from mobile_optout.devices import DeviceProfile
from mobile_optout.doctor import Facts, Status, can_run, diagnose
from mobile_optout.errors import Where
from mobile_optout.flow.model import Platform

CHROMIUM = "Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)"
DRIVER = "ChromeDriver 156.0.8078.108 (730482a9-refs/branch-heads/8078@{#2244})"


def browser(**extra: Any) -> DeviceProfile:
    return DeviceProfile(name="my-browser", platform=Platform.WEB, where=Where("t", 1),
                         browser="chromium", **extra)


def statuses(profile: DeviceProfile, **facts: Any) -> dict[str, Status]:
    return {c.name: c.status for c in diagnose(profile, Facts(**facts))}


def test_a_matching_browser_and_driver_can_run() -> None:
    checks = diagnose(browser(), Facts(browser=CHROMIUM, chromedriver=DRIVER))

    assert can_run(checks)
    assert {c.name: c.status for c in checks} == {
        "device my-browser": Status.OK, "chromium": Status.OK, "display": Status.OK,
        "chromedriver": Status.OK}


def test_no_display_runs_headless_unless_a_window_is_asked_for_and_root_loses_the_sandbox(
) -> None:
    facts = {"browser": CHROMIUM, "chromedriver": DRIVER, "display": False, "root": True}
    headless = statuses(browser(), **facts)
    window = statuses(browser(headless=False), **facts)

    assert headless["display"] is Status.OK  # it will run headless, and say so
    assert window["display"] is Status.FAIL
    assert headless["sandbox"] is Status.WARN


def test_a_missing_or_mismatched_driver_cannot_run() -> None:
    missing = statuses(browser(), browser=CHROMIUM)
    old = statuses(browser(), browser=CHROMIUM, chromedriver="ChromeDriver 120.0.6099.71")

    assert missing["chromedriver"] is Status.FAIL
    assert old["chromedriver"] is Status.FAIL


def test_a_browser_profile_must_exist() -> None:
    gone = statuses(browser(browser_profile="/nowhere/Default"), browser=CHROMIUM,
                    chromedriver=DRIVER, profile_exists=False)
    there = statuses(browser(browser_profile="/home/me/.config/chromium/Default"),
                     browser=CHROMIUM, chromedriver=DRIVER)

    assert gone["browser profile"] is Status.FAIL
    assert there["browser profile"] is Status.WARN  # "close that browser before a run"
