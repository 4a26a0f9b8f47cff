"""The scan's rules on their own: what resembles AI training or data sharing in each
supported language, which rows open a sub-page, which controls count as switches, the
privacy_pages declaration's checks, and the exit code of a scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobile_optout.errors import InputErrors, OptoutError
from mobile_optout.flow import load_flows
from mobile_optout.flow.model import Platform
from mobile_optout.locate import Screen
from mobile_optout.results.record import Outcome, verdict
from mobile_optout.scan.model import PageRead, ScanReport, SwitchSeen
from mobile_optout.scan.walk import status_rows
from mobile_optout.scan.words import SHARED_WORDS, resembles, status_word
from mobile_optout.seen import switches


@pytest.mark.parametrize("label", [
    "Use my data to train AI models",
    "KI-Funktionen mit meinen Daten verbessern",
    "Utiliser mes données pour entraîner l'IA",
    "Mijn gegevens delen met partners",
    "Usar mis datos para entrenar modelos de IA",
    "Usa i miei dati per addestrare l'IA",
    "Usar os meus dados para treinar a IA",
    "Udostępniaj moje dane partnerom",
])
def test_ai_training_and_data_sharing_resemble_in_every_language(label: str) -> None:
    assert resembles([label], [])


@pytest.mark.parametrize("label", ["Dark mode", "Maintain aid", "Kind of notifications",
                                   "Push notifications", "Sound effects"])
def test_ordinary_switches_do_not_resemble(label: str) -> None:
    assert resembles([label], []) == ""


def test_a_flows_own_words_count_and_every_language_has_words() -> None:
    assert resembles(["Smart compose suggestions"], ["smart compose"]) == "smart compose"
    assert set(SHARED_WORDS) == {"en", "de", "fr", "nl", "es", "it", "pt", "pl"}


def test_status_words_are_whole_texts() -> None:
    assert status_word(" On ") is True and status_word("Aus") is False
    assert status_word("Turn on notifications") is None


def android(*nodes: str) -> Screen:
    return Screen(f'<hierarchy width="1080" height="2400"><node class="android.widget.'
                  f'FrameLayout" bounds="[0,0][1080,2400]">{"".join(nodes)}</node></hierarchy>',
                  Platform.ANDROID)


def text(value: str, top: int, left: int = 48, right: int = 800, height: int = 100) -> str:
    return (f'<node class="android.widget.TextView" text="{value}" '
            f'bounds="[{left},{top}][{right},{top + height}]"/>')


def test_a_status_beside_or_below_its_title_makes_a_row_to_open() -> None:
    screen = android(
        text("Ads beyond the app", 100), text("Off", 100, left=900, right=1032),
        '<node class="android.widget.LinearLayout" clickable="true" bounds="[0,300][1080,560]">'
        + text("Personalised AI", 310) + text("On", 420) + "</node>",
        text("Dark mode", 700), text("On", 700, left=900, right=1032)
        + '<node class="android.widget.Switch" checkable="true" checked="true" '
          'bounds="[876,700][1032,796]"/>',
    )

    assert [label for label, _ in status_rows(screen)] == ["Ads beyond the app",
                                                           "Personalised AI"]
    assert [(label, n.checked) for label, n in switches(screen)] == [("Dark mode", True)]


def test_radio_buttons_are_not_switches() -> None:
    screen = android(text("Everyone", 100), '<node class="android.widget.RadioButton" '
                     'checkable="true" checked="true" bounds="[876,100][1032,196]"/>')

    assert switches(screen) == []


def flow_with_pages(folder: Path, pages: str) -> Path:
    path = folder / "f.yaml"
    path.write_text(
        "mobile-optout: flow\nname: f\nplatforms: [android]\napp: {android: {package: a.b}}\n"
        "settings: {s: {desired: off}}\n"
        f"privacy_pages:\n{pages}"
        "steps:\n  - ensure_setting: {setting: s, toggle: {switch_for: Thing}}\n",
        encoding="utf-8")
    return path


def test_privacy_pages_compile(tmp_path: Path) -> None:
    path = flow_with_pages(tmp_path, "  - name: Privacy\n    steps: [launch, {tap: Privacy}]\n"
                                     "    anchor: {text: Privacy}\n")
    (flow,) = load_flows([path])
    assert [(p.name, len(p.steps)) for p in flow.privacy_pages] == [("Privacy", 2)]


def test_a_privacy_page_that_would_set_something_is_refused_with_its_line(
        tmp_path: Path) -> None:
    path = flow_with_pages(tmp_path, "  - name: Privacy\n    steps:\n      - launch\n"
                           "      - ensure_setting: {setting: s, toggle: {switch_for: X}}\n"
                           "    anchor: Privacy\n")
    with pytest.raises((InputErrors, OptoutError)) as caught:
        load_flows([path])
    assert "f.yaml:9" in str(caught.value) and "no ensure_setting" in str(caught.value)


def seen(label: str, state: bool | None, *, covered: str = "", like: str = "ai") -> SwitchSeen:
    return SwitchSeen(app="a", platform="android", device="d", page="p", label=label,
                      state=state, covered_by=covered, resembles=like)


@pytest.mark.parametrize(("switches_seen", "pages", "code"), [
    ([seen("AI", True)], [Outcome.ALREADY_SET], 1),          # flagged and on
    ([seen("AI", False)], [Outcome.ALREADY_SET], 0),         # flagged, already off
    ([seen("AI", None)], [Outcome.ALREADY_SET], 1),          # flagged, state unknown
    ([seen("AI", True, covered="f")], [Outcome.ALREADY_SET], 0),  # a flow covers it
    ([seen("Dark", True, like="")], [Outcome.ALREADY_SET], 0),    # nothing like AI
    ([], [Outcome.ALREADY_SET, Outcome.BLOCKED], 1),         # a page not reached
    ([], [Outcome.ERROR], 3),
])
def test_the_scan_verdict(switches_seen: list[SwitchSeen], pages: list[Outcome],
                          code: int) -> None:
    report = ScanReport("id", "2026-12-06T00:00:00", switches=switches_seen,
                        pages=[PageRead("a", "android", "d", "p", outcome=o) for o in pages])
    assert report.exit_code == code
    assert verdict([], flagged_on=True) == 1


def test_an_element_that_says_its_own_status_is_a_row_to_open() -> None:
    screen = Screen(
        '<AppiumAUT><XCUIElementTypeApplication type="XCUIElementTypeApplication" x="0" '
        'y="0" width="390" height="844"><XCUIElementTypeCell type="XCUIElementTypeCell" '
        'label="AI features" value="On" x="0" y="100" width="390" height="44"/>'
        '<XCUIElementTypeStaticText type="XCUIElementTypeStaticText" '
        'label="Gemini Apps Activity: Off" x="0" y="200" width="390" height="44"/>'
        '<XCUIElementTypeStaticText type="XCUIElementTypeStaticText" label="Turn on: later"'
        ' x="0" y="300" width="390" height="44"/></XCUIElementTypeApplication></AppiumAUT>',
        Platform.IOS)

    assert [label for label, _ in status_rows(screen)] == ["AI features",
                                                           "Gemini Apps Activity: Off"]
