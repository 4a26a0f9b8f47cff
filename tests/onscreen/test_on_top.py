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


# Real sources that show something over the app: found, rightly. A launcher's settings
# page ends with an empty full-screen view that takes no touches (its wallpaper): not a
# scrim, so nothing is on top there.
ON_TOP = {"android_anr_dialog_en.xml", "android_open_with_en.xml",
          "android_systemui_lockscreen_zh.xml", "android_systemui_quick_settings_zh.xml",
          "miui_home_app_drawer_tr.xml"}
# A settings panel the app draws over its chat, full screen: on top of the chat, and the
# page a person reads. It is a "dialog" layer whose own rows may be read and tapped.
PAGE_AS_SHEET = {"askamo_settings_en.xml": ("General", "Models", "Cognition")}


@pytest.mark.skipif(not REAL.is_dir(), reason="no real page sources here")
def test_real_page_sources_are_on_top_only_where_something_is() -> None:
    sources = sorted(REAL.glob("*.xml"))
    assert sources
    found = set()
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace").split("UI hierch")[0]
        platform = Platform.IOS if "XCUIElementType" in text else Platform.ANDROID
        screen = Screen(text, platform)
        modal = look(screen).modal
        if modal is not None:
            found.add(path.name)
        for label in PAGE_AS_SHEET.get(path.name, ()):
            assert modal is not None and modal.kind == "dialog", path.name
            rows = [n for n in screen.nodes if label in n.texts]
            assert rows and all(modal.holds(n) for n in rows), (path.name, label)
    assert {"android_anr_dialog_en.xml", "android_open_with_en.xml"} <= found
    assert "keydroidx_launcher_settings_zh.xml" not in found
    assert found <= ON_TOP | set(PAGE_AS_SHEET), found - ON_TOP - set(PAGE_AS_SHEET)


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
