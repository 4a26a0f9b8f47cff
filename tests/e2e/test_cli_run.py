"""`mobile-optout run` and `check` as a person types them: the built-in simulated phone,
the same output folder run after run, exit codes, tag filters, drift."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mobile_optout.cli import main

ROOT = Path(__file__).resolve().parents[2]
LINKEDIN = str(ROOT / "flows" / "linkedin")


class Shown:
    """What the person saw: stdout and stderr."""

    def __init__(self, out: str, err: str) -> None:
        self.output, self.stderr = out, err


Invoke = Callable[..., tuple[int, "Shown"]]


@pytest.fixture
def invoke(capsys: pytest.CaptureFixture[str]) -> Invoke:
    """Run the command line as `mobile-optout ARGS` would: exit code, stdout, stderr."""

    def run(*args: str) -> tuple[int, Shown]:
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        captured = capsys.readouterr()
        code = exit_info.value.code
        return (code if isinstance(code, int) else 0), Shown(captured.out, captured.err)

    return run


@pytest.fixture
def output(tmp_path: Path) -> Path:
    return tmp_path / "results"


def latest_outcomes(output: Path) -> list[str]:
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in output.glob("*/report.json")]
    latest = max(reports, key=lambda r: str(r["started_at"]))
    return [r["outcome"] for r in latest["results"]]


def test_run_then_run_again_on_the_built_in_phone(invoke: Invoke, output: Path) -> None:
    first, shown = invoke("run", LINKEDIN, "-o", str(output))
    assert first == 0, shown.output
    assert "CHANGED" in shown.output and "report.html" in shown.output

    second, shown = invoke("run", LINKEDIN, "-o", str(output))
    assert second == 0
    assert latest_outcomes(output) == ["already_set"]


def test_check_reports_drift_when_a_setting_flipped_back(invoke: Invoke, output: Path) -> None:
    invoke("run", LINKEDIN, "-o", str(output))
    state = output / ".sim-state" / "sim-android.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    data["settings"]["generative_ai_training"] = True  # "the app turned it back on"
    state.write_text(json.dumps(data), encoding="utf-8")

    code, shown = invoke("check", LINKEDIN, "-o", str(output))

    assert code == 1
    assert latest_outcomes(output) == ["would_change"]
    assert "DRIFT" in shown.stderr


def test_tags_choose_the_flows(invoke: Invoke, output: Path) -> None:
    code, shown = invoke("check", LINKEDIN, "--tag", "no-such-tag", "-o", str(output))
    assert code == 2
    assert "tags there: genai, linkedin, privacy" in shown.stderr

    code, _ = invoke("check", LINKEDIN, "--exclude-tag", "genai", "-o", str(output))
    assert code == 2  # every flow excluded

    code, shown = invoke("check", LINKEDIN, "--tag", "genai", "--tag", "genia", "-o",
                         str(output))
    assert code == 2  # a tag no flow has is a typo, even beside one that matches
    assert "--tag genia: no flow under" in shown.stderr and "did you mean 'genai'?" in shown.stderr

    code, _ = invoke("check", LINKEDIN, "--tag", "genai", "--tag", "privacy", "-o",
                     str(output))
    assert code == 1  # the setting is on: would change
    assert latest_outcomes(output) == ["would_change"]


def test_both_phones_at_once(invoke: Invoke, output: Path) -> None:
    code, shown = invoke(
        "run", LINKEDIN, "--device", "sim-android", "--device", "sim-ios", "-j", "2",
        "-o", str(output),
    )
    assert code == 0, shown.output
    assert sorted(latest_outcomes(output)) == ["changed", "changed"]
    assert "[sim-android]" in shown.output and "[sim-ios]" in shown.output


def test_json_prints_only_the_record(invoke: Invoke, output: Path) -> None:
    code, shown = invoke("check", LINKEDIN, "--json", "-o", str(output))

    assert code == 1
    record = json.loads(shown.output)  # nothing but JSON on stdout
    assert record["mode"] == "check"
    assert [r["outcome"] for r in record["results"]] == ["would_change"]
    assert record["exit_code"] == 1


@pytest.mark.parametrize(("args", "expected"), [
    (("run",), 0),  # changed
    (("check",), 1),  # would_change
    (("run", "--server", "http://127.0.0.1:9", "--platform", "android"), 3),  # error
])
def test_report_json_records_the_exit_code_the_process_returned(
    invoke: Invoke, output: Path, args: tuple[str, ...], expected: int
) -> None:
    code, shown = invoke(*args, LINKEDIN, "--json", "-o", str(output))

    assert code == expected, shown.stderr
    assert json.loads(shown.output)["exit_code"] == code
    (report,) = output.glob("*/report.json")
    assert json.loads(report.read_text(encoding="utf-8"))["exit_code"] == code
