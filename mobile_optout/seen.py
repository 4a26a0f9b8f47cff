"""Switches seen on a screen: what a run records of every settings page it passes, and what
``scan`` lists (``mobile_optout.scan``).

Rules:
- A switch is any checkable control shown on screen that is not a radio button (Android
  ``checkable``, an iOS switch, a web ``switch``/``checkbox``).
- Its label comes from the row rule (``Screen.label_of_switch``): its own text, else the
  one text in its row no other switch could claim; "" when none can be told.
- A run looks only at screens it read anyway (``Device``'s ``on_screen``): recording them
  costs no command. Each (page, label) is kept once, with the state it showed last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mobile_optout.locate import Node, Screen
from mobile_optout.values import on_off


def is_switch(screen: Screen, node: Node) -> bool:
    """A switch-like control shown on screen (checkable, not a radio button)."""
    radio = "radio" in node.cls.casefold() or node.role == "radio"
    return node.checkable and not radio and screen.on_screen(node) and bool(
        node.bounds is None or node.bounds.height > 0)


def label_of(screen: Screen, node: Node) -> str:
    label = screen.label_of_switch(node)
    return " ".join(label.texts[0].split()) if label is not None and label.texts else ""


def switches(screen: Screen) -> list[tuple[str, Node]]:
    """(label, switch) for every switch on screen, in drawing order."""
    return [(label_of(screen, n), n) for n in screen.nodes if is_switch(screen, n)]


class SeenLog:
    """The switches a run saw, by the page (the step) it was on."""

    def __init__(self, redact: Callable[[str], str] = lambda text: text) -> None:
        self._seen: dict[tuple[str, str], dict[str, Any]] = {}
        self._redact = redact
        self.page = ""

    def look(self, screen: Screen) -> None:
        for label, node in switches(screen):
            key = (self.page, label)
            self._seen.pop(key, None)  # the latest reading, in the order last seen
            self._seen[key] = {"page": self._redact(self.page), "label": self._redact(label),
                               "state": on_off(node.checked) if node.checked is not None
                               else None}

    def entries(self) -> list[dict[str, Any]]:
        return list(self._seen.values())
