"""`mobile-optout --help` and `validate` start fast: they import none of the heavy parts
(the Appium client and selenium, lxml, Pillow, rich's tables, the simulated phone's server).
Checked in a fresh interpreter, by the modules it ends up holding (no timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("appium", "selenium", "urllib3", "lxml", "PIL", "rich.table", "mobile_optout.driver",
         "mobile_optout.sim.server", "mobile_optout.sim.engine", "mobile_optout.sim.render")
PROBE = """
import json, sys
from mobile_optout.cli import main
sys.argv = ["mobile-optout", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
sys.stderr.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def loaded_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


@pytest.mark.parametrize("args", [("--help",), ("validate", "flows/")], ids=["help", "validate"])
def test_start_up_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    modules = loaded_by(*args)
    assert "mobile_optout.cli" in modules  # the probe really ran the command
    heavy = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []
