"""The studio on any Appium server: the real Appium 3 server with its fake driver."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mobile_optout.devices import DeviceProfile, Timeouts
from mobile_optout.errors import Where
from mobile_optout.flow.model import AppId, Platform
from mobile_optout.studio import Studio

pytestmark = pytest.mark.appium


def test_the_studio_reads_and_drives_a_real_appium_server(
    appium_server: Any, fake_app_caps: Callable[..., dict[str, Any]], tmp_path: Path
) -> None:
    profile = DeviceProfile(name="fake", platform=Platform.ANDROID, where=Where("test", 0),
                            server=appium_server.url, capabilities=fake_app_caps(),
                            timeouts=Timeouts(step=1.0))
    studio = Studio(profile, appium_server.url, AppId(Platform.ANDROID, "io.appium.fake"),
                    tmp_path, {})
    try:
        screen = studio.look()
        assert studio.screenshot.startswith(b"\x89PNG")
        title = next(e for e in screen["elements"]
                     if e["says"] == "Data for Generative AI Improvement")
        done = studio.step("wait_for", title["locator"])
        assert done["ok"], done
        assert done["flow"].endswith(f"  - wait_for: {title['locator']}\n")
        missing = studio.step("ensure_setting", '{switch_for: "No such label"}', "x_y")
        assert not missing["ok"] and "my-flow.yaml" in missing["message"]
    finally:
        studio.close()
