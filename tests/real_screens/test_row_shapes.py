"""The row shapes real phones use, drawn by hand in UiAutomator's format with real
geometry (these are not corpus captures: they pin each shape of the rule in
``mobile_optout.rows`` on a tree with no container to lean on, as Compose and Flutter draw)."""

from __future__ import annotations

import pytest

from mobile_optout.errors import Where
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.locate import Screen

HERE = Where("shapes", 1)
TEXT, VIEW, SWITCH = "android.widget.TextView", "android.view.View", "android.widget.Switch"


def node(cls: str, bounds: str, text: str = "", desc: str = "", checked: bool | None = None,
         scrollable: bool = False, kids: str = "") -> str:
    state = (f'checkable="true" checked="{str(checked).lower()}"' if checked is not None
             else 'checkable="false" checked="false"')
    return (f'<node class="{cls}" text="{text}" content-desc="{desc}" bounds="{bounds}" '
            f'{state} scrollable="{str(scrollable).lower()}" enabled="true">{kids}</node>')


def page(*rows: str) -> Screen:
    """One scrolling pane on a 1080x2000 screen, the rows flat in it."""
    return panes([*rows])


def panes(*columns: list[str]) -> Screen:
    """Scrolling panes side by side on a 1080x2000 screen, each with its rows flat in it."""
    width = 1080 // len(columns)
    body = "".join(node(VIEW, f"[{i * width},200][{(i + 1) * width},2000]", scrollable=True,
                        kids="".join(rows)) for i, rows in enumerate(columns))
    frame = node("android.widget.FrameLayout", "[0,0][1080,2000]", kids=body)
    return Screen(f'<hierarchy rotation="0">{frame}</hierarchy>', Platform.ANDROID)


def switch_of(screen: Screen, label: str) -> str | None:
    match = screen.switch_for(Locator(HERE, text=TextMatch("exact", label)))
    return match.switch.el.get("bounds") if match.switch is not None else None


def test_a_title_above_a_multi_line_summary_with_the_switch_centred_on_the_row() -> None:
    screen = page(
        node(TEXT, "[48,300][800,360]", "Use my data"),  # entirely above the switch's band
        node(TEXT, "[48,365][800,410]", "Lets the app train its models"),
        node(TEXT, "[48,412][800,457]", "on what you write and share"),
        node(TEXT, "[48,460][800,505]", "(a third line)"),
        node(VIEW, "[900,370][1030,450]", checked=True),  # Compose: no class of its own
        node(TEXT, "[48,600][800,660]", "Next setting"),
        node(VIEW, "[900,590][1030,670]", checked=False),
    )
    assert switch_of(screen, "Use my data") == "[900,370][1030,450]"
    assert switch_of(screen, "(a third line)") == "[900,370][1030,450]"
    assert switch_of(screen, "Next setting") == "[900,590][1030,670]"


def test_a_card_whose_switch_lines_up_with_a_secondary_line() -> None:
    screen = page(
        node(TEXT, "[88,308][461,469]", "8:30 AM"),
        node(TEXT, "[88,469][512,601]", "Mon, Tue, Wed"),
        node(SWITCH, "[821,469][975,601]", checked=False),
        node(TEXT, "[88,667][461,828]", "9:00 AM"),
        node(TEXT, "[88,828][251,960]", "Sun, Sat"),
        node(SWITCH, "[821,828][975,960]", checked=True),
    )
    assert switch_of(screen, "8:30 AM") == "[821,469][975,601]"
    assert switch_of(screen, "9:00 AM") == "[821,828][975,960]"


@pytest.mark.parametrize("switch_first", [False, True])
def test_two_columns_each_label_beside_its_own_control(switch_first: bool) -> None:
    if switch_first:  # [x] Label  [x] Label
        rows = (node(SWITCH, "[40,300][140,360]", checked=True),
                node(TEXT, "[160,300][520,360]", "Left A"),
                node(SWITCH, "[560,300][660,360]", checked=False),
                node(TEXT, "[680,300][1040,360]", "Right B"))
        left, right = "[40,300][140,360]", "[560,300][660,360]"
    else:  # Label [x]  Label [x]
        rows = (node(TEXT, "[40,300][400,360]", "Left A"),
                node(SWITCH, "[420,300][520,360]", checked=True),
                node(TEXT, "[560,300][920,360]", "Right B"),
                node(SWITCH, "[940,300][1040,360]", checked=False))
        left, right = "[420,300][520,360]", "[940,300][1040,360]"
    screen = page(*rows)
    assert switch_of(screen, "Left A") == left
    assert switch_of(screen, "Right B") == right


def test_labels_that_exist_only_as_accessibility_text() -> None:
    screen = page(
        node(VIEW, "[48,300][800,380]", desc="Use data for AI"),
        node(SWITCH, "[900,300][1030,380]", checked=True),
        node(VIEW, "[48,400][800,480]", desc="Personalise"),
        node(SWITCH, "[900,400][1030,480]", checked=False),
    )
    assert switch_of(screen, "Use data for AI") == "[900,300][1030,380]"
    assert switch_of(screen, "Personalise") == "[900,400][1030,480]"
    (_first, second) = [n for n in screen.nodes if n.checkable]
    label = screen.label_of_switch(second)
    assert label is not None and label.texts == ("Personalise",)


