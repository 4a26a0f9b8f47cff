"""A saved page source served as a phone's screen (``mobile-optout sim --source FILE``).

The screen is the file's tree, kept in memory and changed only by taps, spoken to in the
Appium protocol as UiAutomator2 (a ``hierarchy`` file) or XCUITest (an ``AppiumAUT`` file)
would, so ``run``, ``check``, ``inspect`` and the studio work on it:

- finds use the simulated phone's locator engines (``sim.locators``) over the tree;
- a tap (an element click, a W3C pointer tap, ``mobile: clickGesture``) lands on the last
  element in drawing order whose frame holds the point and that takes touches (an Android
  view marked ``clickable="false"``, such as a full-screen overlay, lets it through);
  when that element is a switch-like control or lies inside one, the control flips
  (Android ``checked`` and an ON/OFF text, iOS ``value`` 1/0, and an iOS cell's mirrored
  value). Nothing else changes: a saved
  screen has no other pages, so a tap elsewhere only is logged;
- every tap is logged, with what it flipped, in ``GET /sim/state`` (with every control's
  state); going back, closing or re-opening the app shows the same screen with its current
  state (the re-open proof reads the saved state back);
- the page is whole: ``mobile: scrollGesture`` answers that it cannot scroll further.
"""

from __future__ import annotations

import json
import re
import struct
import threading
import uuid
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lxml import etree

from mobile_optout.flow.model import Platform
from mobile_optout.pagesource import read_page_source
from mobile_optout.sim.locators import ScrollQuery, SelectorError, find

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
_BOUNDS = re.compile(r"\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]")
_IOS_TOGGLES = ("XCUIElementTypeSwitch", "XCUIElementTypeToggle")
_ON_OFF = {"ON": "OFF", "OFF": "ON", "On": "Off", "Off": "On"}
El = etree._Element
Handler = Callable[["ReplayPhone", dict[str, Any], tuple[str, ...]], Any]


