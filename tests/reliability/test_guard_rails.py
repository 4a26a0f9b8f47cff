"""Taps that could cost the account (Delete account, Close account, Sign out, Deactivate)
are refused before they happen, however they are reached: a step, an interrupt, a button of
a confirmation dialog. Only a flow that names the label under allow_taps may tap it.

The simulated phone's event log is the witness: a refused label was never tapped."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e.e2e_helpers import linkedin_flow, run_one, write_flow

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import FlowResult, Outcome
from mobile_optout.sim import SimPhone

HEADER = linkedin_flow("guard-rails")
TO_ACCOUNT = """\
  - launch
  - tap: {accessibility_id: "My Profile and Communities"}
  - tap: Settings
  - tap: Account preferences
"""


def run_flow(tmp_path: Path, body: str) -> tuple[FlowResult, list[str]]:
    """The flow's result, and the text of everything tapped on the phone."""
    flow = write_flow(tmp_path, HEADER + body)
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "results", environ={})
        tapped = [str((e.get("element") or {}).get("text", "")) for e in phone.events()
                  if e["type"] == "tap"]
    return result, tapped


def assert_refused(result: FlowResult, tapped: list[str], label: str) -> None:
    assert result.outcome is Outcome.FAILED, result.error
    assert result.error is not None and result.error.type == "DeniedTap"
    assert f"refused to tap {label!r}" in result.error.message
    assert "allow_taps" in result.error.message  # says how to allow it on purpose
    assert label not in tapped


@pytest.mark.parametrize("label", ["Delete account", "Close account", "Sign out"])
def test_a_step_never_taps_a_denylisted_label(label: str, tmp_path: Path) -> None:
    steps = TO_ACCOUNT.replace("  - tap: Account preferences\n", "") if label == "Sign out" \
        else TO_ACCOUNT  # Sign out is on Settings itself
    result, tapped = run_flow(tmp_path, f"steps:\n{steps}  - tap: {label}\n")
    assert_refused(result, tapped, label)


def test_a_confirmation_button_is_checked_too(tmp_path: Path) -> None:
    """Allowing "Close account" does not allow the "Deactivate" of its confirmation."""
    result, tapped = run_flow(tmp_path, f"""\
allow_taps: ["Close account"]
steps:
{TO_ACCOUNT}  - tap: Close account
  - tap: Deactivate
""")
    assert "Close account" in tapped  # allowed on purpose: tapped
    assert_refused(result, tapped, "Deactivate")


def test_an_interrupt_cannot_confirm_a_dangerous_dialog(tmp_path: Path) -> None:
    result, tapped = run_flow(tmp_path, f"""\
allow_taps: ["Close account"]
interrupts:
  - name: a confirmation
    when: {{text: "Close your account?"}}
    tap: Deactivate
steps:
{TO_ACCOUNT}  - tap: Close account
  - wait_for: {{text: "Something that never shows"}}
    timeout: 1
""")
    assert_refused(result, tapped, "Deactivate")


def test_allow_taps_lets_a_flow_tap_a_denylisted_label_on_purpose(tmp_path: Path) -> None:
    result, tapped = run_flow(tmp_path, f"""\
allow_taps: ["Close account"]
steps:
{TO_ACCOUNT}  - tap: Close account
  - tap: Cancel
""")
    assert result.outcome is Outcome.PASSED, result.error
    assert tapped[-2:] == ["Close account", "Cancel"]


# An app whose switch asks before it turns off, with a dangerous word on the confirm button.
DANGEROUS_CONFIRM_APP = """\
mobile-optout: sim-app
name: club
android: {package: com.example.club, activity: com.example.club.Main}
ios: {bundle: com.example.Club, name: Club}
settings:
  membership: true
start: settings
dialogs:
  leave:
    title: "Turn off membership?"
    message: "This closes your account."
    buttons:
      - {text: "Cancel", id: "android:id/button2", tap: dismiss}
      - {text: "Deactivate", id: "android:id/button1", tap: confirm}
screens:
  settings:
    title: Settings
    body:
      - kind: group
        layout: row
        children:
          - {kind: text, fill: true, text: "Membership", id: membership_label}
          - {kind: switch, id: membership_toggle, setting: membership, confirm: leave}
"""
CONFIRM_FLOW = """\
mobile-optout: flow
name: club-membership
platforms: [android]
app:
  android: {package: com.example.club}
settings:
  membership: {desired: off, title: Membership}
steps:
  - launch
  - ensure_setting:
      setting: membership
      toggle: {switch_for: {text: Membership}}
      confirm: {text: Deactivate}
"""


@pytest.mark.parametrize("allowed", [False, True])
def test_a_confirmation_of_a_setting_is_checked_too(allowed: bool, tmp_path: Path) -> None:
    app = write_flow(tmp_path, DANGEROUS_CONFIRM_APP, "club.yaml")
    flow = write_flow(tmp_path, CONFIRM_FLOW.replace(
        "steps:", 'allow_taps: ["Deactivate"]\nsteps:') if allowed else CONFIRM_FLOW)
    with SimPhone(platform=Platform.ANDROID, apps=[str(app)]) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "results", environ={})
        tapped = [str((e.get("element") or {}).get("text", "")) for e in phone.events()
                  if e["type"] == "tap"]
        membership = phone.state()["settings"]["membership"]

    if allowed:
        assert result.outcome is Outcome.CHANGED, result.error
        assert "Deactivate" in tapped and membership is False
    else:
        assert_refused(result, tapped, "Deactivate")
        assert membership is True  # the question was never answered
