"""The benchmark harness still runs (bench/run.py is not part of the suite; its pieces are,
on a fast phone): both hand-written scripts and the runner turn the setting off, and the
phone counts tree reads per screen state the way the benchmark reads them."""

from __future__ import annotations

import sys
from pathlib import Path

from appium import webdriver
from appium.options.android import UiAutomator2Options

from mobile_optout.sim import SimPhone

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import handwritten
import run as bench


def test_the_hand_written_scripts_and_the_runner_both_opt_out() -> None:
    with SimPhone(platform="android") as phone:
        assert handwritten.opt_out(phone.url, hold_s=0.01)
        assert phone.state()["settings"]["generative_ai_training"] is False
    with SimPhone(platform="android") as phone:
        assert handwritten.opt_out_proven(phone.url, hold_s=0.01)
        state = phone.state()
        assert state["settings"]["generative_ai_training"] is False
        assert state["commands"]["back"] == 1  # the proof: back, the row again, a read
        assert state["tree_reads"] == {"total": 0, "states": 0, "repeats": 0}
    with SimPhone(platform="android") as phone:
        sample = bench.runner(phone.url)
        assert phone.state()["settings"]["generative_ai_training"] is False
    assert [r.outcome for r in sample.results] == ["changed"]


def test_the_phone_counts_a_second_read_of_the_same_screen_as_a_repeat() -> None:
    with SimPhone(platform="android") as phone:
        options = UiAutomator2Options()
        options.app_package = handwritten.PACKAGE
        driver = webdriver.Remote(phone.url, options=options)
        try:
            first = driver.page_source
            again = driver.page_source  # nothing happened in between: already read
            driver.back()
            after = driver.page_source  # after an action: a new look
        finally:
            driver.quit()
        reads = phone.state()["tree_reads"]
    assert first == again != after
    assert reads["total"] == 3
    assert reads["repeats"] == 1
