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

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mobile_optout.sim.variants import VARIANTS, list_variants

if TYPE_CHECKING:
    from mobile_optout.sim.server import SimPhone
    from mobile_optout.sim.site import SimSite

__all__ = ["VARIANTS", "SimPhone", "check_variants_of", "list_variants", "simulator",
           "variants_of"]

WEB = "web"  # the one platform the simulator answers with a website, not a phone


def simulator(platform: str, *, variants: Sequence[str] = (), seed: int = 0,
              latency_ms: int = 0, state_file: Path | None = None, port: int = 0,
              apps: Sequence[str] = (), cost_model: bool = False,
              locale: str = "") -> SimPhone | SimSite:
    """The simulated device for a platform, decided here only: the LinkedIn website (a
    real browser opens it) for ``web``, else a phone speaking the Appium protocol.
    ValueError for a variant it does not know."""
    if str(platform) == WEB:
        from mobile_optout.sim.site import SimSite

        return SimSite(variants=variants, seed=seed, state_file=state_file, port=port,
                       locale=locale)
    from mobile_optout.sim.server import SimPhone

    return SimPhone(platform=platform, variants=tuple(variants), seed=seed, latency_ms=latency_ms,
                    state_file=state_file, port=port, apps=apps, cost_model=cost_model,
                    locale=locale)


def variants_of(platform: str) -> Mapping[str, str]:
    """The variants the simulated device of a platform knows: name -> what it does."""
    if str(platform) == WEB:
        from mobile_optout.sim.site import WEB_VARIANTS

        return WEB_VARIANTS
    return VARIANTS


def check_variants_of(platform: str, names: Sequence[str]) -> tuple[str, ...]:
    """The names, checked against the platform's simulated device; ValueError lists them."""
    if str(platform) == WEB:
        from mobile_optout.sim.site import check_web_variants

        return tuple(check_web_variants(names))
    from mobile_optout.sim.variants import check_variants

    return check_variants(names)


def __getattr__(name: str) -> Any:
    if name == "SimPhone":
        from mobile_optout.sim.server import SimPhone

        return SimPhone
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
