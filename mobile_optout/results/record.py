"""What a run produced: the record every reporter and the history store read.

A ``RunRecord`` holds one ``FlowResult`` per (device, flow); each holds its ``StepRecord``s.
The runner fills them in as it goes and hands them to a ``RecordSink`` (the store) step by
step, so that a run killed midway leaves what it had done on disk.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol


class Outcome(StrEnum):
    """What became of one (device, flow)."""

    CHANGED = "changed"  # apply: was not as desired, tapped, read back as desired
    ALREADY_SET = "already_set"  # was as desired, nothing tapped
    WOULD_CHANGE = "would_change"  # check: is not as desired
    PASSED = "passed"  # a flow that governs no setting ran all its steps
    NOT_OFFERED = "not_offered"  # the setting does not exist on this account / region
    BLOCKED = "blocked"  # a sign-in wall or a screen the flow cannot get past
    FAILED = "failed"  # the desired state was not verified
    ERROR = "error"  # device or infrastructure
    INTERRUPTED = "interrupted"  # the run was killed before this result was finished
    RUNNING = "running"  # not finished yet (only ever seen in the store)


OK_OUTCOMES = frozenset(
    {Outcome.CHANGED, Outcome.ALREADY_SET, Outcome.NOT_OFFERED, Outcome.PASSED}
)
FAIL_OUTCOMES = frozenset(
    {Outcome.WOULD_CHANGE, Outcome.BLOCKED, Outcome.FAILED, Outcome.INTERRUPTED}
)


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
    round_trips: int = 0
    line: int = 0  # the step's line in its flow file
    file: str = ""  # the flow file the step came from (an include may differ from the flow)
    message: str = ""
    evidence: list[str] = field(default_factory=list)  # file names inside the run folder


@dataclass(slots=True)
class SettingObservation:
    id: str
    desired: bool
    before: bool | None = None  # None = never read
    after: bool | None = None


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def exit_code_for(outcomes: list[Outcome]) -> int:
    """0 when all ok; 1 when any is would_change/blocked/failed; else 3 when any error."""
    if any(o in FAIL_OUTCOMES for o in outcomes):
        return 1
    if any(o is Outcome.ERROR for o in outcomes):
        return 3
    return 0


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
