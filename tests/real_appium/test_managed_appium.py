"""`server: managed`: mobile-optout starts its own Appium 3 for the run and stops it, against
the real Appium with its fake driver. The managed home is the project's npm-installed
folder (MOBILE_OPTOUT_CACHE/appium points at it), as `mobile-optout setup` would leave it.

After every ending (success, failure, Ctrl-C, a crashed Appium) no Appium process is left.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from mobile_optout.appium_server import AppiumServer
from mobile_optout.job import RunRequest, perform
from mobile_optout.results.record import Outcome

pytestmark = pytest.mark.appium

ROOT = Path(__file__).resolve().parents[2]
FAKE_APP = ROOT / "tests" / "data" / "fake-app.xml"

PASSING = """\
mobile-optout: flow
name: fake-page-is-there
platforms: [android]
app:
  android: {package: io.appium.fake}
steps:
  - wait_for: {text: "Data for Generative AI Improvement"}
"""
FAILING = """\
mobile-optout: flow
name: fake-toggle-never-moves
platforms: [android]
app:
  android: {package: io.appium.fake}
settings:
  generative_ai_training: {desired: off}
steps:
  - ensure_setting:
      setting: generative_ai_training
      toggle: {switch_for: {text: "Use my data for training content creation AI models"}}
    timeout: 1
"""
HANGING = """\
mobile-optout: flow
name: fake-waits-long
platforms: [android]
app:
  android: {package: io.appium.fake}
steps:
  - wait_for: {text: "Data for Generative AI Improvement"}
  - wait_for: {text: "never on this screen"}
    timeout: 300
"""


def device(name: str) -> str:
    return (
        f"  {name}:\n    platform: android\n    server: managed\n    capabilities:\n"
        "      platformName: Fake\n      appium:automationName: Fake\n"
        f"      appium:deviceName: Fake\n      appium:app: {FAKE_APP}\n"
    )


@pytest.fixture
def desk(tmp_path: Path) -> dict[str, Any]:
    """A folder with devices.yaml (managed fake-driver devices desk-a, desk-b), the flows,
    and the environment whose managed Appium home is the project's node_modules."""
    if not (ROOT / "node_modules" / "appium" / "index.js").is_file():
        pytest.skip("npm ci has not run (scripts/setup --test)")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "appium").symlink_to(ROOT)
    (tmp_path / "devices.yaml").write_text(
        "devices:\n" + device("desk-a") + device("desk-b"), encoding="utf-8")
    for name, text in (("passing", PASSING), ("failing", FAILING), ("hanging", HANGING)):
        (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "MOBILE_OPTOUT_CACHE": str(cache), "PYTHONUNBUFFERED": "1"}
    return {"dir": tmp_path, "env": env, "output": tmp_path / "results"}


def appium_port(log: Path) -> int:
    m = re.search(r"listener started on http://127\.0\.0\.1:(\d+)", log.read_text("utf-8"))
    assert m is not None, log.read_text("utf-8")
    return int(m.group(1))


def session_request(log: Path) -> dict[str, Any]:
    """The capabilities of the (one) new-session request in an Appium log."""
    (line,) = [x for x in log.read_text("utf-8").splitlines() if "--> POST /session {" in x]
    body = json.loads(line[line.index("{"):])
    caps: dict[str, Any] = body["capabilities"]["alwaysMatch"]
    return caps


def appium_pids(port: int) -> list[int]:
    """Processes whose command line is an Appium on ``port``."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"appium" in a for a in argv) and str(port).encode() in argv:
            pids.append(int(proc.name))
    return pids


def assert_gone(port: int) -> None:
    assert appium_pids(port) == []
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port)):
        pass


def run_in_process(desk: dict[str, Any], flow: str, **request: Any) -> tuple[Any, Path]:
    done = perform(RunRequest(
        paths=[desk["dir"] / f"{flow}.yaml"], devices_file=desk["dir"] / "devices.yaml",
        output=desk["output"], environ=desk["env"], **request,
    ))
    return done.run, done.run_dir


def start_cli(desk: dict[str, Any], flow: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mobile_optout", "run", f"{flow}.yaml", "--device", "desk-a",
         "--output", str(desk["output"])],
        cwd=desk["dir"], env=desk["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def wait_for_first_step(proc: subprocess.Popen[str]) -> None:
    """The run is under way on the managed Appium: its first step has been printed."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if "Data for Generative AI Improvement" in line:
            return
    raise AssertionError("the run ended before its first step: " + proc.stderr.read()
                         if proc.stderr else "")


