"""What is on the screen, and the locator to write for each element: for people writing or
mending a flow against a real phone (the way Maestro's `hierarchy` or Appium Inspector
are used), with the same rules the runner matches by (``mobile_optout.locate``).

Suggestions prefer what a user sees over internal ids that change between builds:
a toggle -> ``switch_for`` the label in its own row (``Screen.label_of_switch``, the row
rule of ``mobile_optout.rows``), in the words a text locator matches (the visible text,
else the accessibility text; a multi-line text by its first line, its title, wherever
that finds it alone, before the whole text); a label inside the toggle (a chip, a
checkable menu item) names it too; a unique text -> the text (the same way); on a web
page a role and name (a button that says "Me") -> ``role``/``name``;
a unique accessibility label -> ``accessibility_id``; then the resource id;
then the class. Each suggestion is checked against the screen: when no locator is unique,
the first that finds the element gets ``index:``. Never an XPath, never cut short.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from mobile_optout.devices import DeviceProfile
from mobile_optout.errors import UsageError, Where
from mobile_optout.flow.model import (
    AppId,
    Flow,
    Group,
    Locator,
    Platform,
    Step,
    TextMatch,
    first_line,
)
from mobile_optout.flow.routes import Routes
from mobile_optout.locate import Node, Screen
from mobile_optout.values import Mode, on_off


@dataclass(frozen=True, slots=True)
class Row:
    element: str  # short class / type
    says: str  # its visible text
    state: str  # on / off for toggles
    locator: str  # YAML to paste into a flow; it finds exactly this element
    node: Node = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, object]:
        """For ``--json`` and the studio: what a script needs to pick an element."""
        n = self.node
        b = n.bounds
        return {
            "element": self.element, "class": n.cls, "says": self.says,
            "texts": list(n.texts), "state": self.state or None, "locator": self.locator,
            "id": n.resource_id or None, "accessibility_id": n.accessibility_id or None,
            "bounds": {"x": b.x, "y": b.y, "width": b.width, "height": b.height} if b else None,
            "enabled": n.enabled, "checkable": n.checkable,
            "attributes": {str(k): str(v) for k, v in n.el.attrib.items()},
        }


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _short_id(resource_id: str) -> str:
    return resource_id.split(":id/", 1)[-1]


def describe(screen: Screen) -> list[Row]:
    """One row per element a flow could use (it says something, or it is a toggle), each
    with a locator that finds exactly that element on this screen."""
    rows = []
    for n in screen.nodes:
        if not screen.on_screen(n) or not (n.texts or n.checkable):
            continue
        state = "" if n.checked is None else on_off(n.checked)
        rows.append(Row(
            element=n.cls.rsplit(".", 1)[-1].removeprefix("XCUIElementType"),
            says=(n.matched_texts or n.texts or ("",))[0],
            state=state,
            locator=suggest(screen, n),
            node=n,
        ))
    return rows


_HERE = Where("inspect", 0)
_Candidate = tuple[str, Locator]  # (YAML without index, locator without index)


def _said(texts: tuple[str, ...]) -> list[str]:
    """The words a text locator can name: a multi-line text's first line (its title, as
    a person reads it; an exact text matches it) before the whole text; never one a flow
    would read as a variable."""
    out: list[str] = []
    for text in texts:
        out += [t for t in (first_line(text).strip(), text) if t]
    return [t for t in dict.fromkeys(out) if "${" not in t]


def _candidates(screen: Screen, node: Node) -> list[_Candidate]:
    """Locators for ``node`` in the order a person would rather read them."""
    found: list[_Candidate] = []
    labels = screen.labels_of_switch(node) if node.checkable else []
    for label in labels:
        # the label's words as a person reads them (its own, when the switch shows them)
        for said in _said(label.matched_texts):
            found.append((f"{{switch_for: {_yaml_str(said)}}}", Locator(
                _HERE, switch_for=Locator(_HERE, text=TextMatch("exact", said)))))
    for text in _said(node.matched_texts):
        found.append((_yaml_str(text), Locator(_HERE, text=TextMatch("exact", text))))
    if node.role and node.texts and "${" not in node.texts[0]:  # web: a button that says "Me"
        found.append((f"{{role: {node.role}, name: {_yaml_str(node.texts[0])}}}",
                      Locator(_HERE, role=node.role,
                              role_name=TextMatch("exact", node.texts[0]))))
    if node.accessibility_id:
        found.append((f"{{accessibility_id: {_yaml_str(node.accessibility_id)}}}",
                      Locator(_HERE, accessibility_id=node.accessibility_id)))
    if node.resource_id:
        short = _short_id(node.resource_id)
        found.append((f"{{id: {_yaml_str(short)}}}", Locator(_HERE, resource_id=short)))
    found.append((f"{{class: {_yaml_str(node.cls)}}}", Locator(_HERE, class_name=node.cls)))
    return found


def _suggestion(screen: Screen, node: Node) -> _Candidate | None:
    """The first candidate that finds exactly ``node``; else the first that finds it among
    others, with ``index:``. Never an XPath: a path breaks with any change to the tree."""
    candidates = _candidates(screen, node)
    for candidate in candidates:
        if _only(screen.find(candidate[1]), node):
            return candidate
    for yaml_text, loc in candidates:
        hits = screen.find(loc)
        position = next((i for i, n in enumerate(hits) if n is node), None)
        if position is not None:
            body = yaml_text[1:-1] if yaml_text.startswith("{") else f"text: {yaml_text}"
            return f"{{{body}, index: {position}}}", replace(loc, index=position)
    return None


def suggest(screen: Screen, node: Node) -> str:
    """The locator to write for ``node`` (YAML), or "" when nothing finds it."""
    found = _suggestion(screen, node)
    return found[0] if found else ""


def _only(found: list[Node], node: Node) -> bool:
    return len(found) == 1 and found[0] is node


def default_app(profile: DeviceProfile) -> str | None:
    """The app to open on a device when none is named: a simulated phone's first app;
    on any other device none (its screen is shown as it is)."""
    if profile.sim is None:
        return None
    if profile.platform is Platform.WEB:
        return "/feed/"  # the simulated website's first page
    from mobile_optout.sim.appfile import app_id, builtin_apps

    first = (profile.sim.apps or builtin_apps())[0]
    return app_id(first, profile.platform.value)


def steps_until(flow: Flow, stop: str | None) -> tuple[Step, ...]:
    """The flow's steps up to and including ``stop``: a step's label, or the line it is on
    (in the flow file or a part it includes). None: every step."""
    if stop is None:
        return flow.steps

    def hit(step: Step) -> bool:
        if stop.isdigit():
            return step.where.line == int(stop)
        return (step.label or "").casefold() == stop.casefold()

    def cut(steps: tuple[Step, ...]) -> tuple[tuple[Step, ...], bool]:
        kept: list[Step] = []
        for step in steps:
            if hit(step):
                return (*kept, step), True
            if isinstance(step, Group):
                inner, found = cut(step.steps)
                if found:
                    return (*kept, replace(step, steps=inner)), True
            for route in step.routes if isinstance(step, Routes) else ():
                inner, found = cut(route.steps)  # that route, as far as the step
                if found:
                    return (*kept, Group(where=route.where, steps=inner)), True
            kept.append(step)
        return tuple(kept), False

    steps, found = cut(flow.steps)
    if not found:
        what = f"on line {stop}" if stop.isdigit() else f"labelled {stop!r}"
        labels = ", ".join(repr(lb) for lb in _labels(flow.steps)) or "none"
        raise UsageError(f"{flow.where.path}: no step {what} (step labels: {labels})")
    return steps


def _labels(steps: tuple[Step, ...]) -> list[str]:
    found: list[str] = []
    for step in steps:
        if step.label:
            found.append(step.label)
        if isinstance(step, Group):
            found.extend(_labels(step.steps))
        for route in step.routes if isinstance(step, Routes) else ():
            found.extend(_labels(route.steps))
    return found


def inspect_source(path: Path) -> tuple[str, Platform, list[Row]]:
    """A saved page source (``--source FILE``): its text, its platform (from the file)
    and its rows. Not a UI dump: a ``UsageError`` naming the file."""
    from mobile_optout.pagesource import read_page_source

    source, platform = read_page_source(path)
    return source, platform, describe(Screen(source, platform))


def read_screen(url: str, profile: DeviceProfile, app: AppId | None) -> str:
    """One look at a device: its page source. With ``app`` None the session leaves the
    screen as it is."""
    from mobile_optout.session import open_session

    driver = open_session(url, profile, app)
    try:
        if app is not None and profile.platform is Platform.WEB:
            driver.activate_app(app)  # a browser opens on a blank page
        return driver.page_source()
    finally:
        driver.quit()


def inspect_device(
    profile: DeviceProfile, app_id: str | None, environ: Mapping[str, str], *,
    after: Flow | None = None, stop: str | None = None,
    params: Mapping[str, str] | None = None,
) -> tuple[str, list[Row]]:
    """Open a session on the device, read the screen once, close the session. Returns the
    page source and its rows. ``app_id``: launch that app first (a simulated phone: its
    app). ``after``: first run that flow up to ``stop`` (see ``steps_until``) in check
    mode (its taps reach the screen; ``ensure_setting`` only reads), then read the screen
    it left (``params``: the flow's parameters). Otherwise the screen as it is."""
    from mobile_optout.job import endpoint, shared_sim_state
    from mobile_optout.runner import RunOptions, scratch_run

    # Reaching a screen sets nothing: a check (ensure_setting only reads).
    options = RunOptions(mode=Mode.CHECK, params=dict(params or {}), environ=environ)
    steps = steps_until(after, stop) if after is not None else ()
    if app_id is None and after is None:
        app_id = default_app(profile)
    app = AppId(profile.platform, app_id) if app_id else None
    with endpoint(profile, environ, shared_sim_state()) as served:  # the phone runs left
        url = served.url
        if after is not None:
            with tempfile.TemporaryDirectory(prefix="mobile-optout-inspect-") as tmp:
                run = scratch_run(after, profile, url, options=options, workdir=Path(tmp))
                try:
                    run.run_steps(steps)
                finally:
                    run.close()
        source = read_screen(url, profile, app)
    return source, describe(Screen(source, profile.platform))
