"""One run or check, from request to written records: what `run`, `check` and the pytest
plugin share. Chooses devices, opens the history store, sets up evidence and the debug
log, runs the flows, writes the reports. Prints nothing itself (progress is handed in).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from loguru import logger

from mobile_optout.devices import (
    DeviceFile,
    DeviceProfile,
    load_devices,
    load_devices_or_builtin,
    redact_url,
    resolve_capabilities,
    resolve_server,
    resolve_web,
)
from mobile_optout.errors import UsageError, Where
from mobile_optout.flow import load_flows
from mobile_optout.flow.model import Flow, Platform
from mobile_optout.flow.params import Vars
from mobile_optout.results import DEFAULT_OUTPUT, finish_run
from mobile_optout.results.evidence import Evidence
from mobile_optout.results.record import RunRecord, new_run_id
from mobile_optout.results.redact import Redactor
from mobile_optout.results.store import Store
from mobile_optout.runner import Progress, RunOptions, run_all

DEFAULT_FLOWS = Path("flows/linkedin")
SIM_STATE = ".sim-state"  # inside the output folder: simulated phones remember settings


@dataclass(frozen=True, slots=True)
class RunRequest:
    mode: str = "apply"
    paths: Sequence[Path] = ()
    devices: Sequence[str] = ()  # names from the devices file
    all_devices: bool = False
    devices_file: Path | None = None
    server: str | None = None  # an ad-hoc Appium endpoint instead of the devices file
    platform: str | None = None
    capabilities: Mapping[str, object] = field(default_factory=dict)
    sim_variants: Sequence[str] = ()  # override the variants of simulated phones
    sim_seed: int | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    tags: Sequence[str] = ()  # run only flows with any of these tags
    exclude_tags: Sequence[str] = ()  # and none of these
    parallel: int = 1
    output: Path = DEFAULT_OUTPUT
    keep_screenshots: bool = True
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))


def choose_devices(req: RunRequest) -> list[DeviceProfile]:
    """The devices a request names: --server, --device NAME..., --all-devices, or the default;
    with their ${ENV} resolved (a missing variable is a usage error, before any device is
    touched)."""
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
        chosen = [file.get(name) for name in req.devices]
    else:
        chosen = [file.default()]
    return resolved([_with_overrides(p, req) for p in chosen], req.environ)


def _with_overrides(profile: DeviceProfile, req: RunRequest) -> DeviceProfile:
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
    # A simulated phone answers in microseconds: look again often.
    timeouts = replace(profile.timeouts, poll=min(profile.timeouts.poll, 0.05))
    return replace(profile, sim=sim, timeouts=timeouts)


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
        if d.sim is None and d.browser is None:
            resolve_server(d, environ)
    return [
        resolve_web(
            d if d.sim is not None else replace(d, capabilities=resolve_capabilities(d, environ)),
            environ,
        )
        for d in devices
    ]


def load_request_flows(req: RunRequest) -> list[Flow]:
    """The flows under the request's paths, filtered by --tag / --exclude-tag."""
    paths = list(req.paths) or [DEFAULT_FLOWS]
    flows = load_flows(paths)
    chosen = [
        f for f in flows
        if (not req.tags or set(f.tags) & set(req.tags))
        and not set(f.tags) & set(req.exclude_tags)
    ]
    if flows and not chosen:
        present = ", ".join(sorted({t for f in flows for t in f.tags})) or "none"
        raise UsageError(
            f"no flow under {', '.join(map(str, paths))} matches the tags asked for "
            f"(tags there: {present})"
        )
    return chosen


def perform(
    req: RunRequest, *, progress: Progress | None = None, redactor: Redactor | None = None
) -> tuple[RunRecord, Path, Store]:
    """Run the request; returns the record, its folder and the (open) history store.
    ``redactor``: share one with the caller's own log handlers so they redact too."""
    flows = load_request_flows(req)
    devices = choose_devices(req)
    if not any(f.runs_on(d.platform) for f in flows for d in devices):
        names = ", ".join(f"{d.name} ({d.platform})" for d in devices)
        plats = ", ".join(sorted({str(p) for f in flows for p in f.platforms}))
        raise UsageError(f"no flow runs on {names}: the flows are for {plats}")
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
    run_id = new_run_id()
    run_dir = req.output / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    evidence = Evidence(run_dir, redactor, keep_screenshots=req.keep_screenshots)
    handler = logger.add(evidence.log_sink(), level="DEBUG", enqueue=False)
    store = Store.open(req.output)
    try:
        interrupted = store.mark_interrupted()
        for old in interrupted:
            logger.warning("run {} was interrupted before it finished", old)
        options = RunOptions(
            mode=req.mode, params=dict(req.params), environ=req.environ,
            parallel=max(1, req.parallel), sim_state_dir=req.output / SIM_STATE,
        )
        logger.info("run {}: {} flow(s) on {} device(s)", run_id, len(flows), len(devices))
        run = run_all(
            flows, devices, options=options, evidence=evidence, sink=store,
            progress=progress, run_id=run_id,
        )
        finish_run(run, run_dir)
    finally:
        logger.remove(handler)
    return run, run_dir, store
