"""Executes flows on devices and says truthfully what happened. Knows no platform and no
Appium: sessions open through ``session.open_session`` (the driver seam builds them).

Where things are:
- Each step runs through its kind's handler (``mobile_optout.steps``, reached only through
  ``steps.kind_of``); ``FlowRun`` is what a handler sees of the run (``steps.base.Run``):
  the device, ``find``, ``seek``, ``missing``, ``screenshot``.
- ``FlowRun`` runs one flow on one device: opens a session, executes the steps, recovers
  from a lost session (reconnect, relaunch, resume at the last checkpoint), decides the
  outcome. ``parallel.run_all`` runs many (device, flow) pairs, devices in parallel.
- Platform rules (toggle attributes, back buttons, scrolling) live in ``device.py`` and
  ``locate.py``; device errors are converted in ``driver.py``.

A setting counts as changed only when it was read back from the screen after the tap and
still held after the settle window (``mobile_optout.toggle``). A flow ends ``not_offered``
only with positive evidence: the whole page was seen (scrolled to its end), nothing on it
was loading, and nothing on it resembles the setting (``seek``, ``missing``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from loguru import logger

from mobile_optout.device import Device, Target
from mobile_optout.devices import DeviceProfile
from mobile_optout.driver import AppiumDriver
from mobile_optout.errors import (
    DeviceError,
    FlowEnded,
    GridBusy,
    InputError,
    Interrupted,
    OptoutError,
    SessionLost,
    StepFailed,
)
from mobile_optout.flow.model import (
    Checkpoint,
    Condition,
    EnsureSetting,
    Flow,
    Group,
    IfMissing,
    Launch,
    Locator,
    Step,
    Tap,
)
from mobile_optout.flow.params import Vars
from mobile_optout.flow.routes import Routes
from mobile_optout.language import RunLanguage
from mobile_optout.locate import Screen
from mobile_optout.results.evidence import Evidence
from mobile_optout.results.record import (
    ErrorInfo,
    FlowResult,
    Outcome,
    RecordSink,
    RunRecord,
    SettingObservation,
    StepRecord,
    StepStatus,
    now_iso,
)
from mobile_optout.seek import seek as seek_page
from mobile_optout.seen import SeenLog
from mobile_optout.session import open_session
from mobile_optout.steps import kind_of
from mobile_optout.steps.base import MAX_SCROLLS_TO_PROVE, Scan
from mobile_optout.steps.routes import Reached, expanded_app
from mobile_optout.values import Mode, resembles


class Progress(Protocol):
    """Live progress for the person watching (the CLI prints it through console.py)."""

    def step(self, result: FlowResult, record: StepRecord) -> None: ...
    def waiting(self, result: FlowResult, what: str, seconds: float) -> None: ...
    def finished(self, result: FlowResult) -> None: ...


@dataclass(frozen=True, slots=True)
class RunOptions:
    mode: Mode = Mode.APPLY
    params: Mapping[str, str] = field(default_factory=dict)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    parallel: int = 1
    cancel: threading.Event = field(default_factory=threading.Event)  # set on Ctrl-C
    only_installed: bool = False  # skip (do not report) flows whose app is not installed
    verify: str = ""  # how a change is proven (reach.PROOFS); "" = the device's, else reopen
    locale: str = ""  # --locale: the language of the flows' texts ("" asks the device)

    @property
    def check(self) -> bool:
        return self.mode is Mode.CHECK


class _Skipped(Exception):
    """The step's target was missing and the step is optional."""




def _unkept_record(step: Step) -> StepRecord:
    """The record a group's handler is given: not kept (its steps keep their own)."""
    return StepRecord(label=step.describe(), kind=step.KIND, status=StepStatus.PASSED,
                      duration_ms=0, line=step.where.line, file=step.where.path)


# --------------------------------------------------------------------------- one flow


