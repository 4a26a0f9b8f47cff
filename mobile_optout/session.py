"""A device profile -> an open session: the one place that turns a ``DeviceProfile`` into
``driver.connect(...)`` arguments (platform, app, capabilities, settings, HTTP timeout,
browser, the doctor command that checks the device).

Everything above the seam that opens a session (the runner, ``inspect``, the pytest
plugin's ``mo_device``, ``apps``' installed column) comes through here, so no caller can
drop the device's settings or its browser.
"""

from __future__ import annotations

from collections.abc import Iterable

from mobile_optout.devices import DeviceProfile
from mobile_optout.driver import AppiumDriver, apps_present, connect
from mobile_optout.flow.model import AppId


def doctor_command(profile: DeviceProfile) -> str:
    """The doctor command that checks this very device (or the ad-hoc --server)."""
    if profile.where.path == "--server":
        return f"mobile-optout doctor --server {profile.endpoint} --platform {profile.platform}"
    return f"mobile-optout doctor --device {profile.name}"


def open_session(url: str, profile: DeviceProfile, app: AppId | None, *,
                 launch: bool = True) -> AppiumDriver:
    """A session on ``profile`` at ``url`` (its server, a grid, or the simulated phone).
    ``app`` None: the screen as it is. ``launch=False``: the runner launches the app itself
    (see ``driver.build_options``)."""
    return connect(url, profile.platform, app, capabilities=profile.capabilities,
                   settings=profile.settings, timeout=profile.http_timeout,
                   doctor=doctor_command(profile), browser=profile.web, launch=launch)


def installed_apps(url: str, profile: DeviceProfile, apps: Iterable[AppId | None]
                   ) -> set[AppId]:
    """Which of the apps are on the device, asked in one session (``driver.apps_present``)."""
    return apps_present(url, profile.platform, (a for a in apps if a is not None),
                        capabilities=profile.capabilities, timeout=profile.http_timeout)
