"""pytest plugin: flow files as test items, for QA teams and CI.

Loaded through the ``pytest11`` entry point ``mobile_optout``. What it adds:

- Items: one per (flow file, device): ``flows/linkedin/android.yaml::sim-android``. A flow
  is paired only with devices of its platforms. Flow tags become markers (``-m linkedin``).
- Which YAML files become items (so that a project's own test data is left alone):
  a file is collected when it declares ``mobile-optout: flow`` AND collection is switched
  on (any ``--mo-device``, ``--mo-all-devices``, ``--mo-devices``, ``--mo-flow-glob``, or
  the ini options ``mo_collect = true`` / ``mo_devices``), or when the file itself is
  named on the command line (``pytest flows/linkedin/android.yaml``). Files matching a
  ``--mo-flow-glob`` are always collected as flows. Without a device option, flows run
  on the devices file's default device (the built-in simulated Android phone).
- Running: every item goes through the runner the CLI uses (``FlowRun``); the whole pytest
  session shares one run record, one history store and one evidence folder under
  ``--mo-output`` (default ``results/`` beside the rootdir); report.json, junit.xml and
  report.html are written when the session ends. A simulated phone is started once per
  device per session.
- Outcomes: changed / already_set / passed / not_offered pass (not_offered with a note in
  the terminal summary and the item's user properties); would_change, blocked, failed and
  error fail, reported as the step, its file:line, what was expected, what the screen
  showed and the screenshot, without a Python traceback. not_installed (the app is not
  on the phone, nothing ran) is skipped, saying so.
- Fixtures: ``mo_device``, ``mo_run_flow``, ``mo_sim`` (see each one).

Heavy modules (Appium client, runner, store) are imported only when something runs, so the
plugin costs nothing in a pytest session that runs no flow.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from mobile_optout.errors import InputError, OptoutError
from mobile_optout.results.explain import describe_failure, shown
from mobile_optout.values import Mode, on_off

if TYPE_CHECKING:
    from mobile_optout.devices import DeviceProfile
    from mobile_optout.driver import AppiumDriver
    from mobile_optout.flow.model import Flow
    from mobile_optout.job import Endpoints, RunSession
    from mobile_optout.results.record import FlowResult, RunRecord
    from mobile_optout.runner import RunOptions

FLOW_SUFFIXES = (".yaml", ".yml")
MODES = tuple(Mode)


# --------------------------------------------------------------------------- options


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mobile-optout", "mobile-optout: flow files as tests")
    group.addoption(
        "--mo-device", action="append", default=[], metavar="NAME", dest="mo_device",
        help="run flows on this device of the devices file (repeatable)",
    )
    group.addoption(
        "--mo-all-devices", action="store_true", default=False, dest="mo_all_devices",
        help="run flows on every device of the devices file",
    )
    group.addoption(
        "--mo-devices", metavar="FILE", default=None, dest="mo_devices",
        help="the devices file (default: ini mo_devices, else devices.yaml in the rootdir, "
        "else the built-in simulated phones)",
    )
    group.addoption(
        "--mo-check", action="store_true", default=False, dest="mo_check",
        help="read-only: read each setting, tap none; a setting that differs fails",
    )
    group.addoption(
        "--mo-output", metavar="DIR", default=None, dest="mo_output",
        help="where runs are recorded (default: ini mo_output, else results/ in the rootdir)",
    )
    group.addoption(
        "--mo-param", action="append", default=[], metavar="NAME=VALUE", dest="mo_param",
        help="a flow parameter (repeatable); secrets come only from the environment",
    )
    group.addoption(
        "--mo-flow-glob", action="append", default=[], metavar="GLOB", dest="mo_flow_glob",
        help="also collect files matching this glob (relative to the rootdir) as flows",
    )
    parser.addini("mo_devices", "devices file for flow items (relative to the ini file); "
                  "setting it switches flow collection on", default="")
    parser.addini("mo_output", "where flow runs are recorded (relative to the ini file)",
                  default="")
    parser.addini("mo_collect", "collect flow files (mobile-optout: flow) found in the "
                  "test paths without --mo-device", type="bool", default=False)


@dataclass(frozen=True, slots=True)
class Settings:
    """What the command line and the ini file asked for, with paths made absolute."""

    devices: tuple[str, ...] = ()
    all_devices: bool = False
    devices_file: Path | None = None
    mode: Mode = Mode.APPLY
    output: Path = Path("results")
    params: Mapping[str, str] = field(default_factory=dict)
    active: bool = False  # collect every flow file in the test paths
    glob_files: frozenset[Path] = frozenset()
    explicit_files: frozenset[Path] = frozenset()  # flow files named on the command line


def _ini_dir(config: pytest.Config) -> Path:
    return config.inipath.parent if config.inipath else config.rootpath


def _params(values: Sequence[str]) -> dict[str, str]:
    from mobile_optout.job import parse_pairs

    try:
        return parse_pairs(values, "--mo-param")
    except InputError as exc:
        raise pytest.UsageError(str(exc)) from exc


def _explicit_files(config: pytest.Config) -> frozenset[Path]:
    if config.args_source is not pytest.Config.ArgsSource.ARGS:
        return frozenset()
    here = config.invocation_params.dir
    found = set()
    for arg in config.args:
        path = (here / arg.split("::", 1)[0]).resolve()
        if path.suffix in FLOW_SUFFIXES and path.is_file():
            found.add(path)
    return frozenset(found)


def read_settings(config: pytest.Config) -> Settings:
    here = config.invocation_params.dir
    ini = _ini_dir(config)
    opt_file: str | None = config.getoption("mo_devices")
    ini_file = str(config.getini("mo_devices") or "")
    devices_file: Path | None = None
    if opt_file:
        devices_file = (here / opt_file).resolve()
    elif ini_file:
        devices_file = (ini / ini_file).resolve()
    elif (config.rootpath / "devices.yaml").is_file():
        devices_file = config.rootpath / "devices.yaml"
    opt_out: str | None = config.getoption("mo_output")
    ini_out = str(config.getini("mo_output") or "")
    if opt_out:
        output = (here / opt_out).resolve()
    elif ini_out:
        output = (ini / ini_out).resolve()
    else:
        output = config.rootpath / "results"
    globs: list[str] = config.getoption("mo_flow_glob")
    glob_files = frozenset(
        p.resolve() for g in globs for p in config.rootpath.glob(g) if p.is_file()
    )
    devices: list[str] = config.getoption("mo_device")
    all_devices: bool = config.getoption("mo_all_devices")
    active = bool(
        devices or all_devices or opt_file or globs or ini_file or config.getini("mo_collect")
    )
    return Settings(
        devices=tuple(devices), all_devices=all_devices, devices_file=devices_file,
        mode=Mode.CHECK if config.getoption("mo_check") else Mode.APPLY, output=output,
        params=_params(config.getoption("mo_param")), active=active,
        glob_files=glob_files, explicit_files=_explicit_files(config),
    )


# --------------------------------------------------------------------------- the session


class _Phone(Protocol):
    """What ``mo_run_flow`` needs of a phone it is handed (a ``SimPhone``)."""

    @property
    def url(self) -> str: ...


class MoSession:
    """Everything the flow items of one pytest session share: the chosen devices and one
    ``job.RunSession`` (one run record, history store, evidence folder; simulated phones
    started once per device), opened when the first flow runs and finished when the
    pytest session ends. What a run is, and how it ends, is decided there, as for the CLI.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._devices: list[DeviceProfile] | None = None
        self._markers: set[str] = set()
        self.session: RunSession | None = None
        self._endpoints: Endpoints | None = None
        self.signals = contextlib.ExitStack()  # SIGTERM/SIGHUP handled while flows run
        self.stopped_by = ""  # the signal that interrupted the session: sigint, sigterm...
        self.exit_code: int | None = None  # the run's verdict, once finished
        self.notes: list[tuple[str, str]] = []  # (nodeid, why) of not_offered items
        self.flows: list[Flow] = []  # the flows collected
        self.passed_over = 0  # flow files seen but not collected (collection is off)
        self.collected = 0
        self.reports: dict[str, Path] = {}

    # -- devices ------------------------------------------------------------------------

    def devices(self) -> list[DeviceProfile]:
        """The devices flows run on (resolved once; a bad name is a usage error)."""
        if self._devices is None:
            from mobile_optout.choose import choose_devices
            from mobile_optout.job import RunRequest

            s = self.settings
            req = RunRequest(
                mode=s.mode, devices=s.devices, all_devices=s.all_devices,
                devices_file=s.devices_file, output=s.output, params=s.params,
            )
            try:
                self._devices = choose_devices(req)
            except InputError as exc:
                raise pytest.UsageError(f"mobile-optout: {exc}") from exc
        return self._devices

    def device_for(self, flow: Flow, name: str | None) -> DeviceProfile:
        """The named device; else the first chosen device of one of the flow's platforms;
        else the first device of the devices file that runs the flow."""
        from mobile_optout.choose import choose_devices, device_for_flow
        from mobile_optout.job import RunRequest

        if name is not None:
            found = next((d for d in self.devices() if d.name == name), None)
            if found is not None:
                return found
            req = RunRequest(devices=[name], devices_file=self.settings.devices_file)
            return choose_devices(req)[0]
        file = self.settings.devices_file
        return device_for_flow(self.devices(), flow, lambda: choose_devices(
            RunRequest(all_devices=True, devices_file=file)))

    # -- markers ------------------------------------------------------------------------

    def register_marker(self, config: pytest.Config, tag: str) -> None:
        if tag not in self._markers:
            self._markers.add(tag)
            config.addinivalue_line("markers", f"{tag}: flows tagged '{tag}' (mobile-optout)")

    # -- the run ------------------------------------------------------------------------

    @property
    def run(self) -> RunRecord | None:
        return self.session.record if self.session else None

    @property
    def run_dir(self) -> Path | None:
        return self.session.run_dir if self.session else None

    def _start(self) -> RunSession:
        if self.session is None:
            from mobile_optout.job import RunSession

            self.session = RunSession(self.settings.output, self.options(),
                                      endpoints=self.endpoints()).__enter__()
        return self.session

    def options(self, mode: str | None = None, params: Mapping[str, str] | None = None
                ) -> RunOptions:
        from mobile_optout.runner import RunOptions

        merged = {**self.settings.params, **(params or {})}
        return RunOptions(mode=Mode(mode or self.settings.mode), params=merged,
                          environ=dict(os.environ))

    def endpoints(self) -> Endpoints:
        """The session's endpoints: a simulated phone is started once, kept open."""
        if self._endpoints is None:
            from mobile_optout.job import SIM_STATE, Endpoints

            self._endpoints = Endpoints(dict(os.environ), self.settings.output / SIM_STATE)
        return self._endpoints

    def url_for(self, profile: DeviceProfile) -> str:
        """The device's endpoint (``mo_device``: no run is recorded for a bare session)."""
        return self.endpoints().url_for(profile)

    def run_flow(self, flow: Flow, profile: DeviceProfile, *, mode: str | None = None,
                 params: Mapping[str, str] | None = None, url: str | None = None
                 ) -> FlowResult:
        """Run one flow on one device into the session's record, as the CLI would."""
        return self._start().run(flow, profile, options=self.options(mode, params), url=url)

    def close(self, interrupted: bool = False) -> None:
        """Finish the run (when anything ran): flows cut short by Ctrl-C read
        ``interrupted``, the reports are written, the phones stop, the store closes."""
        session = self.session
        try:
            if session is not None and self.exit_code is None:
                session.close((self.stopped_by or "sigint") if interrupted else "")
                self.reports = session.reports
                self.exit_code = session.exit_code
        finally:
            if self._endpoints is not None:
                self._endpoints.close()
            self.signals.close()


