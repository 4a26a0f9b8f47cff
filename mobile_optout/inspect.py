"""What is on the screen, and the locator to write for each element: for people writing or
mending a flow against a real phone (the way Maestro's `hierarchy` or Appium Inspector
are used), with the same rules the runner matches by (``mobile_optout.locate``).

Suggestions prefer what a user sees over internal ids that change between builds:
a toggle -> ``switch_for`` its label; a unique text -> the text; on a web page a unique
role and name (a button that says "Me") -> ``role``/``name``; a unique accessibility
label -> ``accessibility_id``; then the resource id; an XPath as the last resort.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from mobile_optout.devices import DeviceProfile
from mobile_optout.flow.model import AppId, Platform
from mobile_optout.locate import Node, Screen
from mobile_optout.values import on_off
from mobile_optout.webdom import dom_path


@dataclass(frozen=True, slots=True)
class Row:
    element: str  # short class / type
    says: str  # its visible text
    state: str  # on / off for toggles
    locator: str  # YAML to paste into a flow


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _short_id(resource_id: str) -> str:
    return resource_id.split(":id/", 1)[-1]


def describe(screen: Screen) -> list[Row]:
    """One row per element a flow could use (it says something, or it is a toggle)."""
    shown = [n for n in screen.nodes if screen.on_screen(n)]
    # How many elements a text locator would match (it looks at every text of a node).
    text_count = Counter(t for n in shown for t in {t.casefold() for t in n.texts})
    desc_count = Counter(n.accessibility_id for n in shown if n.accessibility_id)
    id_count = Counter(n.resource_id for n in shown if n.resource_id)
    # web: how many elements a role with an accessible name would match
    role_count = Counter((n.role, t.casefold()) for n in shown if n.role for t in n.texts)
    labels: dict[int, Node] = {}  # toggle -> the text node in its row
    for n in shown:
        if n.texts and not n.checkable:
            toggle = screen.toggle_near(n)
            if toggle is not None and id(toggle) not in labels:
                labels[id(toggle)] = n
    rows = []
    for n in shown:
        if not (n.texts or n.checkable):
            continue
        state = "" if n.checked is None else on_off(n.checked)
        rows.append(Row(
            element=n.cls.rsplit(".", 1)[-1].removeprefix("XCUIElementType"),
            says=n.texts[0] if n.texts else "",
            state=state,
            locator=_suggest(screen, n, labels.get(id(n)), text_count, desc_count, id_count,
                             role_count),
        ))
    return rows


def _suggest(screen: Screen, node: Node, label: Node | None, texts: Counter[str],
             descs: Counter[str], ids: Counter[str], roles: Counter[tuple[str, str]]) -> str:
    if node.checkable and label is not None and label.texts:
        return f"{{switch_for: {_yaml_str(label.texts[0])}}}"
    if node.texts and texts[node.texts[0].casefold()] == 1:
        return _yaml_str(node.texts[0])
    if node.role and node.texts and roles[(node.role, node.texts[0].casefold())] == 1:
        return f"{{role: {node.role}, name: {_yaml_str(node.texts[0])}}}"
    if node.accessibility_id and descs[node.accessibility_id] == 1:
        return f"{{accessibility_id: {_yaml_str(node.accessibility_id)}}}"
    if node.resource_id and ids[node.resource_id] == 1:
        return f"{{id: {_yaml_str(_short_id(node.resource_id))}}}"
    path = dom_path(node.el.getroottree().getpath(node.el))
    return f"{{xpath: {_yaml_str(path)}}}"


def inspect_device(
    profile: DeviceProfile, app_id: str | None, environ: Mapping[str, str]
) -> tuple[str, list[Row]]:
    """Open a session on the device (with ``app_id`` launched, when given), read the
    screen once, close the session. Returns the page source and its rows."""
    from mobile_optout.driver import connect
    from mobile_optout.job import endpoint

    if app_id is None and profile.sim is not None and profile.platform is Platform.WEB:
        app_id = "/feed/"  # the simulated website's first page
    elif app_id is None and profile.sim is not None:  # the simulated phone's first app
        from mobile_optout.sim.model import app_id as sim_app_id
        from mobile_optout.sim.model import builtin_apps

        first = (profile.sim.apps or builtin_apps())[0]
        app_id = sim_app_id(first, profile.platform.value)
    app = AppId(profile.platform, app_id) if app_id else None
    with endpoint(profile, environ) as served:
        driver = connect(served.url, profile.platform, app, capabilities=profile.capabilities,
                         settings=profile.settings, timeout=profile.http_timeout,
                         browser=profile.web)
        try:
            if app is not None and profile.platform is Platform.WEB:
                driver.activate_app(app)  # a browser opens on a blank page
            source = driver.page_source()
        finally:
            driver.quit()
    return source, describe(Screen(source, profile.platform))