def test_each_device_gets_its_own_appium_for_the_run_stopped_after_success(
    desk: dict[str, Any],
) -> None:
    record, run_dir = run_in_process(desk, "passing", all_devices=True, parallel=2)

    assert [r.outcome for r in record.results] == [Outcome.PASSED, Outcome.PASSED]
    assert {r.server for r in record.results} == {"managed"}
    ports, system_ports = set(), set()
    for name in ("desk-a", "desk-b"):
        log = run_dir / f"appium-{name}.log"
        assert "Welcome to Appium v3.8.0" in log.read_text("utf-8")
        caps = session_request(log)  # the run's session went to this device's server
        # a person's phone: data never cleared, nothing installed, the app not auto-launched
        assert caps["appium:noReset"] is True and caps["appium:fullReset"] is False
        assert caps["appium:autoLaunch"] is False
        system_ports.add(caps["appium:systemPort"])
        ports.add(appium_port(log))
    assert len(ports) == 2  # one server each, on free ports
    assert len(system_ports) == 2  # and their drivers' port forwards never collide
    for port in ports:
        assert_gone(port)


def test_the_appium_is_stopped_when_the_flow_fails(desk: dict[str, Any]) -> None:
    record, run_dir = run_in_process(desk, "failing", devices=["desk-a"])

    (result,) = record.results
    assert result.outcome is Outcome.FAILED
    assert_gone(appium_port(run_dir / "appium-desk-a.log"))


def test_ctrl_c_stops_the_run_and_its_appium(desk: dict[str, Any]) -> None:
    proc = start_cli(desk, "hanging")
    try:
        wait_for_first_step(proc)
        (log,) = desk["output"].glob("*/appium-desk-a.log")
        port = appium_port(log)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()

    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert_gone(port)


def test_an_appium_that_dies_mid_run_is_an_error_naming_its_log(desk: dict[str, Any]) -> None:
    proc = start_cli(desk, "hanging")
    try:
        wait_for_first_step(proc)
        (log,) = desk["output"].glob("*/appium-desk-a.log")
        port = appium_port(log)
        (pid,) = appium_pids(port)
        os.kill(pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()

    assert proc.returncode == 3, err
    (result,) = json.loads((log.parent / "report.json").read_text("utf-8"))["results"]
    assert result["outcome"] == "error"
    message = result["error"]["message"]
    assert "the managed Appium stopped mid-run (exit code -9)" in message
    assert str(log) in message
    assert_gone(port)


def test_a_managed_home_without_the_driver_says_to_run_setup(
    desk: dict[str, Any], tmp_path: Path
) -> None:
    desk["env"]["MOBILE_OPTOUT_CACHE"] = str(tmp_path / "empty")
    record, _ = run_in_process(desk, "passing", devices=["desk-a"])

    (result,) = record.results
    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert "run `mobile-optout setup android` once" in result.error.message


def test_a_ready_status_without_the_driver_is_not_ready(tmp_path: Path) -> None:
    """The project's Appium has the fake driver only: asking it for UiAutomator2 fails."""
    from mobile_optout.errors import DeviceError

    with AppiumServer(log_path=tmp_path / "appium.log") as server:
        server.require_driver("Fake")
        with pytest.raises(DeviceError, match="did not load a driver for automationName"):
            server.require_driver("UiAutomator2")


KILLED_OWNER = """\
import sys, threading
from pathlib import Path
from mobile_optout.appium_server import AppiumServer
server = AppiumServer(log_path=Path(sys.argv[1])).start()
print(server.port, flush=True)
threading.Event().wait()
"""


def test_an_appium_never_outlives_a_mobile_optout_killed_outright(tmp_path: Path) -> None:
    """SIGKILL leaves no chance to clean up: the server's tether stops it all the same."""
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_OWNER, str(tmp_path / "appium.log")],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    ) as owner:
        try:
            assert owner.stdout is not None
            port = int(owner.stdout.readline())
            assert appium_pids(port)
        finally:
            owner.kill()
    deadline = time.monotonic() + 30
    while appium_pids(port) and time.monotonic() < deadline:
        time.sleep(0.1)  # polling a condition with a deadline
    assert_gone(port)
