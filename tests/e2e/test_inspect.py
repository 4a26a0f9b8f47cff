"""`mobile-optout inspect`: a toggle named by the label in its row, --json, --after, and the
screen of a running phone as it is. (Every suggestion on every screen, pasted into a flow,
is checked in test_inspect_every_screen.py.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mobile_optout.cli import main
from mobile_optout.driver import connect
from mobile_optout.flow.model import AppId, Platform
from mobile_optout.inspection import describe
from mobile_optout.locate import Screen
from mobile_optout.sim import SimPhone
from mobile_optout.sim.model import app_id

LINKEDIN_ANDROID = str(Path(__file__).resolve().parents[2] / "flows/linkedin/android.yaml")


def screen_on_the_setting_page(phone: SimPhone, platform: Platform) -> Screen:
    """Walk to LinkedIn's 'Data for Generative AI Improvement' page with plain taps."""
    driver = connect(phone.url, platform, AppId(platform, app_id("linkedin", platform.value)))
    try:
        for label in ("My Profile and Communities", "Settings", "Data privacy",
                      "Data for Generative AI Improvement"):
            screen = Screen(driver.page_source(), platform)
            node = next(n for n in screen.nodes if label in n.texts and screen.on_screen(n))
            assert node.center is not None
            driver.tap_at(*node.center)
        return Screen(driver.page_source(), platform)
    finally:
        driver.quit()


def test_inspect_command_on_the_built_in_phone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as code:
        main(["inspect"])
    out = capsys.readouterr().out

    assert code.value.code == 0
    assert "sim-android" in out
    assert '"My Profile and Communities"' in out


def test_a_toggle_is_named_by_the_label_in_its_own_row() -> None:
    """Not the toolbar's Back button, not the page title: the text beside the switch."""
    for platform in (Platform.ANDROID, Platform.IOS):  # the phones (web has its own test)
        with SimPhone(platform=platform) as phone:
            screen = screen_on_the_setting_page(phone, platform)
        (toggle,) = [n for n in screen.nodes if n.checkable]
        label = screen.label_of_switch(toggle)
        assert label is not None
        assert label.texts[0] == "Use my data for training content creation AI models"
        assert screen.toggle_near(label) is toggle  # switch_for leads back to it
        (row,) = [r for r in describe(screen) if r.state]
        assert "Use my data for training content creation AI models" in row.locator


def test_inspect_json_lists_every_element_with_its_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as code:
        main(["inspect", "--json"])
    assert code.value.code == 0
    elements = json.loads(capsys.readouterr().out)
    me = next(e for e in elements if e["says"] == "My Profile and Communities")
    assert me["locator"] == '"My Profile and Communities"'
    assert me["bounds"]["width"] > 0 and me["class"] == "android.widget.ImageView"
    assert all(e["locator"] for e in elements)


def test_inspect_after_a_flow_step_shows_the_screen_it_reached(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as code:
        main(["inspect", "--after", f"{LINKEDIN_ANDROID}:Data privacy page is open"])
    out = capsys.readouterr().out
    assert code.value.code == 0, out
    assert '"Manage your data and activity"' in out
    assert '"My Profile and Communities"' not in out  # not the feed a fresh phone shows


def test_inspect_after_a_whole_flow_shows_its_last_screen(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as code:
        main(["inspect", "--json", "--after", "linkedin-more/social-research.yaml"])
    assert code.value.code == 0
    toggles = [e for e in json.loads(capsys.readouterr().out) if e["checkable"]]
    assert [t["state"] for t in toggles] == ["on"]  # reached, read, and left as it was
    assert toggles[0]["locator"].startswith("{switch_for:")


def test_inspect_after_names_the_steps_when_the_step_is_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as code:
        main(["inspect", "--after", f"{LINKEDIN_ANDROID}:No such step"])
    err = capsys.readouterr().err
    assert code.value.code == 2
    assert "no step labelled 'No such step'" in err and "'Data privacy'" in err


def test_inspect_on_a_running_phone_shows_the_screen_as_it_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with SimPhone(platform=Platform.ANDROID) as phone:
        screen_on_the_setting_page(phone, Platform.ANDROID)
        with pytest.raises(SystemExit) as code:
            main(["inspect", "--server", phone.url, "--platform", "android"])
        assert phone.state()["screen"] == "genai"  # inspecting moved nothing
    out = capsys.readouterr().out
    assert code.value.code == 0
    assert '{switch_for: "Use my data for training content creation AI models"}' in out


def test_no_suggestion_is_cut_short(capsys: pytest.CaptureFixture[str]) -> None:
    """Every locator is printed whole, on its own line, ready to paste after `tap:`."""
    args = ["inspect", "--after", f"{LINKEDIN_ANDROID}:Data privacy page is open"]
    with pytest.raises(SystemExit):
        main([*args, "--json"])
    locators = [e["locator"] for e in json.loads(capsys.readouterr().out)]
    with pytest.raises(SystemExit):
        main(args)
    lines = capsys.readouterr().out.splitlines()[1:]
    assert [line.split("  # ", 1)[0].rstrip() for line in lines] == locators
    assert max(len(loc) for loc in locators) > 40


def test_inspect_after_a_step_inside_a_route_runs_that_route(
        capsys: pytest.CaptureFixture[str]) -> None:
    """A stop inside one route runs that route up to it; a stop at the routes step takes
    the flow's parameters (ROUTE=link: the page by its link)."""
    def says(stop: str, *extra: str) -> list[str]:
        with pytest.raises(SystemExit) as code:
            main(["inspect", "--json", "--after", f"{LINKEDIN_ANDROID}:{stop}", *extra])
        assert code.value.code == 0
        return [e["says"] for e in json.loads(capsys.readouterr().out)]

    toggle_label = "Use my data for training content creation AI models"
    assert toggle_label not in says("Settings page is open")  # the menus, half way
    assert toggle_label in says("The setting's page by its web link")
    assert toggle_label in says("The setting's page is open", "--param", "ROUTE=link")
