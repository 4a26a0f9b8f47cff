"""What the truth rules cost: the ensure_setting step of the LinkedIn flow, side by side.

A reading needs a settled screen and two agreeing looks; a change must hold through the
settle window and be read again. This runs the shipped Android flow on fresh simulated
phones (per-command latency imitating a USB phone) in four ways and prints the step's wall
time and round trips for each:

- check: reads only (the setting is on, so it would change);
- already_set: reads only (the setting is already off);
- changed: taps, watches the change hold for the flow's settle window (3 s);
- changed, settle 0: the same flow with ``settle`` near zero, to show that the rest of a
  change costs about what a read does: the added time is the settle window.

No thresholds: these machines are shared and noisy.

    .venv/bin/python bench/truth.py [--latency-ms 20] [--repeat 2]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from loguru import logger

from mobile_optout.job import RunRequest, perform
from mobile_optout.results.record import FlowResult
from mobile_optout.sim import SimPhone
from mobile_optout.values import Mode

ROOT = Path(__file__).resolve().parents[1]
FLOW = ROOT / "flows" / "linkedin" / "android.yaml"


def ensure_step(phone: SimPhone, flow: Path, mode: str, params: dict[str, str]
                ) -> tuple[float, int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        record = perform(RunRequest(
            mode=Mode(mode), paths=[flow], server=phone.url, platform="android",
            output=Path(tmp), params=params, environ={},
        )).run
    (result,) = record.results
    return _ensure(result)


def _ensure(result: FlowResult) -> tuple[float, int, str]:
    (step,) = [s for s in result.steps if s.kind == "ensure_setting"]
    return step.duration_ms / 1000, step.round_trips, str(result.outcome)


def settle_zero_flow(folder: Path) -> Path:
    """A copy of the Android flow whose settle window is 0.01 s (same parts, same steps)."""
    text = FLOW.read_text(encoding="utf-8").replace("steps:\n", "settle: 0.01\nsteps:\n", 1)
    copy = FLOW.parent / f".bench-settle-zero-{folder.name}.yaml"
    copy.write_text(text, encoding="utf-8")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    logger.remove()
    params = {"ROUTE": "link"}  # straight to the page: the step is what is measured
    cases = {
        "check": ((), "check", None),
        "already_set": (("already-off",), "apply", None),
        "changed": ((), "apply", None),
        "changed, settle 0": ((), "apply", "zero"),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    trips: dict[str, list[int]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as tmp:
        zero = settle_zero_flow(Path(tmp))
        try:
            for _ in range(args.repeat):
                for name, (variants, mode, flow) in cases.items():
                    with SimPhone(variants=variants, latency_ms=args.latency_ms) as phone:
                        seconds, n, outcome = ensure_step(
                            phone, zero if flow else FLOW, mode, params)
                    times[name].append(seconds)
                    trips[name].append(n)
                    print(f"  {name:<18} {outcome:<13} {seconds:6.2f}s {n:3d} round trips")
        finally:
            zero.unlink()
    print(f"\nensure_setting, median of {args.repeat}, latency {args.latency_ms} ms:")
    base = statistics.median(times["check"])
    for name in cases:
        t = statistics.median(times[name])
        print(f"  {name:<18} {t:6.2f}s  {statistics.median(trips[name]):5.1f} round trips"
              f"  x{t / base:4.1f} of check")
    added = statistics.median(times["changed"]) - statistics.median(times["changed, settle 0"])
    print(f"  a change with the 3 s settle window costs {added:.2f}s more than with none")


if __name__ == "__main__":
    main()
