"""--mo-param is checked as `run --param` is: before any flow runs, a usage error."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize(("param", "says"), [
    ("ROTUE=link", "*--mo-param ROTUE: no chosen flow declares a param ROTUE "
                   "(did you mean 'ROUTE'?)*"),
    ("ROUTE=lnk",
     "*genai-training.yaml:18:3: param ROUTE: 'lnk' is not one of auto, menu, link, webview*"),
])
def test_a_bad_mo_param_stops_the_session_before_any_flow_runs(
    param: str, says: str, pytester: pytest.Pytester, flows_dir: Path, strict_ini: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ROUTE", raising=False)
    result = pytester.runpytest_inprocess(
        "--mo-device", "sim-android", "--mo-param", param, "--mo-output", "runs")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([says])
    assert not list((pytester.path / "runs").glob("*/report.json"))
