"""Routes that survive, and a change proven on a re-opened page: the shipped LinkedIn flows
and small flows of our own against the simulated phone, whose own state and event log
are the witnesses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import FLOWS, run_flows, run_one

from mobile_optout.errors import InputError
from mobile_optout.flow.compile import compile_flow
from mobile_optout.flow.model import Platform
from mobile_optout.job import RunRequest, perform
from mobile_optout.results.record import Outcome
from mobile_optout.results.store import Store
from mobile_optout.sim import SimPhone

SETTING = "generative_ai_training"
LINK = "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"
PAGE = '{text: {regex: "^use my data for training content creation( ai)? models$"}}'


def flow_file(folder: Path, routes: str, *, extra: str = "") -> Path:
    """A LinkedIn flow of our own whose routes are ``routes`` (YAML, indented 8)."""
    path = folder / "mine.yaml"
    path.write_text(f"""mobile-optout: flow
name: mine
platforms: [android, ios]
app:
  android: {{package: com.linkedin.android}}
  ios: {{bundle_id: com.linkedin.LinkedIn}}
settings:
  {SETTING}: {{desired: off}}
{extra}
blockers:
  - name: Sign-in wall
    when: {{text: "Join now"}}
steps:
  - routes:
      page: {PAGE}
      try:
{routes}
    label: The setting's page
    timeout: 2
  - ensure_setting:
      setting: {SETTING}
      toggle: {{switch_for: {PAGE}}}
