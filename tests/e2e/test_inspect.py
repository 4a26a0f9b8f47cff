"""`mobile-optout inspect`: every locator it suggests, pasted into a flow, finds exactly the
element it was suggested for, on both platforms."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobile_optout.cli import main
from mobile_optout.driver import connect
from mobile_optout.flow import load_flow
from mobile_optout.flow.model import AppId, AssertVisible, Platform
from mobile_optout.inspect import describe
from mobile_optout.locate import Screen
from mobile_optout.sim import SimPhone
from mobile_optout.sim.model import app_id


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


@pytest.mark.parametrize("platform", [Platform.ANDROID, Platform.IOS])
def test_every_suggested_locator_finds_its_own_element(
    platform: Platform, tmp_path: Path
) -> None:
    with SimPhone(platform=platform) as phone:
        screen = screen_on_the_setting_page(phone, platform)
    rows = describe(screen)
    toggle_rows = [r for r in rows if r.state]
    assert [r.state for r in toggle_rows] == ["on"]
    assert toggle_rows[0].locator.startswith("{switch_for:")

    flow = tmp_path / "suggested.yaml"
    flow.write_text(
        "mobile-optout: flow\nname: suggested\nplatforms: [android, ios]\n"
        "app: {android: {package: a.b}, ios: {bundle_id: a.b}}\nsteps:\n"
        + "".join(f"  - assert_visible: {r.locator}\n" for r in rows),
        encoding="utf-8",
    )
    steps = load_flow(flow).steps
    assert len(steps) == len(rows)
    for row, step in zip(rows, steps, strict=True):
        assert isinstance(step, AssertVisible)
        found = screen.find(step.target)
        assert len(found) >= 1, row
        expected_state = row.state == "on" if row.state else None
        assert found[0].checked == expected_state, row
        if not row.state:
            assert row.says in found[0].texts, row


def test_inspect_command_on_the_built_in_phone(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as code:
        main(["inspect"])
    out = capsys.readouterr().out

    assert code.value.code == 0
    assert "sim-android" in out
    assert '"My Profile and Communities"' in out
