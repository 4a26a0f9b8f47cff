"""Every mobile-optout benchmark in one run; the table goes to bench/RESULTS.md.

    .venv/bin/python bench/run.py            # a few minutes on 2 cores
    .venv/bin/python bench/run.py --quick    # fewer repetitions (a smoke run)

Simulated phones run in their own processes (``mobile-optout sim``) with the cost model on
(docs/simulator.md: what a page source, a find, a tap cost on a real phone) and 30 ms per
round trip (a USB phone). Pairs are alternated so that drift in the machine's load hits
both sides alike; we report medians, and ratios pair by pair. Commands are counted by the
phone (GET /sim/state "commands"), so both sides are counted the same way.

1. the runner vs two hand-written Appium-Python-Client scripts (bench/handwritten.py) for
   the LinkedIn Android opt-out: the plain one, and the one that gives the runner's proof
   (settle, back, re-open the page, read there); and tree reads per screen state, counted
   by the phone (a read that an earlier look at the same screen state already made);
2. the same flow on a feed that never goes idle vs a quiet one;
3. 8 and 32 phones at once vs 1, each phone in its own process, the machine's load beside;
4. round trips and tree reads per step kind (from the runs' records);
5. start-up of ``mobile-optout --help`` and ``mobile-optout validate flows/``;
6. through a Selenium Grid vs direct.

No thresholds and no pass/fail: the targets are printed beside the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import handwritten  # noqa: E402

from mobile_optout import __version__  # noqa: E402
from mobile_optout.flow.model import DEFAULT_SETTLE  # noqa: E402
from mobile_optout.job import RunRequest, perform  # noqa: E402
from mobile_optout.results.record import FlowResult, Outcome  # noqa: E402
from mobile_optout.values import Mode  # noqa: E402

FLOW = ROOT / "flows" / "linkedin" / "android.yaml"
LATENCY_MS = 30
BIN = Path(sys.executable).with_name("mobile-optout")


# ---------------------------------------------------------------------------- phones


@contextlib.contextmanager
def phones(n: int, variants: Sequence[str] = ()) -> Iterator[list[str]]:
    """``n`` simulated Android phones, each in its own process, cost model on."""
    procs = []
    try:
        for _ in range(n):
            args = [sys.executable, "-m", "mobile_optout", "sim", "--platform", "android",
                    "--cost-model", "--latency-ms", str(LATENCY_MS)]
            for v in variants:
                args += ["--variant", v]
            procs.append(subprocess.Popen(args, stdout=subprocess.PIPE, text=True,
                                          stderr=subprocess.DEVNULL))
        urls = []
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            urls.append(line.rsplit(" ", 1)[-1].strip())
            PIDS[urls[-1]] = proc.pid
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)


PIDS: dict[str, int] = {}  # phone URL -> its process


def cpu_seconds(pid: int | None = None) -> float:
    """CPU time (user + system) of this process (all its threads) or of a phone's."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sim_get(url: str, what: str) -> Any:
    with urllib.request.urlopen(f"{url}/sim/{what}", timeout=10) as r:
        return json.loads(r.read())["value"]


def commands(url: str) -> int:
    return sum(sim_get(url, "state")["commands"].values())


# ---------------------------------------------------------------------------- runs


@dataclass
class Sample:
    seconds: float
    commands: int
    results: list[FlowResult] = field(default_factory=list)
    reads: dict[str, int] = field(default_factory=dict)  # the phone's tree_reads summary
    kinds: dict[str, int] = field(default_factory=dict)  # commands by kind, as the phone counts


def runner(url: str, *, mode: str = "apply", caps: dict[str, object] | None = None,
           devices_file: Path | None = None, screenshots: bool = True) -> Sample:
    """The whole ``mobile-optout run``, in process (no Python start-up): compile, session,
    steps, store and reports."""
    with tempfile.TemporaryDirectory() as tmp:
        if devices_file is not None:
            request = RunRequest(mode=Mode(mode), paths=[FLOW], devices_file=devices_file,
                                 all_devices=True, parallel=64, output=Path(tmp),
                                 keep_screenshots=screenshots)
        else:
            request = RunRequest(mode=Mode(mode), paths=[FLOW], server=url, platform="android",
                                 capabilities=caps or {}, output=Path(tmp),
                                 keep_screenshots=screenshots)
        t0 = time.perf_counter()
        run = perform(request).run
        seconds = time.perf_counter() - t0
    want = Outcome.WOULD_CHANGE if mode == "check" else Outcome.CHANGED
    bad = [(r.device, r.outcome, r.error) for r in run.results if r.outcome is not want]
    assert not bad, bad
    return Sample(seconds, 0, list(run.results))


