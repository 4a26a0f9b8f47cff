"""What the suite-wide check in conftest.py compares: the taps a run meant, and the taps the
simulated phone saw (its event log)."""

from __future__ import annotations

from typing import Any


def tap_problems(result: Any, events: list[dict[str, Any]]) -> list[str]:
    """Taps the phone saw that the run did not mean: another element under the finger, or
    a tap the run did not record making."""
    taps = [e for e in events if e["type"] == "tap"]
    meant = list(result.taps)
    problems = []
    if len(taps) != len(meant):
        problems.append(f"the phone saw {len(taps)} taps, the run made {len(meant)}")
    for event, tap in zip(taps, meant, strict=False):
        element = event.get("element") or {}
        if tap.point is None or tap.bounds is None or "bounds" not in element:
            continue  # an element click: the phone tapped that very element
        left, top, right, bottom = element["bounds"]
        x, y, w, h = tap.bounds
        if not (x <= left and y <= top and right <= x + w and bottom <= y + h):
            said = element.get("text") or element.get("label")
            problems.append(f"meant {tap.meant} at {tap.point}, but the tap reached "
                            f"{element.get('class')} {said!r}")
    return problems


HARMFUL = {"grant": "granted a permission", "rate": "rated the app", "sign-in": "signed in",
           "keep": "kept sharing", "close": "closed the app"}


def harm_problems(events: list[dict[str, Any]]) -> list[str]:
    """Taps no run may make, whatever its flow says: a permission-granting, positive-rating,
    sign-in or keep-sharing button (the phone marks them ``harm``), or a disabled one."""
    problems = []
    for event in events:
        if event["type"] != "tap":
            continue
        element = event.get("element") or {}
        said = element.get("text") or element.get("label")
        if event.get("harm"):
            problems.append(f"tapped {said!r}: {HARMFUL.get(event['harm'], event['harm'])}")
        elif event.get("blocked") == "disabled":
            problems.append(f"tapped the disabled {said or element.get('class')!r}")
    return problems


def outlived(result: Any, deadline_s: float) -> str:
    """A run that went on past its flow's deadline (plus a poll's grace), or ""."""
    from datetime import datetime

    if not result.started_at or not result.finished_at:
        return ""
    took = (datetime.fromisoformat(result.finished_at)
            - datetime.fromisoformat(result.started_at)).total_seconds()
    return f"ran {took:.0f}s, past its deadline of {deadline_s:g}s" if took > deadline_s + 5 \
        else ""
