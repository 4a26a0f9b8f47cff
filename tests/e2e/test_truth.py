"""Never a false "changed": the shipped LinkedIn flows on phones that behave the way real ones
do (shared/reference/real-devices.md): saves that fail and flip back, confirmations (before
and after the switch moves), a renamed row, another setting's switch in the row above, a
toggle that loads late or behind a spinner, a section that loads late, a sticky bar over the
toggle. Each on both platforms; the phone's own state and event log are the witnesses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import FLOWS, run_one

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import FlowResult, Outcome
from mobile_optout.sim import SimPhone

SETTING = "generative_ai_training"


@pytest.fixture(params=["android", "ios"])
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def run(phone: SimPhone, platform: str, tmp_path: Path, *, mode: str = "apply",
        flow: Path | None = None) -> FlowResult:
    return run_one(phone.url, platform, flow or FLOWS / "linkedin" / f"{platform}.yaml",
                   tmp_path, mode=mode, environ={})


def taps(phone: SimPhone) -> list[dict[str, Any]]:
    return [e for e in phone.events() if e["type"] == "tap"]


def switch_taps(phone: SimPhone, setting: str = SETTING) -> list[dict[str, Any]]:
    return [e for e in taps(phone) if e.get("setting") == setting]


def said(event: dict[str, Any]) -> str:
    element = event.get("element") or {}
    return str(element.get("text") or element.get("label") or "")


@pytest.mark.parametrize(
    ("variants", "expected", "switch_tapped"),
    [
        (("confirm",), Outcome.CHANGED, 1),
        (("optimistic-confirm",), Outcome.CHANGED, 1),
        (("two-switches",), Outcome.CHANGED, 1),
        (("two-switches", "flat-rows"), Outcome.CHANGED, 1),
        (("late-toggle",), Outcome.CHANGED, 1),  # placeholder off, setting on
        (("late-toggle", "already-off"), Outcome.ALREADY_SET, 0),  # placeholder on
        (("loading-toggle", "two-switches"), Outcome.CHANGED, 1),
        (("lazy-section",), Outcome.CHANGED, 1),
        (("sticky-banner",), Outcome.CHANGED, 1),
        (("save-fails",), Outcome.FAILED, 2),  # the flows declare one more attempt
        # a UiSelector that ignores checked()/enabled(): the cheap re-reads fall back to
        # the tree, never to a false state
        (("lax-selectors",), Outcome.CHANGED, 1),
        (("lax-selectors", "save-fails"), Outcome.FAILED, 2),
        (("lax-selectors", "late-toggle"), Outcome.CHANGED, 1),
        (("lax-selectors", "late-state"), Outcome.CHANGED, 1),
        # every element found is redrawn before its first click: found again, and tapped
        (("redrawn-once",), Outcome.CHANGED, 1),
        # the menus fail naming the look-alike row; the link route reaches the page
        (("renamed-unknown",), Outcome.CHANGED, 1),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, tuple) else str(v),
)
def test_every_behaviour_ends_in_the_outcome_the_phone_agrees_with(
    platform: str, variants: tuple[str, ...], expected: Outcome, switch_tapped: int,
    tmp_path: Path,
) -> None:
    with SimPhone(platform=Platform(platform), variants=variants, seed=3) as phone:
        result = run(phone, platform, tmp_path)
        state = phone.state()
        tapped = taps(phone)
        on_switch = switch_taps(phone)

    assert result.outcome is expected, (result.note, result.error)
    assert len(on_switch) == switch_tapped
    assert state["settings"][SETTING] is (expected is Outcome.FAILED)  # on unless done
    assert state["settings"]["genai_features"] is True  # the other setting: never touched
    assert not [e for e in tapped if e.get("setting") == "genai_features"]
    assert not [e for e in tapped if said(e) in ("Cancel", "Sign out")]
    assert not [e for e in tapped if e.get("blocked")]  # never a placeholder, never covered
    if expected is Outcome.CHANGED:
        assert result.setting is not None and result.setting.held_s is not None
        assert result.setting.held_s >= 3.0  # the default settle window
        assert result.setting.reread


@pytest.mark.parametrize("variant", ["confirm", "optimistic-confirm"])
def test_a_confirmation_is_answered_with_its_confirm_button(
    platform: str, variant: str, tmp_path: Path
) -> None:
    with SimPhone(platform=Platform(platform), variants=(variant,)) as phone:
        result = run(phone, platform, tmp_path)
        confirmed = [e for e in taps(phone) if e.get("confirmed") == SETTING]

    assert result.outcome is Outcome.CHANGED, result.error
    assert result.setting is not None and result.setting.confirmed == ["Turn off"]
    assert [said(e) for e in confirmed] == ["Turn off"]


def test_a_save_that_flips_back_fails_saying_what_happened(platform: str, tmp_path: Path
                                                            ) -> None:
    with SimPhone(platform=Platform(platform), variants=("save-fails",)) as phone:
        result = run(phone, platform, tmp_path)

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and "did not change (2 attempts)" in result.error.message
    s = result.setting
    assert s is not None and s.taps == 2 and len(s.attempts) == 2
    assert "Couldn't save" in s.flip_back or "read on again" in s.flip_back
    shots = [p.name for p in tmp_path.rglob("*.png")]
    assert s.evidence and all(Path(e).name in shots for e in s.evidence)  # what it showed


def test_check_mode_taps_and_confirms_nothing(platform: str, tmp_path: Path) -> None:
    with SimPhone(platform=Platform(platform), variants=("optimistic-confirm",)) as phone:
        result = run(phone, platform, tmp_path, mode="check")
        tapped = taps(phone)

    assert result.outcome is Outcome.WOULD_CHANGE
    assert [e for e in tapped if e.get("setting") or e.get("confirmed")] == []


def test_a_renamed_row_is_a_failure_naming_it_never_not_offered(platform: str, tmp_path: Path
                                                                 ) -> None:
    with SimPhone(platform=Platform(platform), variants=("renamed-unknown",)) as phone:
        result = run_one(phone.url, platform, FLOWS / "linkedin" / f"{platform}.yaml",
                         tmp_path, environ={}, params={"ROUTE": "menu"})
        fallback = run(phone, platform, tmp_path / "auto")

    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "found 'Generative AI data improvement', which looks like the setting" in (
        result.error.message)
    # every route tried: the menus' failure names the look-alike; the link reaches the page
    assert "found 'Generative AI data improvement'" in fallback.routes[0]
    assert fallback.routes[1] == "link: reached the page"


MINIMAL = """\
mobile-optout: flow
name: minimal-genai
platforms: [android, ios]
app:
  android: {{package: com.linkedin.android}}
  ios: {{bundle_id: com.linkedin.LinkedIn}}