def fresh_runner(variants: Sequence[str] = (), screenshots: bool = True) -> Sample:
    with phones(1, variants) as (url,):
        sample = runner(url, screenshots=screenshots)
        state = sim_get(url, "state")
        sample.commands = sum(state["commands"].values())
        sample.kinds = dict(state["commands"])
        sample.reads = state.get("tree_reads", {})
    return sample


def fresh_script(proven: bool = False) -> Sample:
    with phones(1) as (url,):
        t0 = time.perf_counter()
        changed = handwritten.opt_out(url, hold_s=HOLD_S, reopen=proven)
        seconds = time.perf_counter() - t0
        assert changed
        state = sim_get(url, "state")
        return Sample(seconds, sum(state["commands"].values()), reads=state.get("tree_reads", {}),
                      kinds=dict(state["commands"]))


def fresh_proven_script() -> Sample:
    return fresh_script(proven=True)


HOLD_S = DEFAULT_SETTLE  # the runner's own: a change must hold this long to count
SUMMARY: list[str] = []  # one row per benchmark, for the README
README = ROOT / "README.md"
MARKS = ("<!-- bench:start (bench/run.py writes this table) -->", "<!-- bench:end -->")


def med(values: Sequence[float]) -> float:
    return statistics.median(values)


# ---------------------------------------------------------------------------- the six


def fresh_runner_without_screenshots() -> Sample:
    return fresh_runner(screenshots=False)


