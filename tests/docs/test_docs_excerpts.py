"""The output the docs show is what the tool prints: the README's first run (step lines,
the table, the reports line), the flip-back wording of a save that fails, and the browser
device that the README says `init` writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from mobile_optout.scaffold import DEVICES_YAML

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")


def shown(line: str) -> str:
    """A line as compared: run ids alike; a duration as quick (under 2 s) or as the settle
    window's seconds (a changed switch is read again after 3 s)."""
    line = RUN_ID.sub("RUN", line.strip())
    return re.sub(r"\((\d+) ms\)",
                  lambda m: "(quick)" if int(m[1]) < 2000 else "(seconds)", line)


def mo(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    return subprocess.run([sys.executable, "-m", "mobile_optout", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_readmes_first_run_is_what_the_tool_prints(tmp_path: Path) -> None:
    block = README.split("It prints a line per step, then a summary table:", 1)[1]
    excerpt = block.split("```\n", 2)[1].splitlines()
    assert len(excerpt) > 10
    done = mo(tmp_path, "run", "flows/linkedin")
    assert done.returncode == 0, done.stderr
    printed = {shown(line) for line in done.stdout.splitlines()}
    missing = [line for line in excerpt if shown(line) not in printed]
    assert not missing, "README lines the tool does not print:\n" + "\n".join(missing)


def test_the_flip_back_wording_is_the_runners(tmp_path: Path) -> None:
    done = mo(tmp_path, "run", "linkedin", "--sim-variant", "save-fails", "--json")
    said = json.loads(done.stdout)["results"][0]["setting"]["flip_back"]
    for doc in (README, (ROOT / "docs" / "report-format.md").read_text(encoding="utf-8")):
        # save-fails shows a snackbar as the switch flips back: the runner names the notice
        quoted = re.search(r'\("the app showed "Couldn\'t save[^"]*"\s+([\d.]+)s\s+after it\s+'
                           r'turned off"', doc)
        assert quoted is not None
        ran = re.fullmatch(r"the app showed \"Couldn't save[^\"]*\" ([\d.]+)s after it "
                           r"turned off", said)
        assert ran is not None, said
        assert abs(float(quoted[1]) - float(ran[1])) <= 0.5  # the runner's reading interval


def test_the_browser_device_the_readme_shows_is_in_the_init_devices_file() -> None:
    block = README.split("## Your own browser", 1)[1].split("```yaml\n", 1)[1]
    lines = [line.strip() for line in block.split("```", 1)[0].splitlines()
             if line.strip() and line.strip() != "devices:"]
    commented = [line.strip().lstrip("#").strip() for line in DEVICES_YAML.splitlines()]
    for line in lines:
        assert line.split("#")[0].strip() in [c.split("#")[0].strip() for c in commented], line
