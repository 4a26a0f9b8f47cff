"""``privacy_pages:`` in a flow: the pages ``mobile-optout scan`` reads (mobile_optout.scan).

    privacy_pages:
      - name: Data privacy                 # how reports name the page
        steps:                             # from a launch to the page: navigation only
          - launch
          - include: ../linkedin/parts/to-settings.yaml
          - tap: {text: {regex: "^data privacy$"}}
        anchor: {text: "How LinkedIn uses your data"}   # shows once the page is open

Rules: the steps are ordinary steps (includes, ``when``, params), but never an
``ensure_setting``: reaching a page to read it changes nothing. Names are unique in a flow.
"""

from __future__ import annotations

from typing import Any

from mobile_optout.flow.model import EnsureSetting, Group, PrivacyPage, Step
from mobile_optout.located import RawMap, RawSeq, describe

PAGE_KEYS = ("name", "steps", "anchor")


def has_ensure(steps: tuple[Step, ...]) -> bool:
    """Whether any of the steps (inside groups and includes too) sets something."""
    return any(isinstance(s, EnsureSetting) or (isinstance(s, Group) and has_ensure(s.steps))
               for s in steps)


def build_privacy_pages(c: Any, f: Any, m: RawMap) -> tuple[PrivacyPage, ...]:
    """The flow's ``privacy_pages:`` (every problem recorded on the compiler ``c``, a
    ``flow.compile.Compiler`` reading the file ``f``; not imported: compile is above)."""
    node = m.get("privacy_pages")
    if node is None:
        return ()
    if not isinstance(node, RawSeq) or not node.items:
        c.err(f, node.where, f"privacy_pages must be a list of pages, not {describe(node)}")
        return ()
    pages: list[PrivacyPage] = []
    for item in node.items:
        pm = c.mapping(f, item, "a privacy page")
        if pm is None:
            continue
        c.keys(f, pm, PAGE_KEYS, "a privacy page")
        name_node = c.required(f, pm, "name", "a privacy page")
        anchor_node = c.required(f, pm, "anchor", "a privacy page")
        steps_node = c.required(f, pm, "steps", "a privacy page")
        name = c.text(f, name_node, "privacy page name") if name_node is not None else None
        anchor = c.locator(f, anchor_node, "privacy page anchor") if anchor_node else None
        uses = len(c.setting_uses)
        steps = c.steps(f, steps_node, "privacy page steps") if steps_node is not None else ()
        if has_ensure(steps) or len(c.setting_uses) != uses:
            del c.setting_uses[uses:]
            assert steps_node is not None
            c.err(f, steps_node.where, "a privacy page's steps only navigate: no "
                  "ensure_setting (scan reads the page, it changes nothing)")
            continue
        if name and name.casefold() in {p.name.casefold() for p in pages}:
            assert name_node is not None
            c.err(f, name_node.where, f"privacy page {name!r} is listed twice")
            continue
        if name and anchor is not None and steps:
            pages.append(PrivacyPage(name, anchor, steps, pm.where))
    return tuple(pages)
