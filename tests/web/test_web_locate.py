"""Web pages through the shared locate rules: a DOM snapshot taken by headless Chromium
from the simulated website (tests/data/web/*.xml) read as a Screen. The setting's page
comes in the two shapes real sites use: a checkbox with a <label> (state in its checked
property) and a role=switch button named by aria-labelledby (state in aria-checked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobile_optout.errors import Where
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.locate import Screen, any_shown_query, server_queries

DATA = Path(__file__).resolve().parents[1] / "data" / "web"
HERE = Where("test", 1)
LABEL = TextMatch("regex", "^use my data for training content creation( ai)? models$")


def screen(name: str) -> Screen:
    return Screen((DATA / name).read_text(encoding="utf-8"), Platform.WEB)


@pytest.fixture(params=["setting-page.xml", "setting-page-renamed.xml"])
def page(request: pytest.FixtureRequest) -> Screen:
    return screen(str(request.param))


def test_switch_for_its_label_reads_the_state_the_page_shows(page: Screen) -> None:
    toggle = page.first(Locator(HERE, switch_for=Locator(HERE, text=LABEL)))

    assert toggle is not None
    assert toggle.resource_id == "toggle"
    assert (toggle.checkable, toggle.checked, toggle.role) == (True, True, "switch")


def test_a_checkbox_off_reads_off() -> None:
    source = (DATA / "setting-page.xml").read_text(encoding="utf-8")
    off = source.replace('mo-checked="true"', 'mo-checked="false"')

    toggle = Screen(off, Platform.WEB).first(Locator(HERE, role="switch"))

    assert toggle is not None and toggle.checked is False


def test_role_and_accessible_name_find_the_me_button(page: Screen) -> None:
    me = page.first(Locator(HERE, role="button", role_name=TextMatch("exact", "me")))
    named = page.first(Locator(HERE, accessibility_id="Search"))

    assert me is not None and me.resource_id == "me-button"
    assert named is not None and named.cls == "input"


def test_the_switch_is_named_by_its_label(page: Screen) -> None:
    by_name = page.first(Locator(HERE, role="switch", role_name=LABEL))

    assert by_name is not None and by_name.resource_id == "toggle"


def test_a_closed_menu_is_not_on_screen() -> None:
    page = screen("setting-page.xml")

    assert page.first(Locator(HERE, text=TextMatch("exact", "Settings & Privacy"))) is None
    assert page.first(Locator(HERE, text=TextMatch("exact", "Data privacy"))) is not None


def test_xpath_reads_the_page_as_the_browser_would() -> None:
    page = screen("setting-page.xml")

    absolute = page.first(Locator(HERE, xpath="/html/body/header/nav/button"))
    anywhere = page.find(Locator(HERE, xpath="//input[@type='checkbox']"))

    assert absolute is not None and absolute.resource_id == "me-button"
    assert [n.resource_id for n in anywhere] == ["toggle"]


def test_css_is_left_to_the_browser() -> None:
    page = screen("setting-page.xml")

    with pytest.raises(ValueError, match="answered by the server"):
        page.find(Locator(HERE, css="input.toggle"))


def test_a_web_page_is_never_asked_phone_queries() -> None:
    """The cheap server look-ups build UiSelectors and predicates, which a browser does not
    know: on a web page every look goes through the DOM snapshot (css as written)."""
    text = Locator(HERE, text=TextMatch("exact", "Data privacy"))
    named, by_id = Locator(HERE, accessibility_id="Search"), Locator(HERE, resource_id="a:id/b")
    for loc in (text, named, by_id):
        assert server_queries(loc, Platform.WEB) is None
        assert server_queries(loc, Platform.ANDROID)  # (a phone is asked directly)
    assert any_shown_query([text], Platform.WEB) is None


@pytest.mark.browser
def test_a_live_page_a_web_component_and_a_hidden_checkbox(chromium: dict[str, str]) -> None:
    """Taken from headless Chromium: a switch inside a web component's shadow root, and a
    visually hidden checkbox whose box is its label's (a person clicks the label)."""
    from mobile_optout.driver import connect
    from mobile_optout.values import Browser

    page = (
        "data:text/html,<my-toggle></my-toggle>"
        "<div><input type=checkbox id=c checked style='width:1px;height:1px'>"
        "<label for=c style='display:inline-block;width:200px'>Hidden box</label></div>"
        "<script>document.querySelector('my-toggle').attachShadow({mode:'open'}).innerHTML="
        "'<button role=switch aria-checked=false>Inner</button>'</script>"
    )
    driver = connect("data:,", Platform.WEB, None,
                     browser=Browser(name="chromium", headless=True))
    try:
        driver.deep_link(page, None)  # type: ignore[arg-type]
        live = Screen(driver.page_source(), Platform.WEB)
    finally:
        driver.quit()

    inner = live.first(Locator(HERE, role="switch"))
    box = live.first(Locator(HERE, switch_for=Locator(HERE, text=TextMatch("exact", "Hidden box"))))
    label = live.first(Locator(HERE, xpath="//label"))

    assert inner is not None and (inner.texts, inner.checked) == (("Inner",), False)
    assert box is not None and box.checked is True and box.resource_id == "c"
    assert label is not None and box.bounds == label.bounds


def test_every_locator_inspect_suggests_finds_its_own_element(
    page: Screen, tmp_path: Path
) -> None:
    from mobile_optout.flow import load_flow
    from mobile_optout.flow.model import AssertVisible
    from mobile_optout.inspection import describe

    rows = describe(page)
    toggles = [r for r in rows if r.state]
    flow = tmp_path / "suggested.yaml"
    flow.write_text(
        "mobile-optout: flow\nname: suggested\nplatforms: [web]\napp: {web: {url: /}}\n"
        "steps:\n" + "".join(f"  - assert_visible: {r.locator}\n" for r in rows),
        encoding="utf-8",
    )
    steps = load_flow(flow).steps

    assert [r.state for r in toggles] == ["on"]
    assert toggles[0].locator.startswith("{switch_for:")
    for row, step in zip(rows, steps, strict=True):
        assert isinstance(step, AssertVisible)
        found = page.find(step.target)
        assert found, row
        assert found[0].checked == ((row.state == "on") if row.state else None), row


@pytest.mark.browser
def test_inspect_command_on_the_built_in_website(
    chromium: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    from mobile_optout.cli import main

    with pytest.raises(SystemExit) as code:
        main(["inspect", "--device", "sim-web"])
    out = capsys.readouterr().out

    assert code.value.code == 0
    assert "sim-web" in out
    assert '"Me"' in out and '"Settings & Privacy"' not in out  # the closed menu is not shown
