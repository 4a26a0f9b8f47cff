"""The built-in flows, found by name from any folder.

They are shipped inside the package: their source is the repository's top-level ``flows/``
folder; an installed package carries them as ``mobile_optout.flows`` (pyproject's
package-dir mapping). A flow argument is a path when it exists, else a built-in name:
``linkedin``, ``linkedin-more/ads-data-sharing.yaml``, ``flows/linkedin`` as the README
writes it, or ``flows`` for all of them. (The catalogue of what they opt out of is
``mobile_optout.catalogue``.)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

DEFAULT = "linkedin"


def flows_dir() -> Path:
    """Where the built-in flows are: inside the installed package (a wheel), or, in a
    source checkout (an editable install), the repository's flows/ folder."""
    package = Path(__file__).resolve().parent.parent  # mobile_optout/
    inside = package / "flows"
    return inside if inside.is_dir() else package.parent / "flows"


def names() -> list[str]:
    """The built-in flows' names: one per folder (an app) of flows."""
    root = flows_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")))


def resolve(path: Path) -> Path:
    """``path`` itself when it exists here; else the built-in flow of that name; else
    ``path`` unchanged (the loader then says it does not exist)."""
    if path.exists():
        return path
    if path == Path("flows"):
        return flows_dir()
    parts = path.parts[1:] if path.parts[:1] == ("flows",) else path.parts
    if parts and not path.is_absolute():
        builtin = flows_dir().joinpath(*parts)
        if builtin.exists():
            return builtin
    return path


def resolve_all(paths: Sequence[Path]) -> list[Path]:
    """Each argument resolved; none: ./flows/linkedin when this folder has it (a copy being
    edited), else the built-in one."""
    if paths:
        return [resolve(p) for p in paths]
    return [resolve(Path("flows") / DEFAULT)]
