"""The catalogue of AI-training opt-outs on the built-in simulated phones, which have every
catalogue app installed: one `check`, `run`, `run` of `flows` per phone, every app's
variants, the web-link route, apps that are not installed.

Each outcome is checked against the phone's own state (its state file): a `changed` or
`already_set` whose setting the phone does not hold would be a false "done".
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from e2e.e2e_helpers import FLOWS

from mobile_optout.catalogue import entries, markdown
from mobile_optout.cli import main
from mobile_optout.flow import load_flows
from mobile_optout.job import SIM_STATE, RunRequest, perform
from mobile_optout.results.record import Outcome, RunRecord
from mobile_optout.sim.model import builtin_apps, load_app
from mobile_optout.values import Mode

pytestmark = pytest.mark.slow

# flow -> (the simulated phone's setting, its private state). The phone starts every one
# in the wrong state except ChatGPT's recording switches (already off, as the reference says).
CONTROLS: dict[str, tuple[str, bool | str]] = {
    "chatgpt-improve-model": ("chatgpt_improve_model", False),
    "chatgpt-audio-recordings": ("chatgpt_audio_recordings", False),
    "chatgpt-video-recordings": ("chatgpt_video_recordings", False),
    "claude-help-improve": ("claude_help_improve", False),
    "copilot-training-text": ("copilot_training_text", False),
    "copilot-training-voice": ("copilot_training_voice", False),
    "deepseek-improve-model": ("deepseek_improve_model", False),
    "gemini-apps-activity": ("gemini_apps_activity", False),
    "grok-improve-model": ("grok_improve_model", False),
    "medium-third-party-ai": ("medium_third_party_ai", "minimize_training"),
    "perplexity-data-retention": ("perplexity_data_retention", False),
    "pinterest-canvas-training": ("pinterest_canvas_training", False),
    "snapchat-public-content": ("snapchat_public_content", False),
    "tumblr-prevent-third-party-sharing": ("tumblr_prevent_sharing", True),
    "x-grok-training": ("x_grok_training", False),
    "x-grok-personalization": ("x_grok_personalization", False),
}
ALREADY_PRIVATE = {"chatgpt-audio-recordings", "chatgpt-video-recordings"}
# Controls that stay when the app's main training control is not offered (not-offered).
STAY = {"chatgpt-audio-recordings", "chatgpt-video-recordings", "x-grok-personalization"}
UNSUPPORTED = {f"{app}-ai-training" for app in (
    "facebook", "instagram", "threads", "whatsapp", "slack", "reddit", "tiktok", "zoom")}
ANDROID_ONLY = {"deepseek-improve-model"}
# The catalogue apps' flows (LinkedIn's own have their tests): every folder but LinkedIn's.
CATALOGUE = sorted(p for p in FLOWS.iterdir() if p.is_dir() and not p.name.startswith("linkedin"))
DEVICE = {"android": "sim-android", "ios": "sim-ios"}


# The built-in phones, with a short settle window: the catalogue's simulated apps never
# flip back (tests/e2e/test_truth.py proves the window catches those that do), so every
# change here holds; 0.3 s instead of 3 s per change keeps the matrix quick.
QUICK_PHONES = """devices:
  sim-android: {platform: android, sim: {}, timeouts: {settle: 0.3}, default: true}
  sim-ios: {platform: ios, sim: {}, timeouts: {settle: 0.3}}
"""


def run(platform: str, output: Path, mode: str = "apply", *variants: str,
        paths: list[Path] | None = None, params: dict[str, str] | None = None,
        only_installed: bool = False) -> RunRecord:
    phones = output / "devices.yaml"
    if not phones.exists():
        phones.write_text(QUICK_PHONES, encoding="utf-8")
    return perform(RunRequest(
        mode=Mode(mode), paths=paths or CATALOGUE, devices=(DEVICE[platform],),
        devices_file=phones, sim_variants=variants, output=output,
        params=params or {}, only_installed=only_installed,
    )).run


def outcomes(record: RunRecord) -> dict[str, Outcome]:
    return {r.flow: r.outcome for r in record.results}


def phone_settings(output: Path, platform: str, *variants: str) -> dict[str, object]:
    """The phone's settings now: as it saved them, else (nothing changed) as it started.
    A --sim-variant run's fresh phone keeps its state in its own run folder."""
    name = f"{DEVICE[platform]}.json"
    saved = max(output.glob(f"*/{SIM_STATE}/{name}"), default=output / SIM_STATE / name)
    if saved.exists():
        settings: dict[str, object] = json.loads(saved.read_text())["settings"]
        return settings
    return {k: v for app in builtin_apps() for k, v in load_app(variants, app).settings.items()}


