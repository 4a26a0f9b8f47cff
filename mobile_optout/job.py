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
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

from loguru import logger

from mobile_optout import __version__, catalogue
from mobile_optout.devices import (
    BUILTIN_DEVICES_NAME,
    DeviceFile,
    DeviceProfile,
    Timeouts,
    load_devices,
    load_devices_or_builtin,
    resolve_capabilities,
    resolve_server,
    resolve_web,
    safe_for_a_phone,
    unsafe_on_a_phone,
)
from mobile_optout.errors import DeviceError, InputError, UsageError, Where, did_you_mean
from mobile_optout.flow import load_flows
from mobile_optout.flow.model import Flow, Platform
from mobile_optout.flow.params import Vars, check_param_names
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
from mobile_optout.runner import (
    FlowRun,
    Progress,
    RunOptions,
    Served,
    endpoint_failed,
    run_all,
)
from mobile_optout.signals import stop_reason
from mobile_optout.sim.variants import VARIANTS, unknown_variant
from mobile_optout.values import Mode, redact_url

SIM_STATE = ".sim-state"  # inside the output folder: simulated phones remember settings


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
    sim_seed: int | None = None
    sim_cost_model: bool = False  # simulated phones answer as slowly as real ones
    params: Mapping[str, str] = field(default_factory=dict)
    tags: Sequence[str] = ()  # run only flows with any of these tags
    exclude_tags: Sequence[str] = ()  # and none of these
    parallel: int = 1
    only_installed: bool = False  # leave out flows whose app the device does not have
    verify: str = ""  # how a change is proven (reopen | relaunch | none); "" = the device's
    output: Path = DEFAULT_OUTPUT
    keep_screenshots: bool = True
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def choose_devices(req: RunRequest) -> list[DeviceProfile]:
    """The devices a request names: --server, --device NAME..., --all-devices, or the default;
    with their ${ENV} resolved (a missing variable is a usage error, before any device is
    touched)."""
    for name in req.sim_variants:  # before any run is recorded: a typo is a usage error
        if name not in VARIANTS:
            raise UsageError(f"--sim-variant: {unknown_variant(name)}")
    if req.server:
        if req.platform not in tuple(Platform):
            raise UsageError("--server needs --platform android, ios or web")
        return resolved([DeviceProfile(
            name=redact_url(req.server), platform=Platform(req.platform),
            where=Where("--server", 0), server=req.server, capabilities=dict(req.capabilities),
        )], req.environ)
    file: DeviceFile = (
        load_devices(req.devices_file) if req.devices_file else load_devices_or_builtin()
    )
    if req.all_devices:
        chosen = list(file.devices.values())
    elif req.devices:
        chosen = [named_device(file, name, req.environ) for name in req.devices]
    else:
        chosen = [default_device(file, req.environ)]
    return resolved([_with_overrides(p, req) for p in chosen], req.environ)


def named_device(file: DeviceFile, name: str, environ: Mapping[str, str]) -> DeviceProfile:
    """A device of the file, or a phone on USB: ``usb`` (the one connected) or
    ``usb:SERIAL`` (unless the file has a device of that name)."""
    from mobile_optout import discover

    prefix, _, serial = name.partition(":")
    if name in file.devices or prefix != discover.USB:
        return file.get(name)
    return discover.find(environ, serial or None).profile()


def default_device(file: DeviceFile, environ: Mapping[str, str]) -> DeviceProfile:
    """The device marked default in ./devices.yaml; else the phone on USB when one is
    connected; else the built-in simulated phone (a fresh machine with no phone)."""
    from mobile_optout import discover

    marked = any(d.default for d in file.devices.values())
    own_file = file.path != BUILTIN_DEVICES_NAME
    if own_file and (marked or len(file.devices) == 1):
        return file.default()
    phones = discover.connected(environ)
    if phones:
        return discover.choose(phones).profile()
    return file.default()


def _with_overrides(profile: DeviceProfile, req: RunRequest) -> DeviceProfile:
    unsafe = unsafe_on_a_phone(req.capabilities) if profile.managed else []
    if unsafe:
        key, why = unsafe[0]
        raise UsageError(f"--cap {key} on {profile.name}: {why}")
    if profile.sim is None:
        if req.capabilities:
            caps = {**profile.capabilities, **req.capabilities}
            return replace(profile, capabilities=caps)
        return profile
    sim = profile.sim
    if req.sim_variants:
        sim = replace(sim, variants=tuple(req.sim_variants))
    check_sim_variants(profile.platform, sim.variants)
    if req.sim_seed is not None:
        sim = replace(sim, seed=req.sim_seed)
    if req.sim_cost_model:
        sim = replace(sim, cost_model=True)
    if sim.cost_model:  # it answers as a real phone does: look again as often as there
        return replace(profile, sim=sim)
    return replace(profile, sim=sim, timeouts=sim_timeouts(profile.timeouts))


SIM_POLL = 0.05


