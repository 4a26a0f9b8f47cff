"""The import graph of the lower layers: each imports nothing above it, so that a change
high up (the devices file, the reports, the runner) never reaches the device seam.

Checked in a fresh interpreter per module: what importing it actually loads.
"""

from __future__ import annotations

import json
import subprocess
import sys

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
