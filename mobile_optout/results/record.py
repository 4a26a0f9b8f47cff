"""What a run produced: the record every reporter and the history store read.

A ``RunRecord`` holds one ``FlowResult`` per (device, flow); each holds its ``StepRecord``s.
The runner fills them in as it goes and hands them to a ``RecordSink`` (the store) step by
step, so that a run killed midway leaves what it had done on disk.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

# A value type kept in values.py (device.py records taps without importing results).
from mobile_optout.values import TapRecord


class Outcome(StrEnum):
    """What became of one (device, flow)."""

    CHANGED = "changed"  # apply: was not as desired, tapped, read back as desired
    ALREADY_SET = "already_set"  # was as desired, nothing tapped
    WOULD_CHANGE = "would_change"  # check: is not as desired
    PASSED = "passed"  # a flow that governs no setting ran all its steps
    NOT_OFFERED = "not_offered"  # the setting does not exist on this account / region
    UNSUPPORTED = "unsupported"  # the app has no control to drive (an objection form...)
    NOT_INSTALLED = "not_installed"  # the app is not on this phone: nothing was run or read
    BLOCKED = "blocked"  # a sign-in wall or a screen the flow cannot get past
    FAILED = "failed"  # the desired state was not verified
    ERROR = "error"  # device or infrastructure
    INTERRUPTED = "interrupted"  # the run was killed before this result was finished
    RUNNING = "running"  # not finished yet (only ever seen in the store)


# not_installed and unsupported are "ok" for the exit code only: like not_offered there is
# nothing to do on this phone, and a catalogue of flows run on one phone must not fail for
# every app it lacks or that has no switch. They are never done: no setting was read, and
# the history records no observation.
OK_OUTCOMES = frozenset(
    {Outcome.CHANGED, Outcome.ALREADY_SET, Outcome.NOT_OFFERED, Outcome.NOT_INSTALLED,
     Outcome.UNSUPPORTED, Outcome.PASSED}
)
# Nothing a flow could do on this device: the app has no control, or is not installed.
# Never counted as done, never a failure (exit 0); JUnit and pytest show them as skipped.
NOT_RUN_OUTCOMES = frozenset({Outcome.UNSUPPORTED, Outcome.NOT_INSTALLED})
# Not finished: cut short, or still going when read. Never success: the verdict counts
# them as failures (1), JUnit as errors, report.html under errors.
UNFINISHED_OUTCOMES = frozenset({Outcome.INTERRUPTED, Outcome.RUNNING})
FAIL_OUTCOMES = frozenset(
    {Outcome.WOULD_CHANGE, Outcome.BLOCKED, Outcome.FAILED} | UNFINISHED_OUTCOMES
)
# Device or infrastructure: exit 3 when nothing failed.
ERROR_OUTCOMES = frozenset({Outcome.ERROR})
# The groups, written once: every outcome is in exactly one (tests/results check it).
OUTCOME_GROUPS: dict[str, frozenset[Outcome]] = {
    "ok": OK_OUTCOMES - NOT_RUN_OUTCOMES, "not_run": NOT_RUN_OUTCOMES,
    "failed": FAIL_OUTCOMES - UNFINISHED_OUTCOMES, "unfinished": UNFINISHED_OUTCOMES,
    "error": ERROR_OUTCOMES,
}


class StepStatus(StrEnum):
    PASSED = "passed"
    SKIPPED = "skipped"  # condition false, or optional and missing
    FAILED = "failed"
    ERROR = "error"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_run_id() -> str:
    """Sortable by time, unique enough for one machine: 20261129T031740Z-3f9a1c."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


@dataclass(slots=True)
class StepRecord:
    label: str
    kind: str
    status: StepStatus
    duration_ms: int
    round_trips: int = 0  # commands sent to the device
    tree_reads: int = 0  # of them, page sources and XPath finds (the costly ones)
    line: int = 0  # the step's line in its flow file
    file: str = ""  # the flow file the step came from (an include may differ from the flow)
    message: str = ""
    evidence: list[str] = field(default_factory=list)  # file names inside the run folder