def flows_on(platform: str) -> set[str]:
    names = set(CONTROLS) | UNSUPPORTED
    return names - ANDROID_ONLY if platform == "ios" else names


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_check_then_run_then_run_again_over_the_whole_catalogue(
        platform: str, tmp_path: Path) -> None:
    check = run(platform, tmp_path, "check")
    assert outcomes(check) == {
        name: (Outcome.UNSUPPORTED if name in UNSUPPORTED else Outcome.ALREADY_SET
               if name in ALREADY_PRIVATE else Outcome.WOULD_CHANGE)
        for name in flows_on(platform)}
    assert check.results and all(r.app_name for r in check.results)  # results group by app
    assert {r.app_name for r in check.results} >= {"chatgpt", "gemini", "medium", "slack"}

    first = run(platform, tmp_path)
    assert outcomes(first) == {
        name: (Outcome.UNSUPPORTED if name in UNSUPPORTED else Outcome.ALREADY_SET
               if name in ALREADY_PRIVATE else Outcome.CHANGED)
        for name in flows_on(platform)}
    settings = phone_settings(tmp_path, platform)
    for name in flows_on(platform) - UNSUPPORTED:  # the phone agrees with every claim
        setting, private = CONTROLS[name]
        assert settings[setting] == private, name

    again = run(platform, tmp_path)
    assert set(outcomes(again).values()) == {Outcome.ALREADY_SET, Outcome.UNSUPPORTED}
    assert [r for r in again.results if r.outcome is Outcome.UNSUPPORTED
            and "://" not in r.note] == []  # each names the page to go to instead


# variant -> what every control flow ends as (a sign-in wall: blocked; no control: not
# offered, and the phone keeps its setting; the control already private: already set)
VARIANT_ENDS = {
    "already-off": Outcome.ALREADY_SET,
    "not-offered": Outcome.NOT_OFFERED,
    "logged-out": Outcome.BLOCKED,
    "renamed": Outcome.CHANGED,
    # the entry to settings is the member's own name (another one on every phone)
    "member-name": Outcome.CHANGED,
    # rows that open a page carry an arrow in their name ("Settings \u203a")
    "decorated": Outcome.CHANGED,
}


@pytest.mark.parametrize("platform", ["android", "ios"])
@pytest.mark.parametrize("variant", list(VARIANT_ENDS))
def test_every_app_ends_right_in_each_variant(platform: str, variant: str,
                                              tmp_path: Path) -> None:
    record = run(platform, tmp_path, "apply", variant)
    expected = VARIANT_ENDS[variant]
    got = outcomes(record)
    for name in flows_on(platform):
        if name in UNSUPPORTED:
            want = Outcome.UNSUPPORTED
        elif name in ALREADY_PRIVATE and variant != "logged-out":
            want = Outcome.ALREADY_SET  # the recording switches are there and off
        elif name in STAY and variant == "not-offered":
            want = Outcome.CHANGED
        else:
            want = expected
        assert got[name] is want, (name, record.results[0].note)
    settings = phone_settings(tmp_path, platform, variant)
    for name in flows_on(platform) - UNSUPPORTED:
        setting, private = CONTROLS[name]
        holds = settings[setting] == private
        if got[name] in (Outcome.CHANGED, Outcome.ALREADY_SET):
            assert holds, name
        else:
            assert not holds or name in ALREADY_PRIVATE, name  # nothing was changed


def test_the_web_link_route_reaches_every_page_that_has_one(tmp_path: Path) -> None:
    linked = [FLOWS / n for n in ("chatgpt", "claude", "gemini", "x")]
    record = run("android", tmp_path, "apply", paths=linked, params={"ROUTE": "link"})
    assert Counter(outcomes(record).values()) == {Outcome.CHANGED: 5, Outcome.ALREADY_SET: 2}


def test_an_app_that_is_not_installed_is_said_so_and_can_be_left_out(
        tmp_path: Path) -> None:
    devices = tmp_path / "devices.yaml"
    devices.write_text("devices:\n  only-linkedin:\n    platform: android\n"
                       "    sim: {apps: [linkedin]}\n", encoding="utf-8")
    flows = [FLOWS / "chatgpt" / "improve-model.yaml", FLOWS / "slack"]
    done = perform(RunRequest(paths=flows, devices_file=devices, output=tmp_path))
    assert outcomes(done.run) == {"chatgpt-improve-model": Outcome.NOT_INSTALLED,
                                  "slack-ai-training": Outcome.NOT_INSTALLED}
    assert "com.openai.chatgpt is not installed" in done.run.results[0].note
    assert done.exit_code == 0  # not a failure, and not done either

    left_out = perform(RunRequest(paths=[*flows, FLOWS / "linkedin"], devices_file=devices,
                                  output=tmp_path, only_installed=True))
    assert outcomes(left_out.run) == {"linkedin-genai-training-android": Outcome.CHANGED}