_SESSION = pytest.StashKey[MoSession]()


def mo_session(config: pytest.Config) -> MoSession:
    return config.stash[_SESSION]


_SESSIONS: list[MoSession] = []  # configured sessions, innermost last (pytester nests them)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_SESSION] = MoSession(read_settings(config))
    _SESSIONS.append(config.stash[_SESSION])


def pytest_sessionstart(session: pytest.Session) -> None:
    state = mo_session(session.config)
    if state.settings.active or state.settings.explicit_files:
        state.devices()  # an unknown device name stops the session before collection
        from mobile_optout.signals import stop_on_signals

        # A cancelled CI job (SIGTERM) or a closed terminal (SIGHUP) stops the session as
        # Ctrl-C does: the flow in progress reads interrupted, the reports are written.
        state.signals.enter_context(stop_on_signals())


def pytest_keyboard_interrupt(excinfo: pytest.ExceptionInfo[BaseException]) -> None:
    """Which signal stopped the session (this hook is given no config: the innermost)."""
    from mobile_optout.signals import stop_reason

    if _SESSIONS:
        _SESSIONS[-1].stopped_by = stop_reason(excinfo.value)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Finish the run; pytest then exits with the run's verdict, as the CLI does
    (``results.record.verdict``: 1 a flow did not reach its state, 3 device or
    infrastructure), unless pytest has its own reason (usage, internal error, Ctrl-C)."""
    state = mo_session(session.config)
    state.close(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)
    if state.exit_code and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        session.exitstatus = state.exit_code


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_SESSION, None)
    if state is not None:
        state.close()
        if state in _SESSIONS:
            _SESSIONS.remove(state)


def pytest_report_header(config: pytest.Config) -> str | None:
    state = mo_session(config)
    s = state.settings
    if not (s.active or s.explicit_files):
        return None
    names = ", ".join(d.name for d in state.devices())
    mode = " (check: read-only)" if s.mode is Mode.CHECK else ""
    return f"mobile-optout: devices {names}{mode}; results in {s.output}"


def pytest_collection_finish(session: pytest.Session) -> None:
    state = mo_session(session.config)
    state.collected = len(session.items)
    if state.flows:  # the CLI's checks (job.prepare), before any flow runs
        from mobile_optout.job import prepare

        try:
            prepare(state.flows, state.devices(), state.settings.params, os.environ,
                    param_flag="--mo-param")
        except InputError as exc:
            raise pytest.UsageError(f"mobile-optout: {exc}") from exc


def pytest_terminal_summary(terminalreporter: Any) -> None:
    state = mo_session(terminalreporter.config)
    if state.passed_over and not state.collected:
        terminalreporter.write_line(
            f"mobile-optout: {state.passed_over} flow file(s) seen but not collected; "
            "run them with --mo-device NAME (or --mo-all-devices, or ini mo_collect = true)"
        )
    for nodeid, why in state.notes:
        terminalreporter.write_line(f"mobile-optout: {nodeid}: not offered here: {why}")
    if state.reports:
        terminalreporter.write_line(
            f"mobile-optout: run {state.run.run_id if state.run else ''} recorded; "
            f"report: {shown(state.reports['html'])}"
        )


# --------------------------------------------------------------------------- collection


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> FlowFile | None:
    if file_path.suffix not in FLOW_SUFFIXES:
        return None
    state = parent.config.stash.get(_SESSION, None)
    if state is None:
        return None
    s = state.settings
    resolved = file_path.resolve()
    if resolved in s.glob_files:
        return FlowFile.from_parent(parent, path=file_path)
    from mobile_optout.flow import is_flow_file

    if is_flow_file(file_path):
        if s.active or resolved in s.explicit_files:
            return FlowFile.from_parent(parent, path=file_path)
        state.passed_over += 1
    return None


class FlowFile(pytest.File):
    """A flow file: one item per chosen device of the flow's platforms."""

    def collect(self) -> Iterator[FlowItem]:
        from mobile_optout.flow import load_flow

        flow = load_flow(self.path)
        state = mo_session(self.config)
        state.flows.append(flow)
        for tag in flow.tags:
            state.register_marker(self.config, tag)
        for profile in state.devices():
            if flow.runs_on(profile.platform):
                item = FlowItem.from_parent(self, name=profile.name, flow=flow, profile=profile)
                for tag in flow.tags:
                    item.add_marker(tag)
                yield item

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, InputError):
            return str(excinfo.value)  # path:line:col: message, and the line itself
        return super().repr_failure(excinfo)


