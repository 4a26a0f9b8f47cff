"""What the tool must never do: tap a dangerous label, leak a secret, store personal data.

Flows here are small and written on the spot, run on the simulated phone through the real
client; the phone's event log and the files left on disk are the witnesses.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from e2e.e2e_helpers import FLOWS, run_one

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import FlowResult, Outcome
from mobile_optout.sim import SimPhone

HEADER = """\
mobile-optout: flow
name: {name}
platforms: [android, ios]
app:
  android: {{package: com.linkedin.android}}
  ios: {{bundle_id: com.linkedin.LinkedIn}}
"""


def write_flow(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(HEADER.format(name=name) + body, encoding="utf-8")
    return path


def run(phone: SimPhone, platform: str, flow: Path, output: Path,
        environ: dict[str, str] | None = None) -> FlowResult:
    return run_one(phone.url, platform, flow, output, environ=environ or {})


def every_stored_byte(folder: Path) -> bytes:
    """All that a run left on disk, the history database included."""
    blobs = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            blobs.append(path.read_bytes())
    db = folder / "history.db"
    if db.exists():
        with sqlite3.connect(db) as conn:
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"):
                for row in conn.execute(f"SELECT * FROM {table}"):
                    blobs.append(repr(row).encode())
    return b"\n".join(blobs)


@pytest.fixture(params=["android", "ios"])
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_denylisted_label_is_never_tapped(platform: str, tmp_path: Path) -> None:
    flow = write_flow(tmp_path, "sign-out-by-mistake", """\
steps:
  - launch
  - tap: {accessibility_id: "My Profile and Communities"}
  - tap: Settings
  - tap: {text: {contains: "sign out"}}
""")
    with SimPhone(platform=Platform(platform)) as phone:
        result = run(phone, platform, flow, tmp_path / "results")
        tapped = [e for e in phone.events() if e["type"] == "tap"]

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and result.error.type == "DeniedTap"
    assert "Sign out" in result.error.message
    assert not any("sign out" in str(e.get("element", "")).lower() for e in tapped)


def test_secrets_and_personal_data_never_reach_a_file(platform: str, tmp_path: Path) -> None:
    secret = "hunter2-Zq9-very-secret"
    flow = write_flow(tmp_path, "leaky", """\
secrets: [MO_TEST_PASSWORD]
identity:
  - {text: {regex: "^(.+) profile picture$"}}
steps:
  - launch
  - tap: {accessibility_id: "My Profile and Communities"}
    label: open the menu, where the member's own name shows
  - back
  - type:
      target: {any: [{id: search_bar_text}, {accessibility_id: Search}]}
      text: "${MO_TEST_PASSWORD}"
  - wait_for: {text: "A screen that never comes"}
    timeout: 0.5
""")
    output = tmp_path / "results"
    with SimPhone(platform=Platform(platform)) as phone:
        result = run(phone, platform, flow, output, environ={"MO_TEST_PASSWORD": secret})

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and result.error.screen  # the screen was kept...
    stored = every_stored_byte(output)
    assert list(output.rglob("*-failure.xml"))
    assert secret.encode() not in stored  # ...but without the secret,
    assert b"alex.example@example.com" not in stored  # the member's email,
    assert b"415 555 0134" not in stored  # phone number
    assert b"Alex Example" not in stored  # and name
    assert b"[email]" in stored and b"[name]" in stored


def test_an_unset_secret_is_a_usage_error_before_any_device_is_touched(tmp_path: Path) -> None:
    from mobile_optout.errors import InputError

    flow = write_flow(tmp_path, "needs-secret", """\
secrets: [MO_TEST_PASSWORD]
steps:
  - launch
  - type: {target: {id: search_bar_text}, text: "${MO_TEST_PASSWORD}"}