def sim_timeouts(timeouts: Timeouts) -> Timeouts:
    """A simulated phone answers in microseconds: look again often."""
    return replace(timeouts, poll=min(timeouts.poll, SIM_POLL))


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


def check_sim_variants(platform: Platform, variants: Sequence[str]) -> None:
    """A simulated device's variants exist (the website has its own list): else exit 2."""
    from mobile_optout.sim.site import check_web_variants
    from mobile_optout.sim.variants import check_variants

    try:
        (check_web_variants if platform is Platform.WEB else check_variants)(variants)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def resolved(devices: Sequence[DeviceProfile], environ: Mapping[str, str]
             ) -> list[DeviceProfile]:
    """${ENV} in servers and capabilities, resolved before any device is touched: a missing
    variable is a usage error (exit 2), and the values never land in a file."""
    for d in devices:
        if d.sim is None and not d.managed and d.browser is None:
            resolve_server(d, environ)
    return [
        resolve_web(
            d if d.sim is not None else replace(d, capabilities=_on_a_phone(
                d, resolve_capabilities(d, environ))),
            environ,
        )
        for d in devices
    ]


def flow_paths(paths: Sequence[Path]) -> list[Path]:
    """Flow arguments as paths: a path that exists here, else a built-in flow by name
    (``linkedin``); none: the default built-in flows."""
    return catalogue.resolve_all(paths)


def _on_a_phone(device: DeviceProfile, caps: dict[str, object]) -> dict[str, object]:
    """A managed device is a person's phone: nothing that clears data or installs apps
    (devices.safe_for_a_phone), and its Appium runs beside the others': the driver's port
    forwards get free ports of their own (unless the devices file chose them)."""
    if not device.managed:
        return caps
    from mobile_optout.managed import phone_ports

    return safe_for_a_phone({**phone_ports(device.platform, caps), **caps})


def load_request_flows(req: RunRequest) -> list[Flow]:
    """The flows under the request's paths, filtered by --tag / --exclude-tag."""
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
    from mobile_optout.sim import SimPhone
    from mobile_optout.sim.site import SimSite

    state_file = None
    if sim_state_dir is not None:
        sim_state_dir.mkdir(parents=True, exist_ok=True)
        state_file = sim_state_dir / f"{profile.name}.json"
    if profile.platform is Platform.WEB:
        with SimSite(variants=profile.sim.variants, seed=profile.sim.seed,
                     state_file=state_file) as site:
            yield Served(site.url)
        return
    phone = SimPhone(
        platform=profile.platform, variants=profile.sim.variants, seed=profile.sim.seed,
        latency_ms=profile.sim.latency_ms, state_file=state_file, apps=profile.sim.apps,
        cost_model=profile.sim.cost_model,
    )
    with phone:
        yield Served(phone.url)


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
        return endpoint(profile, self.options.environ, self.output / SIM_STATE, self.run_dir)

    def served(self, profile: DeviceProfile) -> Served:
        """The device's endpoint, opened on first use and kept until the session ends (or,
        when the endpoints were handed in, until their owner closes them)."""
        if self._endpoints is None:
            self._endpoints = Endpoints(self.options.environ, self.output / SIM_STATE,
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


def perform(
    req: RunRequest, *, progress: Progress | None = None, redactor: Redactor | None = None
) -> Performed:
    """Run the request to its end: the finished record, its folder and any drift. Everything
    opened is closed on return. ``redactor``: share one with the caller's own log handlers
    so they redact too."""
    flows = load_request_flows(req)
    devices = choose_devices(req)
    if not any(f.runs_on(d.platform) for f in flows for d in devices):
        names = ", ".join(f"{d.name} ({d.platform})" for d in devices)
        plats = ", ".join(sorted({str(p) for f in flows for p in f.platforms}))
        raise UsageError(f"no flow runs on {names}: the flows are for {plats}")
    check_param_names(flows, req.params)
    for flow in flows:  # a --param for a secret, an unset secret: usage errors, before anything
        Vars(flow, req.params, req.environ)
        unset = [name for name in flow.secrets if not req.environ.get(name)]
        if unset:
            raise UsageError(
                f"{flow.where.path}: flow '{flow.name}' needs the secret(s) {', '.join(unset)}: "
                "set them in the environment (secrets are never taken from the command line)"
            )

    redactor = redactor or Redactor()
    for flow in flows:
        for secret in Vars(flow, req.params, req.environ).secret_values():
            redactor.add_secret(secret)
    options = RunOptions(
        mode=Mode(req.mode), params=dict(req.params), environ=req.environ,
        parallel=max(1, req.parallel), only_installed=req.only_installed,
        verify=req.verify,
    )
    with RunSession(req.output, options, keep_screenshots=req.keep_screenshots,
                    redactor=redactor, progress=progress) as session:
        logger.info("run {}: {} flow(s) on {} device(s)", session.record.run_id, len(flows),
                    len(devices))
        session.run_all(flows, devices)
    return Performed(session.record, session.run_dir, session.drift)
