"""docs/writing-flows.md, followed step by step in headless Chromium against the simulated
phone: each row of its table is a click, a locator the page must show, and a button; the
flow the page then holds is the one the page prints; that flow validates, checks and runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from mobile_optout.cli import main
from mobile_optout.sim import SimPhone
from mobile_optout.studio.server import StudioServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DOC = Path(__file__).resolve().parents[2] / "docs" / "writing-flows.md"


def walk_through() -> tuple[list[list[str]], str]:
    """The table's rows (cells without their backticks) and the flow the page prints."""
    text = DOC.read_text(encoding="utf-8")
    table = text.split("| click the box |", 1)[1].split("\n\n", 1)[0]
    rows = [[cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
            for line in table.splitlines()[2:]]
    found = re.search(r"Press \*\*Copy\*\*.*?```yaml\n(.*?)```", text, re.S)
    assert found, "the doc lost its flow"
    return rows, found.group(1)


def _invoke(*args: str) -> int:
    with pytest.raises(SystemExit) as code:
        main(list(args))
    return int(code.value.code or 0)


def test_the_walk_through_writes_a_flow_that_runs(
    studio: tuple[StudioServer, SimPhone], chrome: Any, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows, printed_flow = walk_through()
    assert len(rows) == 7
    server, _ = studio
    wait = WebDriverWait(chrome, 30)
    chrome.get(server.url)

    def look() -> int:
        return int(chrome.find_element(By.TAG_NAME, "body").get_attribute("data-look") or 0)

    wait.until(lambda _: look() >= 1)
    for click, locator, setting, press, says in rows:
        if click:
            boxes = chrome.find_elements(By.CSS_SELECTOR, f'.box[title="{click}"]')
            assert boxes, f"no box titled {click!r} on the screen"
            boxes[-1].click()  # the innermost: drawn last
            assert chrome.find_element(By.ID, "locator").get_attribute("value") == locator
        field = chrome.find_element(By.ID, "setting")
        field.clear()
        field.send_keys(setting)
        looks = look()
        chrome.find_element(By.CSS_SELECTOR, f'button[data-kind="{press}"]').click()
        wait.until(lambda _: look() > looks)  # ran, and the screen was read again  # noqa: B023
        assert chrome.find_element(By.ID, "status").text == says

    flow_text = chrome.find_element(By.ID, "yaml").get_attribute("value")
    assert flow_text == printed_flow

    flow = tmp_path / "flows" / "social-research.yaml"
    flow.parent.mkdir()
    flow.write_text(flow_text.replace("name: my-flow", "name: linkedin-social-research"),
                    encoding="utf-8")
    out = str(tmp_path / "out")
    assert _invoke("validate", str(flow)) == 0
    assert _invoke("check", str(flow), "-o", out, "-q") == 1  # would change
    assert _invoke("run", str(flow), "-o", out, "-q") == 0
    assert "CHANGED" in capsys.readouterr().out

    # Mending it later: the screen after the step on line 12, as the doc says.
    assert _invoke("inspect", "--after", f"{flow}:12") == 0
    assert '"Social, economic, and workplace research"' in capsys.readouterr().out
