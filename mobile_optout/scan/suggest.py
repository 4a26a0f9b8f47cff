"""From a flagged switch to a flow: ``scan --suggest`` writes one, ready to save and run.

Rules:
- The route is the declaring flow's own: the privacy page's steps and anchor as written
  (with the flow's params, secrets, interrupts, blockers, identity, loading, allow_taps),
  then a tap on the row that opened the sub-page, then ``ensure_setting`` with the
  switch's locator. Both locators are the ones ``inspect`` suggests: each found exactly
  that element on the screen the scan read (``switch_for`` its label, by the row rule).
- The setting's private state is off (the switch looked like AI training or data sharing).
- Includes stay relative to the declaring flow's folder: save the flow there (the header
  says where). ``mobile-optout validate`` accepts it as it is.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from mobile_optout.scan.model import SwitchSeen

COPIED = ("params", "secrets", "allow_taps", "identity", "interrupts", "blockers", "loading",
          "settle")


def _slug(text: str, sep: str, words: int = 6) -> str:
    parts = re.findall(r"[a-z0-9]+", text.casefold())[:words]
    return sep.join(parts) or "switch"


def suggested_name(seen: SwitchSeen) -> str:
    return f"{seen.app}-{_slug(seen.label, '-')}-{seen.platform}"


def suggest_flow(seen: SwitchSeen) -> str:
    """The YAML text of a flow that turns ``seen`` off and reads it back."""
    declared = Path(seen.declared_by)
    raw = yaml.safe_load(declared.read_text(encoding="utf-8"))
    page_name = seen.via or seen.page
    page = next(p for p in raw.get("privacy_pages", [])
                if str(p.get("name", "")).casefold() == page_name.casefold())
    setting = _slug(seen.label, "_", 5)
    if not setting[0].isalpha():
        setting = "s_" + setting
    steps: list[Any] = [*page["steps"],
                        {"wait_for": page["anchor"], "label": f"{page_name} page is open",
                         "timeout": 20}]
    if seen.via:
        row = yaml.safe_load(seen.row_locator)
        steps += [{"scroll_until_visible": {"target": row, "max_scrolls": 8},
                   "label": f"Find {seen.page!r}"},
                  {"tap": row, "label": seen.page, "timeout": 20}]
    steps.append({"ensure_setting": {"setting": setting,
                                     "toggle": yaml.safe_load(seen.locator)},
                  "label": seen.label})
    flow: dict[str, Any] = {
        "mobile-optout": "flow",
        "name": suggested_name(seen),
        "description": f'Turns off "{seen.label}" ({seen.page}), found by mobile-optout scan, '
                       "and reads it back.",
        "platforms": [seen.platform],
        "app": {seen.platform: raw["app"][seen.platform]},
        "tags": [re.sub(r"[^a-z0-9_]", "_", seen.app) if seen.app[0].isalpha() else "app",
                 "privacy", "found_by_scan"],
        "catalogue": {"app": seen.app},
        "settings": {setting: {"desired": False, "title": seen.label}},
        **{k: raw[k] for k in COPIED if k in raw},
        "steps": steps,
    }
    body = yaml.safe_dump(flow, sort_keys=False, allow_unicode=True, width=100)
    body = body.replace("desired: false", "desired: off")
    where = f"{page_name} > {seen.page}" if seen.via else seen.page
    header = (
        f"# Found by `mobile-optout scan`: \"{seen.label}\" on {where} ({seen.app}, "
        f"{seen.platform}), {seen.seen_note()}.\n"
        f"# Save it as {declared.parent / (suggested_name(seen) + '.yaml')} (its includes "
        f"are relative to that folder),\n# then: mobile-optout validate FILE; "
        f"mobile-optout run FILE\n")
    return header + body
