"""The simulated phone: an Appium-protocol server with app models as data.

    from mobile_optout.sim import SimPhone
    with SimPhone(platform=Platform.ANDROID, variants=("popups",), seed=1) as phone:
        driver = webdriver.Remote(phone.url, options=...)

A phone hosts every built-in app (``sim/apps/*.yaml``) unless told which: ``apps=[...]``
takes built-in names and app files. Adding an app is a YAML file (sim/appfile.py has the
format). See docs/simulator.md for variants, endpoints and inspection.

Importing this package is cheap: the server (and the renderer) load on first use, so that
reading a devices file or an app file does not start them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mobile_optout.sim.variants import VARIANTS, list_variants

if TYPE_CHECKING:
    from mobile_optout.sim.server import SimPhone

__all__ = ["VARIANTS", "SimPhone", "list_variants"]


def __getattr__(name: str) -> Any:
    if name == "SimPhone":
        from mobile_optout.sim.server import SimPhone

        return SimPhone
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
