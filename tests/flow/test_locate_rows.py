"""Which switch belongs to which label, what a finger reaches, what is still loading: the
geometry rules of ``mobile_optout.locate`` on page sources written by hand in each
platform's format, shaped unlike the simulated phone's (no row containers, named switches,
switches in the row above or below, overlays)."""

from __future__ import annotations

import pytest

from mobile_optout.errors import Where
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.locate import Screen

HERE = Where("test", 1, 1)


def text(value: str) -> Locator:
    return Locator(where=HERE, text=TextMatch("contains", value))


def android(*rows: str) -> Screen:
    body = "\n".join(rows)
    return Screen(
        f'<hierarchy width="1080" height="2400">'
        f'<node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]">{body}</node>'
        f"</hierarchy>", Platform.ANDROID)


def a_text(label: str, top: int, height: int = 100, left: int = 48) -> str:
    return (f'<node class="android.widget.TextView" text="{label}" '
            f'bounds="[{left},{top}][800,{top + height}]"/>')


def a_switch(top: int, checked: bool = True, *, enabled: bool = True, text: str = "",
             rid: str = "") -> str:
    return (f'<node class="android.widget.Switch" text="{text}" resource-id="{rid}" '
            f'checkable="true" checked="{str(checked).lower()}" clickable="true" '
            f'enabled="{str(enabled).lower()}" bounds="[876,{top}][1032,{top + 96}]"/>')


def ios(*rows: str) -> Screen:
    return Screen(
        '<AppiumAUT><XCUIElementTypeApplication type="XCUIElementTypeApplication" name="App" '
        'x="0" y="0" width="390" height="844"><XCUIElementTypeWindow '
        'type="XCUIElementTypeWindow" x="0" y="0" width="390" height="844">'
        + "".join(rows) + "</XCUIElementTypeWindow></XCUIElementTypeApplication></AppiumAUT>",
        Platform.IOS)


def i_text(label: str, y: int) -> str:
    return (f'<XCUIElementTypeStaticText type="XCUIElementTypeStaticText" value="{label}" '
            f'name="{label}" label="{label}" x="16" y="{y}" width="280" height="40"/>')


def i_switch(y: int, value: str = "1", name: str = "") -> str:
    named = f' name="{name}" label="{name}"' if name else ""
    return (f'<XCUIElementTypeSwitch type="XCUIElementTypeSwitch" value="{value}"{named} '
            f'x="323" y="{y + 4}" width="51" height="31"/>')


def test_a_switch_in_the_row_above_is_never_borrowed_android_without_containers() -> None:
    screen = android(
        a_text("Show writing suggestions", 600), a_switch(602, rid="other"),
        a_text("Use my data for training", 720), a_switch(722, checked=False, rid="ours"),
    )
    match = screen.switch_for(text("Use my data"))
    assert match.switch is not None and match.switch.resource_id == "ours"


def test_a_switch_in_a_cell_above_is_never_borrowed_ios() -> None:
    screen = ios(
        '<XCUIElementTypeCell type="XCUIElementTypeCell" x="0" y="200" width="390" height="48">'
        + i_text("Show writing suggestions", 204) + i_switch(200) + "</XCUIElementTypeCell>",
        '<XCUIElementTypeCell type="XCUIElementTypeCell" x="0" y="248" width="390" height="48">'
        + i_text("Use my data for training", 252) + i_switch(248, "0")
        + "</XCUIElementTypeCell>",
    )
    match = screen.switch_for(text("Use my data"))
    assert match.switch is not None and match.switch.checked is False
    assert match.switch.bounds is not None and match.switch.bounds.y == 252


def test_no_switch_in_the_row_yet_is_none_and_says_a_spinner_stands_there() -> None:
    spinner = ('<node class="android.widget.ProgressBar" bounds="[900,722][1000,818]"/>')
    screen = android(
        a_text("Show writing suggestions", 600), a_switch(602),
        a_text("Use my data for training", 720), spinner,
    )
    match = screen.switch_for(text("Use my data"))
    assert match.switch is None
    assert "not drawn yet" in match.problem()
    assert screen.loading()  # and the page counts as loading


