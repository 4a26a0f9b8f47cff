"""What a scan saw: every switch on the privacy pages, each page's reading, and the verdict.

Rules:
- A switch is *covered* when a flow for the same app and platform targets it: that flow's
  ``ensure_setting`` toggle locator finds this very switch on the screen it was seen on.
- A switch is *flagged* when no flow covers it and its label, or the page holding it,
  resembles AI training or data sharing (``mobile_optout.scan.words``).
- A page counts as read only when it was reached (its anchor showed) and its switches read
  the same twice, a settle window apart, with nothing loading; anything less is reported
  as such and never gives an all-clear.
- The exit code comes from ``results.record.verdict`` (a flagged switch that is on: 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mobile_optout.results.record import Outcome, verdict
from mobile_optout.values import on_off


@dataclass(slots=True)
class SwitchSeen:
    """One switch-like control on a page."""

    app: str
    platform: str
    device: str
    page: str  # the page that holds it: a declared privacy page or a row opened from it
    label: str  # by the row rule (Screen.label_of_switch); "" when none can be told
    state: bool | None
    via: str = ""  # the declared privacy page it was reached from ("" when it is that page)
    covered_by: str = ""  # the flow that targets it
    resembles: str = ""  # the word that makes it look like AI training or data sharing
    locator: str = ""  # a locator that finds exactly it (as `inspect` suggests)
    row_locator: str = ""  # on ``via``: the row that opens ``page`` (as `inspect` suggests)
    first_seen: str = ""  # when history first saw it (this scan, when new)
    new: bool = True  # not in history before this scan
    declared_by: str = ""  # the flow file that declares ``via`` (or ``page``)

    @property
    def flagged(self) -> bool:
        return not self.covered_by and bool(self.resembles)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.app, self.platform, self.label)

    def seen_note(self) -> str:
        """"new since <date>" or "seen before" (the first time history saw it)."""
        day = self.first_seen[:10]
        return f"new since {day}" if self.new else f"seen before (first {day})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"state": on_off(self.state) if self.state is not None else None,
                               "flagged": self.flagged, "seen": self.seen_note()}


@dataclass(slots=True)
class PageRead:
    """One declared privacy page on one device: reached and read settled, or why not."""

    app: str
    platform: str
    device: str
    page: str
    outcome: Outcome = Outcome.ALREADY_SET  # read: as good as "nothing to change"
    problem: str = ""
    opened: list[str] = field(default_factory=list)  # the rows with a status it opened
    notes: list[str] = field(default_factory=list)  # rows not opened, and why (denylist...)

    @property
    def read(self) -> bool:
        return self.outcome is Outcome.ALREADY_SET

    def to_dict(self) -> dict[str, Any]:
        return {"app": self.app, "platform": self.platform, "device": self.device,
                "page": self.page, "read": self.read,
                "outcome": "read" if self.read else self.outcome.value,
                "problem": self.problem, "opened": list(self.opened),
                "notes": list(self.notes)}


@dataclass(slots=True)
class ScanReport:
    scan_id: str
    started_at: str
    switches: list[SwitchSeen] = field(default_factory=list)
    pages: list[PageRead] = field(default_factory=list)
    interrupted: str = ""

    @property
    def flagged(self) -> list[SwitchSeen]:
        return [s for s in self.switches if s.flagged]

    @property
    def exit_code(self) -> int:
        return verdict((p.outcome for p in self.pages), interrupted=self.interrupted,
                       flagged_on=any(s.state is not False for s in self.flagged))

    def to_dict(self) -> dict[str, Any]:
        return {"scan_id": self.scan_id, "started_at": self.started_at,
                "exit_code": self.exit_code, "pages": [p.to_dict() for p in self.pages],
                "switches": [s.to_dict() for s in self.switches],
                "flagged": [s.to_dict() for s in self.flagged]}
