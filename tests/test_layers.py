"""The house rules that can be checked: the layers (pyproject's import-linter contracts,
which see every import), no module over 700 lines, and what importing a lower module
actually loads (in a fresh interpreter per module: a lazy import is fine there, an
eager one that drags a higher layer in is not).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

CONFIG = ("mobile_optout.devices", "mobile_optout.located", "mobile_optout.flow.compile",
          "mobile_optout.job", "mobile_optout.validate")
RESULTS = ("mobile_optout.results",)
RUN = ("mobile_optout.runner", "mobile_optout.job", "mobile_optout.cli",
       "mobile_optout.pytest_plugin")
SIM_SERVER = ("mobile_optout.sim.server", "mobile_optout.sim.engine", "mobile_optout.sim.render",
              "PIL")

# module -> what importing it must not load (a name covers its submodules)
LAYERS = {
    "mobile_optout.values": ("mobile_optout.errors", "mobile_optout.flow", *CONFIG, *RESULTS),
    "mobile_optout.errors": ("mobile_optout.values", "mobile_optout.flow", *CONFIG, *RESULTS),
    "mobile_optout.flow.model": (*CONFIG, *RESULTS, *RUN, "yaml"),
    "mobile_optout.driver": (*CONFIG, *RESULTS, *RUN, "mobile_optout.sim"),
    "mobile_optout.locate": (*CONFIG, *RESULTS, *RUN, "mobile_optout.driver",
                             "mobile_optout.sim"),
    "mobile_optout.webdom": (*CONFIG, *RESULTS, *RUN, "mobile_optout.driver",
                             "mobile_optout.sim"),
    "mobile_optout.located": ("mobile_optout.flow", "mobile_optout.devices", *RESULTS, *RUN,
                              "mobile_optout.sim"),
    "mobile_optout.results.store": ("mobile_optout.devices", "mobile_optout.driver",
                                    "mobile_optout.flow", *RUN, "mobile_optout.sim"),
    "mobile_optout.devices": (*RESULTS, *RUN, "mobile_optout.driver", *SIM_SERVER),
    "mobile_optout.runner": ("mobile_optout.job", "mobile_optout.cli",
                             "mobile_optout.pytest_plugin", "mobile_optout.sim", "PIL"),
    # compiling a flow (validate) reaches the step kinds; they load no device layer then
    "mobile_optout.steps": (*RUN, "mobile_optout.device", "mobile_optout.driver", "appium",
                            "selenium", "mobile_optout.sim.server"),
    "mobile_optout.sim.appfile": (*RESULTS, *RUN, "mobile_optout.flow",
                                  "mobile_optout.devices", *SIM_SERVER),
}


def loaded_by(module: str) -> list[str]:
    code = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    loaded: list[str] = json.loads(out)
    return loaded


@pytest.mark.parametrize("module", list(LAYERS))
def test_a_lower_layer_loads_nothing_above_it(module: str) -> None:
    above = LAYERS[module]
    loaded = loaded_by(module)
    wrong = [m for m in loaded if any(m == a or m.startswith(a + ".") for a in above)]
    assert wrong == [], f"importing {module} loads {wrong}"


# ------------------------------------------------------------------ the standing rules

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 700


def test_no_module_is_over_700_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in sorted((ROOT / "mobile_optout").rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_layer_contracts_hold() -> None:
    """pyproject's [tool.importlinter] contracts, every import counted (also those inside
    functions); scripts/test runs the same check."""
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists():
        pytest.skip("import-linter is not installed (scripts/setup --test installs it)")
    done = subprocess.run([str(linter), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]


def test_every_module_has_a_place_in_the_layers() -> None:
    """A new module must be given a layer (pyproject's layers contract), or lint-imports
    would not check it at all. The simulated phone stands beside the stack (its own
    contracts); its input formats are in the layers."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers")
    named = {m.strip() for layer in layers["layers"] for m in layer.replace("|", ":").split(":")}
    package = ROOT / "mobile_optout"
    modules = {
        "mobile_optout." + ".".join(p.relative_to(package).with_suffix("").parts)
        for p in package.rglob("*.py") if p.name != "__init__.py"
    }
    beside = ("mobile_optout.sim.",)
    homeless = sorted(
        m for m in modules
        if not m.startswith(beside)
        and not any(m == n or m.startswith(n + ".") for n in named)
    )
    assert homeless == [], "give these a layer in pyproject.toml [tool.importlinter]"


def test_installed_folders_are_never_tracked() -> None:
    """node_modules and .venv are installed by scripts/setup on every machine; a tracked
    copy (or a worktree's link to one) would point a fresh clone at this machine's files."""
    done = subprocess.run(["git", "ls-files", "--", "node_modules", ".venv"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    assert done.stdout == ""
