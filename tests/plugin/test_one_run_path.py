"""One run path: the CLI (`mobile-optout check`) and the pytest plugin run the same flows
on the same device through the same preparation (job.prepare) and read the same verdict
(results.record.verdict). Run both ways here, and compared."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import linkedin_flow, write_devices, write_flow

from mobile_optout.cli import main
from mobile_optout.sim import SimPhone

NEVER = linkedin_flow("never-there", """\
steps:
  - launch
  - wait_for: {text: "This text never appears"}
    timeout: 0.5
""")
OPENS = linkedin_flow("open-linkedin", "steps:\n  - launch\n", ios=True)
NEEDS_SECRET = linkedin_flow("signs-in", "secrets: [MO_TEST_PASSWORD_NOT_SET]\n"
                             "steps:\n  - launch\n")


def outcomes(folder: Path) -> tuple[dict[str, str], int]:
    """{flow: outcome} and the exit code of the only run recorded under ``folder``."""
    reports = list(folder.glob("*/report.json"))
    assert len(reports) == 1, reports
    data: dict[str, Any] = json.loads(reports[0].read_text(encoding="utf-8"))
    return {r["flow"]: r["outcome"] for r in data["results"]}, data["exit_code"]


def cli(*args: str) -> int:
    with pytest.raises(SystemExit) as ended:
        main(list(args))
    code = ended.value.code
    assert isinstance(code, int)
    return code


@pytest.fixture
def folder(pytester: pytest.Pytester, strict_ini: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("MO_TEST_PASSWORD_NOT_SET", raising=False)
    return pytester.path


LINKEDIN = Path(__file__).resolve().parents[2] / "flows" / "linkedin"


@pytest.mark.parametrize(("flows", "verdict"), [
    ({"opens.yaml": OPENS}, 0),
    ({"opens.yaml": OPENS, "linkedin": "", "never.yaml": NEVER}, 1),
], ids=["all-as-desired", "would-change-and-fails"])
def test_cli_and_plugin_agree_on_outcomes_and_exit_code(
        pytester: pytest.Pytester, folder: Path, flows: dict[str, str], verdict: int) -> None:
    (folder / "flows").mkdir()
    for name, text in flows.items():
        if name == "linkedin":  # the shipped flows (android, ios, web; parts)
            shutil.copytree(LINKEDIN, folder / "flows" / name)
        else:
            write_flow(folder / "flows", text, name)
    with SimPhone(platform="android") as phone:
        devices = write_devices(folder, phone.url)
        by_cli = cli("check", str(folder / "flows"), "--devices", str(devices),
                     "--device", "phone", "--output", str(folder / "cli"))
        by_plugin = pytester.runpytest_inprocess(
            "flows", "--mo-devices", str(devices), "--mo-device", "phone", "--mo-check",
            "--mo-output", str(folder / "plugin"), "-q")

    cli_outcomes, cli_recorded = outcomes(folder / "cli")
    plugin_outcomes, plugin_recorded = outcomes(folder / "plugin")
    assert cli_outcomes == plugin_outcomes
    assert len(cli_outcomes) == len(flows)  # one android flow each
    if "linkedin" in flows:  # check mode only reads
        assert cli_outcomes["linkedin-genai-training-android"] == "would_change"
        assert cli_outcomes["never-there"] == "failed"
    assert by_cli == cli_recorded == plugin_recorded == int(by_plugin.ret) == verdict


def test_both_refuse_an_unset_secret_before_running(
        pytester: pytest.Pytester, folder: Path) -> None:
    (folder / "flows").mkdir()
    write_flow(folder / "flows", NEEDS_SECRET, "signs-in.yaml")
    with SimPhone(platform="android") as phone:
        devices = write_devices(folder, phone.url)
        by_cli = cli("run", str(folder / "flows"), "--devices", str(devices),
                     "--device", "phone", "--output", str(folder / "cli"))
        by_plugin = pytester.runpytest_inprocess(
            "flows", "--mo-devices", str(devices), "--mo-device", "phone",
            "--mo-output", str(folder / "plugin"))
        taps = [e for e in phone.events() if e["type"] == "tap"]

    assert by_cli == 2
    assert by_plugin.ret == pytest.ExitCode.USAGE_ERROR
    assert "MO_TEST_PASSWORD_NOT_SET" in by_plugin.stderr.str()
    assert taps == []
    assert not list((folder / "cli").glob("*/report.json"))
    assert not list((folder / "plugin").glob("*/report.json"))
