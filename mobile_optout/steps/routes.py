"""Reaching a page by its routes, and proving a change on a re-opened page.

Routes (``mobile_optout.flow.routes`` declares them):
- tried in the order written (``ROUTE=name`` forces one); the first whose steps end with
  the page's anchor on screen wins;
- each attempt's steps are recorded as usual (a failing step keeps its screenshot), and
  the result lists every attempt, in order, with what became of it (``FlowResult.routes``);
- ``blocked`` (a sign-in page) ends the flow at once; ``not_offered`` (the setting proven
  absent) is kept while later routes are tried, and is the outcome if none reaches the page;
- every route failing is a failure naming each route and why;
- before the next route the app is brought back to a known state: out of a web view,
  then relaunched (unless that route starts by launching it itself).

The proof of a change (``prove``), after the settle window:
- ``reopen`` (the default): leave the page (back) and open it again by the route that
  reached it: the route's last tap when it is on screen after the back (an expert's
  back, tap, read), else the whole route again; then read the setting there;
- ``relaunch``: restart the app and reach the page by the same route, then read;
- ``none`` (per run or per device, never declared by a built-in flow): no proof; the
  result notes "not re-verified".
A re-opened page that shows anything but the desired state is a failure: the save did
not reach the app's server, whatever the page showed before.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from mobile_optout.errors import FlowEnded, InputError, OptoutError, StepFailed, Where
from mobile_optout.flow.model import (
    AppId,
    EnsureSetting,
    Group,
    Launch,
    Locator,
    State,
    Step,
    SwitchContext,
    Tap,
)
from mobile_optout.flow.params import Vars
from mobile_optout.flow.routes import AUTO, Route, Routes
from mobile_optout.located import RawMap, RawNode, RawSeq
from mobile_optout.results.record import SettingObservation, StepRecord
from mobile_optout.steps.base import Compiling, Run, StepKind
from mobile_optout.values import on_off

if TYPE_CHECKING:
    from mobile_optout.toggle import Toggle

ROUTE_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
ROUTES_KEYS = ("page", "try")

PROOFS = ("reopen", "relaunch", "none")
DEFAULT_PROOF = "reopen"
NOT_REVERIFIED = "not re-verified"


@dataclass(frozen=True, slots=True)
class Reached:
    """The routes step that reached a page, and the route that won."""

    step: Routes
    route: Route


def leaves(steps: Sequence[Step]) -> Iterator[Step]:
    """The steps in order, groups opened (conditions are not evaluated here)."""
    for step in steps:
        if isinstance(step, Group):
            yield from leaves(step.steps)
        else:
            yield step


def before(steps: Sequence[Step], target: Step) -> tuple[tuple[Step, ...], bool]:
    """The steps that lead to ``target`` (groups cut where it sits; no other setting's
    step), and whether it was found."""
    kept: list[Step] = []
    for step in steps:
        if step is target:
            return tuple(kept), True
        if isinstance(step, Group):
            inner, found = before(step.steps, target)
            if found:
                return (*kept, replace(step, steps=inner)), True
        if not isinstance(step, EnsureSetting):
            kept.append(step)
    return tuple(kept), False


# ----------------------------------------------------------------------------- routes


def reach(run: Run, step: Routes, record: StepRecord) -> None:
    """The handler of ``routes``: try each route until the page's anchor shows."""
    assert run.device is not None
    forced = step.forced(run.vars.values)
    routes = step.chosen(forced)
    if not routes:
        raise InputError(f"{step.where}: ROUTE={forced} is not a route here (routes: "
                         f"{', '.join(step.names)})")
    absent: FlowEnded | None = None
    tried: list[str] = []
    for i, route in enumerate(routes):
        if i > 0:
            _recover(run, routes[i - 1], route)
        why = _attempt(run, step, route)
        if why is None:
            tried.append(f"{route.name}: reached the page")
            run.result.routes.extend(tried)
            run.reached = Reached(step, route)
            gave_up = "; ".join(tried[:-1])
            record.message = f"by {route.name}" + (f" (after {gave_up})" if gave_up else "")
            return
        if isinstance(why, FlowEnded):
            absent = why
            tried.append(f"{route.name}: not offered ({why.reason})")
        else:
            tried.append(f"{route.name}: {why}")
    run.result.routes.extend(tried)
    record.message = "; ".join(tried)
    if absent is not None:
        raise FlowEnded("not_offered", f"{absent.reason} [routes: {'; '.join(tried)}]")
    raise StepFailed(
        f"{step.where}: no route reached the page ({step.page}): " + "; ".join(tried),
        expected=f"{step.page} on screen by one of: {', '.join(r.name for r in routes)}",
        actual="; ".join(tried),
    )