def bench_script(pairs: int, out: list[str]) -> list[Sample]:
    run_s, bare_s, script_s, proven_s = [], [], [], []
    loads = [load()]
    for i in range(pairs):  # alternate which goes first
        order: list[Callable[[], Sample]] = [
            fresh_runner, fresh_proven_script, fresh_script, fresh_runner_without_screenshots]
        if i % 2:
            order.reverse()
        got = {fn.__name__: fn() for fn in order}
        run_s.append(got["fresh_runner"])
        bare_s.append(got["fresh_runner_without_screenshots"])
        script_s.append(got["fresh_script"])
        proven_s.append(got["fresh_proven_script"])
        loads.append(load())

    def ratios(a: list[Sample], b: list[Sample]) -> list[float]:
        return [x.seconds / y.seconds for x, y in zip(a, b, strict=True)]

    def row(name: str, samples: list[Sample]) -> str:
        reads = [s.reads.get("total", 0) for s in samples]
        return (f"| {name} | {med([s.seconds for s in samples]):.2f} "
                f"| {med([s.commands for s in samples]):.0f} | {med(reads):.0f} "
                f"| {med([s.reads.get('states', 0) for s in samples]):.0f} "
                f"| {max(s.reads.get('repeats', 0) for s in samples)} |")

    proof = ratios(run_s, proven_s)
    proof_bare = ratios(bare_s, proven_s)
    plain = ratios(run_s, script_s)
    repeats = max(s.reads.get("repeats", 0) for s in run_s + bare_s)
    out += [
        "## 1. Runner vs the best hand-written scripts (LinkedIn Android opt-out)",
        "",
        f"Cost model on, {LATENCY_MS} ms round trip, {pairs} alternated pairs, fresh phone "
        "each run, all four in each pair. The proof script (`bench/handwritten.py` "
        "`opt_out_proven`, its commands frozen in `PROVEN_COMMANDS`) gives the runner's "
        "proof: after the settle window it goes back, re-opens the page and reads the switch "
        "there. Target: runner / proof script <= 1.25; runner / plain script reported. "
        "Tree reads are counted by the phone (`sim/readlog.py`): a *repeat* is a read of a "
        "screen state the previous read already saw, with no action in between (target: 0). "
        f"Load average before and after each pair: {'; '.join(loads)}.",
        "",
        "| | median s | commands sent | tree reads | screen states read | repeats (max) |",
        "|---|---|---|---|---|---|",
        row("runner (`mobile-optout run`)", run_s),
        row("runner, `--no-screenshots`", bare_s),
        row("hand-written script with the proof (re-open, read)", proven_s),
        row("plain hand-written script", script_s),
        "",
        f"Ratio runner / proof script, pair by pair: {', '.join(f'{r:.2f}' for r in proof)}; "
        f"**median {med(proof):.2f}** (without screenshots: "
        f"{', '.join(f'{r:.2f}' for r in proof_bare)}; median {med(proof_bare):.2f}).",
        "",
        f"Ratio runner / plain script, pair by pair: {', '.join(f'{r:.2f}' for r in plain)}; "
        f"**median {med(plain):.2f}**.",
        "",
        "Commands by kind (the phone's count, last pair): runner "
        f"{_kinds(run_s[-1])}; proof script {_kinds(proven_s[-1])}.",
        "",
        "What the proof script does not check that the runner does: that the switch it reads "
        "is the one in the setting's row (it trusts a resource id); that the page has "
        "finished loading, the switch is enabled and nothing is on top (sheets, prompts, "
        "sign-in pages, the flow's blockers and interrupts); that two looks agree and that "
        "the reading agrees with the row's On/Off on the way in; error texts, toasts and "
        "flip-backs during the settle window; confirmations (by their question); the "
        "denylist under the finger; the member's name (redaction); the flow's deadline; the "
        "flow's own checks (a `wait_for` per screen); evidence screenshots and records.",
        "",
        "Where the runner's extra time goes (outside the settle window, which both spend "
        "alike; the commands the phone counts): the flow's own checks (its `wait_for`s and "
        "a `when:`, one find each); what is on top before each tap through the menus (one "
        "find a tap); the member's name, asked until a screen shows it (a few finds and a "
        "read); the denylist under the finger of a tap found by accessibility id (a read); "
        "the tree of the row's page (its On/Off, which spares a second reading a settle "
        "window later) and of the page it opens (the row rule picks the switch), against "
        "the script's two finds; the evidence screenshot of the state before; the second "
        "look that must agree, and the looks right after the tap and at the end of the "
        "window (two finds each against the script's one read); and on the re-opened page "
        "the tree of the row's page (the page Back showed, and its row's On/Off drawn after "
        "the change) and of the page itself (a sheet no query sees shows there) with a "
        "second look, against the script's find, find and read. The device's language and "
        "the server's version are asked inside the settle window.",
        "",
    ]
    SUMMARY.append(
        f"| 1. runner / hand-written script with the same proof, LinkedIn Android, 30 ms "
        f"round trip | {med(proof):.2f}x ({med(proof_bare):.2f}x with `--no-screenshots`); "
        f"{med([s.commands for s in run_s]):.0f} vs "
        f"{med([s.commands for s in proven_s]):.0f} commands | <= 1.25 |")
    SUMMARY.append(
        f"| 1b. runner / plain hand-written script | {med(plain):.2f}x | reported |")
    SUMMARY.append(
        f"| 1c. tree reads per screen state: repeats (reads of a state already read) | "
        f"{repeats} ({med([s.reads.get('total', 0) for s in run_s]):.0f} reads of "
        f"{med([s.reads.get('states', 0) for s in run_s]):.0f} states) | 0 |")
    return run_s


def _kinds(sample: Sample) -> str:
    return ", ".join(f"{n} {k}" for k, n in sorted(sample.kinds.items(), key=lambda kv: -kv[1]))


