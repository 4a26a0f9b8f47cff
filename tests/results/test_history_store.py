"""The history store: what a run leaves in history.db, even when it is killed."""

from __future__ import annotations

import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from results.results_helpers import record_run, seen, step_record

from mobile_optout.results.record import (
    ErrorInfo,
    Outcome,
    RunRecord,
    SettingObservation,
)
from mobile_optout.results.store import DB_NAME, MIGRATIONS, SCHEMA_VERSION, Store


def test_a_run_reads_back_as_it_was_written(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        failed = seen("pixel-7", Outcome.FAILED, True, True)
        failed.error = ErrorInfo(type="StepFailed", message="toggle still on", step="tap x",
                                 line=9, expected="off", actual="on", screen="evidence/s.xml")
        failed.note = "a note"
        assert failed.setting is not None  # the holding check of a change that did not hold
        failed.setting.taps, failed.setting.flip_back = 2, "turned off, then it read on again"
        failed.setting.attempts = ["attempt 1: flipped back", "attempt 2: flipped back"]
        failed.setting.evidence = ["evidence/p/03-flip-back.png"]
        run = record_run(store, "2026-03-01T10:00:00.000+00:00",
                         [seen("iphone", Outcome.CHANGED, True, False), failed])
        back = store.run_record(run.run_id)
    assert back is not None
    assert back.results == run.results
    assert (back.mode, back.tool_version, back.finished_at) == ("apply", "0.1.0", run.finished_at)


def test_runs_lists_newest_first_and_filters(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        record_run(store, "2026-03-01T10:00:00.000+00:00",
                   [seen("a", Outcome.CHANGED, True, False)])
        record_run(store, "2026-04-01T10:00:00.000+00:00", [seen("b", Outcome.FAILED, True, True)])
        record_run(store, "2026-05-01T10:00:00.000+00:00",
                   [seen("a", Outcome.ALREADY_SET, False)], mode="check")
        newest = store.runs(limit=2)
        only_b = store.runs(device="b")
    assert [r.run_id[:10] for r in newest] == ["2026-05-01", "2026-04-01"]
    assert newest[0].outcomes == {"already_set": 1} and newest[0].mode == "check"
    assert [r.devices for r in only_b] == [("b",)]


def test_server_urls_are_stored_without_credentials(tmp_path: Path) -> None:
    grid = seen("https://bob:key@grid.example.com/wd/hub", Outcome.ERROR, None)
    grid.server = "https://bob:key@grid.example.com/wd/hub"
    with Store.open(tmp_path) as store:
        run = record_run(store, "2026-03-01T10:00:00.000+00:00", [grid])
        back = store.results_of(run.run_id)[0]
        found = store.runs(device="https://grid.example.com/wd/hub")
    assert back.device == back.server == "https://grid.example.com/wd/hub"
    assert len(found) == 1
    assert b"bob:key" not in (tmp_path / DB_NAME).read_bytes()


def test_drift_is_a_change_from_the_last_verified_state(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        record_run(store, "2026-03-01T10:00:00.000+00:00", [
            seen("drifted", Outcome.CHANGED, True, False),
            seen("steady", Outcome.CHANGED, True, False),
            seen("never-verified", Outcome.WOULD_CHANGE, True),
            seen("failed-later", Outcome.ALREADY_SET, False),
            seen("repaired", Outcome.CHANGED, True, False),
        ])
        record_run(store, "2026-04-01T10:00:00.000+00:00", [
            seen("drifted", Outcome.ALREADY_SET, False),
            seen("repaired", Outcome.WOULD_CHANGE, True),
        ], mode="check")
        record_run(store, "2026-05-01T10:00:00.000+00:00", [
            seen("drifted", Outcome.WOULD_CHANGE, True),
            seen("steady", Outcome.ALREADY_SET, False),
            seen("never-verified", Outcome.WOULD_CHANGE, True),
            seen("failed-later", Outcome.FAILED, True, True),
            seen("repaired", Outcome.CHANGED, True, False),
        ])
        drift = store.drift()
    assert sorted(d.device for d in drift) == ["drifted", "failed-later"]
    d = next(d for d in drift if d.device == "drifted")
    assert (d.verified, d.observed) == (False, True)
    assert d.verified_at.startswith("2026-04-01") and d.observed_at.startswith("2026-05-01")
    assert d.observed_outcome == "would_change" and d.setting == "ai-training"


def test_parallel_threads_share_one_store(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    run = RunRecord(run_id="r", mode="apply")
    store.run_started(run)

    def device(name: str) -> None:
        r = seen(name, Outcome.CHANGED, True, False)
        store.result_started(run, r)
        for i in range(25):
            store.step_finished(run, r, step_record(f"step {i}"))
        store.result_finished(run, r)

    threads = [threading.Thread(target=device, args=(f"d{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results = store.results_of("r")
    store.close()
    assert sorted(r.device for r in results) == ["d0", "d1", "d2", "d3"]
    assert all([s.label for s in r.steps] == [f"step {i}" for i in range(25)] for r in results)


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from mobile_optout.results.record import *
    from mobile_optout.results.store import Store

    store = Store.open(Path(sys.argv[1]))
    run = RunRecord(run_id="killed", mode="apply")
    store.run_started(run)
    done = FlowResult(device="a", platform="android", flow="f", flow_path="f.yaml",
                      setting=SettingObservation("ai-training", False, True))
    store.result_started(run, done)
    done.outcome = Outcome.CHANGED
    store.result_finished(run, done)
    busy = FlowResult(device="b", platform="android", flow="f", flow_path="f.yaml",
                      setting=SettingObservation("ai-training", False, True))
    store.result_started(run, busy)
    i = 0
    while True:  # until killed, at whatever point that happens
        i += 1
        store.step_finished(run, busy, StepRecord(f"step {i}", "tap", StepStatus.PASSED, 1))
        if i == 50:
            print("50 steps", flush=True)
""")


def test_a_run_killed_midway_is_marked_interrupted_and_the_db_is_sound(tmp_path: Path) -> None:
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None  # stdout=PIPE
    try:
        ready, _, _ = select.select([child.stdout], [], [], 30)  # a deadline, not a sleep
        assert ready and child.stdout.readline() == "50 steps\n", "the writer never got going"
        child.send_signal(signal.SIGKILL)  # somewhere in the middle of writing steps
    finally:
        code = child.wait(timeout=30)
        child.stdout.close()
    assert code == -signal.SIGKILL
    with Store.open(tmp_path) as store:
        assert store.integrity() == "ok"
        run = store.runs()[0]
        results = {r.device: r for r in store.results_of("killed")}
    assert run.status == "interrupted"
    assert results["a"].outcome is Outcome.CHANGED
    assert results["b"].outcome is Outcome.INTERRUPTED
    assert results["b"].setting is not None and results["b"].setting.before is True
    labels = [s.label for s in results["b"].steps]
    assert len(labels) >= 50 and labels == [f"step {i}" for i in range(1, len(labels) + 1)]


def test_a_run_whose_process_lives_is_left_alone(tmp_path: Path) -> None:
    with Store.open(tmp_path) as writer:
        writer.run_started(RunRecord(run_id="live", mode="apply"))
        with Store.open(tmp_path) as reader:
            assert reader.runs()[0].status == "running"


def test_migrating_an_old_database_keeps_its_rows(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / DB_NAME)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO runs (run_id, mode, status, started_at, finished_at)"
                 " VALUES ('old', 'apply', 'finished', '2025-01-01', '2025-01-01')")
    conn.execute("INSERT INTO results (run_id, device, flow, outcome, started_at, setting_id,"
                 " desired, before, after, error_type, error_message)"
                 " VALUES ('old', 'pixel', 'ai', 'failed', '2025-01-01', 'ai-training', 0, 1, 1,"
                 " 'StepFailed', 'still on')")
    conn.execute("INSERT INTO steps (result_id, seq, label, kind, status, duration_ms)"
                 " VALUES (1, 1, 'tap', 'tap', 'failed', 5)")
    conn.commit()
    conn.close()
    with Store.open(tmp_path) as store:
        assert store.version == SCHEMA_VERSION
        [result] = store.results_of("old")
        assert store.integrity() == "ok"
    assert result.error == ErrorInfo(type="StepFailed", message="still on")
    assert result.setting == SettingObservation("ai-training", False, True, True)
    assert [s.label for s in result.steps] == ["tap"]
