"""The simulated phone: an Appium-protocol server with app models as data.

    from mobile_optout.sim import SimPhone
    with SimPhone(platform=Platform.ANDROID, variants=("popups",), seed=1) as phone:
        driver = webdriver.Remote(phone.url, options=...)

See docs/simulator.md for variants, endpoints and inspection.
"""

from __future__ import annotations

from mobile_optout.sim.server import SimPhone
from mobile_optout.sim.variants import VARIANTS, list_variants

__all__ = ["VARIANTS", "SimPhone", "list_variants"]
