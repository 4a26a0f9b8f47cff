"""The seam to the device, and the one boundary where Appium/Selenium errors become ours.

``Driver`` is the small interface everything above talks to. ``AppiumDriver`` implements
it with Appium-Python-Client over HTTP; tests point the very same class at the simulated
phone or a real Appium server. A web page is its web half (``web``): a browser behind a
server (Appium's chromium driver, a Selenium Grid), an app's web view context, or a
browser started here through Selenium's own Chromium driver (``BrowserDriver``, which
only adds what a browser does instead of launching an app). Every call goes through
``AppiumDriver._call``, which counts round trips and converts third-party exceptions into
``mobile_optout.errors``:

    InvalidSessionId, connection reset        -> SessionLost
    server not answering (urllib3)            -> ServerUnreachable (names the URL)
    SessionNotCreated: queue timed out        -> GridBusy (the runner asks again)
    SessionNotCreated: anything else          -> SessionNotCreated
    StaleElementReference                     -> StaleElement (the caller re-finds)
    500 unknown error, timeout, not interactable, click intercepted -> TransientDeviceError
    InvalidSelector                           -> LocatorRejected (the flow asked for it)
    UnknownMethod                             -> Unsupported
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import shutil
import socket
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

import urllib3.exceptions
from appium import webdriver
from appium.options.android import UiAutomator2Options
from appium.options.common import AppiumOptions
from appium.options.ios import XCUITestOptions
from appium.webdriver.client_config import AppiumClientConfig
from appium.webdriver.common.appiumby import AppiumBy
from selenium.common import exceptions as se
from selenium.webdriver.common.actions.action_builder import ActionBuilder

from mobile_optout.browserstart import as_root, cause, prepare
from mobile_optout.errors import (
    DeviceError,
    GridBusy,
    LocatorRejected,
    ServerUnreachable,
    SessionLost,
    SessionNotCreated,
    StaleElement,
    StepFailed,
    TransientDeviceError,
    Unsupported,
)
from mobile_optout.expert import session_capabilities
from mobile_optout.flow.model import AppId, Platform
from mobile_optout.values import Browser, Rect, redact_url
from mobile_optout.websnap import IN_VIEW_JS, SCROLL_JS, SNAPSHOT_JS

# The error classes are defined in errors.py; they stay importable from here.
__all__ = [
    "STRATEGIES",
    "AppiumDriver",
    "BrowserDriver",
    "Driver",
    "Element",
    "LocatorRejected",
    "Rect",
    "StaleElement",
    "Unsupported",
    "build_options",
    "connect",
]

T = TypeVar("T")
APP_NOT_INSTALLED = 0  # `mobile: queryAppState`: 0 not installed, 1 not running, ... 4 foreground


class Element(Protocol):
    """An element reference handed out by the driver; opaque above it."""

    @property
    def id(self) -> str: ...


# Strategy names used above the seam (the flow model's names) -> Appium's.
STRATEGIES: dict[str, str] = {
    "accessibility_id": AppiumBy.ACCESSIBILITY_ID,
    "resource_id": AppiumBy.ID,
    "class_name": AppiumBy.CLASS_NAME,
    "xpath": AppiumBy.XPATH,
    "android_uiautomator": AppiumBy.ANDROID_UIAUTOMATOR,
    "ios_predicate": AppiumBy.IOS_PREDICATE,
    "ios_class_chain": AppiumBy.IOS_CLASS_CHAIN,
    "css": AppiumBy.CSS_SELECTOR,
}


class Driver(Protocol):
    """What the rest of the tool may ask of a device. One implementation per transport."""

    platform: Platform
    round_trips: int
    tree_reads: int  # page sources and XPath finds: each walks the whole tree

    def page_source(self) -> str: ...
    def find_all(self, strategy: str, value: str) -> list[Element]: ...
    def click(self, element: Element) -> None: ...
    def tap_at(self, x: int, y: int) -> None: ...
    def type_into(self, element: Element, text: str, *, clear: bool) -> None: ...
    def attribute(self, element: Element, name: str) -> str | None: ...
    def rect(self, element: Element) -> Rect: ...
    def back(self) -> None: ...
    def screenshot_png(self) -> bytes: ...
    def window_size(self) -> tuple[int, int]: ...
    def activate_app(self, app: AppId) -> None: ...
    def terminate_app(self, app: AppId) -> None: ...
    def app_state(self, app: AppId) -> int: ...
    def deep_link(self, url: str, app: AppId) -> None: ...
    def scroll(self, direction: str, area: Rect | None = None) -> bool | None: ...
    def contexts(self) -> list[str]: ...
    def set_context(self, name: str) -> None: ...
    def locale(self) -> str: ...
    def quit(self) -> None: ...


def build_options(
    platform: Platform, app: AppId | None, capabilities: Mapping[str, object] | None = None,
    settings: Mapping[str, object] | None = None,
    browser: Browser | None = None,
    *,
    launch: bool = True,
) -> AppiumOptions:
    """Capabilities for a session: platform defaults, the flow's app, the expert settings,
    then the device's own capabilities and settings (which win: a device file may name
    another automation or platform, or want the driver's own idle wait back).

    ``launch=False``: ``appium:autoLaunch`` off unless the device says otherwise (the runner
    asks whether the app is installed, then launches it itself: a driver told to launch a
    missing app refuses the whole session instead). A browser has no app to launch."""
    options: AppiumOptions
    if platform is Platform.WEB:
        return browser_capabilities(browser or Browser(), capabilities or {})
    if platform is Platform.ANDROID:
        options = UiAutomator2Options()
        if app is not None:
            options.app_package = app.app_id
            if app.activity:
                options.app_activity = app.activity
    else:
        options = XCUITestOptions()
        if app is not None:
            options.bundle_id = app.app_id
    # Keep the user signed in: never clear the app's data unless the device file says so.
    options.no_reset = True
    options.new_command_timeout = 300
    # Expert settings (expert.py), with the device's own capabilities and settings over them.
    options.load_capabilities(
        session_capabilities(platform, settings or {}, capabilities or {}))
    if not launch and options.get_capability("appium:autoLaunch") is None:
        options.set_capability("appium:autoLaunch", False)
    return options


def connect(
    url: str,
    platform: Platform,
    app: AppId | None,
    *,
    capabilities: Mapping[str, object] | None = None,
    settings: Mapping[str, object] | None = None,
    timeout: float = 300.0,
    doctor: str = "mobile-optout doctor",
    browser: Browser | None = None,
    launch: bool = True,
) -> AppiumDriver:
    """Open a session on ``url`` (an Appium server, a Grid hub or the simulated phone).

    ``capabilities`` and ``settings`` (Appium settings) are the device's own (they win over
    the defaults); ``timeout`` bounds one HTTP call, session creation included; ``doctor``:
    the command that checks this device, named when the session cannot be opened. A web
    device's ``browser`` says how (a web session has no Appium settings); when it names a
    browser to start here, ``url`` is the site itself (job.endpoint). ``launch``: see
    ``build_options``."""
    if platform is Platform.WEB and browser is not None and browser.name is not None:
        return start_browser(browser, capabilities or {}, base_url=url)
    shown = redact_url(url)
    opts = build_options(platform, app, capabilities, settings, browser, launch=launch)
    # Credentials in the URL (device farms) travel as HTTP basic auth, never in the URL.
    parts = urlsplit(url)
    config = AppiumClientConfig(
        remote_server_addr=shown,
        direct_connection=False,
        keep_alive=True,
        timeout=int(timeout),
        init_args_for_pool_manager={"retries": urllib3.util.Retry(total=1, connect=1, read=0)},
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )
    try:
        remote = webdriver.Remote(shown, options=opts, client_config=config)
    except Exception as exc:  # converted right here; nothing else may escape
        raise _convert(exc, shown, opening=True, doctor=doctor) from exc
    if platform is Platform.WEB:
        return BrowserDriver(remote, shown, (browser or Browser()).base_url)
    return AppiumDriver(remote, platform, shown)


def apps_present(url: str, platform: Platform, apps: Iterable[AppId], *,
                 capabilities: Mapping[str, object] | None = None, timeout: float = 300.0
                 ) -> set[AppId]:
    """Which of the apps are on the device (``mobile: queryAppState``), asked in one
    session that launches nothing. A driver that cannot tell is taken to have them all (as
    ``Device.installed`` does); a website is always there to open (no session needed)."""
    wanted = set(apps)
    if platform is Platform.WEB:
        return wanted
    driver = connect(url, platform, None, capabilities=capabilities, timeout=timeout)
    try:
        present = set()
        for app in sorted(wanted, key=lambda a: a.app_id):
            try:
                if driver.app_state(app) != APP_NOT_INSTALLED:
                    present.add(app)
            except Unsupported:
                return wanted
        return present
    finally:
        driver.quit()


# ---------------------------------------------------------------------------- browsers

BROWSER_BINARIES = {
    "chromium": ("chromium", "chromium-browser"),
    "chrome": ("google-chrome", "google-chrome-stable", "chrome"),
}
WINDOW = "--window-size=1280,1000"


def _browser_args(browser: Browser) -> list[str]:
    """Chromium's switches: headless ones, and the user's own profile folder when named
    (the copy of "Profile Path" in chrome://version: its parent is the user data dir)."""
    args = [WINDOW]
    if browser.headless:
        args += ["--headless", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
    if as_root():
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    if browser.profile_dir:
        folder = Path(browser.profile_dir).resolve()
        args += [f"--user-data-dir={folder.parent}", f"--profile-directory={folder.name}"]
    return args


def browser_capabilities(browser: Browser, capabilities: Mapping[str, object]
                         ) -> AppiumOptions:
    """A web session on a server: Appium's chromium driver (platformName: this machine's
    OS unless the device says otherwise) or a Grid's Chrome; the device's capabilities win,
    and its goog:chromeOptions args are added to ours."""
    options = AppiumOptions()
    host = {"darwin": "mac", "win32": "windows"}.get(sys.platform, "linux")
    caps = dict(capabilities)
    given = caps.pop("goog:chromeOptions", None)
    chrome: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
    chrome["args"] = [*_browser_args(browser), *chrome.get("args", [])]
    options.load_capabilities({
        "platformName": host, "browserName": "chrome", "appium:automationName": "Chromium",
        **caps, "goog:chromeOptions": chrome,
    })
    return options


def start_browser(browser: Browser, capabilities: Mapping[str, object], *, base_url: str
                  ) -> BrowserDriver:
    """A browser started here through Selenium's own Chromium driver (the ``chromedriver``
    on PATH, never a download)."""
    from selenium.webdriver import Chrome, ChromeOptions
    from selenium.webdriver.chrome.service import Service

    name = browser.name or "chromium"
    shown = f"browser:{name}"
    browser, notes = prepare(browser)  # headless where there is no display
    binary = next((p for b in BROWSER_BINARIES[name] if (p := shutil.which(b))), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        missing = "chromedriver" if binary else name
        raise SessionNotCreated(
            f"cannot start {name}: {missing} is not on PATH (Debian: apt install chromium "
            "chromium-driver; or scripts/setup --test)"
        )
    options = ChromeOptions()
    options.binary_location = binary
    chrome = capabilities.get("goog:chromeOptions")
    extra = chrome.get("args", []) if isinstance(chrome, dict) else []
    for arg in [*_browser_args(browser), *extra]:
        options.add_argument(str(arg))
    try:
        remote = Chrome(service=Service(executable_path=driver_path), options=options)
    except Exception as exc:  # converted right here; nothing else may escape
        seen = cause(browser, binary, driver_path)
        if seen:
            raise SessionNotCreated(f"cannot start {name}: {seen} ({_short(exc)})") from exc
        raise _convert(exc, shown, opening=True) from exc
    started = BrowserDriver(remote, shown, base_url)
    started.notes = tuple(notes)
    return started


def _convert(exc: BaseException, url: str, *, opening: bool = False,
             doctor: str = "mobile-optout doctor") -> Exception:
    """Third-party exception -> the tool's own. The only place that knows their classes.
    ``doctor``: the command that checks the device, named in errors opening a session."""
    msg = _short(exc)
    if isinstance(exc, DeviceError | StepFailed):
        return exc
    if opening and isinstance(exc, se.NoSuchDriverException):
        return SessionNotCreated(f"{url} could not start a browser driver: {msg}")
    if isinstance(exc, se.InvalidSessionIdException | se.NoSuchDriverException):
        return SessionLost(f"the session at {url} ended: {msg}")
    if isinstance(exc, se.SessionNotCreatedException):
        if "request timed out" in msg.lower():
            return GridBusy(f"{url}: every matching device stayed busy: {msg}")
        hint = f"; try `{doctor}`" if opening else ""
        return SessionNotCreated(f"{url} did not create a session: {msg}{hint}")
    if isinstance(exc, se.StaleElementReferenceException):
        return StaleElement(f"element went stale: {msg}")
    if isinstance(exc, se.InvalidSelectorException):
        return LocatorRejected(f"the server rejected the locator: {msg}")
    if isinstance(exc, se.UnknownMethodException):
        return Unsupported(f"{url} does not support this command: {msg}")
    if isinstance(exc, se.WebDriverException):
        return TransientDeviceError(f"{url}: {msg}")
    if isinstance(
        exc,
        urllib3.exceptions.MaxRetryError | urllib3.exceptions.NewConnectionError
        | ConnectionRefusedError,
    ):
        if opening:
            return ServerUnreachable(
                f"no Appium server answers at {url} ({_reason(exc)}); is it running? "
                f"Try `{doctor}`."
            )
        return SessionLost(f"lost the connection to {url}: {_reason(exc)}")
    if isinstance(
        exc,
        urllib3.exceptions.ProtocolError | http.client.HTTPException | ConnectionError,
    ):
        return SessionLost(f"the connection to {url} broke: {_reason(exc)}")
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError | socket.timeout | TimeoutError):
        return TransientDeviceError(f"{url} did not answer in time")
    return DeviceError(f"{url}: unexpected {type(exc).__name__}: {exc}")


def _short(exc: BaseException) -> str:
    if isinstance(exc, se.WebDriverException):
        text = exc.msg or type(exc).__name__
    else:
        text = str(exc) or type(exc).__name__
    return text.strip().splitlines()[0][:300] if text.strip() else type(exc).__name__


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    base = reason if isinstance(reason, BaseException) else exc
    text = str(base)
    if "Connection refused" in text or isinstance(base, ConnectionRefusedError):
        return "connection refused"
    return type(base).__name__


LANG_JS = "return document.documentElement.lang || navigator.language || ''"


class AppiumDriver:
    """``Driver`` over Appium-Python-Client. Counts every command it sends."""

    def __init__(self, remote: Any, platform: Platform, url: str) -> None:
        self._remote = remote
        self.platform = platform  # WEB while in an app's web view
        self.native_platform = platform
        self.url = url
        self.notes: tuple[str, ...] = ()  # what the result should say of how it started
        self.round_trips = 0
        self.tree_reads = 0
        self._size: tuple[int, int] | None = None

    @property
    def web(self) -> bool:
        """A web page is in front: a browser, or an app's web view context."""
        return self.platform is Platform.WEB

    @property
    def capabilities(self) -> Mapping[str, Any]:
        caps: Mapping[str, Any] = self._remote.capabilities or {}
        return caps

    def server_version(self) -> str:
        """The server's version from GET /status ("3.1.0"); "" when it does not say (a
        browser started here through Selenium's own driver has no such call)."""
        get_status = getattr(self._remote, "get_status", None)
        if get_status is None:
            return ""
        try:
            status = self._call(get_status)
        except DeviceError:
            return ""
        build = status.get("build") if isinstance(status, dict) else None
        version = build.get("version") if isinstance(build, dict) else None
        return str(version) if version else ""

    def locale(self) -> str:
        """The language the device says it is in, as it says it ("de_DE", "fr-FR"); "" when
        it does not say. UiAutomator2 ``mobile: deviceInfo`` -> ``locale``; XCUITest ->
        ``currentLocale`` (else ``locale``); a web page: its ``lang``, else the browser's."""
        try:
            if self.web:
                value = self._call(lambda: self._remote.execute_script(LANG_JS))
                return str(value or "")
            info = self._mobile("deviceInfo", {})
        except DeviceError:
            return ""
        if not isinstance(info, Mapping):
            return ""
        return str(info.get("currentLocale") or info.get("locale") or "")

    def _call(self, fn: Callable[[], T]) -> T:
        self.round_trips += 1
        try:
            return fn()
        except Exception as exc:
            raise _convert(exc, self.url) from exc

    def settings(self) -> Mapping[str, Any]:
        """The session's Appium settings, as the server has them (GET appium/settings)."""
        value: Mapping[str, Any] = self._call(self._remote.get_settings)
        return value

    def page_source(self) -> str:
        """The UI tree; on a web page the DOM snapshot of ``mobile_optout.websnap``."""
        self.tree_reads += 1
        if self.web:
            snapshot: str = self._call(lambda: self._remote.execute_script(SNAPSHOT_JS))
            return snapshot
        source: str = self._call(lambda: self._remote.page_source)
        return source

    def find_all(self, strategy: str, value: str) -> list[Element]:
        by = STRATEGIES[strategy]
        if by == AppiumBy.XPATH:
            self.tree_reads += 1
        found: list[Element] = self._call(lambda: self._remote.find_elements(by, value))
        return found

    def click(self, element: Element) -> None:
        self._call(element.click)  # type: ignore[attr-defined]

    def tap_at(self, x: int, y: int) -> None:
        if not self.web:
            self._call(lambda: self._remote.tap([(x, y)]))
            return
        # A web page: the point (page coordinates) scrolled into view, then a real click.
        vx, vy = self._call(lambda: self._remote.execute_script(IN_VIEW_JS, x, y))

        def click() -> None:
            actions = ActionBuilder(self._remote)
            pointer: Any = actions.pointer_action
            pointer.move_to_location(int(vx), int(vy)).click()
            actions.perform()

        self._call(click)

    def type_into(self, element: Element, text: str, *, clear: bool) -> None:
        if clear:
            self._call(element.clear)  # type: ignore[attr-defined]
        self._call(lambda: element.send_keys(text))  # type: ignore[attr-defined]

    def attribute(self, element: Element, name: str) -> str | None:
        value: str | None = self._call(
            lambda: element.get_attribute(name)  # type: ignore[attr-defined]
        )
        return value

    def rect(self, element: Element) -> Rect:
        r: dict[str, Any] = self._call(lambda: element.rect)  # type: ignore[attr-defined]
        return Rect(int(r["x"]), int(r["y"]), int(r["width"]), int(r["height"]))

    def back(self) -> None:
        self._call(self._remote.back)

    def screenshot_png(self) -> bytes:
        data: str = self._call(self._remote.get_screenshot_as_base64)
        return base64.b64decode(data)

    def window_size(self) -> tuple[int, int]:
        if self._size is None and self.web:
            w, h = self._call(lambda: self._remote.execute_script(
                "return [window.innerWidth, window.innerHeight]"))
            self._size = (int(w), int(h))
        if self._size is None:
            r: dict[str, Any] = self._call(self._remote.get_window_rect)
            self._size = (int(r["width"]), int(r["height"]))
        return self._size

    def _mobile(self, script: str, args: dict[str, Any]) -> Any:
        return self._call(lambda: self._remote.execute_script(f"mobile: {script}", args))

    def _app_args(self, app: AppId) -> dict[str, Any]:
        key = "appId" if self.native_platform is Platform.ANDROID else "bundleId"
        return {key: app.app_id}

    def activate_app(self, app: AppId) -> None:
        self._mobile("activateApp", self._app_args(app))

    def terminate_app(self, app: AppId) -> None:
        self._mobile("terminateApp", self._app_args(app))

    def app_state(self, app: AppId) -> int:
        """``mobile: queryAppState``: 0 not installed, 1 not running, 2-4 running."""
        return int(self._mobile("queryAppState", self._app_args(app)))

    def deep_link(self, url: str, app: AppId) -> None:
        key = "package" if self.native_platform is Platform.ANDROID else "bundleId"
        self._mobile("deepLink", {"url": url, key: app.app_id})

    def scroll(self, direction: str, area: Rect | None = None) -> bool | None:
        """Scroll the area (default: the middle of the screen); whether it can scroll more
        where the driver says (UiAutomator2's ``scrollGesture``), else None."""
        if self.web:
            sign = 1 if direction == "down" else -1
            self._call(lambda: self._remote.execute_script(SCROLL_JS, sign))
            return None
        if self.platform is Platform.ANDROID:
            w, h = self.window_size()
            box = area or Rect(0, h // 5, w, h * 3 // 5)
            more = self._mobile(
                "scrollGesture",
                {"left": box.x, "top": box.y, "width": box.width, "height": box.height,
                 "direction": direction, "percent": 0.75},
            )
            return more if isinstance(more, bool) else None
        self._mobile("scroll", {"direction": direction})
        return None

    def contexts(self) -> list[str]:
        """NATIVE_APP and the app's web views (WEBVIEW_<package>), as Appium lists them."""
        names: list[str] = self._call(lambda: self._remote.contexts)
        return [str(n) for n in names]

    def set_context(self, name: str) -> None:
        """Talk to ``name`` from now on: a web view is then a web page (``web``)."""
        self._call(lambda: self._remote.switch_to.context(name))
        self.platform = self.native_platform if name.startswith("NATIVE") else Platform.WEB
        self._size = None

    def quit(self) -> None:
        # A session that is already gone is quit enough.
        with contextlib.suppress(DeviceError):
            self._call(self._remote.quit)


class BrowserDriver(AppiumDriver):
    """``Driver`` for a browser: an app is a page under ``base_url`` (a launch opens it, a
    deep link is a path or URL on it); everything else is the web half of AppiumDriver."""

    def __init__(self, remote: Any, url: str, base_url: str) -> None:
        super().__init__(remote, Platform.WEB, url)
        self.base_url = base_url.rstrip("/") + "/"

    def page_url(self, path: str) -> str:
        """A flow's link or path, on this device's site (an absolute URL stays as it is)."""
        return urljoin(self.base_url, path.lstrip("/")) if "://" not in path else path

    def _open(self, url: str) -> None:
        self._call(lambda: self._remote.get(url))

    def activate_app(self, app: AppId) -> None:
        self._open(self.page_url(app.app_id))

    def terminate_app(self, app: AppId) -> None:
        self._open("about:blank")

    def app_state(self, app: AppId) -> int:
        return 4  # a site is always there to open (signed in or not is the flow's question)

    def deep_link(self, url: str, app: AppId) -> None:
        self._open(self.page_url(url))

    def contexts(self) -> list[str]:
        return ["CHROMIUM"]  # a browser's one page

    def set_context(self, name: str) -> None:
        if name not in ("CHROMIUM", "WEBVIEW"):
            raise Unsupported(f"a browser has no {name} context: only its page")


def pick_context(wanted: str, found: list[str]) -> str | None:
    """Which of the contexts a session offers (``found``) a flow means by ``wanted``:
    ``native`` -> NATIVE_APP; ``webview`` -> the first web view; else that exact name."""
    if wanted == "native":
        return next((c for c in found if c.startswith("NATIVE")), None)
    if wanted == "webview":
        return next((c for c in found if c.startswith(("WEBVIEW", "CHROMIUM"))), None)
    return wanted if wanted in found else None
