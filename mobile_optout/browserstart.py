"""A browser that starts where the user is: the rules for a browser started here.

- On Linux with no display (neither ``DISPLAY`` nor ``WAYLAND_DISPLAY``), a browser whose
  device does not say ``headless`` runs headless, and the result notes it. A device that
  says ``headless: false`` gets a clear error instead: "no display; set headless: true or
  run under a display". Other systems always have a display.
- As root, Chromium refuses to start with its sandbox: it is turned off, with a note.
- A browser that cannot start is explained by what can be seen here: no display, no
  chromedriver, a chromedriver of another major version than the browser.
``doctor`` asks the same questions (``display_problem``, ``versions``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import replace

from mobile_optout.errors import SessionNotCreated
from mobile_optout.values import Browser

NO_DISPLAY = "no display; set headless: true or run under a display"
HEADLESS_NOTE = "no display (neither DISPLAY nor WAYLAND_DISPLAY): the browser ran headless"
ROOT_NOTE = "running as root: Chromium's sandbox is off"


def has_display(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Can a browser window open here? Only Linux can lack a display."""
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def prepare(browser: Browser, environ: Mapping[str, str] | None = None,
            platform: str | None = None) -> tuple[Browser, list[str]]:
    """The browser as it will start here (headless decided), and the notes to record.
    Raises SessionNotCreated when a window is asked for and there is no display."""
    notes: list[str] = []
    if not has_display(environ, platform):
        if browser.headless is False:
            raise SessionNotCreated(NO_DISPLAY)
        if browser.headless is None:
            browser = replace(browser, headless=True)
            notes.append(HEADLESS_NOTE)
    if as_root():
        notes.append(ROOT_NOTE)
    return browser, notes


def version(argv: list[str]) -> str | None:
    """The first line a program prints for ``--version`` (None when it is not on PATH)."""
    exe = shutil.which(argv[0])
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, *argv[1:]], capture_output=True, text=True, timeout=20,
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "unknown version"


def major(text: str) -> str:
    """The major version in "Chromium 131.0.6778.85" ("?" when none shows)."""
    return next((w.split(".")[0] for w in text.split() if w[:1].isdigit()), "?")


def mismatch(binary: str, driver: str) -> str:
    """Why the chromedriver cannot drive the browser ("" when their majors agree)."""
    b, d = version([binary, "--version"]), version([driver, "--version"])
    if b and d and major(b) != major(d):
        return f"{d} does not match {b}: install the chromedriver of the browser's major " \
               "version"
    return ""


def cause(browser: Browser, binary: str, driver: str,
          environ: Mapping[str, str] | None = None) -> str:
    """What can be seen here of why the browser did not start ("" when nothing)."""
    if not browser.headless and not has_display(environ):
        return NO_DISPLAY
    return mismatch(binary, driver)
