"""report.html in a real browser (headless Chromium): it renders, shows the evidence,
and runs none of the hostile text it displays."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from needs import missing_tool
from PIL import Image

from mobile_optout.results import finish_run
from mobile_optout.results.record import RunRecord

pytestmark = pytest.mark.browser

MakeRun = Callable[..., tuple[RunRecord, Path]]
HEADER_BLUE = (10, 102, 194)  # the title bar of the fake phone screenshots


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    missing_tool("no chromium on PATH (bash scripts/setup --test installs it)")
    raise AssertionError("unreachable: missing_tool fails or skips")


def _chrome(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'chrome-profile'}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_report_renders_with_its_screenshots(make_run: MakeRun, tmp_path: Path) -> None:
    run, run_dir = make_run()
    html = finish_run(run, run_dir)["html"]
    shot = tmp_path / "report.png"
    done = _chrome(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", html.as_uri())
    assert shot.is_file(), done.stderr[-2000:]
    with Image.open(shot) as img:
        assert img.size == (1280, 2000)
        colours = img.convert("RGB").getcolors(maxcolors=1_000_000) or []
    blue = sum(n for n, c in colours if c == HEADER_BLUE)
    assert blue > 1000, "the before/after screenshots did not load in the report"


def test_hostile_text_does_not_run(make_run: MakeRun, tmp_path: Path) -> None:
    run, run_dir = make_run()
    html = finish_run(run, run_dir)["html"]
    done = _chrome(tmp_path, "--dump-dom", "--virtual-time-budget=2000", html.as_uri())
    dom = done.stdout
    assert f"<title>mobile-optout report {run.run_id}</title>" in dom, done.stderr[-2000:]
    assert "PWNED" in dom  # the hostile text is on the page, as text
    assert "<script" not in dom
    assert '<img src="x"' not in dom


def test_filters_hide_results_by_outcome_and_device_without_a_script(
    make_run: MakeRun, chrome: Any
) -> None:
    from selenium.webdriver.common.by import By

    run, run_dir = make_run()
    chrome.get(finish_run(run, run_dir)["html"].as_uri())

    def shown(css: str) -> list[str]:
        return [e.get_attribute("id") for e in chrome.find_elements(By.CSS_SELECTOR, css)
                if e.is_displayed()]

    every = shown("details.result")
    assert len(every) == 5
    assert shown("details.result[open]") == shown("details.result-bad, details.result-err, "
                                                  "details.result-warn")
    chrome.find_element(By.XPATH, '//label[contains(., "changed")]').click()
    assert "r1" not in shown("details.result")  # pixel-7's changed result
    assert len(shown("details.result")) == 4
    chrome.find_element(By.XPATH, '//label[contains(., "iphone-15")]').click()
    assert len(shown("details.result")) == 3
    assert not [r for r in chrome.find_elements(By.CSS_SELECTOR, "table.summary tbody tr")
                if r.is_displayed() and "iphone-15" in r.text]
