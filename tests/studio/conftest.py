"""The studio serving the simulated Android phone, for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mobile_optout.devices import DeviceProfile
from mobile_optout.errors import Where
from mobile_optout.flow.model import AppId, Platform
from mobile_optout.sim import SimPhone
from mobile_optout.sim.model import app_id
from mobile_optout.studio import Studio
from mobile_optout.studio.server import StudioServer


@pytest.fixture
def studio(tmp_path: Path) -> Iterator[tuple[StudioServer, SimPhone]]:
    """(the studio's web server, the phone it drives): LinkedIn on a fresh Android phone."""
    with SimPhone(platform=Platform.ANDROID) as phone:
        profile = DeviceProfile(name="sim-android", platform=Platform.ANDROID,
                                where=Where("test", 0), server=phone.url)
        app = AppId(Platform.ANDROID, app_id("linkedin", "android"))
        work = tmp_path / "studio"
        work.mkdir()
        with StudioServer(Studio(profile, phone.url, app, work, {})) as server:
            yield server, phone