def test_two_switches_in_one_row_is_ambiguity_naming_both() -> None:
    screen = android(a_text("Use my data", 720), a_switch(722, rid="a"),
                     '<node class="android.widget.CheckBox" checkable="true" checked="false" '
                     'resource-id="b" bounds="[800,730][870,800]"/>')
    match = screen.switch_for(text("Use my data"))
    assert match.switch is None
    assert "2 switches could belong" in match.problem()
    assert "id=a" in match.problem() and "id=b" in match.problem()


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_a_named_switch_is_its_own_label(platform: str) -> None:
    if platform == "android":
        screen = android(a_switch(722, text="Use my data for training"))
    else:
        screen = ios(i_switch(300, name="Use my data for training"))
    match = screen.switch_for(text("Use my data"))
    assert match.switch is not None and match.switch.checked is True


def test_the_label_of_a_switch_is_the_text_in_its_row() -> None:
    screen = android(a_text("Show writing suggestions", 600), a_switch(602, rid="other"),
                     a_text("Use my data for training", 720), a_switch(722, rid="ours"))
    ours = next(n for n in screen.nodes if n.resource_id == "ours")
    label = screen.label_of_switch(ours)
    assert label is not None and label.texts == ("Use my data for training",)


def test_a_disabled_placeholder_is_found_but_reads_as_disabled() -> None:
    screen = android(a_text("Use my data", 720), a_switch(722, checked=False, enabled=False))
    match = screen.switch_for(text("Use my data"))
    assert match.switch is not None and match.switch.enabled is False


def test_a_bar_drawn_later_is_what_a_tap_reaches() -> None:
    bar = ('<node class="android.widget.LinearLayout" bounds="[0,2200][1080,2400]">'
           '<node class="android.widget.Button" text="Sign out" clickable="true" '
           'bounds="[540,2216][1032,2360]"/></node>')
    screen = android(a_text("Use my data", 2250), a_switch(2252), bar)
    switch = next(n for n in screen.nodes if n.checkable)
    assert switch.center is not None
    hit = screen.hit(*switch.center)
    assert hit is not None and hit.texts == ("Sign out",)


def test_a_full_screen_wrapper_with_nothing_to_say_does_not_block() -> None:
    wrapper = '<node class="android.widget.FrameLayout" bounds="[0,0][1080,2400]"/>'
    screen = android(a_text("Use my data", 720), a_switch(722), wrapper)
    switch = next(n for n in screen.nodes if n.checkable)
    assert switch.center is not None
    assert screen.hit(*switch.center) is switch


def test_dialogs_and_loading_texts_are_recognised() -> None:
    screen = ios(i_text("Loading…", 100),
                 '<XCUIElementTypeSheet type="XCUIElementTypeSheet" x="0" y="600" width="390" '
                 'height="244" label="Turn off?">'
                 '<XCUIElementTypeButton type="XCUIElementTypeButton" label="Turn off" '
                 'name="Turn off" x="16" y="700" width="170" height="44"/>'
                 "</XCUIElementTypeSheet>")
    assert [n.texts[0] for n in screen.loading()] == ["Loading…"]
    (sheet,) = screen.dialogs()
    assert "Turn off" in screen.dialog_text(sheet)


def test_a_partly_covered_element_is_tapped_on_its_visible_part() -> None:
    bar = ('<node class="android.widget.Button" text="Sign out" clickable="true" '
           'bounds="[0,2290][1080,2400]"/>')
    screen = android(a_text("Use my data", 2250), a_switch(2252), bar)  # switch 2252-2348
    switch = next(n for n in screen.nodes if n.checkable)
    point = screen.tap_point(switch)
    assert point is not None and point != switch.center and point[1] < 2290
    assert screen.hit(*point) is switch
    hidden = android(a_text("Use my data", 2250), a_switch(2252),
                     bar.replace("[0,2290]", "[0,2200]"))
    assert hidden.tap_point(next(n for n in hidden.nodes if n.checkable)) is None
