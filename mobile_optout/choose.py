"""Choosing and resolving devices, in one place: which devices a request names
(``--server``, ``--device NAME``, ``--all-devices``, or the default device), the default
device's policy (the one marked default in ./devices.yaml; else the phone on USB; else the
built-in simulated phone), a phone on USB by name (``usb``, ``usb:SERIAL``), the request's
overrides (capabilities, simulator variants) and ``${ENV}`` resolved before any device is
touched; and, for the pytest plugin, the device a flow runs on. The CLI (``job.perform``)
and the plugin both choose here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

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
from mobile_optout.errors import UsageError, Where
from mobile_optout.flow.model import Flow, Platform
from mobile_optout.sim.variants import VARIANTS, unknown_variant
from mobile_optout.values import redact_url

SIM_STATE = ".sim-state"  # inside the output folder: simulated phones remember settings



if TYPE_CHECKING:
    from mobile_optout.job import RunRequest


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


def check_sim_variants(platform: Platform, variants: Sequence[str]) -> None:
    """A simulated device's variants exist (the website has its own list): else exit 2."""
    from mobile_optout.sim import check_variants_of

    try:
        check_variants_of(platform, variants)
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


def _on_a_phone(device: DeviceProfile, caps: dict[str, object]) -> dict[str, object]:
    """A managed device is a person's phone: nothing that clears data or installs apps
    (devices.safe_for_a_phone), and its Appium runs beside the others': the driver's port
    forwards get free ports of their own (unless the devices file chose them)."""
    if not device.managed:
        return caps
    from mobile_optout.managed import phone_ports

    return safe_for_a_phone({**phone_ports(device.platform, caps), **caps})


def device_for_flow(chosen: Sequence[DeviceProfile], flow: Flow,
                    every: Callable[[], Sequence[DeviceProfile]]) -> DeviceProfile:
    """The device a flow runs on when a test asks for it by flow (``mo_run_flow``): the
    first chosen device of one of its platforms; else the file's default, else its first
    device that runs it (``every()``: the file's devices, read only then)."""
    profile = next((d for d in chosen if flow.runs_on(d.platform)), None)
    if profile is not None:
        return profile
    fits = sorted((d for d in every() if flow.runs_on(d.platform)), key=lambda d: not d.default)
    if not fits:
        plats = ", ".join(p.value for p in flow.platforms)
        raise UsageError(f"flow '{flow.name}' is for {plats}; no device runs it")
    return fits[0]
