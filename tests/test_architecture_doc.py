"""docs/architecture.md stays true: every file, folder, module and function it names in
backticks exists, and its layer diagram shows every module of the package."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
TEXT = DOC.read_text(encoding="utf-8")
NAMES = sorted(set(re.findall(r"`([^`\n]+)`", TEXT)))
DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+")
PATHLIKE = re.compile(r"[\w./-]+(/|\.py|\.md|\.json|\.yaml|\.toml)")
PACKAGE = ROOT / "mobile_optout"


def _path_exists(name: str) -> bool:
    bases = (PACKAGE, ROOT, ROOT / "docs")
    return any((base / name).exists() for base in bases)


def _resolve(name: str) -> object:
    """``module.attr...`` under mobile_optout (the longest importable module first)."""
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module("mobile_optout." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(name)


PATHS = [n for n in NAMES if PATHLIKE.fullmatch(n) and "<" not in n]
SYMBOLS = [n for n in NAMES if DOTTED.fullmatch(n) and not PATHLIKE.fullmatch(n)]


def test_the_page_names_files_and_symbols() -> None:
    assert len(PATHS) > 20 and len(SYMBOLS) > 30  # the patterns below really find them


@pytest.mark.parametrize("name", PATHS)
def test_every_file_it_names_exists(name: str) -> None:
    assert _path_exists(name), f"docs/architecture.md names {name}, which does not exist"


@pytest.mark.parametrize("name", SYMBOLS)
def test_every_module_and_function_it_names_exists(name: str) -> None:
    _resolve(name)


def _diagram() -> str:
    return TEXT.split("```", 2)[1]


def _modules() -> list[str]:
    """Top-level modules (``driver.py``) and packages (``steps/``) of mobile_optout."""
    found = [p.name for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")]
    found += [f"{p.name}/" for p in PACKAGE.iterdir()
              if p.is_dir() and (p / "__init__.py").exists()]
    return sorted(found)


@pytest.mark.parametrize("module", _modules())
def test_the_diagram_shows_every_module(module: str) -> None:
    assert re.search(rf"(?<![\w/]){re.escape(module)}", _diagram()), (
        f"{module} is missing from the layer diagram of docs/architecture.md")
