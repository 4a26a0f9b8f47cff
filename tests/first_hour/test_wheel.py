"""The first hour from a wheel: built once per session, installed into a fresh virtual
environment (its dependencies borrowed from the test environment by a .pth line, so nothing
is downloaded but the build backend), and run from an empty folder as the README says."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
TOP_SKIP = {".venv", "node_modules", "results", ".git", "build", "dist", "tests", "bench"}


def skip(folder: str, names: list[str]) -> set[str]:
    """What the wheel's build does not need: the checkout's own state, at its top only."""
    top = TOP_SKIP if Path(folder) == ROOT else set()
    return {n for n in names if n in top or n.endswith((".egg-info", "_cache", "__pycache__"))}


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bin/ folder of a fresh venv holding only the wheel (plus borrowed dependencies)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    shutil.copytree(ROOT, source, ignore=skip)  # an out-of-tree build: the checkout stays clean
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(base / "dist"), str(source)], check=True, timeout=600)
    (wheel,) = (base / "dist").glob("mobile_optout-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], capture_output=True, text=True, check=True)
    # Only the dependencies: a path from a .pth line has its own .pth files ignored, so the
    # test environment's editable install of this checkout is not seen.
    (Path(purelib.stdout.strip()) / "borrowed.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--no-index", "-q", str(wheel)], check=True, timeout=300)
    yield venv / "bin"


def mo(bin_dir: Path, cwd: Path, *args: str, columns: int | None = None
       ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "PYTHONPATH")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    if columns:
        env["COLUMNS"] = str(columns)
    return subprocess.run([str(bin_dir / "mobile-optout"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def png_bit_depth(path: Path) -> int:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    depth, colour = struct.unpack(">BB", data[24:26])  # IHDR: width, height, depth, colour
    return int(depth) * {0: 1, 2: 3, 4: 2, 6: 4}.get(int(colour), 1)


def test_the_first_hour_from_a_wheel(installed: Path, tmp_path: Path) -> None:
    where = mo(installed, tmp_path, "flows")
    assert where.returncode == 0, where.stderr
    assert "site-packages" in where.stderr and "site-packages" not in where.stdout
    # The code that runs is the wheel's, not this checkout's.
    assert str(ROOT) not in where.stderr

    run = mo(installed, tmp_path, "run", "linkedin")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "changed" in run.stdout
    shots = sorted(tmp_path.glob("results/*/evidence/**/*.png"))
    assert shots and all(png_bit_depth(p) >= 8 for p in shots)  # drawn, not a blank 1-bit PNG

    webview = mo(installed, tmp_path, "run", "linkedin", "--param", "ROUTE=webview")
    assert webview.returncode == 0, webview.stdout + webview.stderr
    check = mo(installed, tmp_path, "check", "linkedin")
    assert check.returncode == 0 and "already_set" in check.stdout, check.stdout
    history = mo(installed, tmp_path, "history")
    assert history.returncode == 0 and history.stdout.count("changed") >= 1
    report = mo(installed, tmp_path, "report")
    assert report.returncode == 0, report.stderr

    after = mo(installed, tmp_path, "inspect", "--after", "linkedin/android.yaml:Data privacy")
    assert after.returncode == 0, after.stdout + after.stderr

    apps = mo(installed, tmp_path, "apps", "--no-device", columns=80)
    fitted = [line for line in apps.stdout.splitlines()  # (a long URL stands alone, whole)
              if not (line.strip().startswith("https://") and " " not in line.strip())]
    assert apps.returncode == 0 and max(map(len, fitted)) <= 80

    doctor = mo(installed, tmp_path, "doctor")
    assert doctor.returncode == 0 and "screenshots: drawn" in doctor.stdout

    assert mo(installed, tmp_path, "init").returncode == 0
    mine = mo(installed, tmp_path, "run", "flows")
    assert mine.returncode in (0, 1), mine.stderr
    assert "your project: 1 flow" in mine.stderr

    # The docs that --help names are in the package.
    helps = "".join(mo(installed, tmp_path, *cmd, "--help").stdout
                    for cmd in ([], ["sim"], ["run"], ["apps"], ["doctor"], ["studio"]))
    named = set(re.findall(r"docs/([\w-]+\.md)", helps))
    assert "simulator.md" in named
    docs = installed.parent / "lib"
    assert all(list(docs.glob(f"python3*/site-packages/mobile_optout/docs/{n}")) for n in named)

    if shutil.which("chromium") and shutil.which("chromedriver"):  # the web device
        web = mo(installed, tmp_path, "run", "builtin:linkedin", "--device", "sim-web",
                 "--json")
        assert web.returncode == 0, web.stderr
        assert json.loads(web.stdout)["results"][0]["outcome"] == "changed"
