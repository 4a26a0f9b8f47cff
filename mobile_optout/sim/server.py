"""The simulated phone's HTTP face: the Appium protocol as UiAutomator2 / XCUITest speak it.

``SimPhone`` owns one ``Engine`` (the phone) and one ThreadingHTTPServer on 127.0.0.1.
Routes are a table from (method, path pattern) to a handler; handlers return a JSON
value or raise ``EngineError``. Every session command passes through the same gate:
latency, session lookup, the crash and flaky plans, the command's cost and idle wait
(``costs``), then the handler under the lock. Waiting never holds the lock (other
sessions and phones go on) and ends at once when the phone stops.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from mobile_optout.expert import settings_from_caps
from mobile_optout.flow.model import Platform
from mobile_optout.sim.commands import app_ident
from mobile_optout.sim.costs import (
    DEFAULT_SETTINGS,
    SCREENSHOT,
    SOURCE,
    XPATH,
    CostModel,
    command_kind,
    idle_wait_ms,
)
from mobile_optout.sim.engine import Engine, EngineError, Rendering
from mobile_optout.sim.faults import Faults
from mobile_optout.sim.jsonhttp import JsonHandler
from mobile_optout.sim.locale import check_locale
from mobile_optout.sim.locators import ScrollQuery, SelectorError, find
from mobile_optout.sim.protocol import (
    ELEMENT_KEY,
    NATIVE,
    POLL,
    ROUTES,
    SIM_VERSION,
    Session,
    _err,
    invalid_argument,
    invalid_session,
    no_such_element,
    stale,
)
from mobile_optout.sim.readlog import ReadLog
from mobile_optout.sim.tree import Node
from mobile_optout.sim.variants import check_variants
from mobile_optout.sim.webview import WebView, WebViewError


class SimPhone:
    """A simulated phone serving the Appium protocol on 127.0.0.1 (see docs/simulator.md)."""

    def __init__(self, platform: Platform | str = Platform.ANDROID, *,
                 variants: tuple[str, ...] | list[str] = (), seed: int = 0,
                 latency_ms: int = 0, state_file: str | Path | None = None,
                 port: int = 0, apps: Sequence[str | Path] = (),
                 cost_model: CostModel | bool | None = None, locale: str = "",
                 phone_locale: str | None = None) -> None:
        """``apps``: the installed apps, built-in names or app files (default: every
        built-in app); the first is in front until a session or a flow opens another.
        ``cost_model``: answer each command in the time a real phone takes (``costs``)."""
        self.platform = Platform(platform)
        self.variants = check_variants(variants)
        self.seed = seed
        self.latency_ms = latency_ms
        self.port = port
        self.costs: CostModel | None = (
            CostModel() if cost_model is True else (cost_model or None))
        self.commands: dict[str, int] = {}  # command kind -> how many (all sessions)
        self.idle_ms = 0.0  # waited for an app that never idles (all sessions)
        self.cost_ms = 0.0  # taken by the cost model (all sessions)
        self.waiting = 0  # commands waiting right now
        self.reads = ReadLog()  # tree reads per screen state (all sessions)
        self._stopping = threading.Event()
        self.locale = check_locale(locale)  # the apps' language (and the phone's)
        # what deviceInfo says: the phone's own language, when its apps run in another
        # (Android 13 and iOS let each app have its own language)
        self.phone_locale = self.locale if phone_locale is None else check_locale(phone_locale)
        self.engine = Engine(self.platform, self.variants, seed,
                             Path(state_file) if state_file is not None else None, apps,
                             locale=self.locale)
        self.sessions: dict[str, Session] = {}
        self.webview: WebView | None = None  # LinkedIn's settings WebView, once entered
        self.session_count = 0
        self.crashed = False
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("SimPhone is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> str:
        if self._server is None:
            self._stopping.clear()
            self._server = _Server(("127.0.0.1", self.port), _Handler)
            self._server.phone = self
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.02},
                                            name=f"sim-phone-{self.url}", daemon=True)
            self._thread.start()
        return self.url

    def stop(self) -> None:
        server, self._server = self._server, None
        if self.webview is not None:
            self.webview.stop()
            self.webview = None
        if server is None:
            return
        self._stopping.set()  # ends every command's wait at once
        server.shutdown()
        server.server_close()
        with self._conns_lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:  # keep-alive connections would otherwise outlive the phone
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=1)

    def __enter__(self) -> SimPhone:
        self.start()
        return self

    def connection_opened(self, conn: socket.socket) -> None:
        with self._conns_lock:
            self._conns.add(conn)

    def connection_closed(self, conn: socket.socket) -> None:
        with self._conns_lock:
            self._conns.discard(conn)

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ inspection
    def state(self) -> dict[str, Any]:
        with self.engine.lock:
            state = self.engine.state()
            state["sessions"] = sum(1 for s in self.sessions.values() if not s.dead)
            state["commands"] = dict(self.commands)
            state["idle_ms"] = round(self.idle_ms, 3)
            state["cost_ms"] = round(self.cost_ms, 3)
            state["waiting"] = self.waiting
            state["tree_reads"] = self.reads.summary()
            return state

    def events(self) -> list[dict[str, Any]]:
        with self.engine.lock:
            return [dict(e) for e in self.engine.events]

    def wait_ms(self, ms: float) -> None:
        """Take ``ms`` as a phone would, without holding any lock; a stopping phone ends
        the wait at once."""
        if ms > 0:
            self._stopping.wait(ms / 1000)

    # ------------------------------------------------------------------ dispatch
    def handle(self, method: str, path: str, body: dict[str, Any]) -> Any:
        path = path.split("?", 1)[0].rstrip("/") or "/"
        if path.startswith("/wd/hub"):
            path = path[len("/wd/hub"):] or "/"
        if path == "/sim/state" and method == "GET":
            return self.state()
        if path == "/sim/events" and method == "GET":
            return self.events()
        if self.latency_ms:
            self.wait_ms(self.latency_ms)
        if path == "/status" and method == "GET":
            return {"ready": True, "message": "The simulated phone is ready to accept commands",
                    "build": {"version": SIM_VERSION}}
        if path == "/session" and method == "POST":
            return self.create_session(body)
        if path == "/sessions" and method == "GET":
            with self.engine.lock:
                return [{"id": s.id, "capabilities": s.caps} for s in self.sessions.values()
                        if not s.dead]
        m = re.match(r"^/session/([^/]+)(/.*)?$", path)
        if not m:
            raise _err(404, "unknown command",
                       "The requested resource could not be found, or a request was received "
                       "using an HTTP method that is not supported by the mapped resource")
        sid, rest = m.group(1), m.group(2) or ""
        return self.session_command(method, sid, rest, body)

    def create_session(self, body: dict[str, Any]) -> dict[str, Any]:
        caps_in = body.get("capabilities")
        if not isinstance(caps_in, dict):
            raise invalid_argument("'capabilities' are required (W3C session request)")
        always = caps_in.get("alwaysMatch") or {}
        first = caps_in.get("firstMatch") or [{}]
        problems: list[str] = []
        for extra in first:
            caps = {**always, **extra}
            problem = self._check_caps(caps)
            if problem is None:
                return self._open_session(caps)
            problems.append(problem)
        raise _err(500, "session not created",
                   "A new session could not be created. Details: " + "; ".join(problems))

    def _check_caps(self, caps: dict[str, Any]) -> str | None:
        plain = {k.removeprefix("appium:"): v for k, v in caps.items()}
        platform = str(plain.get("platformName", ""))
        if platform.lower() != self.platform.value:
            return (f"platformName {platform!r} does not match this phone "
                    f"({'Android' if self.platform is Platform.ANDROID else 'iOS'})")
        want = "uiautomator2" if self.platform is Platform.ANDROID else "xcuitest"
        automation = str(plain.get("automationName", ""))
        if automation.lower() != want:
            return (f"Could not find a driver for automationName {automation!r} and "
                    f"platformName {platform!r}; use "
                    f"{'UiAutomator2' if want == 'uiautomator2' else 'XCUITest'}")
        app = plain.get("appPackage") if self.platform is Platform.ANDROID else plain.get(
            "bundleId")
        # Like UiAutomator2 / XCUITest: a missing app refuses the session only when the
        # driver is asked to launch it (autoLaunch, the default).
        if (app is not None and self.engine.app_for(str(app)) is None
                and plain.get("autoLaunch", True) is not False):
            installed = ", ".join(repr(app_ident(self, m)) for m in self.engine.apps.values())
            return f"App {app!r} is not installed on the simulated phone (only {installed})"
        return None

    def _open_session(self, caps: dict[str, Any]) -> dict[str, Any]:
        plain = {k.removeprefix("appium:"): v for k, v in caps.items()}
        with self.engine.lock:
            sid = uuid.uuid4().hex
            faults = Faults(self.variants, self.seed, self.session_count)
            session = Session(sid, self.session_count, dict(caps), faults,
                              settings=self._initial_settings(plain, caps))
            self.session_count += 1
            self.sessions[sid] = session
            engine = self.engine
            engine.new_session(faults)
            engine.record("session_created", session=sid, settings=dict(session.settings))
            wants_app = any(k in plain for k in ("appPackage", "bundleId", "app"))
            asked = engine.app_for(str(plain.get("appPackage") or plain.get("bundleId") or ""))
            if plain.get("autoLaunch", True) is False:
                wants_app = False  # the client launches the app itself, when it is there
            name = asked.name if asked is not None else engine.model.name
            running = engine.query(name) in (3, 4)
            if wants_app and not (plain.get("noReset") and running):
                engine.terminate("terminate", name)
                engine.launch(name)
            elif wants_app:
                engine.activate(name)
        # Appium answers with the "appium:" prefixes stripped, and the settings pulled out
        echo = {k: v for k, v in plain.items()
                if k != "settings" and not k.startswith("settings[")}
        echo.setdefault("deviceName", "sim-" + self.platform.value)
        echo.setdefault("platformVersion", "14" if self.platform is Platform.ANDROID
                        else "17.5")
        if self.platform is Platform.ANDROID:  # UiAutomator2 reports the hardware too
            echo.setdefault("deviceManufacturer", "mobile-optout")
            echo.setdefault("deviceModel", "simulated phone")
        return {"sessionId": sid, "capabilities": echo}

    def _initial_settings(self, plain: dict[str, Any], caps: dict[str, Any]) -> dict[str, Any]:
        """The driver's defaults, then what the capabilities ask for (XCUITest also takes
        waitForIdleTimeout and animationCoolOffTimeout as plain capabilities)."""
        settings = dict(DEFAULT_SETTINGS[self.platform])
        if self.platform is Platform.IOS:
            for name in ("waitForIdleTimeout", "animationCoolOffTimeout"):
                if name in plain:
                    settings[name] = plain[name]
        settings.update(settings_from_caps(caps))
        return settings

    def _charge(self, session: Session, method: str, rest: str, body: dict[str, Any]) -> None:
        """Count the command; with a cost model, take its time (the time this process
        spends drawing the answer counts towards it: a real phone's own work is not taken
        from the machine's cores); on a live screen that never goes idle, wait as long as
        the session's idle settings say."""
        started = time.monotonic()
        kind = command_kind(method, rest, body)
        engine = self.engine
        with engine.lock:
            self.commands[kind] = self.commands.get(kind, 0) + 1
            self.reads.command(kind, engine.render().page.xml if kind in (SOURCE, XPATH)
                               else None)
            live = "never-idle" in self.variants and engine.app_running and \
                engine.spec(engine.current.screen).live
            idle = idle_wait_ms(self.platform, session.settings, session.caps, kind) \
                if live else 0.0
            cost = 0.0
            if self.costs is not None:
                nodes = png_kb = 0.0
                if kind in (SOURCE, XPATH):
                    nodes = sum(1 for _ in engine.render().page.root.iter())
                elif kind == SCREENSHOT:
                    png_kb = len(engine.screenshot()) / 1024
                cost = self.costs.cost_ms(kind, nodes=int(nodes), png_kb=png_kb)
            self.idle_ms += idle
            self.cost_ms += cost
            self.waiting += 1
            spent = 1000 * (time.monotonic() - started)  # drawing the page or the picture
        try:
            self.wait_ms(idle + max(0.0, cost - spent))
        finally:
            with engine.lock:
                self.waiting -= 1

    def session_command(self, method: str, sid: str, rest: str, body: dict[str, Any]) -> Any:
        engine = self.engine
        with engine.lock:
            session = self.sessions.get(sid)
            if session is None or session.dead:
                raise invalid_session(sid)
            if method == "DELETE" and rest == "":
                del self.sessions[sid]
                engine.record("session_deleted", session=sid)
                return None
            if method == "GET" and rest == "":
                return session.caps
            session.commands += 1
            crash_at = session.faults.crash_at
            if crash_at is not None and not self.crashed and session.commands >= crash_at:
                self.crashed = True
                session.dead = True
                engine.crash()
                raise _err(404, "invalid session id",
                           "A session is either terminated or not started "
                           "(the app crashed and the session died)")
        if session.context != NATIVE and not rest.startswith("/context") and not (
                rest.startswith("/execute") and str(body.get("script", "")).startswith("mobile:")):
            # to the page (outside the lock: it calls back); no UiAutomator2 idle wait or
            # cost here: a web view's commands go to its chromedriver
            return self.relay(method, rest, body)
        self._charge(session, method, rest, body)
        for verb, pattern, fn, is_element in ROUTES:
            if verb != method:
                continue
            m = pattern.match(rest)
            if m is None:
                continue
            with engine.lock:
                fault = session.faults.command_fault(is_element)
                if fault is not None:
                    engine.record("fault", error=fault.error, command=f"{method} {rest}")
                    raise _err(fault.status, fault.error, fault.message)
            return fn(self, session, body, *m.groups())
        raise _err(404, "unknown command",
                   f"The requested resource could not be found ({method} /session/:id{rest})")

    # ------------------------------------------------------------------ the WebView
    @property
    def webview_name(self) -> str:
        return f"WEBVIEW_{self.engine.model.package}"

    def contexts(self) -> list[str]:
        """NATIVE_APP, plus the settings WebView while one of its pages is in front."""
        engine = self.engine
        with engine.lock:
            spec = engine.model.screen(engine.current.screen)
            shown = (self.platform is Platform.ANDROID and engine.app_running and spec.web
                     and not engine.render().loading and engine.dialog is None)
        return [NATIVE, self.webview_name] if shown else [NATIVE]

    def enter(self, session: Session, name: str) -> None:
        """POST /context: into the WebView (its page follows the phone's screen) or back
        (the phone's screen follows the page the WebView shows)."""
        engine = self.engine
        if name == NATIVE:
            if session.context != NATIVE and self.webview is not None:
                screen = self.webview.screen()
                with engine.lock:
                    if screen is not None and screen != engine.current.screen:
                        engine.goto(screen)
            session.context = NATIVE
            return
        if name not in self.contexts():
            raise _err(400, "no such context", f"No such context found: {name!r} (available: "
                       f"{', '.join(self.contexts())})")
        if self.webview is None:
            self.webview = WebView(engine.settings, engine.lock, self.variants,
                                   on_save=self._saved_in_webview, locale=self.locale)
            try:
                self.webview.start()
            except WebViewError as exc:
                self.webview = None
                raise _err(500, "unknown error", str(exc)) from exc
        self.webview.show(engine.current.screen)
        session.context = name

    def _saved_in_webview(self, setting: str, value: bool) -> None:
        engine = self.engine  # (called under the engine's lock, by the site)
        engine.record("save", setting=setting, context=self.webview_name, value=value)
        engine.save_state()

    def relay(self, method: str, rest: str, body: dict[str, Any]) -> Relayed:
        """A web-context command to the WebView's chromedriver. A click or a pointer tap is
        logged as the phone's own ``tap`` (in the WebView: no element of the phone's)."""
        assert self.webview is not None
        taps = 0
        if method == "POST" and re.fullmatch(r"/element/[^/]+/click", rest):
            taps = 1
        elif method == "POST" and rest == "/actions":
            taps = sum(1 for source in body.get("actions") or [] if isinstance(source, dict)
                       for act in source.get("actions") or []
                       if isinstance(act, dict) and act.get("type") == "pointerDown")
        if taps:
            with self.engine.lock:
                for _ in range(taps):
                    self.engine.taps += 1
                    self.engine.record("tap", context=self.webview_name)
        status, payload = self.webview.forward(method, rest, body)
        return Relayed(status, payload)

    # ------------------------------------------------------------------ helpers
    def node(self, session: Session, eid: str) -> tuple[Node, Rendering]:
        if eid in session.stale_ids:
            raise stale()
        handle = session.elements.get(eid)
        if handle is None:
            raise _err(404, "no such element", f"The element with id {eid!r} is unknown")
        rendering = self.engine.render()
        node = rendering.resolve(handle)
        if node is None:
            raise stale()
        return node, rendering

    def package(self) -> str:
        model = self.engine.model
        return model.package if self.engine.app_running else model.launcher_package

    def locate(self, session: Session, body: dict[str, Any], context: str | None,
               many: bool) -> Any:
        using, value = body.get("using"), body.get("value")
        if not isinstance(using, str) or not isinstance(value, str):
            raise invalid_argument("'using' and 'value' must be strings")
        deadline = time.monotonic() + session.implicit_ms / 1000
        while True:
            with self.engine.lock:
                found = self._find_once(session, using, value, context)
            if found or time.monotonic() >= deadline:
                break
            self.wait_ms(1000 * min(POLL, max(0.0, deadline - time.monotonic())))
            if self._stopping.is_set():
                break
        if many:
            return [{ELEMENT_KEY: eid, "ELEMENT": eid} for eid in found]
        if not found:
            raise no_such_element(using, value)
        return {ELEMENT_KEY: found[0], "ELEMENT": found[0]}

    def _find_once(self, session: Session, using: str, value: str,
                   context: str | None) -> list[str]:
        rendering = self.engine.render()
        scope = None
        if context is not None:
            ctx_node, rendering = self.node(session, context)
            scope = rendering.page.element(ctx_node.key)
            if scope is None:
                return []
        try:
            result = find(rendering.page.root, scope, self.platform, using, value,
                          package=self.package(), lax_states="lax-selectors" in self.variants)
        except SelectorError as exc:
            raise _err(400, "invalid selector", str(exc)) from exc
        if isinstance(result, ScrollQuery):
            return self._scroll_into_view(session, result)
        ids = []
        for el in result:
            node = rendering.page.node(el)
            if node is not None:
                ids.append(session.element_id(rendering.handle(node)))
        return ids

    def _scroll_into_view(self, session: Session, query: ScrollQuery) -> list[str]:
        engine = self.engine
        root = engine.render().page.root
        if not query.container.find(root):
            return []
        _top, _bottom = engine.viewport()
        step = (_bottom - _top) * 2 // 3
        for attempt in range(40):
            rendering = engine.render()
            hits = query.target.find(rendering.page.root)
            nodes = [n for n in (rendering.page.node(el) for el in hits) if n is not None]
            if nodes:
                return [session.element_id(rendering.handle(nodes[0]))]
            if attempt == 0 and engine.current.scroll > 0:
                engine.scroll(-engine.current.scroll)  # UiScrollable starts from the top
                continue
            if not engine.scroll(step) and attempt > 0:
                rendering = engine.render()
                hits = query.target.find(rendering.page.root)
                nodes = [n for n in (rendering.page.node(el) for el in hits) if n is not None]
                return [session.element_id(rendering.handle(nodes[0]))] if nodes else []
        return []


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    phone: SimPhone


class _Handler(JsonHandler):
    disable_nagle_algorithm = True  # headers and body go out as two writes
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.phone.connection_opened(self.connection)

    def finish(self) -> None:
        self.server.phone.connection_closed(self.connection)
        super().finish()

    def serve(self, method: str) -> None:
        raw = self.read_body()
        status, payload = 200, None
        try:
            body = json.loads(raw) if raw.strip() else {}
            if not isinstance(body, dict):
                raise invalid_argument("the request body must be a JSON object")
            answer = self.server.phone.handle(method, self.path, body)
            if isinstance(answer, Relayed):  # the WebView's chromedriver answered
                status, payload = answer.status, answer.payload
            else:
                payload = {"value": answer}
        except json.JSONDecodeError as exc:
            status, payload = 400, _error_body("invalid argument", f"bad JSON body: {exc}")
        except EngineError as exc:
            status, payload = exc.status, _error_body(exc.error, exc.message)
        except Exception as exc:  # a bug in the sim: answer like a server would
            status, payload = 500, _error_body("unknown error", f"{type(exc).__name__}: {exc}")
        self.send_json(status, payload)


@dataclass(frozen=True, slots=True)
class Relayed:
    """An answer from the WebView's chromedriver, sent on as it came."""

    status: int
    payload: Any


def _error_body(error: str, message: str) -> dict[str, Any]:
    return {"value": {"error": error, "message": message, "stacktrace": ""}}
