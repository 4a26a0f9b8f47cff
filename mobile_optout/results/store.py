"""The history store: ``<DIR>/history.db``, an SQLite database of every run, result and step.

It is the runner's ``RecordSink``: each callback is one short transaction, so a run killed
at any point (Ctrl-C, ``kill -9``, power) leaves a consistent record. The next
``Store.open`` marks runs whose process is gone as ``interrupted``.

The schema is versioned with ``PRAGMA user_version``: ``MIGRATIONS[i]`` brings a database
from version ``i`` to ``i + 1``, each in its own transaction, so an upgrade never loses
history. Add a migration at the end; never edit one that has shipped.

A device reached through ``--server URL`` is identified by that URL without credentials.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from mobile_optout.errors import UsageError
from mobile_optout.results.process import process_alive, process_start
from mobile_optout.results.record import (
    NOT_RUN_OUTCOMES,
    ErrorInfo,
    FlowResult,
    Outcome,
    RunRecord,
    SettingObservation,
    StepRecord,
    now_iso,
    result_dict,
    result_from_dict,
)
from mobile_optout.values import on_off, redact_url

DB_NAME = "history.db"
BUSY_TIMEOUT_MS = 10_000

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 -> 1: runs, results, steps
    (
        """CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            mode TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL DEFAULT '',
            tool_version TEXT NOT NULL DEFAULT '',
            pid INTEGER NOT NULL DEFAULT 0,
            host TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE results (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
            device TEXT NOT NULL,
            flow TEXT NOT NULL,
            flow_path TEXT NOT NULL DEFAULT '',
            platform TEXT NOT NULL DEFAULT '',
            server TEXT NOT NULL DEFAULT '',
            app_version TEXT NOT NULL DEFAULT '',
            setting_id TEXT,
            desired INTEGER,
            before INTEGER,
            after INTEGER,
            outcome TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL DEFAULT '',
            attempts INTEGER NOT NULL DEFAULT 1,
            error_type TEXT,
            error_message TEXT,
            evidence_dir TEXT NOT NULL DEFAULT '',
            UNIQUE (run_id, device, flow)
        )""",
        """CREATE TABLE steps (
            id INTEGER PRIMARY KEY,
            result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            label TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            round_trips INTEGER NOT NULL DEFAULT 0,
            file TEXT NOT NULL DEFAULT '',
            line INTEGER NOT NULL DEFAULT 0,
            message TEXT NOT NULL DEFAULT '',
            evidence TEXT NOT NULL DEFAULT '[]'
        )""",
    ),
    # 1 -> 2: the rest of the error, the note, a pid-reuse guard, indexes for history
    (
        "ALTER TABLE results ADD COLUMN error_step TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN error_line INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE results ADD COLUMN error_expected TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN error_actual TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN error_screen TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN note TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE runs ADD COLUMN pid_start TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX results_by_setting ON results (device, setting_id, started_at)",
        "CREATE INDEX steps_by_result ON steps (result_id, seq)",
    ),
    # 2 -> 3: the device's model and OS, and the file of an error's line (a part)
    (
        "ALTER TABLE results ADD COLUMN device_info TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN error_file TEXT NOT NULL DEFAULT ''",
    ),
    # 3 -> 4: the holding check of a changed setting (taps, confirmations, how long it
    # held, the re-read, a flip-back), as JSON
    ("ALTER TABLE results ADD COLUMN setting_detail TEXT NOT NULL DEFAULT '{}'",),
    # 4 -> 5: the app's catalogue name (chatgpt, linkedin), to group results by app
    ("ALTER TABLE results ADD COLUMN app_name TEXT NOT NULL DEFAULT ''",),
    # 5 -> 6: how many of a step's commands read the whole tree
    ("ALTER TABLE steps ADD COLUMN tree_reads INTEGER NOT NULL DEFAULT 0",),
    # 6 -> 7: the environment a report shows (the app's package or bundle id, the
    # server's version, the automation), and a failure's closest texts on screen (a JSON list)
    (
        "ALTER TABLE results ADD COLUMN app TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN server_version TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN automation TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN error_closest TEXT NOT NULL DEFAULT '[]'",
    ),
    # 7 -> 8 (self-contained: renumber freely when merging): every switch a scan or a run
    # saw on a settings page, so that a scan can tell a new switch from one seen before
    (
        "CREATE TABLE switches_seen (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL DEFAULT '',"
        " seen_at TEXT NOT NULL, source TEXT NOT NULL DEFAULT 'scan', device TEXT NOT NULL"
        " DEFAULT '', app TEXT NOT NULL, platform TEXT NOT NULL, page TEXT NOT NULL DEFAULT"
        " '', label TEXT NOT NULL, state INTEGER, flagged INTEGER NOT NULL DEFAULT 0)",
        "CREATE INDEX switches_seen_by_label ON switches_seen (app, platform, label, seen_at)",
    ),
    # 8 -> 9: the language whose texts a run used, and whether English stood in for it
    (
        "ALTER TABLE results ADD COLUMN language TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE results ADD COLUMN language_fallback INTEGER NOT NULL DEFAULT 0",
    ),
    # 9 -> 10: the routes tried (a JSON list) and how a change was proven (reopen, ...)
    ("ALTER TABLE results ADD COLUMN routes TEXT NOT NULL DEFAULT '[]'",
     "ALTER TABLE results ADD COLUMN proof TEXT NOT NULL DEFAULT ''"),
)
SCHEMA_VERSION = len(MIGRATIONS)

VERIFIED = frozenset({Outcome.CHANGED, Outcome.ALREADY_SET})
# Results that observed no setting: nothing on this phone (record.NOT_RUN_OUTCOMES), not
# offered, or not finished reading yet.
_NOT_OBSERVATIONS = NOT_RUN_OUTCOMES | {Outcome.NOT_OFFERED, Outcome.RUNNING}


@dataclass(frozen=True, slots=True)
class RunSummary:
    """One line of ``mobile-optout history``."""

    run_id: str
    mode: str
    status: str  # running | finished | interrupted
    started_at: str
    finished_at: str
    tool_version: str
    outcomes: dict[str, int] = field(default_factory=dict)
    devices: tuple[str, ...] = ()
    flows: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "mode": self.mode,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "tool_version": self.tool_version,
            "outcomes": dict(self.outcomes),
            "devices": list(self.devices),
            "flows": list(self.flows),
        }


@dataclass(frozen=True, slots=True)
class Drift:
    """A setting verified one way earlier and observed another way since."""

    device: str
    setting: str
    flow: str
    verified: bool | str
    verified_at: str
    verified_run: str
    observed: bool | str
    observed_at: str
    observed_run: str
    observed_outcome: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "setting": self.setting,
            "flow": self.flow,
            "verified": self.verified,
            "verified_at": self.verified_at,
            "verified_run": self.verified_run,
            "observed": self.observed,
            "observed_at": self.observed_at,
            "observed_run": self.observed_run,
            "observed_outcome": self.observed_outcome,
        }


class _Conn:
    """The connection as writes see it: every text is stored as valid UTF-8 (a lone
    surrogate that came from a server's JSON becomes "?" instead of failing the write)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
                ) -> sqlite3.Cursor:
        if isinstance(params, Mapping):
            return self._conn.execute(sql, {k: _utf8(v) for k, v in params.items()})
        return self._conn.execute(sql, [_utf8(v) for v in params])


