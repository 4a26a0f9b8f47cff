"""``mobile-optout scan``: for each app, walk the privacy pages its flows declare, list every
switch, flag the ones no flow covers that look like AI training or data sharing.

Rules (the page rules are in ``walk``, the flag rules in ``model``):
- Each declared page is reached by its own steps in a session of its own, run by the
  runner's handlers in check mode (``runner.scratch_run``): interrupts, blockers and the
  denylist of the flow that declares it apply. Pages are read once per app, platform and
  device, even when several flows declare them.
- A page that cannot be reached is reported as the run would report it: blocked (a sign-in
  page), failed (the way in, or the page did not settle), error (the device); never read.
- History (history.db in the output folder) says when each switch was first seen; every
  switch this scan saw is recorded there.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mobile_optout.devices import DeviceProfile
from mobile_optout.errors import DeviceError, FlowEnded, InputError, OptoutError, StepFailed
from mobile_optout.flow.model import EnsureSetting, Flow, Group, Locator, PrivacyPage, Step
from mobile_optout.flow.params import Vars
from mobile_optout.inspection import suggest
from mobile_optout.locate import Node, Screen
from mobile_optout.results.record import Outcome, new_run_id, now_iso
from mobile_optout.results.store import Store
from mobile_optout.runner import RunOptions, scratch_run
from mobile_optout.scan.model import PageRead, ScanReport, SwitchSeen
from mobile_optout.scan.walk import PageWalker, Sighting, Walk
from mobile_optout.scan.words import resembles
from mobile_optout.values import Mode

_ENDED = {"blocked": Outcome.BLOCKED, "not_installed": Outcome.NOT_INSTALLED}


@dataclass(frozen=True, slots=True)
class AppFlows:
    """The flows of one app on one platform: what declares pages, what covers switches."""

    app: str
    flows: tuple[Flow, ...]

    def pages(self) -> list[tuple[Flow, PrivacyPage]]:
        out: dict[str, tuple[Flow, PrivacyPage]] = {}
        for flow in self.flows:
            for page in flow.privacy_pages:
                out.setdefault(page.name.casefold(), (flow, page))
        return list(out.values())

    def words(self) -> list[str]:
        return [w for f in self.flows for s in _all_steps(f) for w in s.resembles]

    def covered_by(self, screen: Screen, node: Node, environ: Mapping[str, str]) -> str:
        """The flow whose ``ensure_setting`` toggle finds this very switch ("" none)."""
        for flow in self.flows:
            for locator in _toggles(flow, environ):
                try:
                    if any(n is node for n in screen.find(locator)):
                        return flow.name
                except (ValueError, OptoutError):  # a server-only locator: no verdict here
                    continue
        return ""


def _all_steps(flow: Flow) -> list[Step]:
    out: list[Step] = []

    def walk(steps: Sequence[Step]) -> None:
        for step in steps:
            out.append(step)
            if isinstance(step, Group):
                walk(step.steps)

    walk(flow.steps)
    for page in flow.privacy_pages:
        walk(page.steps)
    return out


def _toggles(flow: Flow, environ: Mapping[str, str]) -> list[Locator]:
    found = [s.toggle for s in _all_steps(flow)
             if isinstance(s, EnsureSetting) and s.toggle is not None]
    try:
        variables = Vars(flow, {}, environ)
        return [variables.locator(t) for t in found]
    except OptoutError:  # a secret not set: the locators as written
        return found


def by_app(flows: Sequence[Flow], profile: DeviceProfile) -> list[AppFlows]:
    """The flows for ``profile``'s platform, grouped by app (catalogue name), in order."""
    groups: dict[str, list[Flow]] = {}
    for flow in flows:
        if flow.runs_on(profile.platform) and flow.unsupported is None:
            groups.setdefault(flow.app_name, []).append(flow)
    return [AppFlows(app, tuple(fs)) for app, fs in groups.items()]


@dataclass(frozen=True, slots=True)
class ScanOptions:
    environ: Mapping[str, str]
    settle: float | None = None  # seconds a page must read the same; None: the device's
    params: Mapping[str, str] | None = None


class Scanner:
    """One scan over devices; ``report`` collects what it saw."""

    def __init__(self, options: ScanOptions, store: Store | None) -> None:
        self.options = options
        self.store = store
        self.report = ScanReport(scan_id=new_run_id(), started_at=now_iso())

    def scan_device(self, profile: DeviceProfile, url: str, apps: Sequence[AppFlows]) -> None:
        for app in apps:
            for flow, page in app.pages():
                read = PageRead(app.app, profile.platform.value, profile.name, page.name)
                self.report.pages.append(read)
                walk = self._page(profile, url, flow, page, read)
                for sighting in walk.sightings if walk is not None else ():
                    self.report.switches.append(self._judge(app, profile, flow, sighting))

    def _page(self, profile: DeviceProfile, url: str, flow: Flow, page: PrivacyPage,
              read: PageRead) -> Walk | None:
        options = RunOptions(mode=Mode.CHECK, params=dict(self.options.params or {}),
                             environ=self.options.environ)
        settle = self.options.settle
        if settle is None:
            settle = profile.timeouts.settle
        with tempfile.TemporaryDirectory(prefix="mobile-optout-scan-") as tmp:
            run = scratch_run(flow, profile, url, options=options, workdir=Path(tmp))
            try:
                run.run_steps(page.steps, flow)
                assert run.device is not None
                if run.device.wait_for(page.anchor, profile.timeouts.step) is None:
                    raise StepFailed(f"{page.where}: the page {page.name!r} did not open "
                                     f"({page.anchor} did not show)")
                walker = PageWalker(run.device, page.anchor, settle=settle,
                                    timeout=profile.timeouts.step, loading=flow.loading)
                walk = walker.walk(page.name)
                read.opened, read.notes = walk.opened, walk.notes
                return walk
            except FlowEnded as end:
                read.outcome = _ENDED.get(end.outcome, Outcome.FAILED)
                read.problem = end.reason or end.outcome
            except StepFailed as exc:
                read.outcome, read.problem = Outcome.FAILED, exc.message
            except (DeviceError, InputError) as exc:
                read.outcome, read.problem = Outcome.ERROR, str(exc)
            finally:
                run.close()
        return None

    def _judge(self, app: AppFlows, profile: DeviceProfile, flow: Flow,
               sighting: Sighting) -> SwitchSeen:
        seen = SwitchSeen(
            app=app.app, platform=profile.platform.value, device=profile.name,
            page=sighting.page, via=sighting.via, label=sighting.label,
            state=sighting.node.checked,
            covered_by=app.covered_by(sighting.screen, sighting.node, self.options.environ),
            resembles=resembles((sighting.label, sighting.page), app.words()),
            locator=suggest(sighting.screen, sighting.node), row_locator=sighting.row_locator,
            declared_by=str(flow.path),
        )
        first = self.store.first_seen(seen.app, seen.platform, seen.label) if self.store else ""
        seen.new = not first
        seen.first_seen = first or self.report.started_at
        return seen

    def record(self) -> None:
        """Write every switch seen to history (after the scan: "new" is about earlier ones)."""
        if self.store is None:
            return
        self.store.record_switches([
            {"run_id": self.report.scan_id, "seen_at": self.report.started_at,
             "source": "scan", "device": s.device, "app": s.app, "platform": s.platform,
             "page": s.page, "label": s.label,
             "state": None if s.state is None else int(s.state), "flagged": int(s.flagged)}
            for s in self.report.switches])