""", encoding="utf-8")
    return path


BROKEN_THEN_LINK = f"""        - menu:
            - launch
            - tap: {{text: "A menu entry that moved"}}
              timeout: 1
        - link:
            - launch: {{deep_link: "{LINK}"}}"""


def setting_taps(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "tap" and e.get("setting") == SETTING]


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_a_route_that_fails_gives_way_to_the_next_and_both_are_reported(
    platform: str, tmp_path: Path
) -> None:
    with SimPhone(platform=Platform(platform)) as phone:
        run = run_flows(phone.url, platform, [flow_file(tmp_path, BROKEN_THEN_LINK)],
                        tmp_path / "out")
        assert phone.state()["settings"][SETTING] is False
    (result,) = run.results

    assert result.outcome is Outcome.CHANGED, result.error
    assert result.routes[0].startswith("menu: ")
    assert "A menu entry that moved" in result.routes[0]
    assert result.routes[1] == "link: reached the page"
    failed = [s for s in result.steps if s.status == "failed"]
    assert failed and failed[0].evidence  # the failed route's own screenshot
    with Store.open(tmp_path / "out") as store:  # the history keeps the order too
        (kept,) = store.results_of(run.run_id)
    assert kept.routes == result.routes


def test_every_route_failing_names_each_route_and_why(tmp_path: Path) -> None:
    routes = """        - menu:
            - launch
            - tap: {text: "Nowhere"}
              timeout: 1
        - link:
            - launch: {deep_link: "https://www.linkedin.com/feed/"}"""
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", flow_file(tmp_path, routes), tmp_path / "out")
        assert setting_taps(phone.events()) == []

    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "no route reached the page" in result.error.message
    assert "menu: " in result.error.message and "Nowhere" in result.error.message
    assert "link: " in result.error.message and "did not appear" in result.error.message


def test_a_sign_in_page_ends_the_flow_at_once(tmp_path: Path) -> None:
    with SimPhone(platform=Platform.ANDROID, variants=("logged-out",)) as phone:
        result = run_one(phone.url, "android", FLOWS / "linkedin" / "android.yaml",
                         tmp_path / "out")
        events = phone.events()

    assert result.outcome is Outcome.BLOCKED
    assert [e for e in events if e["type"] == "deep_link"] == []  # no later route tried
    assert setting_taps(events) == []


def test_a_route_that_proves_the_setting_absent_is_not_offered_unless_another_finds_it(
    tmp_path: Path
) -> None:
    with SimPhone(platform=Platform.ANDROID, variants=("not-offered",)) as phone:
        absent = run_one(phone.url, "android", FLOWS / "linkedin" / "android.yaml",
                         tmp_path / "out", params={"ROUTE": "auto"})
    assert absent.outcome is Outcome.NOT_OFFERED, absent.error
    assert absent.routes[0].startswith("menu: not offered")
    assert [r.split(":")[0] for r in absent.routes] == ["menu", "link", "webview"]


@pytest.mark.parametrize("route", ["menu", "link"])
@pytest.mark.parametrize("platform", ["android", "ios"])
def test_each_linkedin_route_can_be_forced(platform: str, route: str, tmp_path: Path) -> None:
    with SimPhone(platform=Platform(platform)) as phone:
        result = run_one(phone.url, platform, FLOWS / "linkedin" / f"{platform}.yaml",
                         tmp_path / "out", params={"ROUTE": route})
    assert result.outcome is Outcome.CHANGED, result.error
    assert result.routes == [f"{route}: reached the page"]


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_a_save_that_never_reached_the_server_is_failed_not_changed(
    platform: str, tmp_path: Path
) -> None:
    with SimPhone(platform=Platform(platform), variants=("save-lost",)) as phone:
        result = run_one(phone.url, platform, FLOWS / "linkedin" / f"{platform}.yaml",
                         tmp_path / "out", params={"ROUTE": "menu"})
        assert phone.state()["settings"][SETTING] is True  # the server never had it
        events = phone.events()

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and "re-opened page" in result.error.message
    assert result.setting is not None
    assert (result.setting.proof, result.setting.proof_read) == ("reopen", "on")
    # the row Back returned to still showed On (it may be a page restored from history),
    # so the proof opened the page anew by the whole route: one relaunch, still "on"
    after = events[[i for i, e in enumerate(events) if e.get("setting") == SETTING][-1]:]
    assert [e["type"] for e in after if e["type"] in ("launch", "terminate")] == \
        ["terminate", "launch"]


def test_verify_relaunch_restarts_the_app_and_verify_none_says_not_re_verified(
    tmp_path: Path
) -> None:
    with SimPhone(platform=Platform.ANDROID, variants=("save-lost",)) as phone:
        relaunched = perform(RunRequest(
            paths=[FLOWS / "linkedin" / "android.yaml"], server=phone.url,
            platform="android", output=tmp_path / "a", verify="relaunch")).run.results[0]
    with SimPhone(platform=Platform.ANDROID) as phone:
        unproven = perform(RunRequest(
            paths=[FLOWS / "linkedin" / "android.yaml"], server=phone.url,
            platform="android", output=tmp_path / "b", verify="none")).run.results[0]

    assert relaunched.outcome is Outcome.FAILED
    assert relaunched.setting is not None and relaunched.setting.proof == "relaunch"
    # none: nothing is re-read, and the result says it was not proven
    assert unproven.outcome is Outcome.CHANGED
    assert unproven.note == "not re-verified"
    assert unproven.setting is not None and unproven.setting.proof == "none"


def test_devices_file_verify_none_applies_per_device(tmp_path: Path) -> None:
    devices = tmp_path / "devices.yaml"
    devices.write_text("devices:\n  quick:\n    platform: android\n    sim: {}\n"
                       "    verify: none\n", encoding="utf-8")
    done = perform(RunRequest(paths=[FLOWS / "linkedin" / "android.yaml"],
                              devices=["quick"], devices_file=devices, output=tmp_path))
    (result,) = done.run.results
    assert result.outcome is Outcome.CHANGED, result.error
    assert result.note == "not re-verified"


def test_routes_are_checked_with_their_line(tmp_path: Path) -> None:
    routes = """        - menu: [launch]
        - menu: [launch]
        - auto: [launch]"""
    path = flow_file(tmp_path, routes)
    with pytest.raises(InputError) as caught:
        compile_flow(path)
    text = str(caught.value)
    assert f"{path}:" in text
    assert "used twice" in text and "reserved" in text


def test_a_route_name_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", flow_file(tmp_path, BROKEN_THEN_LINK,
                                                         extra="params:\n  ROUTE: web\n"),
                         tmp_path / "out")
    assert result.outcome is Outcome.ERROR
    assert result.error is not None and "ROUTE=web is not a route here" in \
        result.error.message


def test_the_report_shows_the_routes_tried_and_the_proof(tmp_path: Path) -> None:
    with SimPhone(platform=Platform.ANDROID) as phone:
        done = perform(RunRequest(paths=[flow_file(tmp_path, BROKEN_THEN_LINK)],
                                  server=phone.url, platform="android", output=tmp_path))
    report = json.loads((done.run_dir / "report.json").read_text(encoding="utf-8"))
    (shown,) = report["results"]
    assert [r.split(":")[0] for r in shown["routes"]] == ["menu", "link"]
    assert (shown["setting"]["proof"], shown["setting"]["proof_read"]) == ("reopen", "off")
    page = (done.run_dir / "report.html").read_text(encoding="utf-8")
    assert "routes tried" in page and "link: reached the page" in page
    assert "reopen: read off" in page


def test_a_param_in_app_is_expanded_and_elsewhere_refused_with_its_line(
    tmp_path: Path
) -> None:
    path = tmp_path / "app-param.yaml"
    path.write_text("""mobile-optout: flow
name: app-param
platforms: [android]
app:
  android: {package: "${APP}"}
params:
  APP: com.linkedin.android
steps:
  - launch
""", encoding="utf-8")
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", path, tmp_path / "out")
    assert result.outcome is Outcome.PASSED, result.error
    assert result.app == "com.linkedin.android"

    path.write_text(path.read_text(encoding="utf-8") + "  - context: ${APP}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as caught:
        compile_flow(path)
    assert f"{path}:10:" in str(caught.value)
    assert "does not take ${APP}" in str(caught.value)


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_the_entry_that_is_the_members_own_name_is_found_by_the_menus(
    platform: str, tmp_path: Path
) -> None:
    devices = tmp_path / "devices.yaml"
    devices.write_text(f"devices:\n  phone: {{platform: {platform}, sim: {{}}, "
                       "timeouts: {settle: 0.3}}\n", encoding="utf-8")
    flows = [FLOWS / "chatgpt" / "improve-model.yaml", FLOWS / "claude" / "help-improve.yaml",
             FLOWS / "x" / "grok-training.yaml"]
    run = perform(RunRequest(paths=flows, devices=["phone"], devices_file=devices,
                             sim_variants=("member-name",), output=tmp_path)).run
    for result in run.results:
        assert result.outcome is Outcome.CHANGED, (result.flow, result.error)
        assert result.routes == ["menu: reached the page"], result.flow  # no fallback needed
