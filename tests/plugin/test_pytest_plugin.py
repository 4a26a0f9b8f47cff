"""The pytest plugin, as a QA team uses it: each test runs a pytest session of its own
(pytester) over flow files, on the simulated phones, and reads what pytest reported.

A phone started by the test itself (``mo_sim``, this plugin's own fixture) and named in a
devices file is the witness for what the flows tapped.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import linkedin_flow, write_devices

from mobile_optout.sim import SimPhone

SETTING = "generative_ai_training"
pytestmark = pytest.mark.usefixtures("strict_ini")  # tests/plugin/conftest.py

NEVER_FLOW = linkedin_flow("never-there", """\
tags: [smoke]
steps:
  - launch
  - wait_for: {text: "This text never appears"}
    label: Wait for the impossible
    timeout: 0.5
""")

BOTH_FLOW = linkedin_flow("open-linkedin", "tags: [smoke]\nsteps:\n  - launch\n", ios=True)


def item_ids(result: pytest.RunResult) -> list[str]:
    """The node ids a ``--collect-only -q`` run listed."""
    return sorted(line for line in result.outlines if "::" in line and " " not in line)


def setting_taps(phone: SimPhone) -> list[dict[str, Any]]:
    return [e for e in phone.events() if e["type"] == "tap" and e.get("setting") == SETTING]


def the_report(folder: Path) -> dict[str, Any]:
    """report.json of the only run recorded under ``folder``."""
    reports = list(folder.glob("*/report.json"))
    assert len(reports) == 1, reports
    data: dict[str, Any] = json.loads(reports[0].read_text(encoding="utf-8"))
    return data


# --------------------------------------------------------------------------- collection


def test_only_flow_files_become_items(pytester: pytest.Pytester, flows_dir: Path) -> None:
    pytester.makefile(".yaml", notes="title: not a flow\nsteps: [a, b]\n")
    (flows_dir / "flows" / "config.yml").write_text("mobile-optout-ish: flow\n")

    result = pytester.runpytest_inprocess("--collect-only", "-q", "--mo-device", "sim-android")

    assert item_ids(result) == ["flows/linkedin/android.yaml::sim-android"]
    assert result.ret == pytest.ExitCode.OK


def test_flows_in_the_test_paths_are_left_alone_without_a_device_option(
    pytester: pytest.Pytester, flows_dir: Path, strict_ini: str
) -> None:
    pytester.makeini(strict_ini + "testpaths = flows\n")

    quiet = pytester.runpytest_inprocess("--collect-only", "-q")
    named = pytester.runpytest_inprocess("--collect-only", "-q", "flows/linkedin/android.yaml")

    assert item_ids(quiet) == []
    assert quiet.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    quiet.stdout.fnmatch_lines(["mobile-optout: 3 flow file(s) seen but not collected; *"])
    assert item_ids(named) == ["flows/linkedin/android.yaml::sim-android"]  # default device


def test_ini_mo_collect_switches_collection_on(
    pytester: pytest.Pytester, flows_dir: Path, strict_ini: str
) -> None:
    pytester.makeini(strict_ini + "mo_collect = true\n")

    result = pytester.runpytest_inprocess("--collect-only", "-q")

    assert item_ids(result) == ["flows/linkedin/android.yaml::sim-android"]


def test_one_item_per_device_of_the_flows_platforms(
    pytester: pytest.Pytester, flows_dir: Path
) -> None:
    pytester.makefile(".yaml", both=BOTH_FLOW)

    result = pytester.runpytest_inprocess("--collect-only", "-q", "--mo-all-devices")

    assert item_ids(result) == [
        "both.yaml::sim-android",
        "both.yaml::sim-ios",
        "flows/linkedin/android.yaml::sim-android",
        "flows/linkedin/ios.yaml::sim-ios",
        "flows/linkedin/web.yaml::sim-web",
    ]


def test_flow_tags_select_items_with_dash_m_under_strict_markers(
    pytester: pytest.Pytester, flows_dir: Path
) -> None:
    pytester.makefile(".yaml", both=BOTH_FLOW)

    linkedin = pytester.runpytest_inprocess(
        "--collect-only", "-q", "--mo-all-devices", "-m", "linkedin")
    smoke = pytester.runpytest_inprocess(
        "--collect-only", "-q", "--mo-all-devices", "-m", "smoke and not linkedin")

    assert item_ids(linkedin) == [
        "flows/linkedin/android.yaml::sim-android", "flows/linkedin/ios.yaml::sim-ios",
        "flows/linkedin/web.yaml::sim-web",
    ]
    assert item_ids(smoke) == ["both.yaml::sim-android", "both.yaml::sim-ios"]


def test_an_invalid_flow_is_a_collection_error_naming_file_and_line(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", bad="""\
        mobile-optout: flow
        name: bad
        platforms: [android]
        app:
          android: {package: com.example.app}
        steps:
          - launch
          - tapp: Settings
        """)

    result = pytester.runpytest_inprocess("--mo-device", "sim-android")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["bad.yaml:8:5: unknown step 'tapp' (did you mean 'tap'?)"])
    assert "Traceback" not in result.stdout.str()
    assert "pytest_plugin.py" not in result.stdout.str()


def test_a_flow_glob_collects_files_as_flows(pytester: pytest.Pytester) -> None:
    (pytester.path / "extra").mkdir()
    (pytester.path / "extra" / "open.yml").write_text(BOTH_FLOW, encoding="utf-8")
    (pytester.path / "extra" / "plain.yml").write_text("name: x\n", encoding="utf-8")

    result = pytester.runpytest_inprocess("--collect-only", "-q", "--mo-flow-glob", "extra/o*.yml")

    assert item_ids(result) == ["extra/open.yml::sim-android"]


def test_an_unknown_device_stops_the_session_with_a_usage_error(
    pytester: pytest.Pytester, flows_dir: Path
) -> None:
    result = pytester.runpytest_inprocess("--mo-device", "sim-andriod")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*no device 'sim-andriod'*did you mean 'sim-android'*"])


# --------------------------------------------------------------------------- running


def test_the_linkedin_flow_passes_on_the_simulated_phone_and_is_recorded(
    pytester: pytest.Pytester, flows_dir: Path
) -> None:

    result = pytester.runpytest_inprocess(
        "flows/linkedin/android.yaml", "--junitxml=junit-out.xml", "--mo-output", "runs")

    result.assert_outcomes(passed=1)
    report = the_report(pytester.path / "runs")
    assert [(r["device"], r["outcome"]) for r in report["results"]] == [("sim-android", "changed")]
    case = ET.parse(pytester.path / "junit-out.xml").getroot().find(".//testcase")
    assert case is not None
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["mo_outcome"] == "changed"
    assert (pytester.path / "runs" / report["run_id"] / "report.html").is_file()


def test_a_failing_step_is_reported_with_line_expected_screen_and_screenshot(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".yaml", never=NEVER_FLOW)

    result = pytester.runpytest_inprocess("never.yaml", "--mo-output", "runs")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "never-there on sim-android: failed",
        "step:     Wait for the impossible",
        "at:       never.yaml:9",
        'expected: text="This text never appears"',
        "screen:   *My Profile and Communities*",
        "screenshot: runs/*/evidence/sim-android/never-there/*failure.png",
    ])
    out = result.stdout.str()
    assert "Traceback" not in out and "def runtest" not in out
    # One screenshot; under CI=true pytest repeats the failure text in its short summary.
    shown = {line.split(": ", 1)[1] for line in result.outlines
             if line.startswith("screenshot: ")}
    assert len(shown) == 1
    assert (pytester.path / shown.pop()).read_bytes().startswith(b"\x89PNG")


def test_check_mode_fails_on_a_difference_and_taps_no_setting(
    pytester: pytest.Pytester, flows_dir: Path, mo_sim: Any
) -> None:
    phone = mo_sim("android")
    write_devices(pytester.path, phone.url)

    check = pytester.runpytest_inprocess(
        "flows/", "--mo-devices", "devices.yaml", "--mo-device", "phone", "--mo-check")

    check.assert_outcomes(failed=1)
    check.stdout.fnmatch_lines(["*: would_change", "setting:  generative_ai_training is on*"])
    assert setting_taps(phone) == []
    assert phone.state()["settings"][SETTING] is True

    apply = pytester.runpytest_inprocess(
        "flows/", "--mo-devices", "devices.yaml", "--mo-device", "phone")

    apply.assert_outcomes(passed=1)
    assert len(setting_taps(phone)) == 1
    assert phone.state()["settings"][SETTING] is False


def test_a_setting_that_is_not_offered_passes_with_a_note(
    pytester: pytest.Pytester, flows_dir: Path, mo_sim: Any, strict_ini: str
) -> None:
    phone = mo_sim("android", variants=("not-offered",))
    write_devices(pytester.path, phone.url)
    pytester.makeini(strict_ini + "mo_devices = devices.yaml\nmo_output = runs\n")

    result = pytester.runpytest_inprocess("flows/")

    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["mobile-optout: flows/linkedin/android.yaml::phone: not offered here: *"])
    assert setting_taps(phone) == []
    assert [r["outcome"] for r in the_report(pytester.path / "runs")["results"]] == [
        "not_offered"]


def test_an_app_not_on_the_phone_is_skipped_saying_so(
    pytester: pytest.Pytester, flows_dir: Path, mo_sim: Any, strict_ini: str
) -> None:
    notes = Path(__file__).resolve().parents[1] / "data" / "sim_apps" / "notes.yaml"
    phone = mo_sim("android", apps=[notes])  # a phone without LinkedIn
    write_devices(pytester.path, phone.url)
    pytester.makeini(strict_ini + "mo_devices = devices.yaml\nmo_output = runs\n")

    result = pytester.runpytest_inprocess("flows/", "-rs")

    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*com.linkedin.android is not installed on phone*"])
    assert [r["outcome"] for r in the_report(pytester.path / "runs")["results"]] == [
        "not_installed"]


def test_an_unreachable_server_fails_the_item_naming_the_url(
    pytester: pytest.Pytester, flows_dir: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    pytester.makefile(".yaml", devices=f"""\
        devices:
          gone: {{platform: android, server: "{url}"}}
        """)

    result = pytester.runpytest_inprocess("flows/", "--mo-devices", "devices.yaml")

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*on gone: error", f"error: *{url}*"])


def test_one_simulated_phone_serves_the_whole_session(
    pytester: pytest.Pytester, flows_dir: Path
) -> None:
    flow = (flows_dir / "flows" / "linkedin" / "android.yaml").read_text(encoding="utf-8")
    again = flow.replace("name: linkedin-genai-training-android", "name: again")
    (flows_dir / "flows" / "linkedin" / "zz-again.yaml").write_text(again, encoding="utf-8")

    result = pytester.runpytest_inprocess("flows/", "--mo-device", "sim-android")

    result.assert_outcomes(passed=2)
    outcomes = [(r["flow"], r["outcome"]) for r in the_report(pytester.path / "results")["results"]]
    assert outcomes == [("linkedin-genai-training-android", "changed"), ("again", "already_set")]


def test_params_reach_the_flow(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", strict="""\
        mobile-optout: flow
        name: strict
        platforms: [android]
        app:
          android: {package: com.linkedin.android}
        params:
          STRICT: "yes"
        steps:
          - launch
          - wait_for: {text: "This text never appears"}
            timeout: 0.5
            when: {param: {STRICT: "yes"}}
        """)

    default = pytester.runpytest_inprocess("strict.yaml")
    given = pytester.runpytest_inprocess("strict.yaml", "--mo-param", "STRICT=no")
    bad = pytester.runpytest_inprocess("strict.yaml", "--mo-param", "STRICT")

    default.assert_outcomes(failed=1)
    given.assert_outcomes(passed=1)
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["*--mo-param 'STRICT': expected NAME=VALUE*"])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "killed"])
def test_a_plugin_run_stopped_midway_reads_interrupted(
    pytester: pytest.Pytester, flows_dir: Path, sig: signal.Signals
) -> None:
    pytester.makefile(".yaml", devices="""\
        devices:
          slow-phone: {platform: android, sim: {variants: [slow]}}
        """)
    db = pytester.path / "runs" / "history.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "flows/", "--mo-devices", "devices.yaml",
         "--mo-output", "runs", "-p", "no:cacheprovider"],
        cwd=pytester.path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        while not steps_recorded(db):  # wait for the flow to be under way
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.05)
        proc.send_signal(sig)
        out = proc.communicate(timeout=60)[0]
    finally:
        proc.kill()

    history = subprocess.run(
        [sys.executable, "-m", "mobile_optout", "history", "--json", "--output", "runs"],
        cwd=pytester.path, capture_output=True, text=True, check=True,
    )
    (run,) = json.loads(history.stdout)
    assert run["status"] == "interrupted", out
    assert run["outcomes"] == {"interrupted": 1}
    if sig is signal.SIGINT:  # pytest got to finish: the reports say so too
        report = the_report(pytester.path / "runs")
        assert [r["outcome"] for r in report["results"]] == ["interrupted"]
        assert report["exit_code"] == 130


def steps_recorded(db: Path) -> bool:
    if not db.exists():
        return False
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        try:
            return bool(conn.execute("SELECT COUNT(*) FROM steps").fetchone()[0])
        except sqlite3.OperationalError:  # the schema is not there yet
            return False


# --------------------------------------------------------------------------- fixtures


def test_the_fixtures_run_flows_and_open_sessions(
    pytester: pytest.Pytester, flows_dir: Path
) -> None:
    pytester.makepyfile(test_around=textwrap.dedent("""\
        from mobile_optout.results.record import Outcome

        FLOW = "flows/linkedin/android.yaml"

        def taps(phone):
            return [e for e in phone.events() if e["type"] == "tap" and e.get("setting")]

        def test_own_phone_already_off(mo_sim, mo_run_flow):
            phone = mo_sim("android", variants=("already-off",))
            result = mo_run_flow(FLOW, device=phone)
            assert result.outcome is Outcome.ALREADY_SET
            assert taps(phone) == []

        def test_own_phone_apply_then_check(mo_sim, mo_run_flow):
            phone = mo_sim("android")
            assert mo_run_flow(FLOW, device=phone).outcome is Outcome.CHANGED
            assert mo_run_flow(FLOW, device=phone, mode="check").outcome is Outcome.ALREADY_SET
            assert len(taps(phone)) == 1

        def test_default_device_in_check_mode(mo_run_flow):
            assert mo_run_flow(FLOW, mode="check").outcome is Outcome.WOULD_CHANGE

        def test_session_on_the_chosen_device(mo_device):
            assert mo_device.profile.name == "sim-ios"
            assert "XCUIElementTypeApplication" in mo_device.driver.page_source()
        """))

    result = pytester.runpytest_inprocess("test_around.py", "--mo-device", "sim-ios")

    result.assert_outcomes(passed=4)


def test_a_read_only_session_refuses_to_apply_from_python(
    pytester: pytest.Pytester, flows_dir: Path
) -> None:
    pytester.makepyfile(test_apply=textwrap.dedent("""\
        import pytest
        from mobile_optout.errors import UsageError
        from mobile_optout.results.record import Outcome

        FLOW = "flows/linkedin/android.yaml"

        def test_default_mode_follows_the_session(mo_sim, mo_run_flow):
            phone = mo_sim("android")
            assert mo_run_flow(FLOW, device=phone).outcome is Outcome.WOULD_CHANGE
            with pytest.raises(UsageError, match="read-only"):
                mo_run_flow(FLOW, device=phone, mode="apply")
            assert phone.state()["settings"]["generative_ai_training"] is True
        """))

    result = pytester.runpytest_inprocess("test_apply.py", "--mo-check")

    result.assert_outcomes(passed=1)
