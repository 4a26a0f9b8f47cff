"""A look asked of the server finds what the page source would: the same element, or none,
for every kind of locator the runner translates (``locate.server_queries``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mobile_optout.driver import AppiumDriver, connect
from mobile_optout.errors import Where
from mobile_optout.flow.model import AppId, Locator, Platform, TextMatch
from mobile_optout.locate import Screen, any_shown_query, server_queries
from mobile_optout.sim import SimPhone

W = Where("test", 0)
APPS = {Platform.ANDROID: AppId(Platform.ANDROID, "com.linkedin.android"),
        Platform.IOS: AppId(Platform.IOS, "com.linkedin.LinkedIn")}


def text(mode: str, value: str, case_sensitive: bool = False) -> Locator:
    return Locator(W, text=TextMatch(mode, value, case_sensitive))


LOCATORS = [
    text("exact", "Data privacy"),
    text("exact", "data   PRIVACY"),  # case and spaces as a person types them
    text("exact", "Data privacy", case_sensitive=True),
    text("exact", "data privacy", case_sensitive=True),
    text("contains", "privacy"),
    text("contains", "Generative AI"),
    text("regex", "^settings( & privacy)?$"),
    text("regex", "^(.+?) profile (picture|photo)$"),
    text("regex", r"turn on notifications|enjoying linkedin"),
    text("exact", "Sign out"),
    text("exact", "Nothing like this"),
    Locator(W, accessibility_id="My Profile and Communities"),
    Locator(W, resource_id="me_launcher"),
    Locator(W, resource_id="com.linkedin.android:id/me_launcher"),
    Locator(W, resource_id="genai-toggle"),
    Locator(W, any=(text("exact", "nope"), text("exact", "View profile"))),
]
SCREENS = ["feed", "side menu", "settings", "data privacy", "genai"]
ROUTE = [
    Locator(W, accessibility_id="My Profile and Communities"),
    text("regex", "^settings$"),
    text("exact", "Data privacy"),
    text("exact", "Data for Generative AI Improvement"),
]


@pytest.fixture(params=[Platform.ANDROID, Platform.IOS], ids=["android", "ios"])
def driver(request: pytest.FixtureRequest) -> Iterator[AppiumDriver]:
    platform: Platform = request.param
    with SimPhone(platform=platform) as phone:
        d = connect(phone.url, platform, APPS[platform])
        d.activate_app(APPS[platform])
        yield d
        d.quit()


def server_answer(driver: AppiumDriver, locator: Locator) -> tuple[int, int, int, int] | None:
    queries = server_queries(locator, driver.platform)
    assert queries is not None, locator
    for q in queries:
        found = driver.find_all(q.strategy, q.value)
        if len(found) > q.nth:
            r = driver.rect(found[q.nth])
            return r.x, r.y, r.width, r.height
    return None


def tree_answer(screen: Screen, locator: Locator) -> tuple[int, int, int, int] | None:
    node = screen.first(locator)
    if node is None:
        return None
    assert node.bounds is not None
    b = node.bounds
    return b.x, b.y, b.width, b.height


def test_the_server_and_the_page_source_agree_on_every_screen(driver: AppiumDriver) -> None:
    seen = 0
    for i, name in enumerate(SCREENS):
        screen = Screen(driver.page_source(), driver.platform)
        for locator in LOCATORS:
            tree = tree_answer(screen, locator)
            seen += tree is not None
            assert server_answer(driver, locator) == tree, (name, str(locator))
        whens = [text("regex", "turn on notifications"), text("contains", "Sign out")]
        query = any_shown_query(whens, driver.platform)
        assert query is not None
        shown = bool(driver.find_all(query.strategy, query.value))
        assert shown == any(screen.first(w) is not None for w in whens), name
        if i < len(ROUTE):
            target = server_answer(driver, ROUTE[i])
            assert target is not None, name
            driver.tap_at(target[0] + target[2] // 2, target[1] + target[3] // 2)
    assert seen >= 10  # the locators really found things along the way


def test_a_query_for_a_tap_leaves_denylisted_labels_out(driver: AppiumDriver) -> None:
    for locator in ROUTE[:2]:
        q = server_queries(locator, driver.platform)
        assert q is not None
        found = driver.find_all(q[0].strategy, q[0].value)
        driver.click(found[0])
    sign_out = text("contains", "sign out")
    plain = server_queries(sign_out, driver.platform)
    screened = server_queries(sign_out, driver.platform, exclude=["Sign out", "Delete all"])
    assert plain is not None and screened is not None and screened[0].screened
    assert driver.find_all(plain[0].strategy, plain[0].value)  # "Sign out" is there
    assert driver.find_all(screened[0].strategy, screened[0].value) == []