class FlowFailed(Exception):
    """A flow item ended with an outcome that is not ok (would_change, blocked, failed,
    error); its text is what the person reads in pytest's report."""

    def __init__(self, result: FlowResult, run_dir: Path | None,
                 redact: Callable[[str], str] = str) -> None:
        self.result = result
        self.run_dir = run_dir
        super().__init__(redact(describe_failure(result, run_dir)))


class FlowItem(pytest.Item):
    """One flow on one device."""

    def __init__(self, *, flow: Flow, profile: DeviceProfile, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.flow = flow
        self.profile = profile
        self.result: FlowResult | None = None

    def runtest(self) -> None:
        from mobile_optout.results.record import NOT_RUN_OUTCOMES, OK_OUTCOMES, Outcome

        state = mo_session(self.config)
        result = state.run_flow(self.flow, self.profile)
        self.result = result
        self.user_properties.append(("mo_outcome", result.outcome.value))
        self.user_properties.append(("mo_device", result.device))
        if result.setting is not None:
            self.user_properties.append(("mo_setting", _setting_text(result)))
        if result.note:
            self.user_properties.append(("mo_note", result.note))
        if result.outcome is Outcome.NOT_OFFERED:
            state.notes.append((self.nodeid, result.note or "the setting is not offered"))
        if result.outcome in NOT_RUN_OUTCOMES:  # no switch, or no app: nothing to test
            pytest.skip(result.note or f"{result.outcome}: nothing to run on this device")
        if result.outcome not in OK_OUTCOMES:
            redact = state.session.redactor.text if state.session else str
            raise FlowFailed(result, state.run_dir, redact)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, FlowFailed | OptoutError):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, self.flow.where.line - 1, f"{self.flow.name} on {self.profile.name}"


