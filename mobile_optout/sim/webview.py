"""LinkedIn's settings WebView on the simulated Android phone, as Appium's contexts show it.

On a real phone, Appium lists a debuggable WebView as the context ``WEBVIEW_<package>``;
after ``POST /session/:id/context`` every command goes to a chromedriver attached to that
WebView. The simulated phone does the same with real parts: the WebView's page is the
simulated LinkedIn website (``sim/site.py``) rendered by headless Chromium, driven by
Debian's chromedriver, and a web-context session's commands are relayed to it unchanged.
The site and the phone share one settings store: a switch saved in the WebView is the
phone's setting.

Started on the first switch into the WebView; stopped with the phone.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from mobile_optout.sim.model import SettingValue
from mobile_optout.sim.site import GENAI_PATH, SETTINGS, SETTINGS_PAGE, WEB_VARIANTS, SimSite

# The phone's web screens -> the website's page the WebView shows for each.
PAGES: dict[str, str] = {
    "settings": SETTINGS_PAGE,
    "data_privacy": "/mypreferences/d/categories/privacy",
    "advertising_data": "/mypreferences/d/categories/ads",
    "genai": GENAI_PATH,
    "social_research": f"/mypreferences/d/settings/{SETTINGS['social_research'][0]}",
    "research_invitations": f"/mypreferences/d/settings/{SETTINGS['research_invitations'][0]}",
}
HEADLESS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=412,915"]


class WebViewError(Exception):
    """The WebView could not be started (no chromium/chromedriver here)."""


class WebView:
    """The WebView's browser: one chromedriver, one session, the site it shows."""

    def __init__(self, settings: dict[str, SettingValue], lock: Any, variants: tuple[str, ...],
                 on_save: Callable[[str, bool], None], locale: str = "") -> None:
        self.site = SimSite(variants=[v for v in variants if v in WEB_VARIANTS
                                      and v != "already-off"],
                            settings=settings, lock=lock, on_save=on_save, locale=locale)
        self._proc: subprocess.Popen[bytes] | None = None
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._base = ""
        self.session = ""

    def start(self) -> None:
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        driver = shutil.which("chromedriver")
        if chromium is None or driver is None:
            raise WebViewError("the simulated WebView needs chromium and chromedriver on PATH "
                               "(scripts/setup --test)")
        self.site.start()
        from mobile_optout.appium_server import free_port, status_ready

        port = free_port()
        self._proc = subprocess.Popen(  # a fixed argv, no shell
            [driver, f"--port={port}"], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self._base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while status_ready(self._base, timeout=1.0) is None:
            if time.monotonic() > deadline or self._proc.poll() is not None:
                self.stop()
                raise WebViewError("chromedriver did not start for the simulated WebView")
            time.sleep(0.05)  # polling interval of a deadline-bound wait
        self._profile = tempfile.TemporaryDirectory(prefix="mobile-optout-webview-",
                                                    ignore_cleanup_errors=True)
        caps = {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium, "args": [*HEADLESS, f"--user-data-dir={self._profile.name}"]}}
        status, body = self._http("POST", "/session",
                                  {"capabilities": {"alwaysMatch": caps}})
        if status != 200:
            self.stop()
            raise WebViewError(f"chromedriver refused a session: {body}")
        self.session = str(body["value"]["sessionId"])

    @property
    def started(self) -> bool:
        return bool(self.session)

    def show(self, screen: str) -> None:
        """Load the page of the phone's ``screen`` (unless it is already showing)."""
        path = PAGES.get(screen)
        if path is not None and self.path() != path:
            self.forward("POST", "/url", {"url": self.site.url + path})

    def path(self) -> str:
        status, body = self.forward("GET", "/url", {})
        return urlsplit(str(body.get("value", ""))).path if status == 200 else ""

    def screen(self) -> str | None:
        """The phone's screen for the page the WebView shows now."""
        path = self.path().rstrip("/")
        return next((s for s, p in PAGES.items() if p.rstrip("/") == path), None)

    def forward(self, method: str, rest: str, body: dict[str, Any]) -> tuple[int, Any]:
        """A web-context command, relayed to the WebView's chromedriver session."""
        return self._http(method, f"/session/{self.session}{rest}", body)

    def _http(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        data = json.dumps(body).encode("utf-8") if method == "POST" else None
        req = urllib.request.Request(self._base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def stop(self) -> None:
        if self.session:
            with contextlib.suppress(OSError):
                self._http("DELETE", f"/session/{self.session}", {})
            self.session = ""
        if self._proc is not None:
            from mobile_optout.appium_server import stop_process_group

            stop_process_group(self._proc, grace=5)
            self._proc = None
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None
        self.site.stop()
