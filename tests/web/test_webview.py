"""LinkedIn's settings WebView inside the simulated Android phone, through Appium's
contexts API: GET /session/:id/contexts lists WEBVIEW_com.linkedin.android while a settings
page is in front; after POST /session/:id/context the session talks to the WebView, whose
page is the simulated website in real headless Chromium. The phone's own event log and
settings are the witnesses."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e.e2e_helpers import FLOWS, run_one, write_flow

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import Outcome
from mobile_optout.sim import SimPhone

ANDROID = FLOWS / "linkedin" / "android.yaml"
SETTING = "generative_ai_training"
WEBVIEW = "WEBVIEW_com.linkedin.android"

NO_WEBVIEW_FLOW = """\
mobile-optout: flow
name: no-webview
platforms: [android]
app: {android: {package: com.linkedin.android}}
steps:
  - launch
  - context: webview
    timeout: 0.3
"""


@pytest.mark.browser
def test_webview_route_turns_the_setting_off_inside_the_webview(
    chromium: dict[str, str], tmp_path: Path
) -> None:
    with SimPhone(platform=Platform.ANDROID) as phone:
        first = run_one(phone.url, "android", ANDROID, tmp_path, params={"ROUTE": "webview"})
        events = phone.events()
        state = phone.state()
        second = run_one(phone.url, "android", ANDROID, tmp_path, params={"ROUTE": "webview"})

        assert first.outcome is Outcome.CHANGED, first.error
        contexts = [s.message for s in first.steps if s.kind == "context"]
        # the proof's Back shows the list as it was (the row still "On"), so the page is
        # opened anew by the whole route: into the web view once more
        assert contexts == [WEBVIEW, WEBVIEW, "NATIVE_APP"]
        saves = [e for e in events if e["type"] == "save" and e["setting"] == SETTING]
        assert [(e["context"], e["value"]) for e in saves] == [(WEBVIEW, False)]
        in_webview = [e for e in events if e["type"] == "tap" and e.get("context")]
        # Data privacy, the row, the switch, the row (stale after Back), then Data privacy
        # and the row again on the page loaded anew (the re-open proof)
        assert len(in_webview) == 6
        assert state["settings"][SETTING] is False
        assert state["screen"] == "genai"  # back in the app, on the page the WebView showed
        assert second.outcome is Outcome.ALREADY_SET, second.error


def test_no_webview_on_the_feed_fails_naming_the_contexts(tmp_path: Path) -> None:
    flow = write_flow(tmp_path, NO_WEBVIEW_FLOW, "no-webview.yaml")
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run_one(phone.url, "android", flow, tmp_path / "out")

    assert result.outcome is Outcome.FAILED
    assert result.error is not None
    assert "no webview context appeared" in result.error.message
    assert "NATIVE_APP" in result.error.message