def test_docs_catalogue_is_the_catalogue_of_the_shipped_flows() -> None:
    documented = (FLOWS.parent / "docs" / "catalogue.md").read_text(encoding="utf-8")
    assert documented == markdown(entries(load_flows([FLOWS]))), (
        "docs/catalogue.md drifted: mobile-optout apps --markdown > docs/catalogue.md")


def test_apps_lists_every_flow_and_what_the_phone_has(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devices = tmp_path / "devices.yaml"
    devices.write_text("devices:\n  two-apps:\n    platform: ios\n"
                       "    sim: {apps: [linkedin, gemini]}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as done:
        main(["catalog", str(FLOWS), "--devices", str(devices), "--json"])
    assert done.value.code == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["device"] == "two-apps"
    rows = {row["flow"]: row for row in listed["apps"]}
    assert set(rows) >= set(CONTROLS) | UNSUPPORTED
    gemini = rows["gemini-apps-activity"]
    assert (gemini["app"], gemini["kind"], gemini["desired"], gemini["confidence"]) == (
        "gemini", "button", "off", "H")
    assert gemini["installed"] is True and rows["chatgpt-improve-model"]["installed"] is False
    assert rows["deepseek-improve-model"]["platforms"] == ["android"]
    assert rows["deepseek-improve-model"]["installed"] is None  # no iOS flow to ask about
    assert rows["medium-third-party-ai"]["desired"] == "minimize_training"
    assert rows["tumblr-prevent-third-party-sharing"]["desired"] == "on"
    assert rows["slack-ai-training"]["unsupported"] and rows["slack-ai-training"]["page"]
    assert rows["linkedin-social-research"]["app"] == "linkedin"


def test_reports_group_by_app_and_skip_what_could_not_run(tmp_path: Path) -> None:
    record = run("android", tmp_path, "apply",
                 paths=[FLOWS / "slack", FLOWS / "tumblr", FLOWS / "medium"])
    by_app = {r.app_name: r.outcome for r in record.results}
    assert by_app == {"slack": Outcome.UNSUPPORTED, "tumblr": Outcome.CHANGED,
                      "medium": Outcome.CHANGED}
    run_dir = next(p for p in tmp_path.iterdir() if (p / "report.json").exists())
    report = json.loads((run_dir / "report.json").read_text())
    assert {r["app_name"] for r in report["results"]} == {"slack", "tumblr", "medium"}
    assert report["exit_code"] == 0
    medium = next(r for r in report["results"] if r["app_name"] == "medium")
    assert (medium["setting"]["before"], medium["setting"]["after"]) == (
        "maximum_reach", "minimize_training")
    junit = (run_dir / "junit.xml").read_text()
    assert 'skipped="1"' in junit and "<skipped message=\"unsupported: " in junit


def test_a_choice_or_a_button_whose_change_does_not_hold_is_failed(tmp_path: Path) -> None:
    """save-fails: Medium's option and Gemini's "Turn off" show the new state, then the app
    refuses the save and they flip back. The built-in phone's 3 s settle window sees it."""
    done = perform(RunRequest(paths=[FLOWS / "medium", FLOWS / "gemini"],
                              devices=("sim-android",), sim_variants=("save-fails",),
                              output=tmp_path))
    assert outcomes(done.run) == {"medium-third-party-ai": Outcome.FAILED,
                                  "gemini-apps-activity": Outcome.FAILED}
    medium, gemini = sorted(done.run.results, key=lambda r: r.flow, reverse=True)
    assert medium.setting is not None and gemini.setting is not None
    assert "Couldn't save" in medium.setting.flip_back
    assert "read on again" in gemini.setting.flip_back or (
        "Couldn't save" in gemini.setting.flip_back)  # whichever the hold sees first
    assert (medium.setting.taps, gemini.setting.taps) == (1, 1)  # one tap each, no retry
    assert gemini.setting.confirmed == ["Turn off"]
    assert phone_settings(tmp_path, "android", "save-fails")["medium_third_party_ai"] == (
        "maximum_reach")
    assert done.exit_code == 1
