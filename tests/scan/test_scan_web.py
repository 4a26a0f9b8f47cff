"""`mobile-optout scan` on the simulated website (`mobile-optout sim --platform web`, kept
running), in a real headless Chromium: flagged, seen before, turned off by the suggested
flow, then all clear. The site's own click and save log is the witness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scan.scan_helpers import copy_flows, mo, sim_json, sim_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_LABEL = "Use my profile data to improve AI-powered features"


def test_scan_on_the_website_flags_then_the_suggested_flow_turns_it_off(
    chromium: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (flows,) = [str(p) for p in copy_flows(tmp_path, "linkedin")]
    out = str(tmp_path / "results")
    with sim_server("web", "new-ai-switch") as url:
        devices = tmp_path / "devices.yaml"
        devices.write_text(json.dumps({"devices": {"web": {
            "platform": "web", "browser": "chromium", "headless": True, "base_url": url}}}),
            encoding="utf-8")
        where = ["--devices", str(devices), "-d", "web", "--settle", "0.2", "-o", out]

        first, shown = mo(capsys, "scan", flows, *where)
        second, again = mo(capsys, "scan", flows, *where, "--json")
        assert second == 1
        saves_by_scans = [e for e in sim_json(url, "events") if e["type"] == "save"]
        _, suggested = mo(capsys, "scan", flows, *where, "--suggest")
        new_flow = tmp_path / "linkedin" / "suggested.yaml"
        new_flow.write_text(suggested, encoding="utf-8")
        valid, said = mo(capsys, "validate", str(new_flow))
        ran, run_out = mo(capsys, "run", str(new_flow), "--devices", str(devices), "-d", "web",
                          "-o", out)
        state = sim_json(url, "state")
        last, final = mo(capsys, "scan", flows, *where)

    assert first == 1, shown
    assert f"flagged: '{NEW_LABEL}' (on) on Data privacy > AI-powered features" in shown
    report = json.loads(again)
    assert [s["seen"].startswith("seen before") for s in report["flagged"]] == [True]
    assert "linkedin-genai-training-web" in {s["covered_by"] for s in report["switches"]}
    assert saves_by_scans == []
    assert valid == 0, said
    assert ran == 0 and "CHANGED" in run_out, run_out
    assert state["settings"]["ai_features"] is False
    assert last == 0, final
