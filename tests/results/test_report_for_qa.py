"""report.html as a QA lead reads it, from real runs on the simulated phones: failures first,
what went well collapsed, filters without scripts, each setting's history and drift, the
environment, links to the other reports, and where the screenshots are."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from e2e.e2e_helpers import linkedin_flow, write_flow

from mobile_optout.cli import main

ROOT = Path(__file__).resolve().parents[2]
GENAI = str(ROOT / "flows" / "linkedin")
BROKEN = linkedin_flow("broken", ios=True, rest="""\
steps:
  - launch
  - tap: "No such button"
    timeout: 0.5
""")


def _run(*args: str) -> int:
    with pytest.raises(SystemExit) as code:
        main(list(args))
    return int(code.value.code or 0)


def _html(output: Path) -> tuple[Path, str]:
    reports = output.glob("*/report.html")  # the latest run's (two may share a second)
    run_dir = max(reports, key=lambda p: p.stat().st_mtime_ns).parent
    return run_dir, (run_dir / "report.html").read_text(encoding="utf-8")


def test_a_report_of_several_devices_puts_failures_first_and_collapses_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write_flow(tmp_path, BROKEN, "broken.yaml")
    out = tmp_path / "out"
    assert _run("run", GENAI, str(broken), "-d", "sim-android", "-d", "sim-ios",
                "-o", str(out), "-q") == 1
    _, html = _html(out)
    results = re.findall(r'<details class="result result-(\w+)[^"]*" id="r\d+"( open)?>', html)
    assert [css for css, _ in results] == ["bad", "bad", "ok", "ok"]  # failures first
    assert [bool(opened) for _, opened in results] == [True, True, False, False]

    # Filters: checkboxes and CSS, by outcome, by device and by app: the catalogue name
    # (the flow's folder), one box for LinkedIn's Android and iOS flows.
    assert "<script" not in html and "script-src" not in html
    assert "default-src 'none'" in html
    for words in ("failed", "changed", "sim-android", "sim-ios", "linkedin",
                  tmp_path.name):
        assert f"> {words}</label>" in html
    assert "body:has(#fd1:not(:checked)) .d-1 { display:none; }" in html

    # The environment: tool, Appium (the simulated phone's), automation, model and OS.
    assert "mobile-optout 0.1.0" in html
    assert "<td>UIAutomator2</td>" in html and "<td>XCUITest</td>" in html
    assert "3.x-sim" in html and "Android 14" in html
    for name in ("report.json", "junit.xml", "debug.log"):
        assert f'<a href="{name}">{name}</a>' in html
    assert "Screenshots are files in <code>evidence/</code>" in html


def test_a_report_shows_each_settings_history_and_drift(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert _run("run", GENAI, "-o", str(out), "-q") == 0  # turned off, verified
    state = out / ".sim-state" / "sim-android.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    data["settings"]["generative_ai_training"] = True  # the app turned it back on
    state.write_text(json.dumps(data), encoding="utf-8")
    assert _run("check", GENAI, "-o", str(out), "-q") == 1
    _, html = _html(out)
    assert "Drift: generative_ai_training on sim-android was verified off and is now seen on" in (
        html)
    assert "Recent history of this setting on this device" in html
    history = html.split("Recent history of this setting", 1)[1].split("</table>", 1)[0]
    assert history.count("<tr><td>") == 2  # this check, and the run before it
    assert "would change" in history and "changed" in history
