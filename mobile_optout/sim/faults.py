"""Seeded misbehaviour: flaky commands, a crash, popups, slow screens.

Every random choice comes from a ``random.Random`` seeded with the phone's seed and the
session's ordinal (1st, 2nd... session on this phone), so a failing run replays exactly
when the same commands are sent again.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fault:
    status: int
    error: str
    message: str


class Faults:
    """The fault plan of one session."""

    def __init__(self, variants: tuple[str, ...], seed: int, ordinal: int) -> None:
        self.variants = variants
        base = f"{seed}:{ordinal}"
        self._flaky = random.Random(f"{base}:flaky")
        self._slow = random.Random(f"{base}:slow")
        popups = random.Random(f"{base}:popups")
        first = popups.choice([1, 2])
        second = first + popups.choice([1, 2])
        order = ["notifications", "rate"]
        popups.shuffle(order)
        self.popups = {first: order[0], second: order[1]} if "popups" in variants else {}
        crash = random.Random(f"{seed}:crash")
        self.crash_at = crash.randint(12, 18) if "crash" in variants else None

    def command_fault(self, element_command: bool) -> Fault | None:
        """For the ``flaky`` variant: about one command in ten fails, transiently."""
        if "flaky" not in self.variants or self._flaky.random() >= 0.10:
            return None
        if element_command and self._flaky.random() < 0.5:
            return Fault(404, "stale element reference",
                         "The element is not linked to the same object in DOM anymore "
                         "(simulated flaky device)")
        return Fault(500, "unknown error",
                     "An unknown server-side error occurred while processing the command "
                     "(simulated flaky device)")

    def loading_seconds(self) -> float:
        """For the ``slow`` variant: how long a new screen shows only a spinner."""
        if "slow" not in self.variants:
            return 0.0
        return self._slow.uniform(0.5, 3.0)

    def popup_at(self, transition: int) -> str | None:
        """For the ``popups`` variant: the dialog that interrupts this transition, if any."""
        return self.popups.get(transition)
