"""`mobile-optout history` and `mobile-optout report` through the real entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from results.results_helpers import record_run, seen

from mobile_optout.cli import main
from mobile_optout.results import finish_run
from mobile_optout.results.record import Outcome, RunRecord
from mobile_optout.results.store import Store

MakeRun = Callable[..., tuple[RunRecord, Path]]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """Three runs: verified off in March and April, observed on again in May."""
    out = tmp_path / "results"
    with Store.open(out) as store:
        record_run(store, "2026-03-01T10:00:00.000+00:00",
                   [seen("pixel-7", Outcome.CHANGED, True, False),
                    seen("iphone-15", Outcome.CHANGED, True, False)])
        record_run(store, "2026-04-01T10:00:00.000+00:00",
                   [seen("pixel-7", Outcome.ALREADY_SET, False)], mode="check")
        record_run(store, "2026-05-01T10:00:00.000+00:00",
                   [seen("pixel-7", Outcome.WOULD_CHANGE, True)], mode="check")
    return out


def test_history_without_a_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "history", "--output", str(tmp_path / "none"))
    assert code == 0 and "no history" in out
    code, out, _ = cli(capsys, "history", "--output", str(tmp_path / "none"), "--json")
    assert code == 0 and json.loads(out) == []
    assert not (tmp_path / "none").exists()


def test_history_table_newest_first(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "history", "--output", str(history))
    assert code == 0
    assert out.index("2026-05-01") < out.index("2026-04-01") < out.index("2026-03-01")
    assert "would_change 1" in out


def test_history_json_filters_and_limit(history: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, "history", "-o", str(history), "--json", "--device", "iphone-15")
    assert code == 0
    runs = json.loads(out)
    assert [r["run_id"] for r in runs] == ["2026-03-01T10:00:00.000+00:00-run"]
    assert runs[0]["outcomes"] == {"changed": 2}
    code, out, _ = cli(capsys, "history", "-o", str(history), "--json", "--limit", "1")
    assert [r["mode"] for r in json.loads(out)] == ["check"]


def test_history_drift_exits_1_when_a_setting_drifted(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, "history", "-o", str(history), "--drift")
    assert code == 1
    assert "pixel-7" in out and "ai-training" in out and "iphone-15" not in out
    code, out, _ = cli(capsys, "history", "-o", str(history), "--drift", "--json")
    assert code == 1
    assert [(d["device"], d["verified"], d["observed"]) for d in json.loads(out)] == [
        ("pixel-7", False, True)]
    code, out, _ = cli(capsys, "history", "-o", str(history), "--drift", "--device", "iphone-15")
    assert code == 0 and "no drift" in out


def test_report_shows_the_latest_run(make_run: MakeRun, capsys: pytest.CaptureFixture[str]) -> None:
    run, run_dir = make_run()
    finish_run(run, run_dir)
    code, out, _ = cli(capsys, "report", "--output", str(run_dir.parent))
    assert code == 0
    assert str(run_dir / "report.html") in out and str(run_dir / "junit.xml") in out
    assert "would_change" in out and "not_offered" in out
    assert "ai-training: on -> off (want off)" in out


def test_report_writes_what_a_killed_run_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "results"
    with Store.open(out_dir) as store:
        run = record_run(store, "2026-05-01T10:00:00.000+00:00",
                         [seen("pixel-7", Outcome.FAILED, True, True)])
    code, out, _ = cli(capsys, "report", run.run_id[:10], "--output", str(out_dir))
    assert code == 0 and "from history" in out
    assert json.loads((out_dir / run.run_id / "report.json").read_text())["exit_code"] == 1
    assert (out_dir / run.run_id / "report.html").is_file()


def test_report_of_an_unknown_run_is_a_usage_error(
    history: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capsys, "report", "1999", "--output", str(history))
    assert code == 2 and "no run '1999'" in err
    code, _, err = cli(capsys, "report", "2026", "--output", str(history))
    assert code == 2 and "ambiguous" in err
