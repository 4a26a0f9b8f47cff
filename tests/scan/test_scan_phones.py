"""`mobile-optout scan` end to end on one running simulated phone (`mobile-optout sim`,
state kept between commands): the new AI switch is found and flagged (exit 1), seen
before on the next scan, the suggested flow turns it off, and the next scan exits 0. The
phone's own tap log is the witness that scan tapped no switch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scan.scan_helpers import ROOT, copy_flows, mo, sim_json, sim_server, switch_taps

pytestmark = pytest.mark.slow

NEW_LABEL = "Use my profile data to improve AI-powered features"


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_scan_flags_the_new_switch_then_the_suggested_flow_turns_it_off(
    platform: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flows = [str(p) for p in copy_flows(tmp_path, "linkedin", "linkedin-more")]
    out = str(tmp_path / "results")
    with sim_server(platform, "new-ai-switch") as url:
        where = ["--server", url, "--platform", platform, "--settle", "0.2", "-o", out]

        first, shown = mo(capsys, "scan", *flows, *where)
        second, again = mo(capsys, "scan", *flows, *where, "--json")
        taps_by_scans = switch_taps(url)
        code, suggested = mo(capsys, "scan", *flows, *where, "--suggest")
        new_flow = tmp_path / "linkedin" / "suggested.yaml"
        new_flow.write_text(suggested, encoding="utf-8")
        valid, said = mo(capsys, "validate", str(new_flow))
        ran, run_out = mo(capsys, "run", str(new_flow), "--server", url, "--platform",
                          platform, "-o", out)
        state = sim_json(url, "state")
        last, final = mo(capsys, "scan", *flows, str(new_flow), *where)

    assert first == 1, shown
    assert f"flagged: '{NEW_LABEL}' (on) on Data privacy > AI-powered features" in shown
    assert "new since 20" in shown
    # Switches flows cover are listed, not flagged.
    assert "Use my data for training content creation" in " ".join(shown.split())  # wrapped
    assert "linkedin-genai-training" in shown and "linkedin-ads-data-sharing" in shown
    report = json.loads(again)
    assert second == 1 and report["exit_code"] == 1
    assert [(s["label"], s["seen"].startswith("seen before"), s["page"])
            for s in report["flagged"]] == [(NEW_LABEL, True, "AI-powered features")]
    covered = {s["label"]: s["covered_by"] for s in report["switches"] if not s["flagged"]}
    assert covered and all(covered.values()), covered
    assert all(p["read"] for p in report["pages"]) and len(report["pages"]) == 2
    assert taps_by_scans == []
    assert code == 1 and "switch_for:" in suggested and f"label: {NEW_LABEL}" in suggested
    assert valid == 0, said
    assert ran == 0 and "CHANGED" in run_out, run_out
    assert state["settings"]["ai_features"] is False
    assert last == 0, final
    assert "0 flagged" in final


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_scan_on_catalogue_apps_flags_only_what_no_flow_covers(
    platform: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sim_server(platform, "new-ai-switch") as url:
        code, shown = mo(capsys, "scan", "chatgpt", "copilot", "--server", url, "--platform",
                         platform, "--settle", "0.2", "-o", str(tmp_path), "--json")
        taps = switch_taps(url)

    report = json.loads(shown)
    assert code == 1
    assert sorted((s["app"], s["label"]) for s in report["flagged"]) == [
        ("chatgpt", "Use saved memories to train future models"),
        ("copilot", "Share my conversations with partners to train AI models")]
    covered = {s["label"]: s["covered_by"] for s in report["switches"] if not s["flagged"]}
    assert covered == {
        "Improve the model for everyone": "chatgpt-improve-model",
        "Include your audio recordings": "chatgpt-audio-recordings",
        "Include your video recordings": "chatgpt-video-recordings",
        "Model training on text": "copilot-training-text",
        "Model training on voice": "copilot-training-voice",
    }
    assert taps == []


def test_scan_without_the_new_switch_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sim_server("android") as url:
        code, shown = mo(capsys, "scan", "--server", url, "--platform", "android",
                         "--settle", "0.2", "-o", str(tmp_path))

    assert code == 0, shown
    assert "0 flagged" in shown


def test_an_unreachable_page_is_never_an_all_clear(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sim_server("android", "logged-out") as url:
        code, shown = mo(capsys, "scan", "--server", url, "--platform", "android",
                         "--settle", "0.2", "-o", str(tmp_path), "--json")

    report = json.loads(shown)
    assert code == 1
    assert [p["outcome"] for p in report["pages"]] == ["blocked", "blocked"]
    assert report["switches"] == []


VAULT = ROOT / "tests" / "data" / "sim_apps"


def test_scan_never_taps_a_denylisted_row_and_lists_what_a_flow_covers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sim_server("android", app=str(VAULT / "vault.yaml")) as url:
        code, shown = mo(capsys, "scan", str(VAULT / "vault-flow.yaml"), "--server", url,
                         "--platform", "android", "--settle", "0.2", "-o", str(tmp_path),
                         "--json")
        taps = [e["element"]["text"] for e in sim_json(url, "events") if e["type"] == "tap"]

    report = json.loads(shown)
    assert code == 1
    (page,) = report["pages"]
    assert page["read"] and page["opened"] == ["Delete account data automatically",
                                               "Smart assistant"]
    assert "refused to tap 'Delete account data automatically'" in page["notes"][0]
    assert "Delete account data automatically" not in taps
    assert [(s["label"], s["covered_by"], s["flagged"]) for s in report["switches"]] == [
        ("Send crash reports", "vault-crash-reports", False),
        ("Use my notes to train AI models", "", True)]