class ReplayError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def frame(el: El, platform: Platform) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of an element, as the file gives it."""
    if platform is Platform.ANDROID:
        m = _BOUNDS.fullmatch(el.get("bounds") or "")
        return tuple(int(g) for g in m.groups()) if m else None  # type: ignore[return-value]
    try:
        x, y, w, h = (int(float(el.get(k) or "")) for k in ("x", "y", "width", "height"))
    except ValueError:
        return None
    return x, y, x + w, y + h


class ReplayPhone:
    """One saved screen on 127.0.0.1 (``url``); a context manager, like ``SimPhone``."""

    def __init__(self, path: Path, *, port: int = 0) -> None:
        self.path = path
        source, self.platform = read_page_source(path)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                                 load_dtd=False)
        self.root: El = etree.fromstring(source.encode("utf-8"), parser)
        self.lock = threading.Lock()
        self.taps: list[dict[str, Any]] = []
        self.sessions: dict[str, dict[str, El]] = {}
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        first = next((el for el in self.root.iter() if el.get("package")), None)
        self.package = (first.get("package") or "") if first is not None else ""

    # -- serving ----------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "the phone is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> ReplayPhone:
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _RequestHandler)
        server.daemon_threads = True
        server.phone = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True,
                                        name=f"replay-{self.path.name}")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplayPhone:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the screen -------------------------------------------------------------------

    def elements(self) -> list[El]:
        return [el for el in self.root.iter() if isinstance(el.tag, str)
                and el.tag not in ("hierarchy", "AppiumAUT")]

    def size(self) -> tuple[int, int]:
        w, h = self.root.get("width"), self.root.get("height")
        if w and h and w.isdigit() and h.isdigit():
            return int(w), int(h)
        frames = [f for el in self.elements()[:3] if (f := frame(el, self.platform))]
        if frames:
            return max(f[2] for f in frames), max(f[3] for f in frames)
        return 1080, 2400

    def shown(self, el: El) -> bool:
        return el.get("visible") != "false" and el.get("displayed") != "false"

    def is_control(self, el: El) -> bool:
        if self.platform is Platform.ANDROID:
            return el.get("checkable") == "true"
        return (el.get("type") or str(el.tag)) in _IOS_TOGGLES

    def control_of(self, el: El | None) -> El | None:
        while el is not None:
            if self.is_control(el):
                return el
            el = el.getparent()
        return None

    def hit(self, x: float, y: float) -> El | None:
        """The last element in drawing order whose frame holds the point and that takes
        touches: an Android view that says ``clickable="false"`` (a full-screen scrim or
        overlay) lets the touch through to what lies below, as on a phone."""
        top = taker = None
        for el in self.elements():
            f = frame(el, self.platform)
            if f and self.shown(el) and f[0] <= x < f[2] and f[1] <= y < f[3]:
                top = el
                if el.get("clickable") != "false" or self.is_control(el):
                    taker = el
        return taker if taker is not None else top

    def tap(self, x: float, y: float, how: str) -> None:
        el = self.hit(x, y)
        control = self.control_of(el)
        tapped = _describe(el) if el is not None else None
        flipped = None
        if control is not None and control.get("enabled") != "false":
            self.flip(control)
            flipped = self.state_of(control)
        self.taps.append({"x": int(x), "y": int(y), "how": how, "element": tapped,
                          "flipped": flipped})

    def flip(self, control: El) -> None:
        if self.platform is Platform.ANDROID:
            control.set("checked", "false" if control.get("checked") == "true" else "true")
            text = control.get("text") or ""
            if text in _ON_OFF:
                control.set("text", _ON_OFF[text])
            return
        old = control.get("value") or "0"
        new = "0" if old in ("1", "true") else "1"
        control.set("value", new)
        parent = control.getparent()
        if parent is not None and parent.get("value") == old:  # a cell mirrors its switch
            parent.set("value", new)

    def state_of(self, control: El) -> dict[str, Any]:
        on = (control.get("checked") == "true" if self.platform is Platform.ANDROID
              else control.get("value") in ("1", "true"))
        return {"element": _describe(control), "frame": frame(control, self.platform),
                "checked": on}

    def state(self) -> dict[str, Any]:
        return {
            "source": str(self.path), "platform": self.platform.value,
            "taps": list(self.taps),
            "controls": [self.state_of(el) for el in self.elements() if self.is_control(el)],
        }

    def source(self) -> str:
        return etree.tostring(self.root, encoding="unicode")


def serve(path: Path, port: int, say: Callable[[str], None]) -> int:
    """``sim --source FILE``: serve the saved screen until Ctrl-C (or SIGTERM); ``say``
    prints a line. Not a UI dump, or a busy port: a ``UsageError``."""
    import signal

    from mobile_optout.errors import UsageError

    phone = ReplayPhone(path, port=port)
    try:
        phone.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops it as cleanly as Ctrl-C

    signal.signal(signal.SIGTERM, on_term)
    try:
        say(f"saved screen {path} ({phone.platform.value}) at {phone.url}")
        say(f"its screen: mobile-optout inspect --server {phone.url} "
            f"--platform {phone.platform.value}")
        say(f"its state: {phone.url}/sim/state  (Ctrl-C stops)")
        threading.Event().wait()
    except KeyboardInterrupt:
        say("stopping the saved screen")
    finally:
        phone.stop()
    return 0


def _describe(el: El) -> str:
    cls = el.get("class") or el.get("type") or str(el.tag)
    said = el.get("text") or el.get("content-desc") or el.get("label") or el.get("name") or ""
    return f"{cls.rsplit('.', 1)[-1]} {said!r}" if said else cls.rsplit(".", 1)[-1]


# ------------------------------------------------------------------------ the protocol

ROUTES: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        ROUTES.append((method, re.compile(f"^{pattern}$"), fn))
        return fn
    return register


S = r"/session/([^/]+)"  # a session's path prefix
E = S + r"/element/([^/]+)"  # an element's


def _session(phone: ReplayPhone, sid: str) -> dict[str, El]:
    found = phone.sessions.get(sid)
    if found is None:
        raise ReplayError(404, "invalid session id", f"no session {sid}")
    return found


def _element(phone: ReplayPhone, sid: str, eid: str) -> El:
    el = _session(phone, sid).get(eid)
    if el is None:
        raise ReplayError(404, "no such element", f"no element {eid} in this session")
    return el


def _ref(phone: ReplayPhone, sid: str, el: El) -> dict[str, str]:
    elements = _session(phone, sid)
    eid = next((k for k, v in elements.items() if v is el), None)
    if eid is None:
        eid = str(uuid.uuid4())
        elements[eid] = el
    return {ELEMENT_KEY: eid, "ELEMENT": eid}


@route("GET", "/status")
def status(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    return {"ready": True, "message": f"a saved screen: {phone.path.name}"}


@route("GET", "/sim/state")
def sim_state(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    return phone.state()


@route("POST", "/session")
def new_session(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    caps = body.get("capabilities", {}).get("alwaysMatch", {}) if isinstance(
        body.get("capabilities"), dict) else {}
    sid = str(uuid.uuid4())
    phone.sessions[sid] = {}
    name = "Android" if phone.platform is Platform.ANDROID else "iOS"
    automation = "UiAutomator2" if phone.platform is Platform.ANDROID else "XCUITest"
    return {"sessionId": sid, "capabilities": {**caps, "platformName": name,
                                               "automationName": automation}}


@route("DELETE", S)
def end_session(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    phone.sessions.pop(args[0], None)


@route("GET", S + "/source")
def get_source(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    _session(phone, args[0])
    return phone.source()


def _find(phone: ReplayPhone, sid: str, body: dict[str, Any], scope: El | None) -> list[El]:
    using, value = str(body.get("using", "")), str(body.get("value", ""))
    try:
        found = find(phone.root, scope, phone.platform, using, value, package=phone.package)
    except SelectorError as exc:
        raise ReplayError(400, "invalid selector", str(exc)) from exc
    if isinstance(found, ScrollQuery):  # the whole page is here: no scrolling needed
        found = found.target.find(phone.root)
    return [el for el in found if el.tag not in ("hierarchy", "AppiumAUT")]


@route("POST", S + "/elements")
def find_all(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    return [_ref(phone, args[0], el) for el in _find(phone, args[0], body, None)]


@route("POST", S + "/element")
def find_one(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    found = _find(phone, args[0], body, None)
    if not found:
        raise ReplayError(404, "no such element", "An element could not be located on the "
                          "page using the given search parameters.")
    return _ref(phone, args[0], found[0])


@route("POST", E + "/elements")
def find_all_in(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    scope = _element(phone, args[0], args[1])
    return [_ref(phone, args[0], el) for el in _find(phone, args[0], body, scope)]


@route("POST", E + "/click")
def click(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    el = _element(phone, args[0], args[1])
    f = frame(el, phone.platform)
    if f is None:
        raise ReplayError(400, "element not interactable", "the element has no frame")
    phone.tap((f[0] + f[2]) / 2, (f[1] + f[3]) / 2, "click")


@route("GET", E + "/attribute/([^/]+)")
def attribute(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    el = _element(phone, args[0], args[1])
    name = {"className": "class", "contentDescription": "content-desc",
            "resourceId": "resource-id"}.get(args[2], args[2])
    if name == "text" and phone.platform is Platform.IOS:
        return el.get("value") or el.get("label")
    return el.get(name)


@route("GET", E + "/text")
def text(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    el = _element(phone, args[0], args[1])
    if phone.platform is Platform.ANDROID:
        return el.get("text") or ""
    return el.get("value") or el.get("label") or ""


@route("GET", E + "/(displayed|enabled|selected)")
def flag(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    el = _element(phone, args[0], args[1])
    if args[2] == "displayed":
        return phone.shown(el)
    return el.get(args[2], "true" if args[2] == "enabled" else "false") == "true"


@route("GET", E + "/rect")
def rect(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    f = frame(_element(phone, args[0], args[1]), phone.platform) or (0, 0, 0, 0)
    return {"x": f[0], "y": f[1], "width": f[2] - f[0], "height": f[3] - f[1]}


@route("GET", S + "/window/(?:rect|size)")
def window(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    w, h = phone.size()
    return {"x": 0, "y": 0, "width": w, "height": h}


@route("GET", S + "/screenshot")
def screenshot(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    import base64

    return base64.b64encode(_blank_png()).decode("ascii")


@route("POST", S + "/back")
def back(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    phone.taps.append({"how": "back"})  # the same screen stays: there is no other page


@route("(?:GET|POST)", S + "/(?:timeouts|appium/settings)")
def settings(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    return {}


@route("GET", S + "/contexts")
def contexts(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    return ["NATIVE_APP"]


@route("(?:GET|POST)", S + "/context")
def context(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    return "NATIVE_APP"


@route("(?:POST|DELETE)", S + "/actions")
def actions(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    for source in body.get("actions") or []:
        if not isinstance(source, dict) or source.get("type") != "pointer":
            continue
        x = y = 0.0
        down: tuple[float, float] | None = None
        for act in source.get("actions") or []:
            kind = act.get("type")
            if kind == "pointerMove" and not isinstance(act.get("origin"), dict):
                x, y = float(act.get("x", 0)), float(act.get("y", 0))
            elif kind == "pointerDown":
                down = (x, y)
            elif kind == "pointerUp" and down is not None:
                if abs(x - down[0]) < 20 and abs(y - down[1]) < 20:
                    phone.tap(down[0], down[1], "tap")
                down = None


MOBILE: dict[str, Callable[[ReplayPhone, dict[str, Any]], Any]] = {
    "activateApp": lambda phone, a: None,
    "terminateApp": lambda phone, a: True,
    "queryAppState": lambda phone, a: 4,  # running in the foreground: the saved screen
    "isAppInstalled": lambda phone, a: True,
    "deepLink": lambda phone, a: None,
    "scrollGesture": lambda phone, a: False,  # the page is whole: nothing more to scroll
    "scroll": lambda phone, a: None,
    "swipe": lambda phone, a: None,
    "swipeGesture": lambda phone, a: False,
    "clickGesture": lambda phone, a: phone.tap(float(a.get("x", 0)), float(a.get("y", 0)),
                                               "clickGesture"),
    "deviceInfo": lambda phone, a: {"locale": "en_US", "currentLocale": "en_US"},
}


@route("POST", S + "/execute/(?:sync|async)")
def execute(phone: ReplayPhone, body: dict[str, Any], args: tuple[str, ...]) -> Any:
    script = str(body.get("script", "")).strip()
    name = script.removeprefix("mobile:").strip()
    fn = MOBILE.get(name) if script.startswith("mobile:") else None
    if fn is None:
        raise ReplayError(404, "unknown command", f"a saved screen runs no script {script!r}")
    given = body.get("args") or [{}]
    return fn(phone, given[0] if given and isinstance(given[0], dict) else {})


def _blank_png() -> bytes:
    """A 1x1 white PNG: a saved page source has no picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _serve(self, method: str) -> None:
        phone: ReplayPhone = self.server.phone  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path.split("?", 1)[0].rstrip("/")
        path = path.removeprefix("/wd/hub") or "/"
        status, value = 404, {"error": "unknown command",
                              "message": f"a saved screen answers no {method} {path}",
                              "stacktrace": ""}
        try:
            body = json.loads(raw) if raw.strip() else {}
            for verb, pattern, fn in ROUTES:
                m = pattern.match(path)
                if m and re.fullmatch(verb, method):
                    with phone.lock:
                        status, value = 200, fn(phone, body if isinstance(body, dict) else {},
                                                m.groups())
                    break
        except ReplayError as exc:
            status, value = exc.status, {"error": exc.error, "message": exc.message,
                                         "stacktrace": ""}
        except ValueError as exc:
            status, value = 400, {"error": "invalid argument", "message": str(exc),
                                  "stacktrace": ""}
        data = json.dumps({"value": value}).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")