@dataclass(slots=True)
class SettingObservation:
    """What the screen showed of one setting (on True / off False, or a choice's option
    name), and how a change was proven to hold."""

    id: str
    desired: bool | str
    before: bool | str | None = None  # None = never read
    after: bool | str | None = None
    taps: int = 0  # taps on the switch (at most the step's attempts)
    confirmed: list[str] = field(default_factory=list)  # confirm buttons answered
    held_s: float | None = None  # how long the change held before the fresh re-read
    reread: str = ""  # what the fresh re-read after the settle window saw
    flip_back: str = ""  # what happened when a change did not hold
    evidence: list[str] = field(default_factory=list)  # screenshots of a flip-back
    attempts: list[str] = field(default_factory=list)  # one line per attempt that failed
    proof: str = ""  # how the change was proven: reopen | relaunch | none
    proof_read: str = ""  # what the re-opened page read ("not re-verified" for none)

    DETAIL = ("taps", "confirmed", "held_s", "reread", "flip_back", "evidence", "attempts",
              "proof", "proof_read")

    def holding(self) -> str:
        """The holding check in a person's words ("" when nothing was tapped)."""
        if not self.taps:
            return ""
        parts = [f"tapped {self.taps}x"]
        if self.confirmed:
            parts.append("confirmed with " + ", ".join(repr(c) for c in self.confirmed))
        if self.held_s is not None:
            parts.append(f"held {self.held_s:g}s; re-read: {self.reread}")
        if self.flip_back:
            parts.append(f"did not hold: {self.flip_back}")
        if len(self.attempts) > 1 or (self.attempts and self.held_s is not None):
            parts.append("; ".join(self.attempts))
        if self.proof:
            parts.append(f"proof {self.proof}: {self.proof_read or 'not read'}")
        return "; ".join(parts)

    def detail(self) -> dict[str, Any]:
        """The holding check's fields (what the history keeps besides before/after)."""
        return {k: getattr(self, k) for k in self.DETAIL}


@dataclass(slots=True)
class ErrorInfo:
    type: str
    message: str
    step: str = ""
    line: int = 0
    file: str = ""  # the flow file of that line (an included part may differ from the flow)
    expected: str = ""
    actual: str = ""
    screen: str = ""  # file name of the page source (redacted) at that moment
    closest: list[str] = field(default_factory=list)  # texts on screen close to the wanted one


@dataclass(slots=True)
class FlowResult:
    device: str
    platform: str
    flow: str  # the flow's name
    flow_path: str
    app: str = ""  # the app the flow is for: Android package or iOS bundle id
    outcome: Outcome = Outcome.RUNNING
    app_name: str = ""  # the app's catalogue name (chatgpt, linkedin): results group by it
    started_at: str = field(default_factory=now_iso)
    finished_at: str = ""
    app_version: str = ""  # where the server reports it
    device_info: str = ""  # model and OS as the server reports them: "Pixel 7 · Android 14"
    server: str = ""  # endpoint without credentials
    server_version: str = ""  # the version GET /status gave: "3.1.0" ("" when it did not say)
    automation: str = ""  # the session's automationName: "UiAutomator2", "XCUITest"
    setting: SettingObservation | None = None
    steps: list[StepRecord] = field(default_factory=list)
    error: ErrorInfo | None = None
    note: str = ""  # e.g. why not_offered / blocked
    attempts: int = 1
    evidence_dir: str = ""  # relative to the run folder
    taps: list[TapRecord] = field(default_factory=list)  # every tap, in order
    routes: list[str] = field(default_factory=list)  # each route tried, in order, and its end
    answered: list[str] = field(default_factory=list)  # "prompt: 'button'" per prompt answered
    other_account: str = ""  # a page named another account than the first seen (redacted)
    language: str = ""  # the language whose texts the run used ("de"); "" before a session
    language_fallback: bool = False  # English texts stood in for the device's language
    # every switch on the screens the run read: {page (the step), label, state} (seen.py)
    switches: list[dict[str, Any]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.device}::{self.flow}"


@dataclass(slots=True)
class RunRecord:
    run_id: str
    mode: str  # "apply" | "check"
    started_at: str = field(default_factory=now_iso)
    finished_at: str = ""
    results: list[FlowResult] = field(default_factory=list)
    tool_version: str = ""
    drift: int = 0  # check: settings seen changed back since they were last verified
    interrupted_by: str = ""  # what stopped the run early: sigint (Ctrl-C), sigterm, sighup
    sim_state: str = ""  # --sim-variant: "fresh" phone, or the "saved" one (--keep-state)


