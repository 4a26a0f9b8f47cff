"""The studio's steps on both simulated phones, without a browser: what a step adds to the
flow, what a failure says, and that ensure_setting only reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobile_optout.devices import DeviceProfile, Timeouts
from mobile_optout.errors import Where
from mobile_optout.flow.model import AppId, Platform
from mobile_optout.sim import SimPhone
from mobile_optout.sim.model import app_id
from mobile_optout.studio import Studio

ROUTE = ("My Profile and Communities", "Settings", "Data privacy",
         "Data for Generative AI Improvement")


@pytest.mark.parametrize("platform", [Platform.ANDROID, Platform.IOS])
def test_steps_build_a_flow_and_ensure_setting_only_reads(
    platform: Platform, tmp_path: Path
) -> None:
    with SimPhone(platform=platform) as phone:
        profile = DeviceProfile(name=f"sim-{platform}", platform=platform,
                                where=Where("test", 0), server=phone.url,
                                timeouts=Timeouts(step=1.0, poll=0.05))
        app = AppId(platform, app_id("linkedin", platform.value))
        studio = Studio(profile, phone.url, app, tmp_path, {})
        try:
            assert studio.step("launch")["ok"]
            for text in ROUTE:
                element = next(e for e in studio.look()["elements"] if e["says"] == text)
                done = studio.step("tap", element["locator"])
                assert done["ok"], done
            assert phone.state()["screen"] == "genai"

            missing = studio.step("tap", '"Use my data for trainign"')
            assert not missing["ok"]
            assert missing["message"].startswith("my-flow.yaml:")
            assert "did not appear within 1s" in missing["message"]
            assert "'Use my data for training content creation AI models'" in (
                missing["message"])

            toggle = next(e for e in studio.look()["elements"] if e["checkable"])
            taps = phone.state()["taps"]
            read = studio.step("ensure_setting", toggle["locator"], "generative_ai_training")
            assert read["ok"] and "would turn it off" in read["message"]
            assert phone.state()["taps"] == taps  # check mode: nothing tapped
            assert phone.state()["settings"]["generative_ai_training"] is True

            flow = studio.flow_yaml()
            assert flow.count("\n  - ") == 1 + len(ROUTE) + 1  # launch, taps, ensure_setting
            assert "trainign" not in flow  # a failed step is not added
            assert "settings:\n  generative_ai_training: {desired: off}\n" in flow
        finally:
            studio.close()


def test_bad_input_is_said_not_run(tmp_path: Path) -> None:
    with SimPhone(platform=Platform.ANDROID) as phone:
        profile = DeviceProfile(name="sim", platform=Platform.ANDROID, where=Where("t", 0),
                                server=phone.url)
        studio = Studio(profile, phone.url, None, tmp_path, {})
        try:
            assert "needs a locator" in studio.step("tap", "")["message"]
            assert "setting id" in studio.step("ensure_setting", '"x"', "Not An Id")["message"]
            assert "--app" in studio.step("launch")["message"]
            bad = studio.step("tap", "{text: }")
            assert not bad["ok"] and bad["message"].startswith("my-flow.yaml:7:")
            assert phone.state()["taps"] == 0
        finally:
            studio.close()


def test_a_lost_session_is_said_and_the_next_look_opens_a_new_one(tmp_path: Path) -> None:
    from mobile_optout.errors import SessionLost

    with SimPhone(platform=Platform.ANDROID, variants=("crash",)) as phone:
        profile = DeviceProfile(name="sim", platform=Platform.ANDROID, where=Where("t", 0),
                                server=phone.url)
        app = AppId(Platform.ANDROID, app_id("linkedin", "android"))
        studio = Studio(profile, phone.url, app, tmp_path, {})
        try:
            lost = 0
            for _ in range(40):  # the phone drops its session once, mid-way
                try:
                    studio.look()
                except SessionLost:
                    lost += 1
            assert lost == 1
            assert studio.look()["elements"]  # and the studio carries on
        finally:
            studio.close()