def _setting_text(result: FlowResult) -> str:
    s = result.setting
    assert s is not None
    return (f"{s.id}: before {on_off(s.before)}, after {on_off(s.after)}, "
            f"desired {on_off(s.desired)}")


# --------------------------------------------------------------------------- fixtures


@dataclass(slots=True)
class MoDevice:
    """A live session on a chosen device: ``driver`` is the tool's ``AppiumDriver``."""

    profile: DeviceProfile
    url: str
    driver: AppiumDriver


@pytest.fixture
def mo_device(request: pytest.FixtureRequest) -> Iterator[MoDevice]:
    """A session on the first chosen device (``--mo-device``, else the default device),
    opened for the test and closed after it. A simulated device is started once per
    session. ``mo_device.driver`` is an ``AppiumDriver``; ``mo_device.profile`` its
    ``DeviceProfile``."""
    from mobile_optout.session import open_session

    state = mo_session(request.config)
    profile = state.devices()[0]
    url = state.url_for(profile)
    driver = open_session(url, profile, None)
    try:
        yield MoDevice(profile=profile, url=url, driver=driver)
    finally:
        driver.quit()


RunFlow = Callable[..., "FlowResult"]


@pytest.fixture
def mo_run_flow(request: pytest.FixtureRequest) -> RunFlow:
    """``mo_run_flow(path, device=None, mode=None, params=None) -> FlowResult``.

    Runs one flow file as the CLI would, into the session's record and reports. ``device``
    is a device name from the devices file, a phone from ``mo_sim`` (anything with a
    ``.url`` and a ``.platform``), or None for the first chosen device of the flow's
    platform. ``mode`` is "apply" or "check"; None: the session's ("check" under
    ``--mo-check``, which also refuses "apply"). Raises the tool's InputError for a bad
    flow, device or mode.
    """
    state = mo_session(request.config)

    def run_flow(
        path: str | os.PathLike[str], device: str | _Phone | None = None,
        mode: str | None = None, params: Mapping[str, str] | None = None,
    ) -> FlowResult:
        from mobile_optout.errors import UsageError
        from mobile_optout.flow import load_flow

        mode = mode or state.settings.mode
        if mode not in MODES:
            raise UsageError(f"mode must be apply or check, not {mode!r}")
        if mode == Mode.APPLY and state.settings.mode is Mode.CHECK:
            raise UsageError("this session is read-only (--mo-check): mode='apply' refused")
        flow = load_flow(Path(path))
        if device is None or isinstance(device, str):
            profile = state.device_for(flow, device)
            return state.run_flow(flow, profile, mode=mode, params=params)
        profile = _phone_profile(flow, device)
        return state.run_flow(flow, profile, mode=mode, params=params, url=device.url)

    return run_flow


