"""The truth when the app gets in the way (shared/reference/real-apps.md): its own sheets
over a scrim, rating, permission and not-responding prompts at every stage, a session that
expires, a late state, swallowed swipes, a survey with a disabled Submit, and dark
confirmations. The shipped LinkedIn flows on both platforms; the phone's own state, its
tap log and its record of harm ("effects") are the witnesses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import FLOWS, linkedin_flow, run_one, write_flow

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import FlowResult, Outcome
from mobile_optout.sim import SimPhone

SETTING = "generative_ai_training"


@pytest.fixture(params=["android", "ios"])
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def run(phone: SimPhone, platform: str, tmp_path: Path, *, mode: str = "apply",
        route: str = "menu", flow: Path | None = None) -> FlowResult:
    return run_one(phone.url, platform, flow or FLOWS / "linkedin" / f"{platform}.yaml",
                   tmp_path, mode=mode, params=None if flow else {"ROUTE": route}, environ={})


def taps(phone: SimPhone) -> list[dict[str, Any]]:
    return [e for e in phone.events() if e["type"] == "tap"]


def said(event: dict[str, Any]) -> str:
    element = event.get("element") or {}
    return str(element.get("text") or element.get("label") or "")


CASES = [
    # (variants, route, outcome, confirmed with)
    (("sheet-confirm",), "menu", Outcome.CHANGED, ["Turn off"]),
    (("sheet-confirm-optimistic",), "menu", Outcome.CHANGED, ["Turn off"]),
    (("keep-emphasised",), "menu", Outcome.CHANGED, ["Turn off"]),
    (("continue-keeps",), "link", Outcome.CHANGED, ["Turn off"]),
    (("inverted-confirm",), "menu", Outcome.CHANGED, ["No, turn off"]),
    (("rating-prompts",), "menu", Outcome.CHANGED, []),
    (("rating-prompts", "sheet-confirm"), "link", Outcome.CHANGED, ["Turn off"]),
    (("permission-prompts",), "menu", Outcome.CHANGED, []),
    (("anr",), "menu", Outcome.CHANGED, []),
    (("session-expires",), "menu", Outcome.BLOCKED, []),
    (("session-expires",), "link", Outcome.BLOCKED, []),
    (("welcome-back",), "menu", Outcome.BLOCKED, []),
    (("session-expires-on-tap",), "menu", Outcome.BLOCKED, []),
    (("late-state",), "menu", Outcome.CHANGED, []),
    (("late-state", "already-off"), "menu", Outcome.ALREADY_SET, []),
    (("late-state",), "link", Outcome.CHANGED, []),
    (("late-state", "already-off"), "link", Outcome.ALREADY_SET, []),
    (("swallowed-swipes", "scroll"), "menu", Outcome.CHANGED, []),
    (("swallowed-swipes", "not-offered"), "menu", Outcome.NOT_OFFERED, []),
    (("survey",), "menu", Outcome.FAILED, []),
]


@pytest.mark.parametrize(("variants", "route", "expected", "confirmed"), CASES,
                         ids=lambda v: "+".join(v) if isinstance(v, tuple) else str(v))
def test_every_twist_ends_truthfully_and_harms_nothing(
    platform: str, variants: tuple[str, ...], route: str, expected: Outcome,
    confirmed: list[str], tmp_path: Path,
) -> None:
    with SimPhone(platform=Platform(platform), variants=variants, seed=5) as phone:
        result = run(phone, platform, tmp_path, route=route)
        state = phone.state()
        tapped = taps(phone)

    assert result.outcome is expected, (result.note, result.error)
    assert state["effects"] == []  # nothing granted, rated, signed in, kept or closed
    assert not [e for e in tapped if e.get("blocked") == "disabled"]
    assert state["settings"]["genai_features"] is True
    changed = expected is Outcome.CHANGED or "already-off" in variants
    assert state["settings"][SETTING] is (not changed)
    if expected is Outcome.CHANGED:
        assert result.setting is not None and result.setting.confirmed == confirmed
    if expected is Outcome.BLOCKED:
        assert "sign-in" in result.note or "Sign-in" in result.note
        assert not [e for e in tapped if e.get("setting") == SETTING and
                    e.get("result") != "signed-out"]
    if expected is Outcome.FAILED:
        assert result.error is not None
        assert "Why are you turning this off?" in (result.error.message + result.error.actual)


def test_which_button_answered_a_prompt_is_said(platform: str, tmp_path: Path) -> None:
    with SimPhone(platform=Platform(platform), variants=("permission-prompts",)) as phone:
        result = run(phone, platform, tmp_path)

    assert result.outcome is Outcome.CHANGED, result.error
    assert result.answered and all("allow" in a.casefold() for a in result.answered)
    assert any("answered" in s.message for s in result.steps)


def test_check_mode_answers_no_confirmation_and_taps_no_setting(platform: str, tmp_path: Path
                                                                ) -> None:
    with SimPhone(platform=Platform(platform),
                  variants=("sheet-confirm-optimistic", "rating-prompts")) as phone:
        result = run(phone, platform, tmp_path, mode="check")
        tapped = taps(phone)
        state = phone.state()

    assert result.outcome is Outcome.WOULD_CHANGE, result.error
    assert [e for e in tapped if e.get("setting") or e.get("confirmed")] == []
    assert state["effects"] == []
    assert not {said(e) for e in tapped} & {"Yes", "Sure", "Rate now", "Turn off", "Allow"}


def test_a_prompt_whose_safe_answer_is_unknown_fails_naming_it(tmp_path: Path) -> None:
    """An iOS permission prompt with only German words: no known refusing button."""
    app = tmp_path / "app.yaml"
    source = (Path(__file__).parents[2] / "mobile_optout" / "sim" / "apps" / "linkedin.yaml")
    text = source.read_text(encoding="utf-8").replace(
        '      - {text: "Don\u2019t Allow", tap: dismiss}\n      - {text: "Allow", tap: '
        'dismiss, harm: grant}',
        '      - {text: "Nicht erlauben", tap: dismiss}\n      - {text: "Erlauben", tap: '
        'dismiss, harm: grant}')
    assert "Nicht erlauben" in text
    app.write_text(text, encoding="utf-8")
    with SimPhone(platform=Platform.IOS, variants=("permission-prompts",),
                  apps=[str(app)]) as phone:
        result = run(phone, "ios", tmp_path)
        state = phone.state()

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and "permission prompt" in result.error.message
    assert "Would Like to Send You Notifications" in result.error.message
    assert state["effects"] == [] and state["settings"][SETTING] is True


@pytest.mark.parametrize("variant", ["save-rejected-late", "save-lost"])
def test_a_save_that_does_not_reach_the_server_is_never_changed(
        platform: str, variant: str, tmp_path: Path) -> None:
    """Rejected after the settle window, or never sent: only the re-opened page shows it."""
    with SimPhone(platform=Platform(platform), variants=(variant,)) as phone:
        result = run(phone, platform, tmp_path)
        state = phone.state()
    assert result.outcome is Outcome.FAILED, result.outcome
    assert state["settings"][SETTING] is True


def test_a_page_of_another_account_is_reported_redacted(platform: str, tmp_path: Path
                                                         ) -> None:
    with SimPhone(platform=Platform(platform), variants=("other-account",)) as phone:
        result = run(phone, platform, tmp_path)

    assert result.outcome is Outcome.CHANGED, result.error
    assert "names the account" in result.other_account
    assert "Jordan" not in result.other_account and "Alex" not in result.other_account
    assert "names the account" in result.note
    report = (next(tmp_path.rglob("report.json"))).read_text(encoding="utf-8")
    assert "names the account" in report and "Jordan Other" not in report


def test_no_loop_outlives_the_flow_deadline(tmp_path: Path) -> None:
    """A late state the flow waits on, with a flow deadline shorter than the step's wait:
    the run stops at the flow's deadline, saying so."""
    devices = tmp_path / "devices.yaml"
    devices.write_text("""\
devices:
  slow:
    platform: android
    sim: {variants: [late-toggle]}
    timeouts: {flow: 1, step: 30}
""", encoding="utf-8")
    from mobile_optout.job import RunRequest, perform

    done = perform(RunRequest(paths=[FLOWS / "linkedin" / "android.yaml"],
                              devices=("slow",), devices_file=devices, output=tmp_path,
                              params={"ROUTE": "link"}, environ={}))
    (result,) = done.run.results
    assert result.outcome is Outcome.FAILED
    assert result.error is not None and "deadline" in result.error.message


