"""What makes a run fast on a real phone, as the phone sees it: the session settings asked
for, page sources read, screenshots taken. Counted by the simulated phone (GET /sim/state
``commands``, session events), never timed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import FLOWS, run_one

from mobile_optout.job import RunRequest, perform
from mobile_optout.results.record import FlowResult, Outcome
from mobile_optout.sim import SimPhone

ROOT = Path(__file__).resolve().parents[2]
LINKEDIN = {"android": FLOWS / "linkedin" / "android.yaml",
            "ios": FLOWS / "linkedin" / "ios.yaml"}


def session_settings(phone: SimPhone) -> dict[str, Any]:
    created = [e for e in phone.events() if e["type"] == "session_created"]
    assert created
    settings: dict[str, Any] = created[-1]["settings"]
    return settings


def run_on(phone: SimPhone, tmp_path: Path, device: str = "", *,
           keep_screenshots: bool = True) -> FlowResult:
    """The LinkedIn flow through a devices file whose one device is ``phone``."""
    platform = phone.platform.value
    devices = tmp_path / "devices.yaml"
    devices.write_text(
        f"devices:\n  phone:\n    platform: {platform}\n    server: {phone.url}\n{device}",
        encoding="utf-8")
    record = perform(RunRequest(
        paths=[LINKEDIN[platform]], devices_file=devices, output=tmp_path / "results",
        keep_screenshots=keep_screenshots, environ=dict(os.environ),
    )).run
    assert len(record.results) == 1
    return record.results[0]


@pytest.mark.parametrize(("device", "expected"), [
    ("", 0),  # the tool's expert default
    ("    settings: {waitForIdleTimeout: 2500}\n", 2500),  # the device's own choice
    ("    settings: {waitForIdleTimeout: null}\n", 10000),  # back to UiAutomator2's default
    ("    capabilities: {\"appium:settings[waitForIdleTimeout]\": 300}\n", 300),
], ids=["expert default", "devices file", "null", "capability"])
def test_sessions_ask_for_a_low_idle_timeout_unless_the_device_says_otherwise(
        tmp_path: Path, device: str, expected: int) -> None:
    with SimPhone(platform="android") as phone:
        result = run_on(phone, tmp_path, device)
        assert result.outcome is Outcome.CHANGED
        assert session_settings(phone)["waitForIdleTimeout"] == expected


def test_ios_sessions_do_not_wait_for_quiescence_or_animations(tmp_path: Path) -> None:
    with SimPhone(platform="ios", variants=("never-idle",)) as phone:
        result = run_on(phone, tmp_path)
        assert result.outcome is Outcome.CHANGED
        assert session_settings(phone)["animationCoolOffTimeout"] == 0
        created = [e for e in phone.events() if e["type"] == "session_created"]
        assert created and phone.state()["idle_ms"] == 0


@pytest.mark.parametrize(("device", "per_command"), [
    ("", 0), ("    settings: {waitForIdleTimeout: 40}\n", 40)], ids=["expert", "device"])
def test_a_feed_that_never_idles_costs_only_the_timeout_asked_for(
        tmp_path: Path, device: str, per_command: int) -> None:
    with SimPhone(platform="android", variants=("never-idle",)) as phone:
        result = run_on(phone, tmp_path, device)
        state = phone.state()
    assert result.outcome is Outcome.CHANGED
    # Each command on the feed and the side menu waited what the session asked for, none
    # UiAutomator2's 10 s.
    assert state["idle_ms"] % 40 == 0 and state["idle_ms"] <= 40 * sum(state["commands"].values())
    assert (state["idle_ms"] > 0) == (per_command > 0)


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_happy_path_taps_read_no_page_source(platform: str, tmp_path: Path) -> None:
    with SimPhone(platform=platform) as phone:
        result = run_on(phone, tmp_path)
        commands = phone.state()["commands"]
    assert result.outcome is Outcome.CHANGED
    taps = [s for s in result.steps if s.kind == "tap" and s.status == "passed"]
    # the route's four taps, then the re-open proof's one (back, that tap, a read)
    assert len(taps) == 5, taps
    # The menus are crossed by server-side finds alone. The tap into the setting's page is
    # aimed from the tree (its row's On/Off is what the page must agree with): the first
    # look for its row reads it (here the scroll step's), and the tap sees the page it
    # opens; the re-open's tap sees the page it opens again.
    assert [s.tree_reads for s in taps] == [0, 0, 0, 1, 1], taps
    scrolls = [s.tree_reads for s in result.steps if s.kind == "scroll_until_visible"]
    assert scrolls == [1], scrolls
    if platform == "android":
        # No tap asks again for a target found since the last action: the side menu's
        # (found by the wait before it) costs what is on top, its text (the denylist) and
        # the click; Settings (found by its own `when: visible`) what is on top and the click.
        assert [s.round_trips for s in taps[:2]] == [3, 2], taps
    # One tree read per screen state, five in all: the row's page, the setting's page,
    # that page after the tap, the row's page after Back, the page opened afresh.
    reads = sum(s.tree_reads for s in result.steps)
    assert reads == 5, [(s.kind, s.tree_reads) for s in result.steps]
    # The record counts what the phone saw.
    assert commands.get("source", 0) + commands.get("find_xpath", 0) == reads


def test_a_tap_flow_on_the_phone_reads_no_tree_at_all(tmp_path: Path) -> None:
    flow = tmp_path / "taps.yaml"
    flow.write_text("""\
