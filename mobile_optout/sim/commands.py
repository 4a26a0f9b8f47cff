"""The simulated phone's session commands: each takes (phone, session, body, *path
groups) and returns the JSON "value", registered with ``route`` (``sim/protocol.py``);
``mobile:`` scripts are tables per platform (``ANDROID_SCRIPTS``, ``IOS_SCRIPTS``)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mobile_optout.flow.model import Platform
from mobile_optout.sim.locale import device_locale
from mobile_optout.sim.model import AppModel
from mobile_optout.sim.protocol import (
    ELEMENT_KEY,
    Session,
    _err,
    invalid_argument,
    route,
    stale,
)
from mobile_optout.sim.render import ios_accessible
from mobile_optout.sim.tree import Node

if TYPE_CHECKING:
    from mobile_optout.sim.server import SimPhone


# ====================================================================== commands
# Each takes (phone, session, body, *path groups) and returns the JSON "value".


@route("GET", "/contexts")
def get_contexts(phone: SimPhone, session: Session, body: dict[str, Any]) -> list[str]:
    return phone.contexts()


@route("GET", "/context")
def get_context(phone: SimPhone, session: Session, body: dict[str, Any]) -> str:
    return session.context


@route("POST", "/context")
def set_context(phone: SimPhone, session: Session, body: dict[str, Any]) -> None:
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise invalid_argument("'name' is required: a context name from GET /contexts")
    phone.enter(session, name)


@route("POST", "/timeouts")
def set_timeouts(phone: SimPhone, session: Session, body: dict[str, Any]) -> None:
    implicit = body.get("implicit", body.get("ms") if body.get("type") == "implicit" else None)
    if implicit is not None:
        if not isinstance(implicit, int | float) or implicit < 0:
            raise invalid_argument("'implicit' must be a non-negative number of milliseconds")
        session.implicit_ms = int(implicit)


@route("GET", "/timeouts")
def get_timeouts(phone: SimPhone, session: Session, body: dict[str, Any]) -> dict[str, int]:
    return {"implicit": session.implicit_ms, "pageLoad": 300000, "script": 30000}


@route("POST", "/element")
def find_element(phone: SimPhone, session: Session, body: dict[str, Any]) -> Any:
    return phone.locate(session, body, None, many=False)


@route("POST", "/elements")
def find_elements(phone: SimPhone, session: Session, body: dict[str, Any]) -> Any:
    return phone.locate(session, body, None, many=True)


@route("POST", "/element/([^/]+)/element", element=True)
def find_child(phone: SimPhone, session: Session, body: dict[str, Any], eid: str) -> Any:
    return phone.locate(session, body, eid, many=False)


@route("POST", "/element/([^/]+)/elements", element=True)
def find_children(phone: SimPhone, session: Session, body: dict[str, Any], eid: str) -> Any:
    return phone.locate(session, body, eid, many=True)


@route("POST", "/element/([^/]+)/click", element=True)
def click(phone: SimPhone, session: Session, body: dict[str, Any], eid: str) -> None:
    with phone.engine.lock:
        node, _ = phone.node(session, eid)
        handle = session.elements[eid]
        if "redrawn-once" in phone.variants and handle not in session.redrawn:
            session.redrawn.add(handle)  # redrawn: this id is stale, a new find a new one
            del session.ids[handle], session.elements[eid]
            session.stale_ids.add(eid)
            raise stale()
        phone.engine.tap_node(node)


@route("POST", "/element/([^/]+)/clear", element=True)
def clear(phone: SimPhone, session: Session, body: dict[str, Any], eid: str) -> None:
    with phone.engine.lock:
        node, _ = phone.node(session, eid)
        phone.engine.type_text(node, "", replace=True)


@route("POST", "/element/([^/]+)/value", element=True)
def send_keys(phone: SimPhone, session: Session, body: dict[str, Any], eid: str) -> None:
    text = body.get("text")
    if text is None and isinstance(body.get("value"), list):
        text = "".join(str(v) for v in body["value"])
    if not isinstance(text, str):
        raise invalid_argument("'text' must be a string")
    with phone.engine.lock:
        node, _ = phone.node(session, eid)
        phone.engine.type_text(node, text, replace=False)


def _tf(value: bool) -> str:
    return "true" if value else "false"


def android_attribute(phone: SimPhone, node: Node, name: str) -> str | None:
    left, top, right, bottom = node.bounds
    values: dict[str, str | None] = {
        "text": node.text,
        "name": node.desc or node.text,
        "content-desc": node.desc or None,
        "contentDescription": node.desc or None,
        "class": node.tag, "className": node.tag,
        "resource-id": node.rid or None, "resourceId": node.rid or None,
        "package": node.package,
        "checkable": _tf(node.checkable), "checked": _tf(node.checked),
        "clickable": _tf(node.clickable), "enabled": _tf(node.enabled),
        "focusable": _tf(node.clickable), "focused": "false",
        "long-clickable": "false", "longClickable": "false",
        "scrollable": _tf(node.scrollable), "selected": "false",
        "displayed": "true", "password": "false",
        "bounds": f"[{left},{top}][{right},{bottom}]",
        "hint": "" if node.web else None,
    }
    if name not in values:
        raise _err(404, "unknown command",
                   f"The attribute '{name}' is not supported by UiAutomator2 (sim). "
                   f"Supported: {', '.join(sorted(values))}")
    return values[name]


def ios_attribute(phone: SimPhone, node: Node, name: str) -> str | None:
    left, top, right, bottom = node.bounds
    rect = {"x": left, "y": top, "width": right - left, "height": bottom - top}
    values: dict[str, str | None] = {
        "name": node.name or None, "label": node.desc or None, "type": node.tag,
        "value": node.value, "enabled": _tf(node.enabled), "visible": "true",
        "accessible": _tf(ios_accessible(node)), "selected": "false", "hittable": "true",
        "index": str(node.index), "rect": json.dumps(rect), "placeholderValue": None,
    }
    if name not in values:
        raise _err(500, "unknown error",
                   f"The attribute '{name}' is unknown. Valid attribute names are: "
                   f"{', '.join(sorted(values))}")
    return values[name]


@route("GET", "/element/([^/]+)/attribute/([^/]+)", element=True)
def get_attribute(phone: SimPhone, session: Session, body: dict[str, Any], eid: str,
                  name: str) -> str | None:
    with phone.engine.lock:
        node, _ = phone.node(session, eid)
        if phone.platform is Platform.ANDROID:
            return android_attribute(phone, node, name)
        return ios_attribute(phone, node, name)


@route("GET", "/element/([^/]+)/text", element=True)
def get_text(phone: SimPhone, session: Session, body: dict[str, Any], eid: str) -> str:
    with phone.engine.lock:
        node, _ = phone.node(session, eid)
        if phone.platform is Platform.ANDROID:
            return node.text
        return node.value or node.desc or ""


@route("GET", "/element/([^/]+)/name", element=True)
def get_name(phone: SimPhone, session: Session, body: dict[str, Any], eid: str) -> str | None:
    with phone.engine.lock:
        node, _ = phone.node(session, eid)
        return (node.desc or None) if phone.platform is Platform.ANDROID else node.tag


@route("GET", "/element/([^/]+)/(displayed|enabled|selected)", element=True)
def get_flag(phone: SimPhone, session: Session, body: dict[str, Any], eid: str,
             which: str) -> bool:
    with phone.engine.lock:
        node, _ = phone.node(session, eid)
        return node.enabled if which == "enabled" else which != "selected"


@route("GET", "/element/([^/]+)/rect", element=True)
def get_rect(phone: SimPhone, session: Session, body: dict[str, Any],
             eid: str) -> dict[str, int]:
    with phone.engine.lock:
        node, _ = phone.node(session, eid)
        left, top, right, bottom = node.bounds
        return {"x": left, "y": top, "width": right - left, "height": bottom - top}


@route("GET", "/source")
def get_source(phone: SimPhone, session: Session, body: dict[str, Any]) -> str:
    with phone.engine.lock:
        return phone.engine.render().page.xml


@route("GET", "/screenshot")
def get_screenshot(phone: SimPhone, session: Session, body: dict[str, Any]) -> str:
    with phone.engine.lock:
        return base64.b64encode(phone.engine.screenshot()).decode("ascii")


@route("GET", "/window/rect")
def window_rect(phone: SimPhone, session: Session, body: dict[str, Any]) -> dict[str, int]:
    m = phone.engine.builder.m
    return {"x": 0, "y": 0, "width": m.width, "height": m.height}


@route("GET", "/window/size")
def window_size(phone: SimPhone, session: Session, body: dict[str, Any]) -> dict[str, int]:
    m = phone.engine.builder.m
    return {"width": m.width, "height": m.height}


@route("POST", "/back")
def back(phone: SimPhone, session: Session, body: dict[str, Any]) -> None:
    with phone.engine.lock:
        phone.engine.back()


@route("GET", "/appium/settings")
def get_settings(phone: SimPhone, session: Session, body: dict[str, Any]) -> dict[str, Any]:
    return dict(session.settings)


@route("POST", "/appium/settings")
def set_settings(phone: SimPhone, session: Session, body: dict[str, Any]) -> None:
    settings = body.get("settings")
    if not isinstance(settings, dict):
        raise invalid_argument("'settings' must be an object")
    session.settings.update(settings)


@route("DELETE", "/actions")
def release_actions(phone: SimPhone, session: Session, body: dict[str, Any]) -> None:
    return None


@route("POST", "/actions")
def perform_actions(phone: SimPhone, session: Session, body: dict[str, Any]) -> None:
    sources = body.get("actions")
    if not isinstance(sources, list):
        raise invalid_argument("'actions' must be a list of input sources")
    with phone.engine.lock:
        for source in sources:
            if isinstance(source, dict) and source.get("type") == "pointer":
                _pointer(phone, session, source.get("actions") or [])


def _pointer(phone: SimPhone, session: Session, actions: list[dict[str, Any]]) -> None:
    x = y = 0.0
    down: tuple[float, float] | None = None
    for act in actions:
        kind = act.get("type")
        if kind == "pointerMove":
            origin = act.get("origin", "viewport")
            dx, dy = float(act.get("x", 0)), float(act.get("y", 0))
            if origin == "pointer":
                x, y = x + dx, y + dy
            elif isinstance(origin, dict):
                eid = origin.get(ELEMENT_KEY) or origin.get("ELEMENT") or ""
                node, _ = phone.node(session, str(eid))
                cx, cy = node.center
                x, y = cx + dx, cy + dy
            else:
                x, y = dx, dy
        elif kind == "pointerDown":
            down = (x, y)
        elif kind == "pointerUp" and down is not None:
            sx, sy = down
            down = None
            if abs(x - sx) < 20 and abs(y - sy) < 20:
                phone.engine.tap_at(sx, sy)
            else:
                phone.engine.scroll(int(sy - y))  # finger up: content moves up


def _args(body: dict[str, Any]) -> dict[str, Any]:
    args = body.get("args") or [{}]
    if not isinstance(args, list) or not args:
        return {}
    first = args[0]
    return first if isinstance(first, dict) else {}


@route("POST", "/execute/(?:sync|async)")
def execute(phone: SimPhone, session: Session, body: dict[str, Any]) -> Any:
    script = body.get("script")
    if not isinstance(script, str):
        raise invalid_argument("'script' must be a string")
    name = script.strip()
    if not name.startswith("mobile:"):
        raise _err(405, "unknown method",
                   "Method has not yet been implemented: only 'mobile:' scripts run in the "
                   "NATIVE_APP context")
    name = name[len("mobile:"):].strip()
    table = ANDROID_SCRIPTS if phone.platform is Platform.ANDROID else IOS_SCRIPTS
    fn = table.get(name)
    if fn is None:
        raise _err(404, "unknown command",
                   f"Unknown mobile command '{name}'. Only {', '.join(sorted(table))} "
                   "commands are supported.")
    with phone.engine.lock:
        return fn(phone, session, _args(body))


def _app_id(phone: SimPhone, args: dict[str, Any]) -> str:
    key = "appId" if phone.platform is Platform.ANDROID else "bundleId"
    value = args.get(key)
    if not isinstance(value, str) or not value:
        raise invalid_argument(f"'{key}' is required")
    return value


def app_ident(phone: SimPhone, model: AppModel) -> str:
    return model.package if phone.platform is Platform.ANDROID else model.bundle


def m_activate(phone: SimPhone, session: Session, args: dict[str, Any]) -> None:
    app_id = _app_id(phone, args)
    app = phone.engine.app_for(app_id)
    if app is None and "quiet-launch" in phone.variants:
        return  # (the home screen stays)
    if app is None:
        raise _err(500, "unknown error", f"The application '{app_id}' is not installed")
    phone.engine.activate(app.name)


def m_terminate(phone: SimPhone, session: Session, args: dict[str, Any]) -> bool:
    app = phone.engine.app_for(_app_id(phone, args))
    return app is not None and phone.engine.terminate(name=app.name)


def m_query(phone: SimPhone, session: Session, args: dict[str, Any]) -> int:
    app = phone.engine.app_for(_app_id(phone, args))
    return 0 if app is None else phone.engine.query(app.name)


def m_device_info(phone: SimPhone, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """``mobile: deviceInfo``: UiAutomator2 says ``locale``; XCUITest ``currentLocale``
    (and ``locale``), both as ``de_DE``."""
    tag = device_locale(phone.phone_locale)
    if phone.platform is Platform.ANDROID:
        return {"locale": tag, "manufacturer": "mobile-optout", "model": "simulated phone",
                "platformVersion": "14", "apiVersion": "34", "timeZone": "UTC"}
    return {"currentLocale": tag, "locale": tag, "timeZone": "UTC", "model": "iPhone",
            "name": "sim-ios"}


def m_installed(phone: SimPhone, session: Session, args: dict[str, Any]) -> bool:
    return phone.engine.app_for(_app_id(phone, args)) is not None


def m_deep_link(phone: SimPhone, session: Session, args: dict[str, Any]) -> None:
    url = args.get("url")
    if not isinstance(url, str) or not url:
        raise invalid_argument("'url' is required")
    key = "package" if phone.platform is Platform.ANDROID else "bundleId"
    app_id = args.get(key)
    app = phone.engine.app_for(str(app_id)) if app_id is not None else None
    if app_id is not None and app is None:
        raise _err(500, "unknown error", f"No app '{app_id}' can open {url!r}")
    phone.engine.deep_link(url, app.name if app is not None else None)


def _direction(args: dict[str, Any]) -> str:
    direction = str(args.get("direction", "")).lower()
    if direction not in ("up", "down", "left", "right"):
        raise invalid_argument("'direction' must be one of up, down, left, right")
    return direction


def _area_height(phone: SimPhone, session: Session, args: dict[str, Any]) -> int:
    eid = args.get("elementId") or args.get("element")
    if eid:
        node, _ = phone.node(session, str(eid))
        return node.bounds[3] - node.bounds[1]
    if "height" in args:
        return int(args["height"])
    top, bottom = phone.engine.viewport()
    return bottom - top


def _percent(args: dict[str, Any]) -> float:
    percent = args.get("percent")
    if not isinstance(percent, int | float) or percent <= 0:
        raise invalid_argument("'percent' is required: a positive number (1.0 = the area)")
    return float(percent)


def m_scroll_gesture(phone: SimPhone, session: Session, args: dict[str, Any]) -> bool:
    direction = _direction(args)
    amount = int(_area_height(phone, session, args) * _percent(args))
    if direction in ("left", "right"):
        return False
    x = float(args["left"]) + float(args.get("width", 0)) / 2 if "left" in args else None
    return phone.engine.scroll(amount if direction == "down" else -amount, x)


def m_swipe_gesture(phone: SimPhone, session: Session, args: dict[str, Any]) -> None:
    direction = _direction(args)
    amount = int(_area_height(phone, session, args) * _percent(args))
    if direction in ("up", "down"):
        phone.engine.scroll(amount if direction == "up" else -amount)


def m_click_gesture(phone: SimPhone, session: Session, args: dict[str, Any]) -> None:
    eid = args.get("elementId") or args.get("element")
    if eid:
        node, _ = phone.node(session, str(eid))
        phone.engine.tap_node(node)
        return
    if "x" not in args or "y" not in args:
        raise invalid_argument("either 'elementId' or 'x' and 'y' are required")
    phone.engine.tap_at(float(args["x"]), float(args["y"]))


def m_ios_scroll(phone: SimPhone, session: Session, args: dict[str, Any]) -> None:
    direction = _direction(args)
    top, bottom = phone.engine.viewport()
    amount = int((bottom - top) * 0.8 * float(args.get("distance", 1.0)))
    if direction in ("up", "down"):
        phone.engine.scroll(amount if direction == "down" else -amount)


def m_ios_swipe(phone: SimPhone, session: Session, args: dict[str, Any]) -> None:
    direction = _direction(args)
    top, bottom = phone.engine.viewport()
    amount = (bottom - top) // 2
    if direction in ("up", "down"):
        phone.engine.scroll(amount if direction == "up" else -amount)


def m_ios_tap(phone: SimPhone, session: Session, args: dict[str, Any]) -> None:
    eid = args.get("elementId") or args.get("element")
    if eid:
        node, _ = phone.node(session, str(eid))
        if "x" in args and "y" in args:
            phone.engine.tap_at(node.bounds[0] + float(args["x"]),
                                node.bounds[1] + float(args["y"]))
        else:
            phone.engine.tap_node(node)
        return
    if "x" not in args or "y" not in args:
        raise invalid_argument("'x' and 'y' are required")
    phone.engine.tap_at(float(args["x"]), float(args["y"]))


Script = Callable[["SimPhone", Session, dict[str, Any]], Any]
COMMON_SCRIPTS: dict[str, Script] = {
    "activateApp": m_activate, "terminateApp": m_terminate, "queryAppState": m_query,
    "isAppInstalled": m_installed, "deepLink": m_deep_link, "deviceInfo": m_device_info,
}
ANDROID_SCRIPTS: dict[str, Script] = {
    **COMMON_SCRIPTS, "scrollGesture": m_scroll_gesture, "swipeGesture": m_swipe_gesture,
    "clickGesture": m_click_gesture,
}
IOS_SCRIPTS: dict[str, Script] = {
    **COMMON_SCRIPTS, "scroll": m_ios_scroll, "swipe": m_ios_swipe, "tap": m_ios_tap,
}