def bench_never_idle(pairs: int, out: list[str]) -> None:
    quiet, busy = [], []
    loads = [load()]
    for i in range(pairs):
        if i % 2:
            busy.append(fresh_runner(("never-idle",)))
            quiet.append(fresh_runner())
        else:
            quiet.append(fresh_runner())
            busy.append(fresh_runner(("never-idle",)))
        loads.append(load())
    ratios = [b.seconds / q.seconds for b, q in zip(busy, quiet, strict=True)]
    # How long the driver's default would have waited: the phone counts each command on a
    # live screen as 1 ms when the session asks for 1 ms (no need to sit through 10 s each).
    with phones(1, ("never-idle",)) as (url,), tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "devices.yaml"
        path.write_text(f"devices:\n  p: {{platform: android, server: \"{url}\", "
                        "settings: {waitForIdleTimeout: 1}}\n", encoding="utf-8")
        runner("", devices_file=path)
        live_commands = int(sim_get(url, "state")["idle_ms"])
    default_s = med([q.seconds for q in quiet]) + live_commands * 10.0
    out += [
        "## 2. A feed that never goes idle vs a quiet one",
        "",
        "The `never-idle` phone makes every command on the feed and the side menu wait the "
        "session's waitForIdleTimeout (UiAutomator2's default: 10 000 ms; the runner asks "
        "for 0). Target: <= 1.2x.",
        "",
        "| feed | median s | commands |",
        "|---|---|---|",
        f"| quiet | {med([s.seconds for s in quiet]):.2f} "
        f"| {med([s.commands for s in quiet]):.0f} |",
        f"| never idle | {med([s.seconds for s in busy]):.2f} "
        f"| {med([s.commands for s in busy]):.0f} |",
        "",
        f"Ratio never-idle/quiet, pair by pair: {', '.join(f'{r:.2f}' for r in ratios)}; "
        f"**median {med(ratios):.2f}**. Load average before and after each pair: "
        f"{'; '.join(loads)}.",
        "",
        f"Left at UiAutomator2's default (10 000 ms), the {live_commands} commands the runner "
        f"sends on the live screens would each wait 10 s: about {default_s:.0f} s for the "
        "flow (counted by the phone with a 1 ms timeout, not sat through).",
        "",
    ]
    SUMMARY.append(f"| 2. never-idle feed / quiet feed | {med(ratios):.2f}x (the driver's default"
                   f" would take ~{default_s:.0f} s) | <= 1.2 |")


def many_at_once(n: int, screenshots: bool) -> tuple[float, float, float]:
    """Seconds for ``n`` phones at once, and the CPU seconds the runner and the phones
    used meanwhile."""
    with phones(n) as urls, tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "devices.yaml"
        path.write_text("devices:\n" + "".join(
            f"  phone-{i}: {{platform: android, server: \"{u}\"}}\n"
            for i, u in enumerate(urls)), encoding="utf-8")
        mine, theirs = cpu_seconds(), sum(cpu_seconds(PIDS[u]) for u in urls)
        seconds = runner("", devices_file=path, screenshots=screenshots).seconds
        return (seconds, cpu_seconds() - mine,
                sum(cpu_seconds(PIDS[u]) for u in urls) - theirs)


PARALLEL_TARGETS = {8: 7, 32: 28}