mobile-optout: flow
name: taps
platforms: [android]
app: {android: {package: com.linkedin.android}}
interrupts:
  - name: Notifications prompt
    when: {text: {regex: "turn on notifications"}}
    tap: {text: "Not now"}
blockers:
  - name: Sign-in wall
    when: {text: "Join now"}
steps:
  - launch
  - tap: {accessibility_id: "My Profile and Communities"}
  - tap: {text: {regex: "^settings$"}}
  - wait_for: {text: "Data privacy"}
""", encoding="utf-8")
    with SimPhone(platform="android") as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "out")
        commands = phone.state()["commands"]
        assert phone.state()["screen"] == "settings"
    assert result.outcome is Outcome.PASSED
    assert "source" not in commands and "find_xpath" not in commands, commands


def test_an_interrupt_in_the_way_is_still_dismissed_before_the_tap(tmp_path: Path) -> None:
    # iOS keeps the screen under an alert in the tree: a server-side find sees the target.
    with SimPhone(platform="ios", variants=("popups",), seed=3) as phone:
        result = run_on(phone, tmp_path)
        events = phone.events()
    assert result.outcome is Outcome.CHANGED
    swallowed = [e for e in events if e["type"] == "tap" and e.get("blocked")]
    assert swallowed == []
    dismissed = [e for e in events if e["type"] == "tap" and e["element"]
                 and e["element"]["text"] == "Not now"]
    assert len(dismissed) == 2


@pytest.mark.parametrize("keep", [True, False], ids=["screenshots", "no-screenshots"])
def test_no_screenshots_means_none_is_taken(tmp_path: Path, keep: bool) -> None:
    with SimPhone(platform="android") as phone:
        result = run_on(phone, tmp_path, keep_screenshots=keep)
        taken = phone.state()["commands"].get("screenshot", 0)
    assert result.outcome is Outcome.CHANGED
    assert taken == (2 if keep else 0)  # the setting before and after: the evidence
    assert not keep or all(s.evidence for s in result.steps if s.kind == "ensure_setting")


class _WhenFastIsDone:
    """Progress: when the quick phone's flow ends, note what the slow phone is doing, and
    stop it (its session then dies: the slow device's result is an error)."""

    def __init__(self, slow: SimPhone) -> None:
        self.slow = slow
        self.waiting_then: int | None = None

    def step(self, result: FlowResult, record: Any) -> None:
        pass

    def waiting(self, result: FlowResult, what: str, seconds: float) -> None:
        pass

    def finished(self, result: FlowResult) -> None:
        if result.device == "quick":
            self.waiting_then = self.slow.state()["waiting"]
            self.slow.stop()


def test_devices_at_once_never_wait_for_each_other(tmp_path: Path) -> None:
    # The slow phone's feed never idles and its device keeps the driver's 60 s idle wait:
    # its first command there waits until the phone is stopped.
    with SimPhone(platform="android", variants=("never-idle",)) as slow, \
            SimPhone(platform="android") as quick:
        devices = tmp_path / "devices.yaml"
        devices.write_text(
            "devices:\n"
            f"  slow: {{platform: android, server: \"{slow.url}\", retries: 0,\n"
            "         settings: {waitForIdleTimeout: 60000}}\n"
            f"  quick: {{platform: android, server: \"{quick.url}\"}}\n", encoding="utf-8")
        watcher = _WhenFastIsDone(slow)
        record = perform(RunRequest(
            paths=[LINKEDIN["android"]], devices_file=devices, all_devices=True, parallel=2,
            output=tmp_path / "results", environ=dict(os.environ),
        ), progress=watcher).run
    outcomes = {r.device: r.outcome for r in record.results}
    assert outcomes["quick"] is Outcome.CHANGED
    assert watcher.waiting_then == 1  # the slow phone was still mid-wait when quick ended
    assert outcomes["slow"] is Outcome.ERROR


def test_a_flow_that_leads_with_a_launch_starts_the_app_once(tmp_path: Path) -> None:
    """The LinkedIn flow's first step is a launch inside its chosen group: the session
    does not start the app before that launch does (one activate, not two)."""
    with SimPhone(platform="android") as phone:
        assert run_on(phone, tmp_path, keep_screenshots=False).outcome is Outcome.CHANGED
        starts = [e["type"] for e in phone.events() if e["type"] in ("launch", "activate")]
    assert starts == ["launch"]


def test_a_flow_that_does_not_lead_with_a_launch_gets_the_app_started(
        tmp_path: Path) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        "mobile-optout: flow\nname: no-launch\nplatforms: [android]\n"
        "app: {android: {package: com.linkedin.android}}\n"
        "steps:\n  - wait_for: {text: Home}\n    timeout: 5\n", encoding="utf-8")
    with SimPhone(platform="android") as phone:
        result = perform(RunRequest(
            paths=[flow], server=phone.url, platform="android", output=tmp_path / "out",
            environ={})).run.results[0]
        starts = [e["type"] for e in phone.events() if e["type"] in ("launch", "activate")]
    assert result.error is None
    assert starts == ["launch"]  # by the session, since no step launches it
