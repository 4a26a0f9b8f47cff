"""history, report.json, junit.xml and report.html give the same counts, for every outcome
and for an interrupted run; attempts are the same number in each; every outcome has its own
filter in report.html."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from mobile_optout.results import finish_run
from mobile_optout.results.html import OUTCOME_LOOK
from mobile_optout.results.record import FlowResult, Outcome, RunRecord
from mobile_optout.results.store import Store

ROOT = Path(__file__).resolve().parents[2]
FINISHED = [o for o in Outcome if o is not Outcome.RUNNING]


def four_counts(output: Path, run_dir: Path) -> dict[str, Counter[str]]:
    """Outcome counts of the newest run, as each record tells them."""
    with Store.open(output) as store:
        (summary,) = store.runs(limit=1)
        history = Counter(summary.outcomes)
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    junit = Counter(p.get("value", "") for p in ET.parse(run_dir / "junit.xml").iter("property")
                    if p.get("name") == "outcome")
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    words = {w: str(o) for o, (_, _, w) in OUTCOME_LOOK.items()}
    boxes = dict(re.findall(r'<input type="checkbox" id="fo(\d+)" checked> ([^<]+)</label>',
                            html))
    rows = Counter(re.findall(r'<tr class="o-(\d+) ', html))
    shown = Counter({words[boxes[i]]: n for i, n in rows.items()})
    return {"history": history, "report.json": Counter(report["summary"]), "junit.xml": junit,
            "report.html": shown}


def test_every_outcome_is_counted_alike_in_the_four_records(tmp_path: Path) -> None:
    run = RunRecord(run_id="20261206T100000Z-abcdef", mode="apply",
                    started_at="2026-12-06T10:00:00.000+00:00")
    output, run_dir = tmp_path / "results", tmp_path / "results" / run.run_id
    with Store.open(output) as store:
        store.run_started(run)
        for i, outcome in enumerate(FINISHED):
            for copy in range(1 + i % 2):  # some outcomes twice
                result = FlowResult(device="sim-android", platform="android",
                                    flow=f"flow-{outcome}-{copy}", flow_path="f.yaml",
                                    outcome=outcome, attempts=1 + copy, note=str(outcome),
                                    finished_at="2026-12-06T10:00:01.000+00:00")
                store.result_started(run, result)
                store.result_finished(run, result)
                run.results.append(result)
        run.finished_at = "2026-12-06T10:00:02.000+00:00"
        finish_run(run, run_dir, store)
        store.run_finished(run)
        attempts_stored = {r.flow: r.attempts for r in store.results_of(run.run_id)}

    counts = four_counts(output, run_dir)
    expected = Counter(str(r.outcome) for r in run.results)
    assert set(expected) == {str(o) for o in FINISHED}
    for name, found in counts.items():
        assert found == expected, name

    # One filter box per outcome, no two outcomes under one box.
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    labels = re.findall(r'id="fo\d+" checked> ([^<]+)</label>', html)
    assert sorted(labels) == sorted(OUTCOME_LOOK[o][2] for o in FINISHED)

    # Attempts: the same number in history, report.json, junit.xml and report.html.
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    in_json = {r["flow"]: r["attempts"] for r in report["results"]}
    in_junit = {case.get("name"): int(p.get("value", "0"))
                for case in ET.parse(run_dir / "junit.xml").iter("testcase")
                for p in case.iter("property") if p.get("name") == "attempts"}
    in_html = dict(re.findall(r"<h2>sim-android · ([^<]+)</h2>.*?<dt>flow attempts</dt>"
                              r"<dd>(\d+)</dd>", html))
    assert in_json == in_junit == attempts_stored == {k: int(v) for k, v in in_html.items()}
    assert set(in_json.values()) == {1, 2}


def test_an_interrupted_run_is_counted_alike(tmp_path: Path) -> None:
    """Ctrl-C during the first of two flows: the second never starts, and history counts it
    as the reports do."""
    output = tmp_path / "results"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mobile_optout", "run", str(ROOT / "flows" / "linkedin"),
         str(ROOT / "flows" / "chatgpt"), "--device", "sim-android", "--sim-variant", "slow",
         "--output", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:  # the run is under way: its first step is done
            if "launch app" in line:
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, (out, err)
    (report,) = output.glob("*/report.json")
    counts = four_counts(output, report.parent)
    assert counts["report.json"]["interrupted"] >= 2
    for name, found in counts.items():
        assert found == counts["report.json"], name
