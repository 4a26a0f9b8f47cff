"""`--param` is checked against the flows that will run on the chosen devices: a flow for
another platform is not consulted, and a bad value for a flow that runs is still refused,
naming that flow's file and line."""

from __future__ import annotations

from pathlib import Path

from first_hour.conftest import Invoke

ANDROID = """\
mobile-optout: flow
name: fits-android
platforms: [android]
app: {android: {package: com.linkedin.android}}
params:
  ROUTE: {default: menu, choices: [menu, webview]}
steps:
  - launch
"""
WEB = """\
mobile-optout: flow
name: fits-web
platforms: [web]
app: {web: {url: "https://www.linkedin.com/"}}
params:
  ROUTE: {default: menu, choices: [menu]}
steps:
  - launch
"""


def folder(tmp_path: Path) -> Path:
    flows = tmp_path / "two"
    flows.mkdir()
    (flows / "android.yaml").write_text(ANDROID, encoding="utf-8")
    (flows / "web.yaml").write_text(WEB, encoding="utf-8")
    return flows


def test_a_value_only_the_android_flow_takes_runs_on_android(invoke: Invoke,
                                                             tmp_path: Path) -> None:
    shown = invoke("run", str(folder(tmp_path)), "--device", "sim-android",
                   "--param", "ROUTE=webview")
    assert shown.code == 0, shown.out + shown.err
    assert "fits-android" in shown.out and "fits-web" not in shown.out


def test_a_value_the_running_flow_refuses_names_that_flow(invoke: Invoke,
                                                          tmp_path: Path) -> None:
    shown = invoke("run", str(folder(tmp_path)), "--device", "sim-android",
                   "--param", "ROUTE=nope")
    assert shown.code == 2
    assert "android.yaml:6" in shown.err and "'nope' is not one of menu, webview" in shown.err
    assert "web.yaml" not in shown.err


def test_the_built_in_linkedin_takes_the_android_route_on_android(invoke: Invoke) -> None:
    """The README's command: the web flow's choices are not consulted on an Android phone."""
    shown = invoke("check", "linkedin", "--device", "sim-android", "--param", "ROUTE=webview")
    assert shown.code in (0, 1), shown.err  # would_change (1) on a fresh phone; never 2
    assert "web.yaml" not in shown.err and "is not one of" not in shown.err