def bench_parallel(rounds: int, out: list[str]) -> None:
    rows = []
    best = 0.0
    for n, target in PARALLEL_TARGETS.items():
        for screenshots in (True, False):
            one, many, mine, theirs, loads = [], [], [], [], []
            for _ in range(rounds if n <= 8 else 1):
                one.append(fresh_runner(screenshots=screenshots).seconds)
                before = load()
                seconds, runner_cpu, phones_cpu = many_at_once(n, screenshots)
                loads.append(f"{before} -> {load()}")
                many.append(seconds)
                mine.append(runner_cpu)
                theirs.append(phones_cpu)
            speedup = [n * a / b for a, b in zip(one, many, strict=True)]
            kind = "evidence screenshots" if screenshots else "`--no-screenshots`"
            rows.append(f"| {n} | {kind} | {med(one):.2f} | {med(many):.2f} | {med(mine):.2f} "
                        f"| {med(theirs):.2f} | {'; '.join(loads)} "
                        f"| {', '.join(f'{x:.1f}x' for x in speedup)} | **{med(speedup):.1f}x** "
                        f"| >= {target}x |")
            if screenshots:
                best = med(speedup)
            else:
                SUMMARY.append(f"| 3. {n} phones at once vs 1 (each its own process) | "
                               f"{best:.1f}x ({med(speedup):.1f}x with `--no-screenshots`); "
                               f"load {loads[-1]} | >= {target} |")
    out += [
        "## 3. 8 and 32 phones at once vs 1",
        "",
        f"Each phone in its own process; the runner with `--parallel 64` on one machine; "
        f"{rounds} round(s) of 8, one of 32. Speed-up = n x (one phone's time) / (n phones' "
        "time). Targets: 8 phones >= 7x, 32 phones >= 28x. The phones share the machine's "
        f"{os.cpu_count()} cores with the runner (and with other jobs: the load averages "
        "before and after each n-phone run are beside): each screenshot costs its phone CPU "
        "to draw (Pillow), which a real phone does not take from the machine, hence the "
        "rows without screenshots; the CPU columns say who used the cores during the "
        "n-phone run.",
        "",
        "| phones | run | 1 phone, median s | n at once, median s | runner CPU s "
        "| phones' CPU s | load (1, 5, 15 min) | speed-up by round | median | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]


def bench_steps(samples: Sequence[Sample], out: list[str]) -> None:
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for sample in samples:
        for result in sample.results:
            for step in result.steps:
                if step.status == "skipped":
                    continue
                by_kind.setdefault(step.kind, []).append((step.round_trips, step.tree_reads))
    out += [
        "## 4. Round trips and tree reads per step kind",
        "",
        "From the run records of benchmark 1 (report.json `round_trips`, `tree_reads`; "
        "steps that ran). A tree read is a page source or an XPath find.",
        "",
        "| step kind | steps | round trips (median) | tree reads (median) | tree reads (max) |",
        "|---|---|---|---|---|",
    ]
    for kind, rows in sorted(by_kind.items()):
        out.append(f"| {kind} | {len(rows)} | {med([r for r, _ in rows]):.0f} "
                   f"| {med([t for _, t in rows]):.0f} | {max(t for _, t in rows)} |")
    out.append("")
    taps = by_kind.get("tap", [(0, 0)])
    ensure = by_kind.get("ensure_setting", [(0, 0)])
    SUMMARY.append(f"| 4. round trips / tree reads (median): a tap step; the ensure_setting "
                   f"step | {med([r for r, _ in taps]):.0f} / {med([t for _, t in taps]):.0f}; "
                   f"{med([r for r, _ in ensure]):.0f} / {med([t for _, t in ensure]):.0f} | |")


def bench_startup(times: int, out: list[str]) -> None:
    def timed(args: list[str]) -> float:
        values = []
        for _ in range(times):
            t0 = time.perf_counter()
            subprocess.run(args, cwd=ROOT, capture_output=True, check=True)
            values.append(time.perf_counter() - t0)
        return med(values)

    rows = [
        ("python -c pass (the floor)", timed([sys.executable, "-c", "pass"])),
        ("mobile-optout --help", timed([str(BIN), "--help"])),
        ("mobile-optout validate flows/", timed([str(BIN), "validate", "flows/"])),
    ]
    out += [
        "## 5. Start-up",
        "",
        f"Whole processes, median of {times}. Target: <= 0.3 s.",
        "",
        "| command | median s |",
        "|---|---|",
        *(f"| `{name}` | {s:.3f} |" for name, s in rows),
        "",
    ]
    SUMMARY.append(f"| 5. start-up: `--help` / `validate flows/` | {rows[1][1]:.2f} s / "
                   f"{rows[2][1]:.2f} s (`python -c pass`: {rows[0][1]:.2f} s) | <= 0.3 s |")


def bench_grid(pairs: int, out: list[str]) -> None:
    from mobile_optout.grid import Grid, Relay

    direct, grid_s = [], []
    with phones(1) as (url,):
        relay = Relay(url, {"platformName": "android",
                            "appium:automationName": "UiAutomator2",
                            "appium:udid": "bench-1"})
        caps: dict[str, object] = {"appium:udid": "bench-1"}
        with Grid([relay], session_timeout=60) as grid:
            runner(grid.url, mode="check", caps=caps)  # warm the grid up
            for i in range(pairs):
                a = runner(url, mode="check", caps=caps).seconds
                b = runner(grid.url, mode="check", caps=caps).seconds
                if i % 2:
                    b = runner(grid.url, mode="check", caps=caps).seconds
                    a = runner(url, mode="check", caps=caps).seconds
                direct.append(a)
                grid_s.append(b)
    ratios = [g / d for g, d in zip(grid_s, direct, strict=True)]
    out += [
        "## 6. Through a Selenium Grid 4 vs direct",
        "",
        f"The same phone, `mobile-optout check` (read-only, so every run does the same "
        f"work), {pairs} alternated pairs after one warm-up. Target: <= 1.15x.",
        "",
        "| route | median s |",
        "|---|---|",
        f"| direct | {med(direct):.2f} |",
        f"| through the Grid | {med(grid_s):.2f} |",
        "",
        f"Ratio grid/direct, pair by pair: {', '.join(f'{r:.2f}' for r in ratios)}; "
        f"**median {med(ratios):.2f}**.",
        "",
    ]
    SUMMARY.append(f"| 6. through a Selenium Grid 4 / direct | {med(ratios):.2f}x | <= 1.15 |")


# ---------------------------------------------------------------------------- report


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def machine() -> list[str]:
    def version(args: list[str]) -> str:
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
        except OSError:
            return "absent"
        return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 \
            else "absent"

    import appium.version
    import selenium

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"- Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.system()} "
        f"{platform.release()}, {cpu}, {os.cpu_count()} cores (shared with other jobs: "
        f"load average {load()} at the start)",
        f"- mobile-optout {__version__}, Python {platform.python_version()}, "
        f"Appium-Python-Client {appium.version.version}, selenium {selenium.__version__}, "
        f"{version(['java', '-version'])}",
        f"- git {version(['git', '-C', str(ROOT), 'rev-parse', '--short', 'HEAD'])}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--skip-grid", action="store_true", help="no Java here")
    parser.add_argument("--only", default="", help="comma-separated: script, idle, parallel, "
                        "startup, grid (a partial run prints, and writes nothing)")
    args = parser.parse_args()
    if args.only:
        partial(set(args.only.split(",")), 2 if args.quick else 5)
        return
    logger.remove()  # the runner's own log lines would drown the table
    pairs = 2 if args.quick else 5
    out = ["# Benchmarks", "", "Written by `.venv/bin/python bench/run.py`; do not edit.", ""]
    out += [*machine(), ""]
    started = time.perf_counter()
    samples = bench_script(pairs, out)
    print("\n".join(out), flush=True)
    mark = len(out)
    bench_never_idle(max(2, pairs - 2), out)
    bench_parallel(1 if args.quick else 2, out)
    bench_steps(samples, out)
    bench_startup(3 if args.quick else 7, out)
    if not args.skip_grid:
        bench_grid(2 if args.quick else 3, out)
    out.append(f"All of it took {time.perf_counter() - started:.0f} s; load average at the end "
               f"{load()}. On a loaded machine every figure here is noisy: compare the pairs.")
    print("\n".join(out[mark:]))
    args.output.write_text("\n".join(out) + "\n" + kept_sections(args.output), encoding="utf-8")
    print(f"wrote {args.output}")
    if args.output == ROOT / "bench" / "RESULTS.md":
        quote_in_readme(out[4].removeprefix("- Measured ").split(" on ")[0])


