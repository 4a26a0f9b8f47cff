"""Tables for people: they fit the terminal (COLUMNS), or 100 columns when piped; words and
URLs are never cut; `apps` reads in 80 columns; built-in flows are named by their own path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mobile_optout.located import display_path
from mobile_optout.located.reader import builtin_flows_root


def piped(tmp_path: Path, *args: str, columns: int | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns:
        env["COLUMNS"] = str(columns)
    done = subprocess.run([sys.executable, "-m", "mobile_optout", *args], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


def widest(text: str) -> int:
    """The widest line, leaving out a line that is one whole URL: a source's address is
    never cut, so one longer than the terminal stands alone on its line (the terminal wraps
    it and keeps it whole to copy or click)."""
    return max((len(line) for line in text.splitlines()
                if not (line.strip().startswith("https://") and " " not in line.strip())),
               default=0)


@pytest.mark.parametrize("columns", [None, 80, 132])
def test_apps_fits_the_width_and_cuts_no_name(tmp_path: Path, columns: int | None) -> None:
    text = piped(tmp_path, "apps", "--no-device", columns=columns)
    assert widest(text) <= (columns or 100)
    assert "…" not in text
    every = json.loads(piped(tmp_path, "apps", "--no-device", "--json"))["apps"]
    for app in every:  # each flow and app name is there whole
        assert app["flow"] in text and app["title"] in text
    known = {str(app.get("page") or "") for app in every} | {
        source.split()[0] for app in every for source in app["sources"]}
    shown = [w.strip("();,") for w in text.split() if w.startswith(("https://", "(https://"))]
    assert shown and set(shown) <= known, set(shown) - known  # every URL shown is whole
    if columns == 80:  # a short block per flow: its names, then its fields (and long URLs)
        assert len(text.splitlines()) <= 5 * len(every) + 2


def test_a_long_note_wraps_at_words_and_keeps_its_link(tmp_path: Path) -> None:
    text = piped(tmp_path, "check", "facebook", "--device", "sim-android", "-q",
                 "-o", str(tmp_path / "out"))
    summary = text.split("run ", 1)[1].split("Reports:", 1)[0]  # the table, not the path
    assert widest(summary) <= 100
    assert "(https://www.facebook.com/privacy/genai)" in summary  # on one line, whole
    assert "…" not in summary


def test_built_in_flows_are_named_from_the_catalogue_root(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.chdir(tmp_path)
    part = builtin_flows_root() / "linkedin" / "parts" / "genai-training.yaml"
    assert display_path(part) == "linkedin/parts/genai-training.yaml"
