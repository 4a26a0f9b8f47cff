"""One run or check, from request to written records: what `run`, `check` and the pytest
plugin share.

- ``choose_devices`` / ``load_request_flows``: what a request names, checked before any
  device is touched.
- ``choose_devices`` also finds a phone on USB (``--device usb``, or no device named and
  no default in ./devices.yaml: the one phone connected, else the simulated phone).
- ``endpoint``: where a device's URL comes from (its server, a managed Appium started for
  the run, or a simulated phone started here). The only place that starts simulated phones
  and managed Appium servers for a run.
- ``RunSession``: one run record with its folder, evidence, debug log, redactor and history
  store; ``run(flow, device)`` one flow, ``run_all(...)`` many; on leaving it, the run is
  finished (drift counted, reports written) and everything it opened is closed, even when a
  flow raised. The CLI and the pytest plugin both run through it.
- ``perform``: the CLI's whole request in one call.

Prints nothing itself (progress is handed in).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from loguru import logger

from mobile_optout import __version__
from mobile_optout.choose import choose_devices
from mobile_optout.devices import (
    DeviceProfile,
    resolve_server,
)
from mobile_optout.errors import DeviceError, InputError, UsageError, did_you_mean
from mobile_optout.flow import builtin, load_flows
from mobile_optout.flow.model import Flow
from mobile_optout.flow.params import Vars, check_param_names
from mobile_optout.language import check_locale
from mobile_optout.parallel import Served, endpoint_failed, run_all
from mobile_optout.results import DEFAULT_OUTPUT, finish_run
from mobile_optout.results.evidence import Evidence
from mobile_optout.results.record import (
    FlowResult,
    Outcome,
    RunRecord,
    new_run_id,
    now_iso,
    run_verdict,
)
from mobile_optout.results.redact import Redactor
from mobile_optout.results.store import Drift, Store
from mobile_optout.runner import FlowRun, Progress, RunOptions
from mobile_optout.signals import stop_reason
from mobile_optout.values import Mode

SIM_STATE = ".sim-state"  # inside the output folder: simulated phones remember settings


def shared_sim_state(output: Path | None = None) -> Path | None:
    """The saved phones that `run` and `check` left in this folder (``results/.sim-state``),
    for `inspect` and `studio` to open the same simulated world; None when no run has
    saved one here (they then start from a fresh phone, and leave nothing behind)."""
    folder = (output or Path(DEFAULT_OUTPUT)) / SIM_STATE
    return folder if folder.is_dir() else None


@dataclass(frozen=True, slots=True)
class RunRequest:
    mode: Mode = Mode.APPLY
    paths: Sequence[Path] = ()
    devices: Sequence[str] = ()  # names from the devices file
    all_devices: bool = False
    devices_file: Path | None = None
    server: str | None = None  # an ad-hoc Appium endpoint instead of the devices file
    platform: str | None = None
    capabilities: Mapping[str, object] = field(default_factory=dict)
    sim_variants: Sequence[str] = ()  # override the variants of simulated phones
    keep_state: bool = False  # with sim_variants: start from the saved phone, not a fresh one
    sim_seed: int | None = None
    sim_cost_model: bool = False  # simulated phones answer as slowly as real ones
    params: Mapping[str, str] = field(default_factory=dict)
    tags: Sequence[str] = ()  # run only flows with any of these tags
    exclude_tags: Sequence[str] = ()  # and none of these
    parallel: int = 1
    only_installed: bool = False  # leave out flows whose app the device does not have
    verify: str = ""  # how a change is proven (reopen | relaunch | none); "" = the device's
    locale: str = ""  # --locale: the language of the flows' texts (default: the device's)
    output: Path = DEFAULT_OUTPUT
    keep_screenshots: bool = True
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def parse_pairs(pairs: Sequence[str], flag: str) -> dict[str, str]:
    """``NAME=VALUE`` items of a repeatable option (``--param``, ``--cap``, ``--mo-param``);
    spaces around the name are dropped, the value is kept as given."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"{flag} {pair!r}: expected NAME=VALUE")
        values[name.strip()] = value
    return values


def flow_paths(paths: Sequence[Path]) -> list[Path]:
    """Flow arguments as paths: a path that exists here, else a built-in flow by name
    (``linkedin``); none: the default built-in flows."""
    return builtin.resolve_all(paths)


