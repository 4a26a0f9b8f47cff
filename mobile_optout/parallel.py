"""Many flows on many devices: each device in its own thread, inside its endpoint (its
server URL, a managed Appium or a simulated phone started for the block: ``job.endpoint``),
one ``runner.FlowRun`` after another. Ctrl-C (or SIGTERM, SIGHUP) stops every device at
its next step; flows that never started are recorded ``interrupted``."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from loguru import logger

from mobile_optout.devices import DeviceProfile
from mobile_optout.errors import (
    DeviceError,
    InputError,
)
from mobile_optout.flow.model import (
    Flow,
    Platform,
)
from mobile_optout.results.evidence import Evidence
from mobile_optout.results.record import (
    ErrorInfo,
    FlowResult,
    Outcome,
    RecordSink,
    RunRecord,
    now_iso,
)
from mobile_optout.runner import FlowRun, Progress, RunOptions
from mobile_optout.session import installed_apps
from mobile_optout.signals import stop_reason


@dataclass(frozen=True, slots=True)
class Served:
    """Where a device's sessions go, and for a server started for the run (a managed
    Appium) why it is gone when it died: the flow's error then names its log."""

    url: str
    gone: Callable[[], str | None] = field(default=lambda: None)


Endpoint = Callable[[DeviceProfile], AbstractContextManager[Served]]
"""Opens a device's endpoint for the time of a block; yields where it is (job.endpoint)."""


def unstarted_result(
    flow: Flow, profile: DeviceProfile, outcome: Outcome, *,
    error: Exception | None = None, note: str = "",
) -> FlowResult:
    """The result of a flow that never ran: its endpoint failed (``error``) or the run was
    interrupted first. The one constructor of such results."""
    return FlowResult(
        device=profile.name, platform=profile.platform.value, flow=flow.name,
        flow_path=str(flow.path), server=profile.endpoint, outcome=outcome, note=note,
        app=_app_id(flow, profile.platform),
        error=None if error is None else ErrorInfo(type=type(error).__name__,
                                                   message=str(error)),
        finished_at=now_iso(),
    )


def endpoint_failed(run: RunRecord, sink: RecordSink, flow: Flow, profile: DeviceProfile,
                    exc: Exception) -> FlowResult:
    """Record that ``flow`` could not run because the device's endpoint failed."""
    result = unstarted_result(flow, profile, Outcome.ERROR, error=exc)
    sink.result_started(run, result)
    sink.result_finished(run, result)
    return result


def _app_id(flow: Flow, platform: Platform) -> str:
    app = flow.app_for(platform)
    return app.app_id if app else ""


def pairs(flows: Sequence[Flow], devices: Sequence[DeviceProfile]
          ) -> list[tuple[DeviceProfile, list[Flow]]]:
    """Each device with the flows written for its platform."""
    return [(d, [f for f in flows if f.runs_on(d.platform)]) for d in devices]


def run_all(
    flows: Sequence[Flow],
    devices: Sequence[DeviceProfile],
    *,
    run: RunRecord,
    options: RunOptions,
    evidence: Evidence,
    sink: RecordSink,
    endpoint: Endpoint,
    progress: Progress | None = None,
) -> RunRecord:
    """Run every matching (device, flow) into ``run``; devices in parallel (one session each
    at a time). The caller (job.RunSession) starts and finishes the run record."""
    lock = threading.Lock()

    def one_device(profile: DeviceProfile, device_flows: list[Flow]) -> None:
        try:
            with endpoint(profile) as where:
                if options.only_installed:
                    present = installed_apps(where.url, profile,
                                             [f.app_for(profile.platform) for f in device_flows])
                    device_flows = [f for f in device_flows
                                    if f.app_for(profile.platform) in present]
                for flow in device_flows:
                    if options.cancel.is_set():
                        break
                    result = FlowRun(
                        flow, profile, where.url, options=options, evidence=evidence,
                        run=run, sink=sink, progress=progress, server_gone=where.gone,
                    ).execute()
                    with lock:
                        run.results.append(result)
        except (DeviceError, InputError) as exc:  # the endpoint itself failed
            for flow in device_flows:
                result = endpoint_failed(run, sink, flow, profile, exc)
                with lock:
                    run.results.append(result)
                if progress:
                    progress.finished(result)

    work = [(d, fs) for d, fs in pairs(flows, devices) if fs]
    workers = max(1, min(options.parallel, len(work) or 1))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="device") as pool:
        futures = [pool.submit(one_device, d, fs) for d, fs in work]
        try:
            for future in futures:
                future.result()
        except KeyboardInterrupt as exc:
            # Ctrl-C (or SIGTERM, SIGHUP): every device stops at its next step or poll;
            # what it did is kept.
            run.interrupted_by = stop_reason(exc)
            logger.warning("interrupted ({}): stopping every device at its next step",
                           run.interrupted_by.upper())
            options.cancel.set()
            for future in futures:
                future.cancel()
            for future in futures:
                if not future.cancelled():
                    future.exception()
    for d, fs in work:  # flows that never started because of Ctrl-C
        done = {r.flow for r in run.results if r.device == d.name}
        for flow in fs:
            if options.cancel.is_set() and flow.name not in done:
                result = unstarted_result(flow, d, Outcome.INTERRUPTED,
                                          note="not started: interrupted (Ctrl-C)")
                sink.result_started(run, result)  # history counts what the reports count
                sink.result_finished(run, result)
                run.results.append(result)
    order = {(d.name, f.name): i for i, (d, fs) in enumerate(work) for f in fs}
    run.results.sort(key=lambda r: order.get((r.device, r.flow), 0))
    return run
