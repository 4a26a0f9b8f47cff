"""A secret param and credentials in a devices file's server URL (both through ${ENV})
leave no trace anywhere, whatever the outcome: console (at -vv), debug.log, report.json,
junit.xml, report.html, evidence, history.db, `report` and `history`, file names."""

from __future__ import annotations

import shutil
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from mobile_optout.cli import main
from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok-Secret-4419"
USER, KEY = "farm-user-Q7", "farm-Key-Zx81"
FLOW = """\
mobile-optout: flow
name: secret-optout
platforms: [android]
app:
  android:
    package: com.linkedin.android
    activity: com.linkedin.android.authenticator.LaunchActivity
settings:
  generative_ai_training: {desired: off, title: Use my data for training content creation AI models}
secrets: [MO_TOKEN]
params:
  FAIL: {default: "no", choices: ["no", "yes"]}
steps:
  - launch
  - type:
      target: {any: [{id: search_bar_text}, {accessibility_id: Search}]}
      text: "${MO_TOKEN}"
    label: "search for ${MO_TOKEN}"
    if_missing: skip
  - screenshot: after-search
  - include: parts/genai-training.yaml
  - wait_for: {text: "never ${MO_TOKEN}"}
    when: {param: {FAIL: "yes"}}
    timeout: 0.3
"""
# (outcome, variants of the phone, extra arguments)
CASES = [
    ("changed", (), ["run"]),
    ("would_change", (), ["check"]),
    ("already_set", ("already-off",), ["run"]),
    ("not_offered", ("not-offered",), ["run"]),
    ("blocked", ("logged-out",), ["run"]),
    ("failed", ("already-off",), ["run", "--param", "FAIL=yes"]),
    ("error", None, ["run"]),  # nothing listens at the server's port
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def everything_stored(folder: Path) -> bytes:
    """Every byte under ``folder``, every file name, and every row of history.db."""
    blobs = [str(p.relative_to(folder)).encode() for p in folder.rglob("*")]
    blobs += [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
    with sqlite3.connect(folder / "history.db") as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            blobs += [repr(row).encode() for row in conn.execute(f"SELECT * FROM {table}")]
    return b"\n".join(blobs)


@pytest.fixture
def flow_dir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "flows" / "linkedin" / "parts", tmp_path / "flows" / "parts")
    (tmp_path / "flows" / "secret.yaml").write_text(FLOW, encoding="utf-8")
    return tmp_path / "flows"


@pytest.fixture
def phones() -> Iterator[dict[str, str]]:
    """A simulated phone per outcome; the host:port each listens on."""
    with ExitStack() as stack:
        hosts = {}
        for outcome, variants, _ in CASES:
            if variants is None:
                hosts[outcome] = f"127.0.0.1:{free_port()}"
            else:
                phone = stack.enter_context(SimPhone(platform=Platform.ANDROID,
                                                     variants=variants))
                hosts[outcome] = phone.url.removeprefix("http://")
        yield hosts


def test_no_secret_and_no_credential_is_left_anywhere(
    flow_dir: Path, phones: dict[str, str], tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MO_TOKEN", TOKEN)
    monkeypatch.setenv("MO_FARM_USER", USER)
    monkeypatch.setenv("MO_FARM_KEY", KEY)
    monkeypatch.setenv("COLUMNS", "250")
    devices = tmp_path / "devices.yaml"
    devices.write_text("devices:\n" + "".join(
        f"  {outcome}:\n    platform: android\n"
        f"    server: http://${{MO_FARM_USER}}:${{MO_FARM_KEY}}@{host}\n"
        "    timeouts: {step: 3, poll: 0.05, session: 2, command: 5}\n"
        "    retries: 0\n"
        for outcome, host in phones.items()), encoding="utf-8")
    output = tmp_path / "results"
    console = []
    outcomes = []
    for outcome, _, argv in CASES:
        with pytest.raises(SystemExit):
            main([*argv, str(flow_dir / "secret.yaml"), "--devices", str(devices),
                  "--device", outcome, "--output", str(output), "-vv"])
        out, err = capsys.readouterr()
        console.append(out + err)
        outcomes.append(next((o for o in ("changed", "would_change", "already_set",
                                          "not_offered", "blocked", "failed", "error")
                              if f": {o.upper()}" in out + err), out + err))
    for extra in (["report"], ["history", "--json"], ["history"]):
        with pytest.raises(SystemExit):
            main([*extra, "--output", str(output)])
        out, err = capsys.readouterr()
        console.append(out + err)

    assert outcomes == [c[0] for c in CASES]
    printed = "\n".join(console).encode()
    stored = everything_stored(output)
    for value in (TOKEN, USER, KEY):
        at = printed.find(value.encode())
        assert at < 0, printed[max(0, at - 300):at + 100].decode(errors="replace")
        assert value.encode() not in stored, value
    assert b"[secret]" in stored  # the secret was typed, seen on screen and redacted
