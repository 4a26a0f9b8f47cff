"""Reading controls that are not switches, from page sources as the drivers return them:
a choice's selected option (Android radio buttons, iOS cells with the Selected trait) and a
status text's on/off ("Gemini Apps Activity: Off", or an On/Off beside the title)."""

from __future__ import annotations

import pytest

from mobile_optout.errors import Where
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.locate import Screen


def text(value: str) -> Locator:
    return Locator(Where("t.yaml", 1), text=TextMatch("regex", value))


ANDROID_RADIOS = """<hierarchy width="1080" height="2400">
  <android.widget.LinearLayout class="android.widget.LinearLayout" bounds="[0,300][1080,468]">
    <android.widget.TextView class="android.widget.TextView" text="Prioritize maximum reach"
      bounds="[48,324][936,444]"/>
    <android.widget.RadioButton class="android.widget.RadioButton" checkable="true"
      checked="{reach}" bounds="[936,336][1032,432]"/>
  </android.widget.LinearLayout>
  <android.widget.LinearLayout class="android.widget.LinearLayout" bounds="[0,468][1080,636]">
    <android.widget.TextView class="android.widget.TextView"
      text="Minimize third-party training" bounds="[48,492][936,612]"/>
    <android.widget.RadioButton class="android.widget.RadioButton" checkable="true"
      checked="{minimize}" bounds="[936,504][1032,600]"/>
  </android.widget.LinearLayout>
</hierarchy>"""

IOS_CELLS = """<AppiumAUT><XCUIElementTypeApplication type="XCUIElementTypeApplication"
  width="390" height="844" x="0" y="0">
  <XCUIElementTypeCell type="XCUIElementTypeCell" label="Prioritize maximum reach"
    traits="{reach}" x="0" y="100" width="390" height="52"/>
  <XCUIElementTypeCell type="XCUIElementTypeCell" label="Minimize third-party training"
    traits="{minimize}" x="0" y="152" width="390" height="52"/>
</XCUIElementTypeApplication></AppiumAUT>"""


@pytest.mark.parametrize(("platform", "source", "on", "off"), [
    (Platform.ANDROID, ANDROID_RADIOS, "true", "false"),
    (Platform.IOS, IOS_CELLS, "Button, Selected", "Button"),
], ids=["android-radios", "ios-selected-cells"])
def test_a_choice_reads_the_option_that_is_selected(
        platform: Platform, source: str, on: str, off: str) -> None:
    screen = Screen(source.format(reach=off, minimize=on), platform)
    reach = screen.first(text("^prioriti[sz]e maximum reach"))
    minimize = screen.first(text("^minimi[sz]e third-party training"))
    assert reach is not None and minimize is not None
    assert screen.option_selected(minimize) is True
    assert screen.option_selected(reach) is False


@pytest.mark.parametrize(("texts", "state"), [
    (["Gemini Apps Activity: Off"], False),
    (["Keep Activity is on"], True),
    (["Gemini Apps Activity", "On"], True),  # the state beside the title, in its row
    (["Gemini Apps Activity", "Turn off your activity"], None),  # a button is not a state
])
def test_a_status_text_reads_on_or_off(texts: list[str], state: bool | None) -> None:
    nodes = "".join(
        f'<android.widget.TextView class="android.widget.TextView" text="{t}" '
        f'bounds="[{48 + 500 * i},300][{500 + 500 * i},400]"/>' for i, t in enumerate(texts[:2]))
    if texts[1:] and texts[1].startswith("Turn"):  # a button below, not beside
        nodes = nodes.replace("[548,300][1000,400]", "[48,600][1000,700]")
    screen = Screen(f'<hierarchy width="1080" height="2400">{nodes}</hierarchy>',
                    Platform.ANDROID)
    status = screen.first(text("^(gemini apps activity|keep activity)"))
    assert status is not None
    assert screen.status_state(status) is state