def partial(only: set[str], pairs: int) -> None:
    """Some of the benchmarks, printed (for measuring while working; RESULTS.md is left)."""
    logger.remove()
    out: list[str] = [*machine(), ""]
    samples: list[Sample] = []
    if "script" in only:
        samples = bench_script(pairs, out)
        bench_steps(samples, out)
    if "idle" in only:
        bench_never_idle(max(2, pairs - 2), out)
    if "parallel" in only:
        bench_parallel(1, out)
    if "startup" in only:
        bench_startup(5, out)
    if "grid" in only:
        bench_grid(2, out)
    print("\n".join(out + SUMMARY))


def kept_sections(path: Path) -> str:
    """The chaos soak's section (bench/soak.py, written by hand from its output), kept when
    this script rewrites the file."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8")
    at = text.find("\n## Chaos soak")
    return "" if at < 0 else text[at:]


def quote_in_readme(when: str) -> None:
    """The summary table in README.md, between its marks, with the date of the run."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index(MARKS[0]), text.index(MARKS[1])
    table = [MARKS[0], "", f"Latest run, {when} (bench/RESULTS.md has the details, the "
             "machine and the versions):", "", "| benchmark | result | target |",
             "|---|---|---|", *SUMMARY, ""]
    README.write_text(text[:start] + "\n".join(table) + "\n" + text[end:], encoding="utf-8")
    print(f"quoted the table in {README}")


if __name__ == "__main__":
    main()
