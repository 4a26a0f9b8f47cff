"""The benchmark harness still runs (bench/run.py is not part of the suite; its pieces are,
on a fast phone): the hand-written script and the runner both turn the setting off."""

from __future__ import annotations

import sys
from pathlib import Path

from mobile_optout.sim import SimPhone

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import handwritten
import run as bench


def test_the_hand_written_script_and_the_runner_both_opt_out() -> None:
    with SimPhone(platform="android") as phone:
        assert handwritten.opt_out(phone.url, hold_s=0.01)
        assert phone.state()["settings"]["generative_ai_training"] is False
    with SimPhone(platform="android") as phone:
        sample = bench.runner(phone.url)
        assert phone.state()["settings"]["generative_ai_training"] is False
    assert [r.outcome for r in sample.results] == ["changed"]