def load_request_flows(req: RunRequest) -> list[Flow]:
    """The flows under the request's paths, filtered by --tag / --exclude-tag."""
    for note in builtin.shadowing(req.paths):  # a project folder named like a built-in:
        logger.warning(note)  # said even with -q
    paths = flow_paths(req.paths)
    flows = load_flows(paths)
    present = sorted({t for f in flows for t in f.tags})
    for flag, asked in (("--tag", req.tags), ("--exclude-tag", req.exclude_tags)):
        for tag in asked:  # a misspelt tag would silently choose nothing (or skip nothing)
            if flows and tag not in present:
                hint = did_you_mean(tag, present)
                raise UsageError(
                    f"{flag} {tag}: no flow under {', '.join(map(str, paths))} has this tag"
                    + (f" ({hint})" if hint else "") + "; tags there: "
                    + (", ".join(present) or "none"))
    chosen = [
        f for f in flows
        if (not req.tags or set(f.tags) & set(req.tags))
        and not set(f.tags) & set(req.exclude_tags)
    ]
    if flows and not chosen:
        raise UsageError(
            f"no flow under {', '.join(map(str, paths))} matches the tags asked for "
            f"(tags there: {', '.join(present) or 'none'})"
        )
    return chosen


@contextlib.contextmanager
def endpoint(profile: DeviceProfile, environ: Mapping[str, str],
             sim_state_dir: Path | None = None, log_dir: Path | None = None
             ) -> Iterator[Served]:
    """Where to talk to: the device's server; an Appium started here for the block
    (``server: managed``; its log in ``log_dir``, stopped however the block ends); or a
    simulated phone started here (its settings remembered in ``sim_state_dir``). For a
    browser started here (``browser:``) it is the site itself: its base_url, or the
    simulated website's URL."""
    if profile.managed:
        with managed_endpoint(profile, environ, log_dir) as served:
            yield served
        return
    if profile.sim is None:
        yield Served(profile.base_url if profile.browser else resolve_server(profile, environ))
        return
    from mobile_optout.sim import simulator

    state_file = None
    if sim_state_dir is not None:
        sim_state_dir.mkdir(parents=True, exist_ok=True)
        state_file = sim_state_dir / f"{profile.name}.json"
    sim = profile.sim
    with simulator(profile.platform, variants=sim.variants, seed=sim.seed,
                   latency_ms=sim.latency_ms, state_file=state_file, apps=sim.apps,
                   cost_model=sim.cost_model, locale=sim.locale) as device:
        yield Served(device.url)


@contextlib.contextmanager
def managed_endpoint(profile: DeviceProfile, environ: Mapping[str, str],
                     log_dir: Path | None) -> Iterator[Served]:
    """A managed Appium for the device (mobile_optout.managed), logging to
    ``log_dir/appium-<device>.log``; a server that dies mid-run is named with its log."""
    import re
    import tempfile

    from mobile_optout.managed import managed_server

    name = re.sub(r"[^A-Za-z0-9._-]", "_", profile.name)
    log = (log_dir or Path(tempfile.gettempdir())) / f"appium-{name}.log"
    server = managed_server(profile.platform, profile.capabilities, log, environ)

    def gone() -> str | None:
        code = server.exit_code()
        if code is None:
            return None
        return f"the managed Appium stopped mid-run (exit code {code}); its log: {log}"

    try:
        yield Served(server.url, gone)
    finally:
        server.stop()


class Endpoints:
    """Devices' endpoints kept open until ``close``: a simulated phone is started on first
    use and serves every later flow (the pytest plugin shares one across its session)."""

    def __init__(self, environ: Mapping[str, str], sim_state_dir: Path | None,
                 log_dir: Path | None = None) -> None:
        self.environ = environ
        self.sim_state_dir = sim_state_dir
        self.log_dir = log_dir
        self._stack = contextlib.ExitStack()
        self._served: dict[str, Served] = {}

    def served(self, profile: DeviceProfile) -> Served:
        if profile.name not in self._served:
            self._served[profile.name] = self._stack.enter_context(
                endpoint(profile, self.environ, self.sim_state_dir, self.log_dir))
        return self._served[profile.name]

    def url_for(self, profile: DeviceProfile) -> str:
        return self.served(profile).url

    def close(self) -> None:
        self._stack.close()


# --------------------------------------------------------------------------- the session