class FlowRun:
    """One flow on one device, from session to outcome."""

    def __init__(
        self,
        flow: Flow,
        profile: DeviceProfile,
        url: str,
        *,
        options: RunOptions,
        evidence: Evidence,
        run: RunRecord,
        sink: RecordSink,
        progress: Progress | None = None,
        server_gone: Callable[[], str | None] | None = None,
    ) -> None:
        self.flow = flow
        self.server_gone = server_gone or _alive  # why the server died mid-run, if it did
        self.profile = profile
        self.url = url
        self.options = options
        self.evidence = evidence
        self.run = run
        self.sink = sink
        self.progress = progress
        self.vars = Vars(flow, options.params, options.environ)
        for secret in self.vars.secret_values():
            evidence.redactor.add_secret(secret)
        app = flow.app_for(profile.platform)
        assert app is not None, "flows are only paired with devices of their platforms"
        self.app = expanded_app(app, self.vars)
        self.result = FlowResult(
            device=profile.name, platform=profile.platform.value, flow=flow.name,
            flow_path=str(flow.path), server=profile.endpoint, app=self.app.app_id,
            app_name=flow.app_name,
        )
        self.setting: SettingObservation | None = None
        self.tapped_setting = False
        self.scan: Scan | None = None  # the last page search (not_offered's evidence)
        self.checkpoint = 0  # top-level step index to resume at after a lost session
        self.device: Device | None = None
        self.driver: AppiumDriver | None = None
        self.open_app = True  # False: the session leaves the screen as it is (the studio)
        self.anchor: Locator | None = None  # what showed the page is open (the last wait)
        self.language: RunLanguage | None = None  # the texts' language (language.py)
        self.seen = SeenLog(evidence.redactor.text)  # every switch on the screens read
        self.deadline = float("inf")  # the flow's, while its steps run
        self.reached: Reached | None = None  # the route that reached the last routed page
        self.notes: tuple[str, ...] = ()  # the session's notes (driver.notes)
        self.counted = (0, 0)  # round trips and tree reads already in step records

    # -- the whole flow -----------------------------------------------------------------

    def execute(self) -> FlowResult:
        self.sink.result_started(self.run, self.result)
        started = time.monotonic()
        try:
            self._attempts()
            self.result.outcome = self._outcome()
        except FlowEnded as end:
            self.result.outcome = Outcome(end.outcome)
            self.result.note = end.reason
        except StepFailed as exc:
            self.result.outcome = Outcome.FAILED
            self._record_error(exc)
        except (DeviceError, InputError) as exc:  # the device, or a value only known now
            self.result.outcome = Outcome.ERROR
            why = self.server_gone()
            self._record_error(DeviceError(f"{why} ({exc})") if why else exc)
        except Interrupted:
            self.result.outcome = Outcome.INTERRUPTED
            self.result.note = "interrupted (Ctrl-C) before the flow finished"
        finally:
            self._language_outcome()
            self._server_version()
            if self.driver is not None:
                self.driver.quit()
        if self.setting is not None:
            self.result.setting = self.setting
        if self.notes:  # how the session started (a browser run headless, no sandbox)
            self.result.note = "; ".join(n for n in (self.result.note, *self.notes) if n)
        self.result.switches = self.seen.entries()
        self.result.finished_at = now_iso()
        logger.debug("{} finished in {:.1f}s", self.result.key, time.monotonic() - started)
        self.sink.result_finished(self.run, self.result)
        if self.progress:
            self.progress.finished(self.result)
        return self.result

    # -- a few steps at a time (inspect --after, studio) ---------------------------------

    def run_steps(self, steps: Sequence[Step], flow: Flow | None = None) -> list[StepRecord]:
        """Run ``steps`` on this run's session (opened on first use, kept open until
        ``close``) with the runner's own handlers; ``flow``: the flow they came from
        (its settings, interrupts). Returns their records; a failing step raises."""
        if flow is not None:
            self.flow = flow
            if self.device is not None:
                self.device.flow = flow
        self._open()
        first = len(self.result.steps)
        self._steps(steps, time.monotonic() + self.profile.timeouts.flow)
        return self.result.steps[first:]

    def close(self) -> None:
        if self.driver is not None:
            self.driver.quit()
            self.driver = None
            self.device = None

    def _attempts(self) -> None:
        deadline = time.monotonic() + self.profile.timeouts.flow
        while True:
            try:
                self._open()
                start = self.checkpoint
                if start > 0:
                    assert self.device is not None
                    self.device.launch(self.app, restart=True, deep_link=None)
                self._steps_or_missing(start, deadline)
                return
            except SessionLost as exc:
                if (self.result.attempts > self.profile.retries or time.monotonic() > deadline
                        or self.server_gone()):
                    raise
                self.result.attempts += 1
                logger.warning(
                    "{}: session lost ({}); reopening, attempt {}",
                    self.result.key, exc, self.result.attempts,
                )
                self.driver = None

    def _steps_or_missing(self, start: int, deadline: float) -> None:
        """The flow's steps; a failure before the app was known to be installed asks
        whether it is (not installed is the honest outcome, not the failure)."""
        try:
            self._steps(self.flow.steps[start:], deadline, top_level_offset=start)
        except (StepFailed, DeviceError) as exc:
            device = self.device
            if isinstance(exc, SessionLost) or device is None or device.app_confirmed:
                raise
            with contextlib.suppress(DeviceError):
                device.require_installed(self.app)  # FlowEnded when it is not
            raise

    def _open(self) -> None:
        if self.driver is None:
            self.driver = self._connect()
            caps = self.driver.capabilities
            self.result.app_version = str(
                caps.get("appium:appVersion") or caps.get("appVersion") or ""
            )
            self.result.device_info = device_info(caps)
            self.notes = self.driver.notes
            self.result.automation = str(
                caps.get("appium:automationName") or caps.get("automationName") or "")
            if self.language is None:  # the texts of the device's language (language.py)
                self.language = RunLanguage.start(self.flow, self.options.locale,
                                                  self._device_locale)
                self.flow = self.language.localized()
            self.device = Device(
                self.driver, self.profile, self.flow,
                on_event=self._event, on_identity=self.evidence.redactor.add_name,
                expand=self.vars.locator, cancelled=self.options.cancel.is_set,
                on_wait=self._waiting,
                taps=self.result.taps, on_screen=self._seen,
            )
            self._require_app()

    def _require_app(self) -> None:
        """The app must be on the phone: sessions open with autoLaunch off (a missing app
        would make the driver refuse the session), so the driver is asked
        (``Device.require_installed``): not installed ends the flow as ``not_installed``;
        a driver that cannot tell (no ``mobile: queryAppState``) is taken at its word. A
        flow that leads with its own ``launch`` asks only if that start fails, or the flow
        does (``_steps_or_missing``): on the happy path the question costs nothing. An app
        with no control to drive ends as ``unsupported``, before anything is launched. A
        flow that does not begin with ``launch`` gets the app started, as autoLaunch would
        have."""
        assert self.device is not None
        leads = self._leads_with_launch(self.flow.steps) and self.checkpoint == 0
        installed = self.device.require_installed(self.app) \
            if not leads or self.flow.unsupported is not None else None
        if self.flow.unsupported is not None:
            u = self.flow.unsupported
            raise FlowEnded("unsupported", u.reason + (f" ({u.page})" if u.page else ""))
        if installed and not leads and self.checkpoint == 0:
            self.device.launch(self.app, restart=False, deep_link=None)

    def _leads_with_launch(self, steps: Sequence[Step]) -> bool:
        """Whether the first step that will run launches the app (then nothing else needs
        to start it): a launch, or a group whose condition is known now (platform, param)
        and leads with one, or is skipped and what follows does."""
        for step in steps:
            if isinstance(step, Launch):
                return step.when is None or self._static(step.when) is True
            if isinstance(step, Routes):  # the first route tried must lead with one
                first = step.chosen(step.forced(self.vars.values))[:1]
                now = step.when is None or self._static(step.when) is True
                return now and bool(first) and self._leads_with_launch(first[0].steps)
            if not isinstance(step, Group):
                return False
            holds = True if step.when is None else self._static(step.when)
            if holds is None:
                return False
            if holds:
                return self._leads_with_launch(step.steps)
        return False

    def _static(self, cond: Condition) -> bool | None:
        """A condition decided without looking at the screen; None when it must look."""
        if cond.visible is not None or cond.not_visible is not None:
            return None
        return self._fixed_parts_hold(cond)

    def _fixed_parts_hold(self, cond: Condition) -> bool:
        """The parts of a condition known without the screen: the platform, a param."""
        if cond.platform is not None and cond.platform is not self.profile.platform:
            return False
        if cond.param is not None:
            name, value = cond.param
            return self.vars.expand("${" + name + "}") == value
        return True

    def _connect(self) -> AppiumDriver:
        """A new session (autoLaunch off: ``_require_app`` launches). A grid whose devices
        are all busy queues the request; when its queue times out, ask again until the
        device's session budget is spent."""
        budget = time.monotonic() + self.profile.timeouts.session
        while True:
            try:
                return open_session(self.url, self.profile,
                                    self.app if self.open_app else None, launch=False)
            except GridBusy as exc:
                if time.monotonic() >= budget:
                    raise
                logger.info("{}: every matching device is busy; still queued ({})",
                            self.result.key, exc)

    def _waiting(self, locator: Locator, seconds: float) -> None:
        if self.progress is not None and seconds >= 1.0:
            self.progress.waiting(self.result, str(locator), seconds)

    def _event(self, kind: str, text: str) -> None:
        if kind in ("interrupt", "retry"):
            logger.info("{}: {} {}", self.result.key, kind, text)

    def _outcome(self) -> Outcome:
        obs = self.setting
        if obs is None and self.flow.settings:
            # The flow governs a setting but never read it (its step was skipped): unknown
            # is reported as unknown, never as success.
            ids = ", ".join(s.id for s in self.flow.settings)
            raise StepFailed(
                f"{self.flow.where.path}: the flow ended without reading {ids}",
                expected=f"{ids} read from the screen", actual="never read",
            )
        if obs is None:
            return Outcome.PASSED
        if obs.before == obs.desired and not self.tapped_setting:
            return Outcome.ALREADY_SET
        if self.options.check:
            return Outcome.WOULD_CHANGE
        if obs.after == obs.desired:
            return Outcome.CHANGED
        return Outcome.FAILED

    def _device_locale(self) -> str:
        return self.driver.locale() if self.driver is not None else ""

    def spare(self) -> None:
        """Work that waits for a wait due anyway (the settle window), done now: asking the
        server its version, and the device its language (language.py). What no wait took
        is asked at the end, if the record needs it (``_server_version``, ``record``)."""
        self._server_version()
        if self.language is not None:
            self.language.spare()

    def _server_version(self) -> None:
        if not self.result.server_version and self.driver is not None:
            self.result.server_version = self.driver.server_version()

    def _seen(self, screen: Screen) -> None:
        """Every screen read: the switches on it (seen.py), the language of its texts."""
        self.seen.look(screen)
        if self.language is not None:
            self.language.observe(screen.texts())

    def _language_outcome(self) -> None:
        """The texts' language on the result; an app the flow cannot read fails saying so."""
        device, driver = self.device, self.driver
        if self.language is None or device is None:
            return
        page = driver.locale if driver is not None and driver.web else None
        self.language.record(self.result, lambda: device.screen().texts(), page)

    def _record_error(self, exc: OptoutError) -> None:
        last = self.result.steps[-1] if self.result.steps else None
        info = ErrorInfo(type=type(exc).__name__, message=self.evidence.redactor.text(str(exc)))
        if isinstance(exc, StepFailed):
            info.expected = self.evidence.redactor.text(exc.expected)
            info.actual = self.evidence.redactor.text(exc.actual)
            info.closest = [self.evidence.redactor.text(c) for c in exc.closest]
            if exc.ui_tree:
                info.screen = self.evidence.page_source(self.result, "failure", exc.ui_tree)
        if last is not None:
            info.step, info.line, info.file = last.label, last.line, last.file
        self.result.error = info

    # -- steps --------------------------------------------------------------------------

    def walk(self, steps: Sequence[Step]) -> None:
        """Run a group's steps in place (within the flow's deadline)."""
        self._steps(steps, self.deadline)

    @property
    def check_mode(self) -> bool:
        """Only reading (``check``): nothing is tapped to change a setting."""
        return self.options.check

    def _steps(self, steps: Sequence[Step], deadline: float, top_level_offset: int = -1) -> None:
        if self.device is not None:
            self.device.deadline = deadline  # every loop inside a step keeps it too
        self.deadline = deadline
        for i, step in enumerate(steps):
            if self.options.cancel.is_set():
                raise Interrupted("interrupted")
            if top_level_offset >= 0 and isinstance(step, Checkpoint):
                self.checkpoint = top_level_offset + i
            if time.monotonic() > deadline:
                raise StepFailed(
                    f"the flow ran past its deadline of {self.profile.timeouts.flow:.0f}s"
                )
            self._step(step, deadline)

    def _step(self, step: Step, deadline: float) -> None:
        assert self.driver is not None and self.device is not None
        holds = step.when is None or self._holds(step.when, step)
        kind = kind_of(step)
        if kind.container:  # a group: its steps run in its place, each with its own record
            if holds:
                kind.handle(self, step, _unkept_record(step))
            return
        self.seen.page = self.vars.shown(step.label or step.describe())
        record = StepRecord(
            label=self.vars.shown(step.label or step.describe()), kind=step.KIND,
            status=StepStatus.PASSED, duration_ms=0, line=step.where.line, file=step.where.path,
        )
        trips, reads = self.driver.round_trips, self.driver.tree_reads
        inner = self.counted  # what steps run inside this one count as their own
        answered = len(self.device.answered)
        started = time.monotonic()
        try:
            if not holds:
                record.status, record.message = StepStatus.SKIPPED, "condition not met"
            else:
                kind.handle(self, step, record)
        except _Skipped as skip:
            record.status, record.message = StepStatus.SKIPPED, str(skip)
        except (StepFailed, DeviceError) as exc:
            record.status = StepStatus.FAILED if isinstance(exc, StepFailed) else StepStatus.ERROR
            record.message = self.evidence.redactor.text(str(exc))
            self._failure_evidence(record, exc)
            raise
        except FlowEnded as end:
            record.message = end.reason
            if end.outcome == Outcome.NOT_INSTALLED:  # the launch that found no app
                record.status = StepStatus.SKIPPED
            raise
        except Interrupted:
            record.status, record.message = StepStatus.ERROR, "interrupted"
            raise
        finally:
            self._answered(record, answered)
            record.duration_ms = int((time.monotonic() - started) * 1000)
            record.round_trips = self.driver.round_trips - trips - (self.counted[0] - inner[0])
            record.tree_reads = self.driver.tree_reads - reads - (self.counted[1] - inner[1])
            self.counted = (self.counted[0] + record.round_trips,
                            self.counted[1] + record.tree_reads)
            self.result.steps.append(record)
            self.sink.step_finished(self.run, self.result, record)
            if self.progress:
                self.progress.step(self.result, record)

    def _answered(self, record: StepRecord, before: int) -> None:
        """Say which button answered each prompt during the step (console and report), and
        when a page named another account than the one seen first."""
        device = self.device
        if device is None:
            return
        said = device.answered[before:]
        if said:
            line = "answered " + "; ".join(said)
            record.message = f"{record.message}; {line}" if record.message else line
            self.result.answered.extend(said)
        if len(device.accounts) > 1 and not self.result.other_account:
            first, other = device.accounts[0], device.accounts[-1]
            self.result.other_account = self.evidence.redactor.text(
                f"the page names the account {other!r}, not {first!r} seen at the start")
            note = self.result.other_account
            self.result.note = f"{self.result.note}; {note}" if self.result.note else note

    def _failure_evidence(self, record: StepRecord, exc: Exception) -> None:
        if isinstance(exc, SessionLost) or self.device is None:
            return
        if not self.evidence.keep_screenshots:
            return  # --no-screenshots: none is taken at all, not just none kept
        with contextlib.suppress(OptoutError):
            shot = self.evidence.screenshot(self.result, "failure", self.device.screenshot())
            if shot:
                record.evidence.append(shot)

    def _holds(self, cond: Condition, step: Step | None = None) -> bool:
        """Whether the condition holds now. A tap's ``visible:`` that is its own target is
        asked as the tap will ask it (denylisted labels left out), so the tap reuses what
        was found; a miss asks again plainly (a denylisted target is refused, not skipped)."""
        assert self.device is not None
        if not self._fixed_parts_hold(cond):
            return False
        visible = cond.visible
        if visible is not None and isinstance(step, Tap) and \
                str(self.vars.locator(visible)) == str(self.vars.locator(step.target)) and \
                self.device.look(visible, fresh=True, tap=True) is not None:
            visible = None  # (shown, and the tap will find it there)
        if visible is not None and self.device.look(visible, fresh=True) is None:
            return False
        return cond.not_visible is None or self.device.look(cond.not_visible) is None

    def settle_for(self, step: EnsureSetting) -> float:
        """How long a change must hold: the step's, else the flow's, else the device's."""
        for seconds in (step.settle, self.flow.settle):
            if seconds is not None:
                return seconds
        return self.profile.timeouts.settle

    def timeout_for(self, step: Step) -> float:
        """The step's own timeout, else the device's default."""
        return step.timeout if step.timeout is not None else self.profile.timeouts.step

    def find(self, step: Step, locator: Locator, *, tap: bool = False) -> Target:
        """Wait for the step's target (``tap``: to tap or type into it); a miss is handled
        as the step's if_missing says."""
        assert self.device is not None
        locator = self.vars.locator(locator)  # so that a failure names what was looked for
        target = self.device.wait_for(locator, self.timeout_for(step), tap=tap)
        if target is not None:
            return target
        what = f"{locator} did not appear within {self.timeout_for(step):g}s"
        if step.if_missing is IfMissing.NOT_OFFERED:  # only with the whole page seen
            target = self.seek(step, locator, "down", MAX_SCROLLS_TO_PROVE)
            if target is not None:
                return target
            what = f"{locator} is not on the page (scrolled to its end)"
        self.missing(step, what)
        raise AssertionError("unreachable")

    def seek(self, step: Step, locator: Locator, direction: str, max_scrolls: int
              ) -> Target | None:
        """Scroll the page until the locator shows or its end shows twice
        (``mobile_optout.seek`` has the rules); keeps what it saw in ``self.scan`` for
        ``missing``."""
        assert self.device is not None
        self.scan = Scan()
        return seek_page(self.device, locator, direction, max_scrolls,
                         timeout=self.timeout_for(step), anchor=self.anchor,
                         loading=self.flow.loading, scan=self.scan)

    def missing(self, step: Step, what: str) -> None:
        """The step's target is not there: skip, end the flow, or fail, as if_missing says;
        not_offered only with the evidence ``seek`` gathered."""
        assert self.device is not None
        if step.if_missing is IfMissing.SKIP:
            raise _Skipped(what)
        if step.if_missing is IfMissing.NOT_OFFERED:
            problem = self._not_offered_doubt(step)
            if not problem:
                raise FlowEnded("not_offered", what)
            what = f"{what}, but {problem}"
        if step.if_missing is IfMissing.BLOCKED:
            raise FlowEnded("blocked", what)
        screen = self.device.screen()  # what the last look saw: no extra round trip
        locator = getattr(step, "target", None) or getattr(step, "toggle", None)
        if isinstance(locator, Locator):
            locator = self.vars.locator(locator)
        hint = ""
        closest: list[str] = []
        if isinstance(locator, Locator):
            close = screen.near_misses(locator)
            hint = f"; on screen instead: {', '.join(repr(c) for c in close)}" if close else ""
            closest = screen.near_misses(locator, cutoff=0.5)
        raise StepFailed(
            f"{step.where}: {what}{hint}",
            expected=str(locator) if locator is not None else step.describe(),
            actual=screen.summary(),
            ui_tree=screen.source,
            closest=tuple(closest),
        )

    def _not_offered_doubt(self, step: Step) -> str:
        """Why a miss is not yet proof that the setting is not offered ("" when it is):
        the page's end was not reached, something still loads, or a text looks like it."""
        scan = self.scan
        if scan is not None and scan.doubt:
            return f"{scan.doubt}, so it cannot be called absent"
        if scan is None or not scan.reached_end:
            return "the end of the page was never reached, so it cannot be called absent"
        if scan.loading:
            return f"the page was still loading ({scan.loading[0]}), so it cannot be " \
                   "called absent"
        words = [self.vars.expand(w) for w in step.resembles]  # a part's ${PARAM} too
        alike = [t for t in scan.texts if resembles(t, words)]
        if alike:
            return (f"found {min(alike, key=len)!r}, which looks like the setting but does not "
                    "match; the app may have renamed it")
        return ""

    def screenshot(self, name: str, record: StepRecord) -> str | None:
        """Keep a screenshot as the step's evidence; its file name (None when not kept)."""
        assert self.device is not None
        if not self.evidence.keep_screenshots:
            return None  # --no-screenshots: not even asked of the phone
        shot = self.evidence.screenshot(self.result, name, self.device.screenshot())
        if shot:
            record.evidence.append(shot)
        return shot