def test_text_matches_visible_text_before_accessibility_text() -> None:
    screen = page(node(SWITCH, "[900,300][1030,380]", text="ON", desc="Wi-Fi", checked=True),
                  node(TEXT, "[48,300][800,380]", "Wi-Fi"))
    # "Wi-Fi" finds the visible title (the switch shows "ON"), whose row gives the switch
    found = screen.find(Locator(HERE, text=TextMatch("exact", "Wi-Fi")))
    assert [n.cls for n in found] == [TEXT]
    assert switch_of(screen, "Wi-Fi") == "[900,300][1030,380]"


def test_a_title_with_no_switch_never_borrows_the_next_rows() -> None:
    screen = page(
        node(TEXT, "[48,300][800,360]", "Mobile network"),
        node(TEXT, "[48,365][800,410]", "T-Mobile"),
        node(TEXT, "[48,500][800,560]", "Airplane mode"),
        node(SWITCH, "[900,490][1030,570]", checked=False),
    )
    assert switch_of(screen, "Mobile network") is None
    assert switch_of(screen, "T-Mobile") is None
    assert switch_of(screen, "Airplane mode") == "[900,490][1030,570]"


def test_two_panes_at_the_same_height_are_not_one_row() -> None:
    screen = panes([node(TEXT, "[40,300][500,360]", "Privacy")],
                   [node(SWITCH, "[900,300][1030,360]", checked=True)])
    assert switch_of(screen, "Privacy") is None


def test_a_label_with_a_switch_and_an_unlabelled_checkbox_is_ambiguity() -> None:
    screen = page(node(TEXT, "[48,300][700,400]", "Use my data"),
                  node("android.widget.CheckBox", "[720,310][790,390]", checked=False),
                  node(SWITCH, "[876,302][1032,398]", checked=True))
    match = screen.switch_for(Locator(HERE, text=TextMatch("exact", "Use my data")))
    assert match.switch is None and "2 switches could belong" in match.problem()


def test_a_compose_checkable_node_with_no_class_name_is_a_switch() -> None:
    row = ('<node text="" content-desc="" checkable="true" checked="false" clickable="true" '
           'bounds="[900,300][1030,380]"/>')
    screen = page(node(TEXT, "[48,300][800,380]", "Use my data"), row)
    assert switch_of(screen, "Use my data") == "[900,300][1030,380]"


def test_a_button_inside_a_card_that_is_itself_a_switch_is_not_the_cards_label() -> None:
    # Flutter: the card is a Switch whose content-desc is its title and subtitle (one
    # multi-line text); its preset buttons and a nested switch lie inside it
    card = node(SWITCH, "[52,300][1148,1400]", desc="Equalizer&#10;Bass +0 dB", checked=False,
                kids=node("android.widget.Button", "[91,500][337,650]", desc="Flat")
                + node("android.widget.Button", "[357,500][694,650]", desc="Bass boost")
                + node(SWITCH, "[91,800][1109,1000]", desc="Normalize&#10;In HQ mode only",
                       checked=True))
    screen = page(card)
    assert switch_of(screen, "Flat") is None
    assert switch_of(screen, "Bass boost") is None
    # a flow names a switch by its title, the first line of what it says
    assert switch_of(screen, "Equalizer") == "[52,300][1148,1400]"
    assert switch_of(screen, "Normalize") == "[91,800][1109,1000]"
    assert switch_of(screen, "Bass +0 dB") is None  # a later line is not its title


def test_a_slider_rows_title_never_takes_the_switch_of_the_row_below() -> None:
    card = node(VIEW, "[34,1661][1046,1998]", kids="".join((
        node(TEXT, "[68,1695][310,1725]", "Crossfade Duration"),
        node("android.widget.SeekBar", "[47,1738][965,1832]"),
        node(TEXT, "[944,1772][1012,1798]", "0s"),
        node(TEXT, "[68,1898][256,1928]", "Show Visualizer"),
        node(VIEW, "[901,1862][1012,1964]", checked=True))))
    screen = page(card)
    assert switch_of(screen, "Crossfade Duration") is None
    assert switch_of(screen, "0s") is None
    assert switch_of(screen, "Show Visualizer") == "[901,1862][1012,1964]"


def test_a_chip_with_its_text_inside_is_named_by_that_text() -> None:
    chips = "".join(node(VIEW, bounds, checked=on, kids=node(TEXT, inner, text))
                    for bounds, inner, text, on in (
                        ("[68,480][195,582]", "[102,516][161,546]", "Dark", False),
                        ("[212,480][346,582]", "[246,516][312,546]", "Light", True)))
    screen = page(node(TEXT, "[68,433][155,463]", "Theme"), chips)
    assert switch_of(screen, "Light") == "[212,480][346,582]"
    assert switch_of(screen, "Theme") is None
    light = next(n for n in screen.nodes if n.checkable and n.checked)
    named = screen.label_of_switch(light)
    assert named is not None and named.texts == ("Light",)
