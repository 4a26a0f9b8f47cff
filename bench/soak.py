"""Chaos soak: the LinkedIn flows, many times, on simulated phones that misbehave in every
way at once (flaky commands, popups, slow screens, a crash mid-flow), a new seed each run.

Each run starts a fresh simulated phone, runs the platform's LinkedIn flow against it over
the Appium protocol, then asks the phone itself (GET /sim/state) what the setting is:

- verified: the run said ``changed`` / ``already_set`` and the phone agrees (off);
  ``not_offered`` and the phone has no such setting.
- false claim: the run said ``changed`` / ``already_set`` while the phone disagrees, or
  ``not_offered`` while the setting exists. Never acceptable.
- anything else (``failed``, ``error``, ``blocked``) is honest but not verified.

Where the phone never lets the setting be turned off (``UNSETTABLE``: the save fails, the
row's title is unknown to the flows) the right answer is ``failed``: those runs are counted
as honest or not, apart from the verified share.

Target: >= 99.5 % verified (where it can be set), 0 false claims. Figures go to
bench/RESULTS.md.

    .venv/bin/python bench/soak.py [--runs 1000] [--processes 2] [--threads 16] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loguru import logger

from mobile_optout.devices import DeviceProfile, Timeouts
from mobile_optout.errors import Where
from mobile_optout.flow import load_flows
from mobile_optout.flow.model import Flow, Platform
from mobile_optout.results.evidence import Evidence
from mobile_optout.results.record import FlowResult, Outcome, RunRecord, StepRecord
from mobile_optout.results.redact import Redactor
from mobile_optout.runner import FlowRun, RunOptions
from mobile_optout.sim import VARIANTS, SimPhone

ROOT = Path(__file__).resolve().parents[1]
FLOWS = ROOT / "flows" / "linkedin"
SETTING = "generative_ai_training"
CHAOS = ("flaky", "popups", "slow", "crash")
# Situations of the app itself, each combined with the chaos above in turn (those the
# simulated phone knows; a name it does not know yet is left out).
SITUATIONS = (
    "default", "already-off", "not-offered", "gear-route", "renamed", "scroll",
    "save-fails", "confirm", "optimistic-confirm", "two-switches", "flat-rows",
    "late-toggle", "loading-toggle", "lazy-section", "sticky-banner", "renamed-unknown",
)
# Situations in which no flow can end with the setting off, whatever it does: there the
# honest answer is failed (or error), never changed; these runs count apart from the
# verified share, and any claim of success is a false claim as everywhere.
UNSETTABLE = {
    "save-fails": "the app never keeps the change",
    "renamed-unknown": "the setting's row has a title no flow knows",
}
# A simulated phone answers at once: short polls; timeouts still cover the slow variant's
# 3 s spinner and a crash's reconnect.
TIMEOUTS = Timeouts(step=8.0, flow=120.0, command=10.0, session=10.0, poll=0.1)


@dataclass(frozen=True, slots=True)
class Case:
    n: int
    platform: Platform
    variants: tuple[str, ...]
    seed: int


@dataclass(frozen=True, slots=True)
class Verdict:
    case: Case
    outcome: str
    phone_setting: bool | None  # None: the phone has no such setting
    verified: bool
    false_claim: bool
    note: str

    @property
    def settable(self) -> bool:
        """The phone lets a flow turn the setting off here (see UNSETTABLE)."""
        return not set(self.case.variants) & set(UNSETTABLE)

    @property
    def honest(self) -> bool:
        """Where it cannot be set: the run said so (failed, error), claimed nothing."""
        return not self.settable and self.outcome in (Outcome.FAILED, Outcome.ERROR)


def cases(runs: int, seed: int) -> list[Case]:
    """Both platforms in turn, every situation in turn, the chaos always, a seed per run."""
    situations = [s for s in SITUATIONS if s in VARIANTS]
    out = []
    for n in range(runs):
        situation = situations[(n // 2) % len(situations)]
        extra = () if situation == "default" else (situation,)
        platform = Platform.ANDROID if n % 2 == 0 else Platform.IOS
        out.append(Case(n, platform, (*CHAOS, *extra), seed * 1_000_003 + n))
    return out


class _NoSink:
    """The soak keeps no history: it judges each run against the phone instead."""

    def run_started(self, run: RunRecord) -> None: ...
    def result_started(self, run: RunRecord, result: FlowResult) -> None: ...
    def step_finished(self, run: RunRecord, result: FlowResult, step: StepRecord) -> None: ...
    def result_finished(self, run: RunRecord, result: FlowResult) -> None: ...
    def run_finished(self, run: RunRecord) -> None: ...


def judge(case: Case, outcome: Outcome, state: dict[str, Any], note: str) -> Verdict:
    """The run's claim against the phone's own state (GET /sim/state)."""
    actual = state["settings"].get(SETTING) if SETTING in state["offered"] else None
    desired = False  # the LinkedIn flows turn the setting off
    claims_set = outcome in (Outcome.CHANGED, Outcome.ALREADY_SET)
    if claims_set:
        verified = actual is desired
    elif outcome is Outcome.NOT_OFFERED:
        verified = actual is None
    else:
        verified = False
    false_claim = (claims_set or outcome is Outcome.NOT_OFFERED) and not verified
    return Verdict(case, outcome.value, actual, verified, false_claim, note)


def run_case(case: Case, flow: Flow, workdir: Path) -> Verdict:
    with SimPhone(platform=case.platform, variants=case.variants, seed=case.seed) as phone:
        profile = DeviceProfile(
            name=f"soak-{case.n}", platform=case.platform, where=Where.unknown("soak"),
            server=phone.url, timeouts=TIMEOUTS,
        )
        run_dir = workdir / f"run-{case.n}"
        evidence = Evidence(run_dir, Redactor(), keep_screenshots=False)
        run = RunRecord(run_id=f"soak-{case.n}", mode="apply")
        result = FlowRun(flow, profile, phone.url, options=RunOptions(), evidence=evidence,
                         run=run, sink=_NoSink()).execute()
        with urllib.request.urlopen(f"{phone.url}/sim/state", timeout=10) as answer:
            state = json.loads(answer.read())["value"]
    note = result.note or ""
    if result.error:
        note = f"at {result.error.step!r}: {result.error.message.splitlines()[0]}"
    return judge(case, result.outcome, state, note)


def run_batch(batch: Sequence[Case], threads: int) -> list[Verdict]:
    """One process's share, ``threads`` phones at a time (their time is mostly waiting)."""
    logger.remove()  # the runner's log lines would drown the figures
    flows = {p: f for f in load_flows([FLOWS]) for p in f.platforms}
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda c: run_case(c, flows[c.platform], Path(tmp)), batch))


