"""The simulated phone hosts apps from files: a second app is a YAML file and no Python,
and a mistake in one is named by file and line."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common.exceptions import SessionNotCreatedException
from sim.sim_helpers import connect

from mobile_optout.cli import main
from mobile_optout.errors import InputError
from mobile_optout.flow.model import Platform
from mobile_optout.job import RunRequest, perform
from mobile_optout.located import display_path
from mobile_optout.results.record import Outcome
from mobile_optout.sim import SimPhone
from mobile_optout.sim.model import builtin_apps
from mobile_optout.validate import validate

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
NOTES = DATA / "sim_apps" / "notes.yaml"
NOTES_FLOW = DATA / "sim_apps" / "notes-flow.yaml"
LINKEDIN_FLOW = ROOT / "flows" / "linkedin" / "android.yaml"


def devices_with_both_apps(folder: Path, platform: str = "android") -> Path:
    path = folder / "devices.yaml"
    path.write_text(
        "devices:\n"
        "  phone:\n"
        f"    platform: {platform}\n"
        "    default: true\n"
        f"    sim: {{apps: [linkedin, {os.path.relpath(NOTES, folder)}]}}\n",
        encoding="utf-8")
    return path


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_a_second_app_from_a_yaml_file_runs_its_flow_beside_linkedin(
    tmp_path: Path, platform: str
) -> None:
    devices = devices_with_both_apps(tmp_path, platform)
    flows = [NOTES_FLOW] + ([LINKEDIN_FLOW] if platform == "android" else [])

    run = perform(RunRequest(paths=flows, devices_file=devices,
                             output=tmp_path / "results")).run

    assert {r.flow: r.outcome for r in run.results} == {
        "notes-analytics": Outcome.CHANGED,
        **({"linkedin-genai-training-android": Outcome.CHANGED}
           if platform == "android" else {}),
    }
    again = perform(RunRequest(paths=[NOTES_FLOW], devices_file=devices,
                               output=tmp_path / "results")).run
    assert [r.outcome for r in again.results] == [Outcome.ALREADY_SET]  # remembered


def test_a_phone_with_two_apps_switches_between_them(drivers: Any) -> None:
    with SimPhone(Platform.ANDROID, apps=["linkedin", NOTES]) as phone:
        driver = drivers(phone)  # opens LinkedIn, as a flow's session does
        assert phone.state()["apps"] == ["linkedin", "notes"]
        driver.activate_app("com.example.notes")
        assert phone.state()["screen"] == "notes"
        assert driver.query_app_state("com.linkedin.android") == 3  # in the background
        driver.activate_app("com.linkedin.android")
        assert phone.state()["screen"] == "feed"
        driver.terminate_app("com.linkedin.android")
        icons = driver.find_elements(AppiumBy.CLASS_NAME, "android.widget.TextView")
        assert [i.text for i in icons] == ["LinkedIn", "Notes"]  # the home screen
        icons[1].click()
        assert phone.state()["screen"] == "notes"
        assert phone.state()["settings"] == {
            "generative_ai_training": True, "genai_features": True,
            "research_invitations": True, "social_research": True, "ads_data_sharing": True,
            "survey_reason": "none", "ai_features": True, "usage_analytics": True}


def test_a_phone_refuses_an_app_it_does_not_have() -> None:
    with SimPhone(Platform.ANDROID, apps=[NOTES]) as phone, pytest.raises(
            SessionNotCreatedException) as info:
        connect(phone)  # asks for LinkedIn
    assert "com.linkedin.android" in str(info.value) and "not installed" in str(info.value)


def test_a_mistake_in_an_app_file_is_named_by_file_and_line() -> None:
    problems = [p.render().splitlines()[0] for p in validate([DATA / "sim_apps_invalid"])]

    shown = display_path(DATA / "sim_apps_invalid" / "broken.yaml")
    assert problems == [
        f"{shown}:{where}: {message}"
        for where, message in [
            ("11:16", "unknown kind 'buton' (did you mean 'button'?)"),
            ("12:50", "goto names no screen: 'nowhere'"),
            ("13:33", "setting names no setting: 'trackin' (declare it under settings:) "
                      "(did you mean 'tracking'?)"),
        ]
    ]
    with pytest.raises(InputError):
        SimPhone(Platform.ANDROID, apps=[DATA / "sim_apps_invalid" / "broken.yaml"])


def test_a_devices_file_naming_an_unknown_app_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "devices.yaml"
    path.write_text("devices:\n  phone:\n    platform: android\n"
                    "    sim: {apps: [linkedn]}\n", encoding="utf-8")

    (problem,) = validate([path])

    assert problem.where.line == 4
    assert "no built-in app 'linkedn'" in problem.message
    assert problem.hint == "did you mean 'linkedin'?"


def test_validate_accepts_app_files_and_names_a_bad_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def validate_cli(*paths: Path) -> int:
        with pytest.raises(SystemExit) as done:
            main(["validate", *map(str, paths)])
        return int(str(done.value.code))

    assert validate_cli(NOTES, ROOT / "mobile_optout" / "sim" / "apps") == 0
    assert capsys.readouterr().out.count("ok  ") == 1 + len(builtin_apps())

    assert validate_cli(DATA / "sim_apps_invalid" / "broken.yaml") == 2
    err = capsys.readouterr().err
    assert "broken.yaml:11:16: unknown kind 'buton'" in err
    assert "Traceback" not in err
