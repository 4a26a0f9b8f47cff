"""The simulated phone's real-app twists (shared/reference/real-apps.md): prompts that
come at every stage, sessions that expire, swipes swallowed while a page settles.

Each twist is a variant (``sim/variants.py``); the screens and prompts themselves are
data in the app file, this only says *when* they come:
- ``rating-prompts``: a rating prompt, in several wordings, after every forward screen
  change and after every save;
- ``permission-prompts``: the OS asks for notifications (Android 13's permission
  controller; iOS SpringBoard), and on iOS for contacts, on the first screens;
- ``anr``: Android's "isn't responding" window on the second screen (iOS has none);
- ``session-expires`` / ``welcome-back``: a sign-in page instead of the setting's page,
  or a "Welcome back" page instead of Settings (or of the setting's page when reached
  straight by its link); ``session-expires-on-tap`` is in the engine (the switch's tap);
- ``swallowed-swipes``: a swipe this soon after a screen arrives moves nothing.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from mobile_optout.flow.model import Platform

RATINGS = ("rate", "rate_2", "rate_3", "rate_4")
SWALLOW_SECONDS = 1.2
PERMISSIONS = {Platform.ANDROID: ("notify_permission",),
               Platform.IOS: ("ios_notify", "ios_contacts")}


class Twists:
    def __init__(self, variants: tuple[str, ...], seed: int) -> None:
        self.variants = variants
        self._ratings = random.Random(f"{seed}:ratings").randrange(len(RATINGS))
        self._expired = False

    def _rating(self) -> str:
        self._ratings += 1
        return RATINGS[self._ratings % len(RATINGS)]

    def prompt_at(self, transition: int, platform: Platform) -> str | None:
        """The prompt that comes with this forward screen change, if any."""
        if "permission-prompts" in self.variants:
            asks = PERMISSIONS.get(platform, ())
            if transition < len(asks):
                return asks[transition]
        if "anr" in self.variants and transition == 1 and platform is Platform.ANDROID:
            return "anr"
        if "rating-prompts" in self.variants:
            return self._rating()
        return None

    def after_save(self, platform: Platform) -> str | None:
        """The prompt that comes after a save, if any."""
        return self._rating() if "rating-prompts" in self.variants else None

    def instead_of(self, screen: str, screens: Mapping[str, object]) -> str:
        """The screen shown instead of ``screen`` (a session that expired on the way)."""
        if "session-expires" in self.variants and screen == "genai" and "sign_in" in screens:
            return "sign_in"
        if "welcome-back" in self.variants and not self._expired and screen in (
                "settings", "genai") and "welcome_back" in screens:
            self._expired = True
            return "welcome_back"
        if "welcome-back" in self.variants and self._expired and "welcome_back" in screens:
            return "welcome_back"  # it stays expired
        return screen

    def swallows(self, since_arrival: float) -> bool:
        return "swallowed-swipes" in self.variants and since_arrival < SWALLOW_SECONDS