def _phone_profile(flow: Flow, phone: _Phone) -> DeviceProfile:
    """An ad-hoc profile for a phone the test started itself (named by its URL)."""
    from mobile_optout.choose import sim_timeouts
    from mobile_optout.devices import DeviceProfile, Timeouts
    from mobile_optout.errors import UsageError, Where
    from mobile_optout.flow.model import Platform

    raw = getattr(phone, "platform", None)
    if raw is not None:
        platform = Platform(str(getattr(raw, "value", raw)))
    elif len(flow.platforms) == 1:
        platform = flow.platforms[0]
    else:
        raise UsageError("cannot tell the phone's platform; give it a .platform")
    if not flow.runs_on(platform):
        raise UsageError(f"flow '{flow.name}' does not run on {platform.value}")
    url = phone.url.rstrip("/")
    return DeviceProfile(
        name=url.split("://", 1)[-1], platform=platform, where=Where("mo_run_flow", 0),
        server=url, timeouts=sim_timeouts(Timeouts()),
    )


@pytest.fixture
def mo_sim() -> Iterator[Callable[..., Any]]:
    """``mo_sim(platform="android", variants=(), seed=0, latency_ms=0, apps=(), locale="")
    -> SimPhone``:
    a simulated phone, started; every phone is stopped when the test ends. ``apps``: the
    installed apps, built-in names or app files (default: every built-in app). It has
    ``.url``, ``.state()`` and ``.events()`` (the taps it saw)."""
    from mobile_optout.flow.model import Platform
    from mobile_optout.sim import SimPhone

    with contextlib.ExitStack() as stack:

        def start(platform: str = "android", variants: Sequence[str] = (), seed: int = 0,
                  latency_ms: int = 0, apps: Sequence[str | os.PathLike[str]] = (),
                  locale: str = "") -> SimPhone:
            phone = SimPhone(platform=Platform(platform), variants=tuple(variants), seed=seed,
                             latency_ms=latency_ms, apps=[Path(a) if not isinstance(a, str)
                                                          else a for a in apps],
                             locale=locale)
            stack.enter_context(phone)
            return phone

        yield start


__all__ = [
    "FlowFailed",
    "FlowFile",
    "FlowItem",
    "MoDevice",
    "MoSession",
    "mo_device",
    "mo_run_flow",
    "mo_session",
    "mo_sim",
]