settings:
  generative_ai_training: {{desired: off}}
steps:
  - launch: {{deep_link: "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"}}
  - ensure_setting:
      setting: generative_ai_training
      toggle: {{switch_for: {{text: {{contains: "training content creation"}}}}}}
{extra}
"""


def minimal_flow(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL.format(extra=extra), encoding="utf-8")
    return path


def test_without_a_declared_attempt_a_failed_save_is_tapped_once(platform: str, tmp_path: Path
                                                                 ) -> None:
    with SimPhone(platform=Platform(platform), variants=("save-fails",)) as phone:
        result = run(phone, platform, tmp_path, flow=minimal_flow(tmp_path, "      settle: 2"))
        on_switch = switch_taps(phone)

    assert result.outcome is Outcome.FAILED
    assert len(on_switch) == 1


def test_a_dialog_the_flow_cannot_answer_fails_naming_it(platform: str, tmp_path: Path) -> None:
    with SimPhone(platform=Platform(platform), variants=("confirm",)) as phone:
        result = run(phone, platform, tmp_path, flow=minimal_flow(tmp_path))
        state = phone.state()

    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "Turn off data for generative AI improvement?" in result.error.message
    assert state["settings"][SETTING] is True


def flow_with_toggle(tmp_path: Path, toggle: str, timeout: float) -> Path:
    path = tmp_path / "toggle.yaml"
    path.write_text(MINIMAL.format(extra="").replace(
        '      toggle: {switch_for: {text: {contains: "training content creation"}}}\n',
        f"      toggle: {toggle}\n    timeout: {timeout}\n"), encoding="utf-8")
    return path


def test_two_switches_that_could_belong_to_the_label_fail_before_any_tap(
    platform: str, tmp_path: Path
) -> None:
    flow = flow_with_toggle(tmp_path, '{switch_for: {text: {regex: "writing suggestions|'
                                      'training content"}}}', 1)
    with SimPhone(platform=Platform(platform), variants=("two-switches",)) as phone:
        result = run(phone, platform, tmp_path, flow=flow)
        on_switches = [e for e in taps(phone) if e.get("setting")]

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and "2 switches could belong to the label" in (
        result.error.message)
    assert "nothing was tapped" in result.error.message
    assert on_switches == []


def test_a_switch_that_stays_disabled_is_a_failure_not_a_state(platform: str, tmp_path: Path
                                                              ) -> None:
    flow = flow_with_toggle(tmp_path, '{switch_for: {text: {contains: "training content"}}}',
                            0.5)
    with SimPhone(platform=Platform(platform), variants=("late-toggle",)) as phone:
        result = run(phone, platform, tmp_path, flow=flow)

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and "the switch stayed disabled" in result.error.message
    assert result.setting is not None and result.setting.before is None  # never read


def test_the_suite_wide_check_catches_a_tap_that_reached_another_element() -> None:
    """The autouse check in tests/conftest.py can fail: a tap meant for the switch that the
    phone saw land on the banner's button."""
    from truth_helpers import tap_problems

    from mobile_optout.values import TapRecord

    result = FlowResult(device="d", platform="android", flow="f", flow_path="f.yaml",
                        taps=[TapRecord("ToggleButton", [876, 2268, 156, 96], [954, 2316])])
    button = {"class": "android.widget.Button", "text": "Sign out",
              "bounds": [540, 2216, 1032, 2360]}
    toggle = {"class": "android.widget.ToggleButton", "text": "",
              "bounds": [876, 2268, 1032, 2364]}
    assert tap_problems(result, [{"type": "tap", "element": toggle}]) == []
    (problem,) = tap_problems(result, [{"type": "tap", "element": button}])
    assert "the tap reached android.widget.Button 'Sign out'" in problem
    assert tap_problems(result, [])  # a tap the phone never saw


def test_what_a_bar_covers_for_good_is_never_tapped(platform: str, tmp_path: Path) -> None:
    """The last line of the page sits under the sticky bar even when scrolled to the end:
    the tap is refused, and neither the line nor the bar's "Sign out" is tapped."""
    flow = tmp_path / "covered.yaml"
    header = MINIMAL.split("settings:", maxsplit=1)[0].replace("{{", "{").replace("}}", "}")
    flow.write_text(header + """\
steps:
  - launch: {deep_link: "https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement"}
  - scroll_until_visible: {text: "Last updated in 2025."}
  - tap: {text: "Last updated in 2025."}
""", encoding="utf-8")
    with SimPhone(platform=Platform(platform), variants=("sticky-banner",)) as phone:
        result = run(phone, platform, tmp_path, flow=flow)
        tapped = taps(phone)

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and result.error.type == "Covered"
    assert "'Sign out'" in result.error.message and "is on top of it" in result.error.message
    assert tapped == []
