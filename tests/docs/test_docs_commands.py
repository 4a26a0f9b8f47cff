"""Every command README.md and docs/ show runs here, as a reader would type it, against the
simulated phone or website, and exits as the text says.

Commands are read from the documents (never copied here): code spans and lines of fenced
blocks that start with ``mobile-optout`` or ``scripts/optout`` (a leading ``$ `` and a
trailing ``# comment`` dropped). Each document's commands run in order in one empty folder,
as a reader follows it. ``scripts/optout ARGS`` is what the script runs:
``mobile-optout ARGS`` for check/setup/devices/doctor, else ``mobile-optout run ARGS``.

Not run, each with its reason (the test fails when a listed command is no longer in the
docs, so the lists cannot go stale):
- HARDWARE: commands for a real phone, a named device of the reader's own, or a real
  Appium server (`--device usb`, `my-pixel`, `setup`...);
- PLACEHOLDER: a template the reader fills in (`validate FILE`);
- COVERED: run by another test, which follows its document's own steps.
Servers (`sim`, `studio`, `grid`) are started, must say they are up ("Ctrl-C"), and are
stopped with Ctrl-C (exit 0).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from mobile_optout.scaffold import DEVICES_YAML

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
pytestmark = pytest.mark.slow

HARDWARE_WORDS = ("--device usb", "my-pixel", "my-phone", "-d my-phone", "desk-phone",
                  "my-browser", "setup android", "--server http://127.0.0.1:4723",
                  "http://127.0.0.1:4723=")
PLACEHOLDER = re.compile(r"\b(NAME|FILE|RUN_ID)\b|\[[A-Z]+")  # `validate FILE`, `[FLOWS…]`
COVERED = {  # command -> the test that runs it, following its document
    "mobile-optout check flows/social-research.yaml": "tests/studio/test_writing_flows_doc.py",
    "mobile-optout run flows/social-research.yaml": "tests/studio/test_writing_flows_doc.py",
    "mobile-optout validate flows/social-research.yaml": "tests/studio/test_writing_flows_doc.py",
}
SERVERS = ("sim", "studio", "grid")
SAVED_SCREEN = ROOT / "tests/data/real_screens/aosp_settings_top_en.xml"  # a real page source
SETUP: dict[str, dict[str, Path | str]] = {  # files a document's reader has written
    "simulator.md": {"my-apps/notes.yaml": ROOT / "tests/data/sim_apps/notes.yaml",
                     "screen.xml": SAVED_SCREEN},
    "flow-format.md": {"devices.yaml": DEVICES_YAML},  # the one `mobile-optout init` writes
    "writing-flows.md": {"screen.xml": SAVED_SCREEN},
}
# Commands that exit non-zero, and where the docs say so.
EXPECTED_EXIT = {
    "mobile-optout validate": (2, "validate exits 2 for a problem: an empty folder has no flows"),
}


@dataclass(frozen=True)
class Command:
    doc: str
    line: int
    text: str  # as written, comment dropped
    comment: str

    @property
    def argv(self) -> list[str]:
        words = shlex.split(self.text)
        if ">" in words:  # `apps --markdown > docs/catalogue.md`: the output, not the file
            words = words[:words.index(">")]
        if words[0] == "scripts/optout":
            rest = words[1:]
            sub = rest[:1] if rest[:1] and rest[0] in ("check", "setup", "devices", "doctor") \
                else ["run"]
            words = ["mobile-optout", *sub, *(rest[1:] if sub == rest[:1] else rest)]
        return words[1:]


def commands(doc: Path) -> list[Command]:
    found: list[Command] = []
    fence = ""
    for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = "" if fence else (stripped[3:] or "text")
            continue
        if fence:
            text = stripped.removeprefix("$ ")
            if re.match(r"(mobile-optout|scripts/optout)( |$)", text) and fence != "yaml":
                code, _, comment = text.partition("  #")
                found.append(Command(doc.name, n, code.strip(), comment.strip()))
            continue
        # A span with arguments: a bare `mobile-optout` in prose is the tool's name.
        for span in re.findall(r"`((?:mobile-optout|scripts/optout) [^`]*)`", line):
            found.append(Command(doc.name, n, span.strip(), ""))
    return found


def why_not_run(cmd: Command) -> str:
    if any(w in cmd.text for w in HARDWARE_WORDS):
        return "hardware"
    if PLACEHOLDER.search(cmd.text):
        return "placeholder"
    if cmd.text in COVERED:
        return "covered"
    return ""


def run_server(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.Popen([sys.executable, "-m", "mobile_optout", *argv], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if "Ctrl-C" in line:
                break
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    finally:
        proc.kill()
    said = "".join(seen) + (rest or "")
    assert "Ctrl-C" in said and proc.returncode in (0, 130), said  # 130: Ctrl-C (README)
    return said


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_command_of_the_document_runs(doc: Path, tmp_path: Path) -> None:
    for rel, source in SETUP.get(doc.name, {}).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copy(source, tmp_path / rel)
        else:
            (tmp_path / rel).write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    wrong = []
    for cmd in commands(doc):
        if why_not_run(cmd):
            continue
        argv = cmd.argv
        if argv[:1] and argv[0] in SERVERS and "--list-variants" not in argv:
            run_server(argv, tmp_path, env)
            continue
        done = subprocess.run([sys.executable, "-m", "mobile_optout", *argv], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=300,
                              check=False)
        expected = EXPECTED_EXIT.get(cmd.text, (1 if "exit 1" in cmd.comment else 0, ""))[0]
        if done.returncode != expected or "Traceback" in done.stderr:
            wrong.append(f"{cmd.doc}:{cmd.line}: `{cmd.text}` exited {done.returncode}, "
                         f"expected {expected}\n{done.stdout[-800:]}{done.stderr[-800:]}")
    assert not wrong, "\n\n".join(wrong)


def test_every_command_not_run_is_listed_with_its_reason() -> None:
    every = [c for d in DOCS for c in commands(d)]
    assert len(every) > 30  # the reader found the docs' commands
    skipped = {c.text: why_not_run(c) for c in every if why_not_run(c)}
    assert set(skipped.values()) <= {"hardware", "placeholder", "covered"}
    assert set(COVERED) <= {c.text for c in every}, "a covered command left the docs"
    for word in HARDWARE_WORDS:
        assert any(word in c.text for c in every), f"{word!r} is no longer in the docs"