def _attempt(run: Run, step: Routes, route: Route) -> str | FlowEnded | None:
    """Run one route; None when the page's anchor shows, else why not (a not_offered end
    is returned to be weighed against later routes; blocked and others propagate)."""
    assert run.device is not None
    taps = [s for s in leaves(route.steps) if isinstance(s, Tap)]
    # the route's last tap enters the page: its row's On/Off is read on the way in
    run.device.way_in_tap = run.device.expand(run.vars.locator(taps[-1].target)) \
        if taps else None
    try:
        run.walk(route.steps)
        if run.device.wait_for(run.vars.locator(step.page), run.timeout_for(step)) is None:
            return f"{step.page} did not appear within {run.timeout_for(step):g}s"
    except FlowEnded as end:
        if end.outcome != "not_offered":
            raise
        return end
    except StepFailed as exc:
        return str(exc).split("\n")[0]
    return None


def _recover(run: Run, done: Route, following: Route) -> None:
    """Leave what the last route left behind: its web view, then the app (relaunched,
    unless the next route starts by launching it)."""
    assert run.device is not None
    device = run.device
    _leave_webview(run, done)
    first = next(leaves(following.steps), None)
    if isinstance(first, Launch) and first.restart:
        return
    device.launch(run.app, restart=True, deep_link=None)


def _leave_webview(run: Run, route: Route) -> None:
    """Back to the native context when ``route`` went into a web view."""
    assert run.device is not None
    if any(isinstance(s, SwitchContext) for s in leaves(route.steps)):
        with contextlib.suppress(OptoutError):
            run.device.switch_context("native", run.timeout_for(route.steps[0]))


def expanded_app(app: AppId, values: Vars) -> AppId:
    """The app with its ${PARAM}s filled in (``app: {android: {package: ${APP}}}``)."""
    activity = values.expand(app.activity) if app.activity else None
    return replace(app, app_id=values.expand(app.app_id), activity=activity)


# ----------------------------------------------------------------------------- the proof


def proof_mode(run: Run) -> str:
    """The run's --verify, else the device's ``verify``, else reopen."""
    return run.options.verify or run.profile.verify or DEFAULT_PROOF


def prove(run: Run, step: EnsureSetting, control: Toggle, shown: Locator,
          desired: State, obs: SettingObservation, record: StepRecord) -> None:
    """After a change held: read the setting again on a re-opened page (see the module's
    rules). A reading other than ``desired`` fails, naming what the re-opened page showed."""
    assert run.device is not None
    mode = proof_mode(run)
    obs.proof = mode
    if mode == "none":
        obs.proof_read = NOT_REVERIFIED
        run.result.note = NOT_REVERIFIED
        return
    reached = run.reached
    if reached is None:  # a flow without routes: its own steps to the setting, relaunched
        mode = obs.proof = "relaunch"
        lead = before(run.flow.steps, step)[0]
        if not isinstance(next(leaves(lead), None), Launch):
            run.device.launch(run.app, restart=True, deep_link=None)
        run.walk(lead)
    elif mode == "reopen":
        _reopen(run, reached, desired)
    else:
        run.device.launch(run.app, restart=True, deep_link=None)
        _again(run, reached)
    started = time.monotonic()
    if run.device.wait_for(shown, 0.0) is None:
        run.seek(step, shown, "down", 10)
    reading = control.read(started + run.timeout_for(step))
    obs.proof_read = on_off(reading.state)
    obs.after = reading.state
    if reading.state != desired:
        raise StepFailed(
            f"{step.where}: {step.setting} read {on_off(reading.state)} on the re-opened page "
            f"({mode}) after the change had held {obs.held_s:g}s: the save did not reach the "
            "app's server",
            expected=f"{on_off(desired)} on a re-opened page",
            actual=f"{on_off(reading.state)} on a re-opened page",
        )
    way = f": {reached.route.name}" if reached is not None else ""
    record.message = f"{record.message}; re-read {on_off(reading.state)} on a re-opened " \
                     f"page ({mode}{way})"


