"""The corpus of real page sources (tests/data/real_screens) and its hand-written ground
truth, shared by the real-screen tests and ``bench``-style scoring."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from mobile_optout.flow.model import Platform
from mobile_optout.values import Rect

DATA = Path(__file__).resolve().parents[1] / "data" / "real_screens"
_ANDROID = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")


@dataclass(frozen=True)
class Case:
    """One label on one real screen: the switch it names (None: it names none)."""

    file: str
    platform: Platform
    label: str
    switch: Rect | None
    checked: bool | None
    kind: str  # "control", "none" or "offscreen"

    @property
    def path(self) -> Path:
        return DATA / self.file

    @property
    def id(self) -> str:
        return f"{self.file.removesuffix('.xml')}:{self.label}"


def rect(text: str, platform: Platform) -> Rect:
    if platform is Platform.ANDROID:
        m = _ANDROID.fullmatch(text)
        assert m, text
        left, top, right, bottom = (int(g) for g in m.groups())
        return Rect(left, top, right - left, bottom - top)
    x, y, w, h = (int(v) for v in text.split(","))
    return Rect(x, y, w, h)


def cases() -> list[Case]:
    truth = yaml.safe_load((DATA / "ground_truth.yaml").read_text(encoding="utf-8"))
    out: list[Case] = []
    for screen in truth["screens"]:
        platform = Platform(screen["platform"])
        for c in screen.get("controls", []):
            out.append(Case(screen["file"], platform, c["label"], rect(c["switch"], platform),
                            c["checked"], "control"))
        for kind in ("none", "offscreen"):
            out.extend(Case(screen["file"], platform, label, None, None, kind)
                       for label in screen.get(kind, []))
    return out