def test_a_button_is_not_tapped_again_when_nothing_changed(platform: str, tmp_path: Path
                                                           ) -> None:
    flow = write_flow(tmp_path, linkedin_flow("twice", ios=True, rest="""\
steps:
  - launch: {deep_link: "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"}
  - tap: {text: "Learn more"}
  - tap: {text: "Learn more"}
"""), "twice.yaml")
    with SimPhone(platform=Platform(platform)) as phone:
        result = run(phone, platform, tmp_path, flow=flow)
        learn = [e for e in taps(phone) if said(e) == "Learn more"]

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and "again: nothing changed" in result.error.message
    assert len(learn) == 1


@pytest.mark.parametrize("variants", [("tablet", "scroll"), ("tablet", "not-offered")],
                         ids=["tablet+scroll", "tablet+not-offered"])
def test_on_a_tablet_the_page_pane_is_scrolled_and_the_other_pane_never_tapped(
        platform: str, variants: tuple[str, ...], tmp_path: Path) -> None:
    with SimPhone(platform=Platform(platform), variants=variants) as phone:
        result = run(phone, platform, tmp_path)
        state = phone.state()
        tapped = taps(phone)
        scrolls = [e for e in phone.events() if e["type"] == "scroll"]

    assert not [e for e in tapped if e.get("setting") == "genai_features"]
    assert state["settings"]["genai_features"] is True
    if "not-offered" in variants:
        assert result.outcome is Outcome.NOT_OFFERED, (result.note, result.error)
        return
    assert not [e for e in scrolls if e.get("pane") == "sections"]  # never the other pane
    if platform == "android":  # (an iPad shows the whole list)
        assert any(e.get("delta") for e in scrolls)  # the page's own pane moved
    # Our switch, or (until rows keep to their pane) a failure naming both, untapped.
    assert result.outcome in (Outcome.CHANGED, Outcome.FAILED), result.error
    if result.outcome is Outcome.FAILED:
        assert result.error is not None and "2 switches could belong" in result.error.message
        assert state["settings"][SETTING] is True
