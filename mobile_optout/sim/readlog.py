"""Which screen states the phone's tree was read on: the check behind "one tree read per
screen state" (bench/run.py reads it from GET /sim/state ``tree_reads``).

A tree read is a page source or an XPath find (both walk the whole accessibility tree).
The screen state is what that read returns (a digest of the page's XML). A read is a
**repeat** when the previous tree read saw the very same state and no action (a tap, a
gesture, a back, an app command) was sent in between: everything it could tell had
already been read. A read after an action is never a repeat (the runner cannot know the
action changed nothing without looking).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from mobile_optout.sim.costs import APP, BACK, GESTURE, SOURCE, TAP, XPATH

ACTIONS = frozenset({TAP, GESTURE, BACK, APP})


@dataclass
class ReadLog:
    """Tree reads counted per screen state, for every session of one phone."""

    total: int = 0
    repeats: int = 0
    states: set[str] = field(default_factory=set)
    _last: str | None = None  # the state the last tree read saw, until an action

    def command(self, kind: str, page_xml: str | None) -> None:
        """One command of ``kind``; ``page_xml`` is what a tree read returns (else None)."""
        if kind in ACTIONS:
            self._last = None
            return
        if kind not in (SOURCE, XPATH) or page_xml is None:
            return
        digest = hashlib.blake2b(page_xml.encode(), digest_size=8).hexdigest()
        self.total += 1
        self.states.add(digest)
        if digest == self._last:
            self.repeats += 1
        self._last = digest

    def summary(self) -> dict[str, int]:
        return {"total": self.total, "states": len(self.states), "repeats": self.repeats}