def _utf8(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
    return value


@dataclass(frozen=True, slots=True)
class Seen:
    """One run's look at a setting on a device (for a report's recent history)."""

    run_id: str
    when: str
    outcome: str
    value: bool | str | None  # what the run saw (on/off, a choice's option); None: nothing


def device_key(device: str) -> str:
    """How a device is named in history: a URL loses its credentials."""
    return redact_url(device) if "://" in device else device


def _bool(v: object) -> bool | str | None:
    """A state as stored: 0/1 for off/on, text for a choice's option."""
    if v is None or isinstance(v, str):
        return v
    return bool(v)


def _int(v: bool | str | None) -> int | str | None:
    return v if v is None or isinstance(v, str) else int(v)


class Store:
    """The history database. Thread-safe: one connection, every use under one lock."""

    def __init__(self, directory: Path, conn: sqlite3.Connection) -> None:
        self.directory = directory
        self._conn = conn
        self._lock = threading.RLock()
        self._result_ids: dict[tuple[str, str, str], int] = {}

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, directory: Path) -> Store:
        """Open (or create) ``directory/history.db``, migrate it, mark dead runs interrupted."""
        directory.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            directory / DB_NAME,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # we say BEGIN and COMMIT ourselves
            check_same_thread=False,
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        store = cls(directory, conn)
        store.migrate()
        store.mark_interrupted()
        return store

    def migrate(self, target: int = SCHEMA_VERSION) -> int:
        """Apply the missing migrations up to ``target``, one transaction each."""
        with self._lock:
            while True:
                with self._tx() as c:
                    version = int(c.execute("PRAGMA user_version").fetchone()[0])
                    if version >= target:
                        return version
                    for statement in MIGRATIONS[version]:
                        c.execute(statement)
                    c.execute(f"PRAGMA user_version = {version + 1}")

    @property
    def version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[_Conn]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield _Conn(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def integrity(self) -> str:
        """``PRAGMA integrity_check``: "ok" when the database is sound."""
        with self._lock:
            return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    # ------------------------------------------------------------------ RecordSink

    def run_started(self, run: RunRecord) -> None:
        pid = os.getpid()
        with self._tx() as c:
            c.execute(
                "INSERT INTO runs (run_id, mode, status, started_at, tool_version, pid, host,"
                " pid_start) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)"
                " ON CONFLICT (run_id) DO UPDATE SET status = 'running', pid = excluded.pid,"
                " host = excluded.host, pid_start = excluded.pid_start",
                (run.run_id, run.mode, run.started_at, run.tool_version, pid,
                 socket.gethostname(), process_start(pid)),
            )

    def result_started(self, run: RunRecord, result: FlowResult) -> None:
        key = (run.run_id, device_key(result.device), result.flow)
        with self._tx() as c:
            row = c.execute(
                "INSERT INTO results (run_id, device, flow, flow_path, platform, server,"
                " outcome, started_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)"
                " ON CONFLICT (run_id, device, flow) DO UPDATE SET outcome = 'running',"
                " attempts = excluded.attempts RETURNING id",
                (*key, result.flow_path, result.platform, redact_url(result.server),
                 result.started_at, result.attempts),
            ).fetchone()
            self._result_ids[key] = int(row[0])
            self._update_result(c, run, result, final=False)

    def step_finished(self, run: RunRecord, result: FlowResult, step: StepRecord) -> None:
        result_id = self._result_id(run, result)
        with self._tx() as c:
            c.execute(
                "INSERT INTO steps (result_id, seq, label, kind, status, duration_ms,"
                " round_trips, tree_reads, file, line, message, evidence) VALUES (?,"
                " (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE result_id = ?),"
                " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (result_id, result_id, step.label, step.kind, str(step.status),
                 step.duration_ms, step.round_trips, step.tree_reads, step.file, step.line,
                 step.message, json.dumps(step.evidence)),
            )
            # What was read so far (the setting's "before") survives a kill.
            self._update_result(c, run, result, final=False)

    def result_finished(self, run: RunRecord, result: FlowResult) -> None:
        self._result_id(run, result)
        with self._tx() as c:
            self._update_result(c, run, result, final=True)
        self.record_switches([
            {"run_id": run.run_id, "seen_at": result.finished_at or result.started_at,
             "source": run.mode, "device": device_key(result.device),
             "app": result.app_name, "platform": result.platform, "page": s["page"],
             "label": s["label"],
             "state": None if s["state"] is None else int(s["state"] == "on"), "flagged": 0}
            for s in result.switches])

    def run_finished(self, run: RunRecord) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE runs SET status = ?, finished_at = ? WHERE run_id = ?",
                ("interrupted" if run.interrupted_by else "finished",
                 run.finished_at or now_iso(), run.run_id),
            )

    def _result_id(self, run: RunRecord, result: FlowResult) -> int:
        key = (run.run_id, device_key(result.device), result.flow)
        if key not in self._result_ids:
            self.result_started(run, result)
        return self._result_ids[key]

    def _update_result(
        self, c: _Conn, run: RunRecord, result: FlowResult, *, final: bool
    ) -> None:
        result_id = self._result_ids[(run.run_id, device_key(result.device), result.flow)]
        d = result_dict(result)  # the one mapping; columns are named after its keys
        s = d["setting"] or {}
        values: dict[str, Any] = {k: d[k] for k in ("app_name", "app_version", "device_info",
                                                    "attempts", "note", "app",
                                                    "server_version", "automation",
                                                    "language", "language_fallback")}
        values |= {
            "server": redact_url(result.server),
            "setting_id": s.get("id"),
            "desired": _int(s.get("desired")),
            "before": _int(s.get("before")),
            "after": _int(s.get("after")),
            "setting_detail": json.dumps({k: s[k] for k in SettingObservation.DETAIL if k in s}),
            "evidence_dir": d["evidence"]["dir"],
            "routes": json.dumps(d["routes"]),
            "proof": s.get("proof") or "",
        }
        if final:
            values |= {"outcome": d["outcome"], "finished_at": result.finished_at or now_iso()}
            empty = {f.name: None if f.name in ("type", "message") else f.default
                     for f in fields(ErrorInfo) if f.name != "closest"}
            error = (d["error"] or empty) | {
                "closest": json.dumps((d["error"] or {}).get("closest") or [])}
            values |= {f"error_{k}": v for k, v in error.items()}
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        c.execute(f"UPDATE results SET {assignments} WHERE id = :id", values | {"id": result_id})

    # ------------------------------------------------------------------ recovery

    def mark_interrupted(self) -> list[str]:
        """Runs still ``running`` whose process is gone become ``interrupted``; their ids.

        A run whose process is alive is left alone, and so is a run started on another
        host (we cannot see its process).
        """
        host = socket.gethostname()
        with self._lock:
            rows = self._conn.execute(
                "SELECT run_id, pid, host, pid_start FROM runs WHERE status = 'running'"
            ).fetchall()
        dead = [
            r["run_id"] for r in rows
            if r["host"] == host and not process_alive(r["pid"], r["pid_start"])
        ]
        for run_id in dead:
            with self._tx() as c:
                c.execute(
                    "UPDATE results SET outcome = 'interrupted' WHERE run_id = ?"
                    " AND outcome = 'running'",
                    (run_id,),
                )
                c.execute(
                    "UPDATE runs SET status = 'interrupted'"
                    " WHERE run_id = ? AND status = 'running'",
                    (run_id,),
                )
        return dead

    # ------------------------------------------------------------------ reading

    def runs(
        self, limit: int = 20, device: str | None = None, flow: str | None = None
    ) -> list[RunSummary]:
        """Past runs, newest first; only those that ran ``device`` / ``flow`` when given."""
        where, params = [], []
        if device is not None:
            where.append("EXISTS (SELECT 1 FROM results r WHERE r.run_id = runs.run_id"
                         " AND r.device = ?)")
            params.append(device_key(device))
        if flow is not None:
            where.append("EXISTS (SELECT 1 FROM results r WHERE r.run_id = runs.run_id"
                         " AND r.flow = ?)")
            params.append(flow)
        sql = "SELECT * FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started_at DESC, run_id DESC LIMIT ?"
        with self._lock:
            rows = self._conn.execute(sql, (*params, limit)).fetchall()
            summaries = []
            for r in rows:
                results = self._conn.execute(
                    "SELECT device, flow, outcome FROM results WHERE run_id = ? ORDER BY id",
                    (r["run_id"],),
                ).fetchall()
                summaries.append(RunSummary(
                    run_id=r["run_id"], mode=r["mode"], status=r["status"],
                    started_at=r["started_at"], finished_at=r["finished_at"],
                    tool_version=r["tool_version"],
                    outcomes=dict(Counter(x["outcome"] for x in results)),
                    devices=tuple(dict.fromkeys(x["device"] for x in results)),
                    flows=tuple(dict.fromkeys(x["flow"] for x in results)),
                ))
        return summaries

    def run_ids(self) -> list[str]:
        """Every run id in history, oldest first."""
        with self._lock:
            rows = self._conn.execute("SELECT run_id FROM runs ORDER BY started_at, run_id")
            return [str(r[0]) for r in rows]

    def results_of(self, run_id: str) -> list[FlowResult]:
        """The results of one run, with their steps, in the order they started."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM results WHERE run_id = ? ORDER BY id", (run_id,)
            ).fetchall()
            return [self._flow_result(r) for r in rows]

    def run_record(self, run_id: str) -> RunRecord | None:
        """A whole run as the reporters want it (e.g. to write reports a killed run lacks)."""
        with self._lock:
            r = self._conn.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if r is None:
            return None
        return RunRecord(
            run_id=r["run_id"], mode=r["mode"], started_at=r["started_at"],
            finished_at=r["finished_at"], tool_version=r["tool_version"],
            results=self.results_of(run_id),
        )

    def _flow_result(self, r: sqlite3.Row) -> FlowResult:
        """A row (and its steps) in ``result_dict``'s shape, read back by the one mapping:
        columns named like the record's fields; ``setting_id``/``desired``/... and
        ``error_*`` hold the nested setting and error."""
        d = dict(r)
        d["steps"] = [
            {k: v for k, v in dict(s).items() if k not in ("id", "result_id", "seq")}
            | {"evidence": json.loads(s["evidence"])}
            for s in self._conn.execute(
                "SELECT * FROM steps WHERE result_id = ? ORDER BY seq", (r["id"],)
            )
        ]
        d["language_fallback"] = bool(r["language_fallback"])
        d["setting"] = None if r["setting_id"] is None else {
            "id": r["setting_id"], "desired": _bool(r["desired"]),
            "before": _bool(r["before"]), "after": _bool(r["after"]),
        } | json.loads(r["setting_detail"] or "{}")
        d["routes"] = json.loads(r["routes"] or "[]")
        d["error"] = None if r["error_type"] is None else {
            k.removeprefix("error_"): v for k, v in d.items() if k.startswith("error_")
        } | {"message": r["error_message"] or "", "closest": json.loads(r["error_closest"])}
        return result_from_dict(d)

    # ------------------------------------------------------------------ switches seen

    def record_switches(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Record switches seen (``mobile_optout.scan``: keys as the columns of
        ``switches_seen``)."""
        cols = ("run_id", "seen_at", "source", "device", "app", "platform", "page", "label",
                "state", "flagged")
        with self._tx() as c:
            for row in rows:
                c.execute(f"INSERT INTO switches_seen ({', '.join(cols)}) VALUES "
                          f"({', '.join('?' * len(cols))})", [row.get(k) for k in cols])

    def first_seen(self, app: str, platform: str, label: str) -> str:
        """When a switch with this label was first seen in this app on this platform
        ("" never)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT MIN(seen_at) AS first FROM switches_seen"
                " WHERE app = ? AND platform = ? AND label = ?", (app, platform, label),
            ).fetchone()
        return str(row["first"] or "") if row is not None else ""

    # ------------------------------------------------------------------ drift

    def setting_history(self, device: str, setting: str, limit: int = 6) -> list[Seen]:
        """The latest runs that looked at ``setting`` on ``device``, newest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT run_id, outcome, desired, before, after, started_at, finished_at"
                " FROM results WHERE device = ? AND setting_id = ?"
                " ORDER BY started_at DESC, id DESC LIMIT ?",
                (device_key(device), setting, limit),
            ).fetchall()
        return [Seen(run_id=r["run_id"], when=_when(r), outcome=r["outcome"],
                     value=observed_value(Outcome(r["outcome"]), r["desired"], r["before"],
                                          r["after"]))
                for r in rows]

    def drift(self) -> list[Drift]:
        """Every (device, setting) whose latest observation differs from the latest
        verified one before it (e.g. verified off in March, observed on in May)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT run_id, device, flow, setting_id, desired, before, after, outcome,"
                " started_at, finished_at FROM results WHERE setting_id IS NOT NULL"
                " ORDER BY device, setting_id, started_at, id"
            ).fetchall()
        by_key: dict[tuple[str, str], list[sqlite3.Row]] = {}
        for r in rows:
            by_key.setdefault((r["device"], r["setting_id"]), []).append(r)
        found = []
        for (device, setting), history in by_key.items():
            verified: tuple[bool | str, sqlite3.Row] | None = None
            latest: tuple[bool | str, sqlite3.Row] | None = None
            for r in history:
                value = observed_value(Outcome(r["outcome"]), r["desired"], r["before"],
                                       r["after"])
                if value is None:
                    continue
                if latest is not None and Outcome(latest[1]["outcome"]) in VERIFIED:
                    verified = latest
                latest = (value, r)
            if latest is None or verified is None or Outcome(latest[1]["outcome"]) in VERIFIED:
                continue
            if latest[0] != verified[0]:
                found.append(Drift(
                    device=device, setting=setting, flow=latest[1]["flow"],
                    verified=verified[0], verified_at=_when(verified[1]),
                    verified_run=verified[1]["run_id"], observed=latest[0],
                    observed_at=_when(latest[1]), observed_run=latest[1]["run_id"],
                    observed_outcome=latest[1]["outcome"],
                ))
        return found


def observed_value(
    outcome: Outcome, desired: int | str | None, before: int | str | None,
    after: int | str | None,
) -> bool | str | None:
    """What a result saw the setting to be, or None when it saw nothing."""
    if outcome in _NOT_OBSERVATIONS:
        return None
    if outcome in VERIFIED:
        seen = after if after is not None else before
        return _bool(seen if seen is not None else desired)
    return _bool(after if after is not None else before)


def _when(r: sqlite3.Row) -> str:
    return str(r["finished_at"] or r["started_at"])


def summarize(counts: Mapping[str, int]) -> str:
    """``changed 2, failed 1``: outcome counts in a stable order."""
    return ", ".join(f"{o} {counts[str(o)]}" for o in Outcome if counts.get(str(o)))


def find_run(output: Path, run_id: str | None, store: Store | None) -> Path:
    """The folder of run ``run_id`` (or a unique prefix of it), or of the latest run."""
    known = {p.name for p in output.iterdir() if p.is_dir()} if output.is_dir() else set()
    if store is not None:
        known |= set(store.run_ids())
    if run_id is None:
        if not known:
            raise UsageError(f"no runs in {output}")
        latest = store.runs(limit=1) if store is not None else []
        return output / (latest[0].run_id if latest else max(known))
    matches = sorted(k for k in known if k.startswith(run_id))
    if run_id in known:
        return output / run_id
    if len(matches) == 1:
        return output / matches[0]
    if not matches:
        raise UsageError(f"no run {run_id!r} in {output}")
    raise UsageError(f"{run_id!r} is ambiguous in {output}: {', '.join(matches[:5])}")


def report_rows(run: RunRecord) -> list[tuple[str, str, str, str, str]]:
    """One row per result for the console: device, flow, outcome, setting, detail."""
    rows = []
    for r in run.results:
        s = r.setting
        setting = ""
        if s is not None:
            setting = f"{s.id}: {on_off(s.before)} -> {on_off(s.after)} (want {on_off(s.desired)})"
            if s.held_s is not None:
                setting += f", held {s.held_s:g}s"
        detail = f"{r.error.type}: {r.error.message}" if r.error else r.note
        rows.append((r.device, r.flow, str(r.outcome), setting, detail))
    return rows


