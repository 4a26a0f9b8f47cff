"""`mobile-optout studio` as typed: it serves the page on 127.0.0.1 until stopped."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path


def test_studio_serves_its_page_until_stopped(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mobile_optout", "studio"], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"studio for sim-android at (http://127\.0\.0\.1:\d+/)", line)
        assert found, line + (proc.stderr.read() if proc.stderr else "")
        with urllib.request.urlopen(found.group(1), timeout=10) as page:
            assert b"<title>mobile-optout studio</title>" in page.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "stopping the studio" in out