class RunSession:
    """One run: its record, folder, evidence, debug log, redactor and history store.

    ``with RunSession(output, options) as session: session.run(flow, device)``. Entering
    opens the store (runs whose process died are marked interrupted), the run folder and the
    debug log, and records the run as started. Leaving finishes the run (drift counted in
    check mode, reports written) and closes all of it, also when a flow raised: a run that
    raised is left ``running`` in the store and marked ``interrupted`` by the next one.
    """

    def __init__(self, output: Path, options: RunOptions, *, keep_screenshots: bool = True,
                 redactor: Redactor | None = None, progress: Progress | None = None,
                 endpoints: Endpoints | None = None) -> None:
        self.output = output
        self.options = options
        self.redactor = redactor or Redactor()
        self.progress = progress
        self.record = RunRecord(run_id=new_run_id(), mode=options.mode,
                                tool_version=__version__)
        self.run_dir = output / self.record.run_id
        self.sim_state = output / SIM_STATE  # where simulated phones keep their settings
        self.evidence = Evidence(self.run_dir, self.redactor,
                                 keep_screenshots=keep_screenshots)
        self.drift: list[Drift] = []  # check: this run's settings seen changed back
        self.reports: dict[str, Path] = {}
        self._store: Store | None = None
        self._stack = contextlib.ExitStack()
        self._endpoints = endpoints  # shared ones are the owner's to close
        self._in_flight: list[FlowResult] = []

    @property
    def store(self) -> Store:
        assert self._store is not None, "use RunSession as a context manager"
        return self._store

    def __enter__(self) -> RunSession:
        with contextlib.ExitStack() as stack:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            handler = logger.add(self.evidence.log_sink(), level="DEBUG", enqueue=False)
            stack.callback(logger.remove, handler)
            self._store = Store.open(self.output)
            stack.callback(self._store.close)
            for old in self._store.mark_interrupted():
                logger.warning("run {} was interrupted before it finished", old)
            self._store.run_started(self.record)
            self._stack = stack.pop_all()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None or issubclass(exc_type, KeyboardInterrupt):
            self.close(stop_reason(exc) if exc_type is not None else "")
        else:
            self.close(finish=False)

    def close(self, interrupted: str = "", *, finish: bool = True) -> None:
        """Finish the run (unless ``finish`` is false: a run that raised is left for the
        next one to mark interrupted), then stop its phones and close its store and log."""
        with self._stack:
            if finish:
                self.finish(interrupted)

    def endpoint(self, profile: DeviceProfile) -> contextlib.AbstractContextManager[Served]:
        """The device's endpoint for one block (a simulated phone or a managed Appium lives
        that long)."""
        return endpoint(profile, self.options.environ, self.sim_state, self.run_dir)

    def served(self, profile: DeviceProfile) -> Served:
        """The device's endpoint, opened on first use and kept until the session ends (or,
        when the endpoints were handed in, until their owner closes them)."""
        if self._endpoints is None:
            self._endpoints = Endpoints(self.options.environ, self.sim_state,
                                        self.run_dir)
            self._stack.callback(self._endpoints.close)
        return self._endpoints.served(profile)

    def run(self, flow: Flow, profile: DeviceProfile, *, options: RunOptions | None = None,
            url: str | None = None) -> FlowResult:
        """One flow on one device into this run's record, as the CLI runs it; the device's
        endpoint (``url``, else its own) stays open for the next flow."""
        options = options or self.options
        try:
            served = Served(url) if url else self.served(profile)
            flow_run = FlowRun(flow, profile, served.url, options=options,
                               evidence=self.evidence, run=self.record, sink=self.store,
                               progress=self.progress, server_gone=served.gone)
        except (DeviceError, InputError) as exc:  # the endpoint or the parameters
            result = endpoint_failed(self.record, self.store, flow, profile, exc)
        else:
            self._in_flight.append(flow_run.result)  # until it ends; Ctrl-C leaves it here
            try:
                result = flow_run.execute()
            finally:
                if flow_run.result.outcome is not Outcome.RUNNING:
                    self._in_flight.remove(flow_run.result)
        self.record.results.append(result)
        return result

    def run_all(self, flows: Sequence[Flow], devices: Sequence[DeviceProfile]) -> RunRecord:
        """Every matching (device, flow), devices in parallel; Ctrl-C stops them all."""
        run_all(flows, devices, run=self.record, options=self.options, evidence=self.evidence,
                sink=self.store, endpoint=self.endpoint, progress=self.progress)
        if self.options.cancel.is_set():
            self.record.interrupted_by = self.record.interrupted_by or "sigint"
        return self.record

    def finish(self, interrupted: str = "") -> dict[str, Path]:
        """Finish the run once: flows cut short read ``interrupted``, drift is counted (check),
        the store records the end, the reports are written. Their paths."""
        if self.reports:
            return self.reports
        run = self.record
        if interrupted:
            run.interrupted_by = run.interrupted_by or interrupted
        for result in list(self._in_flight):  # stopped by Ctrl-C inside a flow
            result.outcome = Outcome.INTERRUPTED
            result.note = result.note or "interrupted before the flow finished"
            result.finished_at = now_iso()
            self.store.result_finished(run, result)
            run.results.append(result)
        self._in_flight.clear()
        if run.mode == Mode.CHECK:
            mine = {(r.device, r.setting.id) for r in run.results if r.setting}
            self.drift = [d for d in self.store.drift() if (d.device, d.setting) in mine]
            run.drift = len(self.drift)
        run.finished_at = now_iso()
        # Reports first, then the store's "finished": a run killed in between reads
        # interrupted (its reports can be written again from history by `report`), never
        # finished without its reports.
        self.reports = finish_run(run, self.run_dir, self.store)
        self.store.run_finished(run)
        return self.reports

    @property
    def exit_code(self) -> int:
        """The run's verdict (the same number report.json records)."""
        return run_verdict(self.record)


