"""What is on top decides (mobile_optout.onscreen): every prompt the simulated phone can
show is found and classified, with its safe answer; no ordinary page is taken for one, on
our screens or on real apps' page sources (tests/data/real_screens, where present)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobile_optout.flow.model import Platform
from mobile_optout.locate import Screen
from mobile_optout.onscreen import harmful, look
from mobile_optout.sim.engine import Engine
from mobile_optout.sim.model import builtin_apps

REAL = Path(__file__).parents[1] / "data" / "real_screens"
PLATFORMS = [Platform.ANDROID, Platform.IOS]


def screen_of(engine: Engine) -> Screen:
    return Screen(engine.render().page.xml, engine.platform)


@pytest.mark.parametrize("platform", PLATFORMS, ids=str)
@pytest.mark.parametrize("app", builtin_apps())
def test_no_simulated_page_is_taken_for_a_prompt(platform: Platform, app: str) -> None:
    engine = Engine(platform, ("welcome-back", "survey", "two-switches", "sticky-banner"),
                    0, None, [app])
    engine.launch()
    for sid in engine.model.screens:
        engine.stack.append(engine.stack[-1].__class__(sid, 1000 + len(engine.stack)))
        screen = screen_of(engine)
        assert look(screen).modal is None, (app, sid, look(screen).modal)
        signs = look(screen).sign_in
        wall = any(w in sid for w in ("sign", "welcome", "login", "log_in"))
        assert wall or len(signs) < 2, (app, sid, signs)  # (one-button walls: blockers)
        if app == "linkedin" and wall:
            assert len(signs) >= 2, (sid, signs)


# Real sources that show something over the app: found, rightly. Two settings pages are
# still taken for a prompt (known, to fix: a full-screen view drawn after the page).
ON_TOP = {"android_anr_dialog_en.xml", "android_open_with_en.xml",
          "android_systemui_lockscreen_zh.xml", "android_systemui_quick_settings_zh.xml",
          "miui_home_app_drawer_tr.xml"}
KNOWN_WRONG = {"askamo_settings_en.xml", "keydroidx_launcher_settings_zh.xml"}


@pytest.mark.skipif(not REAL.is_dir(), reason="no real page sources here")
def test_real_page_sources_are_on_top_only_where_something_is() -> None:
    sources = sorted(REAL.glob("*.xml"))
    assert sources
    found = set()
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace").split("UI hierch")[0]
        platform = Platform.IOS if "XCUIElementType" in text else Platform.ANDROID
        if look(Screen(text, platform)).modal is not None:
            found.add(path.name)
    assert {"android_anr_dialog_en.xml", "android_open_with_en.xml"} <= found
    assert found <= ON_TOP | KNOWN_WRONG, found - ON_TOP - KNOWN_WRONG


PROMPTS = [
    # (dialog, platforms, kind, safe answer)
    ("turn_off_genai", PLATFORMS, "dialog", None),
    ("turn_off_continue", PLATFORMS, "dialog", None),
    ("turn_off_inverted", PLATFORMS, "dialog", None),
    ("rate", PLATFORMS, "rating", "Not now"),
    ("rate_2", PLATFORMS, "rating", "No, thanks"),
    ("rate_3", PLATFORMS, "rating", "Maybe later"),
    ("rate_4", PLATFORMS, "rating", "Later"),
    ("notify_permission", PLATFORMS, "permission", "Don't allow"),
    ("ios_notify", PLATFORMS, "permission", "Don\u2019t Allow"),
    ("ios_contacts", PLATFORMS, "permission", "Don\u2019t Allow"),
    ("anr", PLATFORMS, "anr", "Wait"),
]


@pytest.mark.parametrize(("dialog", "platforms", "kind", "answer"), PROMPTS,
                         ids=[p[0] for p in PROMPTS])
def test_every_prompt_is_on_top_with_its_safe_answer(
        dialog: str, platforms: list[Platform], kind: str, answer: str | None) -> None:
    for platform in platforms:
        engine = Engine(platform, (), 0, None, ["linkedin"])
        engine.launch()
        engine.goto("genai")
        engine.dialog = (dialog, 99)
        screen = screen_of(engine)
        modal = look(screen).modal
        assert modal is not None, (platform, dialog)
        assert modal.kind == kind, (platform, modal.describe())
        safe = modal.safe_answer()
        assert (safe.text if safe else None) == answer
        for switch in (n for n in screen.nodes if n.checkable):  # (when the page is dumped)
            assert not modal.holds(switch)  # the page under it is neither read nor tapped
        for b in modal.buttons:
            if b.text in ("Allow", "OK", "Rate now", "Yes", "Sure") and kind != "dialog":
                assert harmful(b.text, b.node, modal), b.text


def test_a_disabled_or_sign_in_button_is_never_an_answer() -> None:
    engine = Engine(Platform.ANDROID, ("survey", "welcome-back"), 0, None, ["linkedin"])
    engine.launch()
    engine.goto("survey")
    submit = next(n for n in screen_of(engine).nodes if "Submit" in n.texts)
    assert harmful("Submit", submit, None) == "it is disabled"
    engine.goto("settings")  # the session has expired: welcome back
    screen = screen_of(engine)
    cont = next(n for n in screen.nodes if any(t.startswith("Continue as") for t in n.texts))
    assert harmful(cont.texts[0], cont, None) == "it signs in"
