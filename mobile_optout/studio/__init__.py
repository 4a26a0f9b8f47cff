"""`mobile-optout studio`: write a flow by trying it on the device, in a browser.

A small web page served on 127.0.0.1 (``server.py``; no internet, no build step, nothing
from elsewhere: a strict Content-Security-Policy) shows the device's screen with a box
around every element. Click one to see its attributes and the locator ``inspect`` would
suggest; run a step on the device with it; the steps that worked accumulate as a flow file,
ready to paste.

Every step runs the way ``mobile-optout run`` runs it: the step is written as YAML,
compiled by the flow compiler and executed by the runner's own handlers
(``runner.scratch_run``) on one session kept open. So what the page shows is exactly what
a flow will do. The studio keeps no record, and never changes a setting:
``ensure_setting`` runs in check mode (it reads the toggle and says what it would do).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mobile_optout.devices import DeviceProfile
from mobile_optout.errors import DeviceError, FlowEnded, InputError, SessionLost, StepFailed
from mobile_optout.flow import load_flow
from mobile_optout.flow.model import AppId, Flow, Platform
from mobile_optout.inspection import describe
from mobile_optout.runner import FlowRun, RunOptions, scratch_run
from mobile_optout.values import Mode

STEP_KINDS = ("tap", "wait_for", "scroll_until_visible", "back", "launch", "ensure_setting")
NEEDS_LOCATOR = frozenset({"tap", "wait_for", "scroll_until_visible", "ensure_setting"})
_SETTING_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
NO_APP = "app.not.given"  # compiles; a launch without --app is refused before it runs


class Studio:
    """One device, one session, and the flow written so far. Safe to call from the web
    server's threads (one step at a time)."""

    def __init__(self, profile: DeviceProfile, url: str, app: AppId | None, workdir: Path,
                 environ: Mapping[str, str]) -> None:
        self.profile = profile
        self.url = url
        self.app = app
        self.workdir = workdir
        self.environ = environ
        self.steps: list[str] = []  # YAML of the steps that worked, as listed under steps:
        self.settings: list[str] = []  # settings an ensure_setting step read
        self.screenshot = b""  # the last look's screenshot (PNG)
        self.looks = 0
        self._lock = threading.Lock()
        self._run: FlowRun | None = None

    # -- the flow file ------------------------------------------------------------------

    def flow_yaml(self, steps: list[str] | None = None,
                  settings: list[str] | None = None) -> str:
        """The flow written so far (or with ``steps``/``settings`` instead), as a file."""
        plat = self.profile.platform.value
        key = "package" if self.profile.platform is Platform.ANDROID else "bundle_id"
        app = self.app.app_id if self.app else NO_APP
        lines = ["mobile-optout: flow", "name: my-flow", f"platforms: [{plat}]", "app:",
                 f"  {plat}: {{{key}: {app}}}"]
        chosen = self.settings if settings is None else settings
        if chosen:
            lines.append("settings:")
            lines.extend(f"  {s}: {{desired: off}}" for s in chosen)
        lines.append("steps:")
        text = "\n".join(lines) + "\n"
        return text + "".join(self.steps if steps is None else steps)

    @staticmethod
    def step_yaml(kind: str, locator: str = "", setting: str = "") -> str:
        """One step as it sits under ``steps:``. ValueError for what cannot be a step."""
        if kind not in STEP_KINDS:
            raise ValueError(f"unknown step {kind!r}; the studio runs {', '.join(STEP_KINDS)}")
        locator = locator.strip()
        if kind in NEEDS_LOCATOR and not locator:
            raise ValueError(f"{kind} needs a locator: click an element, or type one")
        if "\n" in locator:
            raise ValueError("write the locator on one line ({text: ..., index: 1})")
        if kind == "ensure_setting":
            if not _SETTING_ID.match(setting):
                raise ValueError("ensure_setting needs a setting id: lower case letters, "
                                 "digits and _ (e.g. social_research)")
            return (f"  - ensure_setting:\n      setting: {setting}\n"
                    f"      toggle: {locator}\n")
        if kind in ("back", "launch"):
            return f"  - {kind}\n"
        return f"  - {kind}: {locator}\n"

    # -- the device ---------------------------------------------------------------------

    def _session(self, flow: Flow) -> FlowRun:
        if self._run is None:
            options = RunOptions(mode=Mode.CHECK, environ=self.environ)  # never sets a setting
            self._run = scratch_run(flow, self.profile, self.url, options=options,
                                    workdir=self.workdir)
            self._run.open_app = self.app is not None
        return self._run

    def _compile(self, text: str) -> Flow:
        path = self.workdir / "my-flow.yaml"  # what a failure's file:line points into
        path.write_text(text, encoding="utf-8")
        return load_flow(path)

    def look(self) -> dict[str, Any]:
        """The screen now: its elements with their suggested locators, and a screenshot
        (kept for ``/api/screenshot.png``)."""
        with self._lock:
            run = self._session(self._compile(self.flow_yaml(steps=["  - checkpoint: studio\n"])))
            try:
                run.run_steps(())  # opens the session on first use
                assert run.device is not None and run.driver is not None
                screen = run.device.screen(fresh=True)
                self.screenshot = run.device.screenshot()
            except SessionLost:
                self._drop()  # said on the page; Refresh opens a new session
                raise
            self.looks += 1
            size = screen.size or run.driver.window_size()
            return {
                "device": self.profile.name, "platform": self.profile.platform.value,
                "look": self.looks, "size": {"width": size[0], "height": size[1]},
                "elements": [r.to_dict() for r in describe(screen)],
                "flow": self.flow_yaml(),
            }

    def step(self, kind: str, locator: str = "", setting: str = "") -> dict[str, Any]:
        """Run one step on the device. Success adds it to the flow; a failure says why,
        as a run would, and adds nothing."""
        try:
            text = self.step_yaml(kind, locator, setting)
        except ValueError as exc:
            return {"ok": False, "message": str(exc), "flow": self.flow_yaml()}
        if kind == "launch" and self.app is None:
            return {"ok": False, "flow": self.flow_yaml(),
                    "message": "launch needs the app: start the studio with --app ID"}
        with self._lock:
            settings = [*self.settings, *([setting] if setting not in self.settings
                                          and kind == "ensure_setting" else [])]
            try:
                flow = self._compile(self.flow_yaml(steps=[text], settings=settings))
            except InputError as exc:
                return {"ok": False, "flow": self.flow_yaml(),
                        "message": str(exc).replace(str(self.workdir) + "/", "")}
            run = self._session(flow)
            try:
                records = run.run_steps(flow.steps, flow)
            except (StepFailed, DeviceError, FlowEnded) as exc:
                if isinstance(exc, SessionLost):
                    self._drop()  # the next look or step opens a new session
                message = str(exc) if not isinstance(exc, FlowEnded) else exc.reason
                return {"ok": False, "flow": self.flow_yaml(),
                        "message": message.replace(str(self.workdir) + "/", "")}
            self.steps.append(text)
            self.settings = settings
            said = next((r.message for r in reversed(records) if r.message), "")
            return {"ok": True, "step": text, "flow": self.flow_yaml(),
                    "message": f"{kind}: done" + (f" ({said})" if said else "")}

    def _drop(self) -> None:
        if self._run is not None:
            with contextlib.suppress(DeviceError):
                self._run.close()
            self._run = None

    def close(self) -> None:
        with self._lock:
            self._drop()