def _reopen(run: Run, reached: Reached, desired: State) -> None:
    """Back out of the page, then in again by the route's last tap (when it shows), else
    by the whole route. A page Back returns to may be restored from history as it was
    before the change (a browser's back/forward cache, a list kept in memory): when its
    row still shows the other state, the page is opened anew by the whole route, so the
    way in the proof's reading must agree with was drawn after the change."""
    assert run.device is not None
    device = run.device
    device.back()
    last = [s for s in leaves(reached.route.steps) if isinstance(s, Tap)]
    if last and device.wait_for(run.vars.locator(last[-1].target), 0.0) is not None:
        run.walk((last[-1],))
        stale = device.way_in is not None and device.way_in[1] != desired
        if not stale and device.wait_for(run.vars.locator(reached.step.page),
                           run.timeout_for(reached.step)) is not None:
            return
    _leave_webview(run, reached.route)
    _again(run, reached)


def _again(run: Run, reached: Reached) -> None:
    """The winning route once more, from where the app is, to the page's anchor."""
    assert run.device is not None
    first = next(leaves(reached.route.steps), None)
    if not isinstance(first, Launch):
        run.device.launch(run.app, restart=True, deep_link=None)
    why = _attempt(run, reached.step, reached.route)
    if why is not None:
        raise StepFailed(f"{reached.step.where}: could not re-open the page by "
                         f"{reached.route.name} to prove the change: {why}")


# ----------------------------------------------------------------------------- the kind


def build_routes(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                 ) -> Step | None:
    """``routes: {page: LOCATOR, try: [{NAME: [steps]}, ...]}`` -> ``Routes``."""
    m = c.payload_map(f, node, "routes", ROUTES_KEYS, ROUTES_KEYS)
    if m is None:
        return None
    page_node, try_node = m.get("page"), m.get("try")
    assert page_node is not None and try_node is not None
    page = c.locator(f, page_node, "routes page")
    if not isinstance(try_node, RawSeq) or not try_node.items:
        c.err(f, try_node.where, "routes try: must be a non-empty list of {NAME: [steps]}")
        return None
    routes: list[Route] = []
    for item in try_node.items:
        if not isinstance(item, RawMap) or len(item.items) != 1:
            c.err(f, item.where, "each route is one NAME: [steps] mapping, e.g. "
                  "'- link: [{launch: {deep_link: ...}}]'")
            continue
        key, steps_node = item.items[0]
        name = str(key.value)
        if not ROUTE_NAME.match(name):
            c.err(f, key.where, f"route name '{name}' must be lower-case letters, digits, "
                  "_ or -")
            continue
        if name in (r.name for r in routes) or name in AUTO:
            c.err(f, key.where, f"route name '{name}' is "
                  + ("reserved (ROUTE=auto tries every route)" if name in AUTO else
                     "used twice in this routes step"))
            continue
        steps = c.steps(f, steps_node, f"route {name}")
        if steps:
            routes.append(Route(name, steps, key.where))
    if page is None or len(routes) != len(try_node.items):
        return None
    return Routes(where=where, page=page, routes=tuple(routes), **common)


ROUTES = StepKind(
    "routes", Routes, build_routes,
    "Several ways to one page, tried in order until its anchor (page) shows; ROUTE=name "
    "forces one.",
    {
        "type": "object",
        "properties": {
            "page": {"$ref": "#/$defs/locator", "description": "What shows once the page "
                     "is open."},
            "try": {
                "type": "array", "minItems": 1,
                "description": "The routes in order, each NAME: [steps].",
                "items": {"type": "object", "minProperties": 1, "maxProperties": 1,
                          "propertyNames": {"pattern": "^[a-z][a-z0-9_-]*$",
                                            "not": {"enum": ["auto"]}},
                          "additionalProperties": {"$ref": "#/$defs/steps"}},
            },
        },
        "required": ["page", "try"],
        "additionalProperties": False,
    },
    reach,
)