def soak(runs: int, *, seed: int = 0, processes: int = 1, threads: int = 8) -> list[Verdict]:
    todo = cases(runs, seed)
    if processes <= 1:
        return run_batch(todo, threads)
    batches = [todo[i::processes] for i in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        done = pool.map(run_batch, batches, [threads] * processes)
        return sorted((v for part in done for v in part), key=lambda v: v.case.n)


def verified_share(verdicts: Sequence[Verdict]) -> float:
    """Verified runs among those where the setting can be set (the target: >= 99.5 %)."""
    settable = [v for v in verdicts if v.settable]
    return sum(v.verified for v in settable) / max(len(settable), 1)


def summary(verdicts: Sequence[Verdict], seconds: float) -> str:
    runs = len(verdicts)
    settable = [v for v in verdicts if v.settable]
    unsettable = [v for v in verdicts if not v.settable]
    verified = sum(v.verified for v in settable)
    false_claims = [v for v in verdicts if v.false_claim]
    outcomes = Counter(v.outcome for v in verdicts)
    lines = [
        f"runs: {runs} (android {sum(v.case.platform is Platform.ANDROID for v in verdicts)}, "
        f"ios {sum(v.case.platform is Platform.IOS for v in verdicts)}); "
        f"chaos: {'+'.join(CHAOS)}; wall {seconds:.0f} s",
        f"verified: {verified}/{len(settable)} = {100 * verified_share(verdicts):.2f} % "
        "(runs where the setting can be set)",
        f"honest where it cannot be set ({', '.join(UNSETTABLE)}): "
        f"{sum(v.honest for v in unsettable)}/{len(unsettable)}",
        f"false claims: {len(false_claims)}",
        "outcomes: " + ", ".join(f"{k} {n}" for k, n in outcomes.most_common()),
    ]
    by_situation: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by_situation.setdefault("+".join(v.case.variants[len(CHAOS):]) or "default", []
                                ).append(v)
    for name, group in by_situation.items():
        ok = sum(v.verified or v.honest for v in group)
        word = "verified" if group[0].settable else "honest"
        lines.append(f"  {name:<20} {ok}/{len(group)} {word}")
    for v in [v for v in verdicts if not (v.verified or v.honest)][:20]:
        lines.append(f"  not verified: #{v.case.n} {v.case.platform.value} "
                     f"{'+'.join(v.case.variants)} seed {v.case.seed}: {v.outcome} "
                     f"(phone: {v.phone_setting}) {v.note[:160]}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    t0 = time.perf_counter()
    verdicts = soak(args.runs, seed=args.seed, processes=args.processes, threads=args.threads)
    print(summary(verdicts, time.perf_counter() - t0))
    ok = verified_share(verdicts) >= 0.995 and not any(v.false_claim for v in verdicts)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