def scratch_run(flow: Flow, profile: DeviceProfile, url: str, *, options: RunOptions,
                workdir: Path, progress: Progress | None = None) -> FlowRun:
    """A FlowRun that keeps no record (its screenshots go under ``workdir``): for running a
    few steps to reach a screen or try a locator (``inspect --after``, the studio)."""
    from mobile_optout import __version__
    from mobile_optout.results.record import NoRecord, new_run_id
    from mobile_optout.results.redact import Redactor

    run = RunRecord(run_id=new_run_id(), mode=options.mode, tool_version=__version__)
    return FlowRun(flow, profile, url, options=options, progress=progress, run=run,
                   evidence=Evidence(workdir, Redactor()), sink=NoRecord())


def device_info(caps: Mapping[str, Any]) -> str:
    """Model and OS from a session's capabilities (UiAutomator2: deviceManufacturer,
    deviceModel, platformVersion; XCUITest: deviceName, platformVersion; a browser:
    browserName, browserVersion)."""

    def cap(name: str) -> str:
        return str(caps.get(name) or caps.get(f"appium:{name}") or "").strip()

    model = " ".join(p for p in (cap("deviceManufacturer"), cap("deviceModel")) if p)
    model = model or cap("deviceName")
    browser = " ".join(p for p in (cap("browserName"), cap("browserVersion")) if p)
    model = " ".join(p for p in (model, browser) if p)  # web: the browser and its version
    platform = str(caps.get("platformName") or "").strip()
    system = " ".join(p for p in (_os_name(platform), cap("platformVersion")) if p)
    return " · ".join(p for p in (model, system) if p)


def _os_name(platform: str) -> str:
    return {"android": "Android", "ios": "iOS"}.get(platform.lower(), platform)


def _alive() -> str | None:
    return None
