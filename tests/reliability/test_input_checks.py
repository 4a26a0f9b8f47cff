"""A user's typo is stopped before anything runs: a clear message, exit 2, no traceback,
no history row. Through the real entry point (``mobile_optout.cli.main``)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mobile_optout.cli import main

ROOT = Path(__file__).resolve().parents[2]
LINKEDIN = str(ROOT / "flows" / "linkedin")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.delenv("ROUTE", raising=False)


def assert_nothing_ran(output: Path) -> None:
    db = output / "history.db"
    if db.exists():
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM runs").fetchone() == (0,)
    assert not list(output.glob("*/report.json"))


@pytest.mark.parametrize(("argv", "says"), [
    (["run", "--sim-variant", "nope"], "unknown sim variant 'nope'"),
    (["run", "--sim-variant", "popupz"], "did you mean 'popups'?"),
    (["check", "--param", "ROTUE=link"], "no chosen flow declares a param ROTUE "
                                          "(did you mean 'ROUTE'?)"),
    (["check", "--param", "ROUTE=lnk"], "genai-training.yaml:18:3: param ROUTE: 'lnk' is "
                                        "not one of auto, menu, link, webview "
                                        "(from --param ROUTE=lnk; "
                                        "did you mean 'link'?)"),
    (["check", "--tag", "privcy"], "--tag privcy: no flow under"),
    (["check", "--exclude-tag", "genia"], "did you mean 'genai'?"),
])
def test_a_typo_is_refused_before_anything_runs(
    argv: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "results"
    code, _, err = cli(capsys, *argv, LINKEDIN, "--output", str(output))
    assert code == 2, err
    assert says in err
    assert "Traceback" not in err
    assert_nothing_ran(output)


def test_an_environment_value_outside_the_choices_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROUTE", "shortcut")
    code, _, err = cli(capsys, "check", LINKEDIN, "--output", str(tmp_path))
    assert code == 2
    assert ("param ROUTE: 'shortcut' is not one of auto, menu, link, webview "
            "(from environment variable") in err


def test_an_unknown_variant_in_a_devices_file_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    devices = tmp_path / "devices.yaml"
    devices.write_text("devices:\n  phone:\n    platform: android\n"
                       "    sim: {variants: [popups, flakey]}\n", encoding="utf-8")
    code, _, err = cli(capsys, "check", LINKEDIN, "--devices", str(devices),
                       "--output", str(tmp_path / "results"))
    assert code == 2
    assert f"{devices}:4:30: unknown sim variant 'flakey' (did you mean 'flaky'?)" in err


def test_a_flow_value_outside_a_parts_choices_is_a_flow_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "part.yaml").write_text(
        "mobile-optout: part\nparams:\n  ROUTE: {default: menu, choices: [menu, link]}\n"
        "steps:\n  - launch\n", encoding="utf-8")
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        "mobile-optout: flow\nname: x\nplatforms: [android]\n"
        "app: {android: {package: com.linkedin.android}}\nsteps:\n"
        "  - include: {path: part.yaml, params: {ROUTE: lnik}}\n"
        "  - tap: Settings\n    when: {param: {ROUTE: menuu}}\n", encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(flow))
    assert code == 2
    assert "flow.yaml:6:48: param ROUTE: 'lnik' is not one of menu, link" in err
    assert "flow.yaml:8:27: param ROUTE: 'menuu' is not one of menu, link" in err
    assert "(declared at" in err and "part.yaml:3:3)" in err


@pytest.mark.parametrize(("choices", "says"), [
    ("{default: lnk, choices: [menu, link]}", "the default of param ROUTE, 'lnk', is not one"),
    ("{default: menu, choices: []}", "choices of param ROUTE must not be empty"),
    ("{default: menu, options: [menu]}", "unknown key 'options' in param ROUTE"),
    ("{choices: [menu]}", "default"),
])
def test_a_bad_choices_declaration_is_a_flow_error(
    choices: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        "mobile-optout: flow\nname: x\nplatforms: [android]\n"
        f"app: {{android: {{package: p}}}}\nparams:\n  ROUTE: {choices}\nsteps:\n  - launch\n",
        encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(flow))
    assert code == 2 and says in err and "flow.yaml:6:" in err


def test_report_of_an_unknown_schema_version_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = tmp_path / "20990101T000000Z-abcdef"
    run_dir.mkdir()
    (run_dir / "report.json").write_text(json.dumps({"schema_version": 99}), encoding="utf-8")
    code, _, err = cli(capsys, "report", run_dir.name, "--output", str(tmp_path))
    assert code == 2
    assert "report.json:1:1: unknown schema_version 99" in err
    assert "Traceback" not in err
