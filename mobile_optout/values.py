"""Value types several layers share, at the bottom of the import graph.

Imports nothing of the tool's own but ``errors``: the driver seam, the locator, the devices
file and the results all use these without importing one another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit, urlunsplit

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def fold(text: str, *, keep_case: bool = False) -> str:
    """Text as every matching rule compares it (locators, denylist, look-alikes, prompts'
    buttons): runs of whitespace (no-break spaces too) as one space, the ends trimmed,
    typographic apostrophes as plain ones ("Don\\u2019t" is "Don't"), and the case
    folded unless ``keep_case``."""
    squashed = " ".join(text.translate(_APOSTROPHES).split())
    return squashed if keep_case else squashed.casefold()


def resembles(text: str, words: Iterable[str]) -> bool:
    """Whether ``text`` contains any of ``words``, folded (blank words are ignored)."""
    folded = fold(text)
    return any(fold(w) in folded for w in words if w.strip())


class Mode(StrEnum):
    """What a run may do: ``apply`` taps settings to their desired state; ``check`` only
    reads them (a read-only audit)."""

    APPLY = "apply"
    CHECK = "check"


@dataclass(frozen=True, slots=True)
class Rect:
    """An element's frame on screen, in device pixels (points on iOS)."""

    x: int
    y: int
    width: int
    height: int

    @property
    def center(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2

    def contains(self, x: int, y: int) -> bool:
        """Whether the point lies in the frame (its left and top edges in, not the right
        and bottom ones)."""
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height


DEFAULT_BASE_URL = "https://www.linkedin.com"


@dataclass(frozen=True, slots=True)
class Browser:
    """How a web device reaches its site: ``name`` (chromium, chrome) a browser started
    here, or None for a browser behind a server; ``base_url`` the site flows' paths are
    joined to; ``headless``; ``profile_dir`` a browser profile folder (signed in)."""

    base_url: str = DEFAULT_BASE_URL
    name: str | None = None
    headless: bool | None = None  # None: headless only where there is no display
    profile_dir: str | None = None


def redact_url(url: str) -> str:
    """``https://user:key@hub.example/wd/hub`` -> ``https://hub.example/wd/hub``."""
    parts = urlsplit(url)
    if not parts.username and not parts.password:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def on_off(state: bool | str | None) -> str:
    """A setting's state as every report and message spells it: on, off or unknown, or the
    name of a choice's selected option."""
    if isinstance(state, str):
        return state
    return "unknown" if state is None else ("on" if state else "off")


@dataclass(slots=True)
class TapRecord:
    """One tap the runner made: what it meant to tap, and where (evidence of what was
    tapped; the simulated phone's event log is checked against it)."""

    meant: str  # the element's description
    bounds: list[int] | None = None  # [x, y, width, height] of the element meant
    point: list[int] | None = None  # where the finger went; None for an element click
