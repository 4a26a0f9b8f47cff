"""What --parallel buys: the LinkedIn opt-out on four simulated phones, one after another
and then all at once, side by side in one run.

Each phone answers with a per-command latency (default 20 ms) that imitates a USB phone or
a remote farm, which is where the time of a real run goes. Prints wall time of both and
their ratio; every run must end `changed` on every phone (fresh phones each time).

    .venv/bin/python bench/parallel.py [--phones 4] [--latency-ms 20]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from loguru import logger

from mobile_optout.job import RunRequest, perform
from mobile_optout.results.record import Outcome

ROOT = Path(__file__).resolve().parents[1]


def devices_file(folder: Path, phones: int, latency_ms: int) -> Path:
    lines = ["devices:"]
    for i in range(phones):
        lines.append(f"  phone-{i}: {{platform: android, sim: {{latency_ms: {latency_ms}}}}}")
    path = folder / "devices.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed_run(phones: int, latency_ms: int, parallel: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        request = RunRequest(
            paths=[ROOT / "flows" / "linkedin"], all_devices=True, parallel=parallel,
            devices_file=devices_file(folder, phones, latency_ms), output=folder / "results",
        )
        t0 = time.perf_counter()
        run = perform(request).run
        elapsed = time.perf_counter() - t0
    outcomes = {r.outcome for r in run.results}
    assert outcomes == {Outcome.CHANGED} and len(run.results) == phones, outcomes
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=4)
    parser.add_argument("--latency-ms", type=int, default=20)
    args = parser.parse_args()
    logger.remove()  # the runner's own log lines would drown the table

    serial = timed_run(args.phones, args.latency_ms, parallel=1)
    parallel = timed_run(args.phones, args.latency_ms, parallel=args.phones)
    print(f"{args.phones} simulated phones, {args.latency_ms} ms per command")
    print(f"{'way':<14}{'wall s':>8}")
    print(f"{'one by one':<14}{serial:>8.2f}")
    print(f"{'all at once':<14}{parallel:>8.2f}")
    print(f"ratio one-by-one/all-at-once: {serial / parallel:.1f}x")


if __name__ == "__main__":
    main()
