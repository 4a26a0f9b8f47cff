"""Where the signed-in member's own name shows, so that it is redacted from what is stored.

A flow says where with ``identity:`` (locators; a regex with a group names just that part).
A flow that says nothing still gets the places most apps use, ``COMMON``: an image whose
accessibility text is "<name> profile picture/photo" or "Profile picture of <name>", and a
"Signed in as <name>" line. ``validate`` warns for a flow without ``identity:``, since
an app may show the name elsewhere.
"""

from __future__ import annotations

from mobile_optout.errors import Where
from mobile_optout.flow.model import Flow, Locator, TextMatch

_HERE = Where("<built-in identity>", 0, 0)

COMMON: tuple[Locator, ...] = tuple(
    Locator(_HERE, text=TextMatch("regex", pattern)) for pattern in (
        r"^(.+?)(?:'s)? profile (?:picture|photo|image)$",
        r"^(?:profile (?:picture|photo|image) (?:of|for)) (.+)$",
        r"^(?:signed in as|logged in as) (.+)$",
    )
)


def in_effect(flow: Flow) -> tuple[Locator, ...]:
    """The flow's own identity locators, else the common places."""
    return flow.identity or COMMON