""")
    with SimPhone(platform=Platform.ANDROID) as phone:
        with pytest.raises(InputError, match="MO_TEST_PASSWORD"):
            run(phone, "android", flow, tmp_path / "results", environ={})
        assert [e for e in phone.events() if e["type"] != "session_created"] == []


def test_credentials_in_a_server_url_are_never_stored(tmp_path: Path) -> None:
    output = tmp_path / "results"
    with SimPhone(platform=Platform.ANDROID) as phone:
        host = phone.url.removeprefix("http://")
        url = f"http://farm-user:farm-Key-8812@{host}"
        result = run_one(url, "android", FLOWS / "linkedin", output, environ={})

    assert result.outcome is Outcome.CHANGED, result.error
    assert result.device == f"http://{host}"
    stored = every_stored_byte(output)
    assert b"farm-Key-8812" not in stored and b"farm-user" not in stored


def test_credentials_in_a_server_url_travel_as_basic_auth(tmp_path: Path) -> None:
    """What a device farm receives: the credentials in an Authorization header."""
    import base64
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    seen: list[tuple[str, str | None]] = []

    class Farm(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen.append((self.path, self.headers.get("Authorization")))
            body = json.dumps({"value": {"error": "session not created",
                                         "message": "no devices today", "stacktrace": ""}})
            self.send_response(500)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Farm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://farm-user:farm-Key-8812@127.0.0.1:{server.server_port}"
        result = run_one(url, "android", FLOWS / "linkedin", tmp_path, environ={})
    finally:
        server.shutdown()
        server.server_close()

    assert result.outcome is Outcome.ERROR
    assert result.error is not None and "no devices today" in result.error.message
    token = base64.b64encode(b"farm-user:farm-Key-8812").decode()
    assert seen == [("/session", f"Basic {token}")]


def test_a_denylisted_label_found_by_the_server_is_never_tapped(
    platform: str, tmp_path: Path
) -> None:
    """UiSelector and predicate locators are answered by the server, not the page source:
    the denylist reads what the element says before any tap."""
    sign_out = (
        '{android_uiautomator: \'new UiSelector().text("Sign out")\'}' if platform == "android"
        else "{ios_predicate: 'label == \"Sign out\"'}"
    )
    flow = write_flow(tmp_path, "sign-out-by-selector", f"""\
steps:
  - launch
  - tap: {{accessibility_id: "My Profile and Communities"}}
  - tap: Settings
  - tap: {sign_out}
""")
    with SimPhone(platform=Platform(platform)) as phone:
        result = run(phone, platform, flow, tmp_path / "results")
        tapped = [e for e in phone.events() if e["type"] == "tap"]

    assert result.outcome is Outcome.FAILED, result.error
    assert result.error is not None and result.error.type == "DeniedTap"
    assert not any("sign out" in str(e.get("element", "")).lower() for e in tapped)


def test_a_lone_accessibility_id_is_found_by_the_server(tmp_path: Path) -> None:
    """No interrupts or blockers to watch: a tap by accessibility id costs a find, one query
    for what might be on top (a prompt, a sheet, a sign-in page), a read of its label (the
    denylist) and a click; no page source at all."""
    flow = write_flow(tmp_path, "open-menu", """\
steps:
  - launch
  - tap: {accessibility_id: "My Profile and Communities"}
  - wait_for: View profile
""")
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run(phone, "android", flow, tmp_path / "results")
        screen = phone.state()["screen"]

    assert result.outcome is Outcome.PASSED, result.error
    assert screen == "side_menu"
    tap = next(s for s in result.steps if s.kind == "tap")
    assert tap.round_trips == 4 and tap.tree_reads == 0


def test_an_interrupt_cannot_tap_a_denylisted_label(tmp_path: Path) -> None:
    """A mistaken interrupt ("when Data privacy shows, tap Sign out") is refused too."""
    flow = write_flow(tmp_path, "bad-interrupt", """\
interrupts:
  - name: a mistake
    when: {text: "Data privacy"}
    tap: {text: "Sign out"}
steps:
  - launch
  - tap: {accessibility_id: "My Profile and Communities"}
  - tap: Settings
  - wait_for: {text: "Something that never shows"}
    timeout: 2
""")
    with SimPhone(platform=Platform.ANDROID) as phone:
        result = run(phone, "android", flow, tmp_path / "results")
        tapped = [e for e in phone.events() if e["type"] == "tap"]

    assert result.outcome is Outcome.FAILED
    assert result.error is not None and result.error.type == "DeniedTap"
    assert not any("sign out" in str(e.get("element", "")).lower() for e in tapped)