# ---------------------------------------------------------------- records <-> plain data
# One mapping, read by report.json, the history store and `report`: a field added to a
# record above reaches all of them (the store also needs its column; see store.py).


def result_dict(r: FlowResult) -> dict[str, Any]:
    """A result as plain data (report.json's shape): every field, the setting, steps and
    error as mappings, and ``evidence: {dir, files}`` (every file its steps kept)."""
    d = asdict(r)
    d["outcome"] = str(r.outcome)
    for step in d["steps"]:
        step["status"] = str(step["status"])
    files = list(dict.fromkeys(f for s in r.steps for f in s.evidence))
    files += [f for f in (r.setting.evidence if r.setting else []) if f not in files]
    if r.error and r.error.screen and r.error.screen not in files:
        files.append(r.error.screen)
    d["evidence"] = {"dir": d.pop("evidence_dir"), "files": files}
    return d


def result_from_dict(d: Mapping[str, Any]) -> FlowResult:
    """A result back from ``result_dict``'s shape (keys it lacks take their defaults)."""
    names = {f.name for f in fields(FlowResult)}
    values = {k: v for k, v in d.items() if k in names}
    values["outcome"] = Outcome(d["outcome"])
    if d.get("setting") is not None:
        values["setting"] = SettingObservation(**d["setting"])
    if d.get("error") is not None:
        values["error"] = ErrorInfo(**d["error"])
    values["steps"] = [StepRecord(**(s | {"status": StepStatus(s["status"])}))
                       for s in d.get("steps", [])]
    if "evidence" in d:
        values["evidence_dir"] = d["evidence"]["dir"]
    values["taps"] = [TapRecord(**t) for t in d.get("taps", [])]
    return FlowResult(**values)


# How a run that was stopped early exits, by what stopped it (the shell's 128 + signal):
# Ctrl-C, SIGHUP (the terminal closed), SIGTERM (docker stop, a cancelled CI job).
INTERRUPT_EXIT = {"sigint": 130, "sighup": 129, "sigterm": 143}


def verdict(outcomes: Iterable[Outcome], *, drift: bool = False, interrupted: str = "",
            flagged_on: bool = False) -> int:
    """The exit code of a run, decided here only (the CLI, report.json and the pytest plugin
    all read it): the interruption's code when the run was stopped early; else 1 when any
    outcome is would_change/blocked/failed/interrupted or a setting drifted; else 3 when any
    is an error; else 0. A scan (``mobile_optout.scan``): each declared privacy page is an
    outcome (read: already_set; unreachable: blocked/failed/error), and ``flagged_on`` (a
    switch no flow covers, that looks like AI training or data sharing, is on) is 1."""
    outcomes = list(outcomes)
    if interrupted:
        return INTERRUPT_EXIT.get(interrupted, 130)
    if flagged_on or any(o in FAIL_OUTCOMES for o in outcomes):
        return 1
    if any(o in ERROR_OUTCOMES for o in outcomes):
        return 3
    return 1 if drift else 0


def run_verdict(run: RunRecord) -> int:
    """The exit code of a recorded run: its outcomes, its drift, its interruption."""
    return verdict((r.outcome for r in run.results), drift=run.drift > 0,
                   interrupted=run.interrupted_by)


class NoRecord:
    """A sink that keeps nothing: steps run only to reach a screen or try a locator."""

    def run_started(self, run: RunRecord) -> None:
        pass

    def result_started(self, run: RunRecord, result: FlowResult) -> None:
        pass

    def step_finished(self, run: RunRecord, result: FlowResult, step: StepRecord) -> None:
        pass

    def result_finished(self, run: RunRecord, result: FlowResult) -> None:
        pass

    def run_finished(self, run: RunRecord) -> None:
        pass


class RecordSink(Protocol):
    """Where the runner writes as it goes (the history store implements it). Devices run
    in threads: a sink must take calls from several threads at once."""

    def run_started(self, run: RunRecord) -> None: ...

    def result_started(self, run: RunRecord, result: FlowResult) -> None: ...

    def step_finished(self, run: RunRecord, result: FlowResult, step: StepRecord) -> None: ...

    def result_finished(self, run: RunRecord, result: FlowResult) -> None: ...

    def run_finished(self, run: RunRecord) -> None: ...

