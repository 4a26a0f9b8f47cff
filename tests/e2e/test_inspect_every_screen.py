"""Every locator `inspect` suggests, on every screen of every app the simulated phones show
(LinkedIn and a sample of the catalogue, one app per kind of control),
pasted into a flow, finds exactly the element it was suggested for.

The screens are found the way a person would find them: from the launcher, tap everything
on a screen and keep each screen a tap leads to. Nothing here knows the app's screens.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from mobile_optout.driver import AppiumDriver, connect
from mobile_optout.flow import load_flow
from mobile_optout.flow.model import AssertVisible, Platform
from mobile_optout.inspection import Row, describe
from mobile_optout.locate import Screen
from mobile_optout.sim import SimPhone

Path_ = tuple[tuple[int, int], ...]  # taps from the launcher
# The apps on the phone: LinkedIn and a sample of the catalogue's control kinds (switches:
# ChatGPT; a choice: Medium; a status and a button: Gemini). Every built-in app would
# mean ~20 apps of screens per case for no new kind of row.
APPS = ("linkedin", "chatgpt", "medium", "gemini")


@contextmanager
def phone_at(platform: Platform, variants: tuple[str, ...], taps: Path_
             ) -> Iterator[tuple[SimPhone, AppiumDriver]]:
    """A fresh phone on its launcher, with ``taps`` done."""
    with SimPhone(platform=platform, variants=variants, apps=APPS) as phone:
        driver = connect(phone.url, platform, None)
        try:
            for x, y in taps:
                driver.tap_at(x, y)
            yield phone, driver
        finally:
            driver.quit()


def where_am_i(phone: SimPhone) -> tuple[object, ...]:
    state = phone.state()  # apps name their screens alike ("settings"): the app is part of it
    return state["app"], state["screen"], state["dialog"], state["app_running"]


def every_screen(platform: Platform, variants: tuple[str, ...]) -> dict[tuple[object, ...],
                                                                          Screen]:
    screens: dict[tuple[object, ...], Screen] = {}
    queue: list[Path_] = [()]
    while queue:
        taps = queue.pop(0)
        with phone_at(platform, variants, taps) as (phone, driver):
            here = where_am_i(phone)
            if here in screens:
                continue
            screens[here] = screen = Screen(driver.page_source(), platform)
        rows = [r for r in describe(screen) if r.node.center and "Edit" not in r.element
                and "Field" not in r.element]
        pending = list(rows)
        while pending:
            with phone_at(platform, variants, taps) as (phone, driver):
                while pending:
                    row = pending.pop(0)
                    assert row.node.center is not None
                    driver.tap_at(*row.node.center)
                    if where_am_i(phone) != here:
                        queue.append((*taps, row.node.center))
                        break  # a fresh phone for the rest of this screen's rows
    return screens


def paste_into_a_flow(rows: list[Row], tmp_path: Path) -> list[AssertVisible]:
    flow = tmp_path / "suggested.yaml"
    flow.write_text(
        "mobile-optout: flow\nname: suggested\nplatforms: [android, ios]\n"
        "app: {android: {package: a.b}, ios: {bundle_id: a.b}}\nsteps:\n"
        + "".join(f"  - assert_visible: {r.locator}\n" for r in rows),
        encoding="utf-8",
    )
    steps = load_flow(flow).steps
    assert all(isinstance(s, AssertVisible) for s in steps)
    return [s for s in steps if isinstance(s, AssertVisible)]


@pytest.mark.parametrize("platform", [Platform.ANDROID, Platform.IOS])
@pytest.mark.parametrize("variants", [(), ("logged-out",), ("popups",),
                                      ("two-switches", "flat-rows", "renamed")])
def test_every_suggestion_on_every_screen_finds_exactly_its_element(
    platform: Platform, variants: tuple[str, ...], tmp_path: Path
) -> None:
    screens = every_screen(platform, variants)
    assert len(screens) >= (2 if variants == ("logged-out",) else 10)
    toggles = 0
    for here, screen in screens.items():
        rows = describe(screen)
        assert rows, here
        steps = paste_into_a_flow(rows, tmp_path)
        for row, step in zip(rows, steps, strict=True):
            assert "xpath" not in row.locator and "…" not in row.locator, (here, row)
            assert screen.find(step.target) == [row.node], (here, row)
            if row.state:
                toggles += 1
                assert row.locator.startswith("{switch_for:"), (here, row)
    if variants != ("logged-out",):
        assert toggles >= 4  # one on each settings page
