"""Screenshots show the screen with a plain install, and `doctor` warns when they would not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mobile_optout.devices import DeviceProfile, builtin_devices
from mobile_optout.doctor import Facts, Status, diagnose


def sim_android() -> DeviceProfile:
    return builtin_devices().get("sim-android")


def test_pillow_is_a_core_dependency() -> None:
    text = (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    core = text.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert '"pillow' in core


def test_doctor_warns_when_screenshots_would_be_blank() -> None:
    checks = diagnose(sim_android(), Facts(drawing="Pillow cannot be imported (no PIL)"))
    shot = next(c for c in checks if c.name == "screenshots")
    assert shot.status is Status.WARN and "blank" in shot.detail and "pillow" in shot.fix


def test_doctor_sees_a_broken_pillow(tmp_path: Path) -> None:
    """A PIL that cannot be imported (shadowed here) is what a broken install looks like."""
    (tmp_path / "PIL").mkdir()
    (tmp_path / "PIL" / "__init__.py").write_text("raise ImportError('broken on purpose')\n",
                                                  encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "mobile_optout", "doctor"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "screenshots" in done.stdout and "blank" in done.stdout, done.stdout + done.stderr