@dataclass(frozen=True, slots=True)
class Performed:
    """What ``perform`` hands back: the finished run, its folder, drift found (check)."""

    run: RunRecord
    run_dir: Path
    drift: list[Drift]

    @property
    def exit_code(self) -> int:
        return run_verdict(self.run)


def prepare(flows: Sequence[Flow], devices: Sequence[DeviceProfile], params: Mapping[str, str],
            environ: Mapping[str, str], *, param_flag: str = "--param") -> list[Flow]:
    """The checks before anything runs, the same for the CLI (``perform``) and the pytest
    plugin: some flow runs on the chosen devices; every parameter is declared and fits its
    choices; no secret is given as a parameter, and none is unset. Usage errors (exit 2).
    Only the flows that will run on the chosen devices are asked (a web flow does not
    refuse a value meant for the Android one when no browser was chosen); they are returned.
    """
    if flows and not any(f.runs_on(d.platform) for f in flows for d in devices):
        names = ", ".join(f"{d.name} ({d.platform})" for d in devices)
        plats = ", ".join(sorted({str(p) for f in flows for p in f.platforms}))
        raise UsageError(f"no flow runs on {names}: the flows are for {plats}")
    flows = [f for f in flows if any(f.runs_on(d.platform) for d in devices)]
    check_param_names(flows, params, param_flag)
    for flow in flows:  # a parameter for a secret, an unset secret: before anything
        Vars(flow, params, environ)
        unset = [name for name in flow.secrets if not environ.get(name)]
        if unset:
            raise UsageError(
                f"{flow.where.path}: flow '{flow.name}' needs the secret(s) {', '.join(unset)}: "
                "set them in the environment (secrets are never taken from the command line)"
            )
    return flows


def perform(
    req: RunRequest, *, progress: Progress | None = None, redactor: Redactor | None = None
) -> Performed:
    """Run the request to its end: the finished record, its folder and any drift. Everything
    opened is closed on return. ``redactor``: share one with the caller's own log handlers
    so they redact too."""
    flows = load_request_flows(req)
    devices = choose_devices(req)
    flows = prepare(flows, devices, req.params, req.environ)
    try:
        locale = check_locale(req.locale, flows)
    except ValueError as exc:
        raise UsageError(str(exc)) from None

    redactor = redactor or Redactor()
    for flow in flows:
        for secret in Vars(flow, req.params, req.environ).secret_values():
            redactor.add_secret(secret)
    options = RunOptions(
        mode=Mode(req.mode), params=dict(req.params), environ=req.environ,
        parallel=max(1, req.parallel), only_installed=req.only_installed, locale=locale,
        verify=req.verify,
    )
    with RunSession(req.output, options, keep_screenshots=req.keep_screenshots,
                    redactor=redactor, progress=progress) as session:
        if req.sim_variants:  # a variant is tried on a fresh phone, unless asked otherwise
            fresh = not req.keep_state
            if fresh:
                session.sim_state = session.run_dir / SIM_STATE
            session.record.sim_state = "fresh" if fresh else "saved"
            logger.warning(
                "--sim-variant: a fresh simulated phone (the saved one is left as it is; "
                "--keep-state starts from it)" if fresh else
                f"--sim-variant --keep-state: the simulated phone saved in {session.sim_state}")
        logger.info("run {}: {} flow(s) on {} device(s)", session.record.run_id, len(flows),
                    len(devices))
        session.run_all(flows, devices)
    return Performed(session.record, session.run_dir, session.drift)
