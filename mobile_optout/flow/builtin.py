"""The built-in flows, found by name from any folder.

They are shipped inside the package: their source is the repository's top-level ``flows/``
folder; an installed package carries them as ``mobile_optout.flows`` (pyproject's
package-dir mapping). A flow argument is a path when it exists, else a built-in name:
``linkedin``, ``linkedin-more/ads-data-sharing.yaml``, ``flows/linkedin`` as the README
writes it, or ``flows`` for all of them. (The catalogue of what they opt out of is
``mobile_optout.catalogue``.)

A folder of one's own may carry the same name (``mobile-optout init`` writes ./flows): the
path here wins, and ``shadowing`` says so, naming the built-in one. ``builtin:NAME`` (and
``builtin:`` for the whole catalogue) always means the built-in flows: no folder shadows it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

DEFAULT = "linkedin"


def flows_dir() -> Path:
    """Where the built-in flows are (located.reader.builtin_flows_root says it: messages
    name built-in files from there)."""
    from mobile_optout.located.reader import builtin_flows_root

    return builtin_flows_root()


def names() -> list[str]:
    """The built-in flows' names: one per folder (an app) of flows."""
    root = flows_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")))


BUILTIN = "builtin:"  # the prefix no project folder can shadow


def _builtin_name(path: Path) -> str | None:
    """``linkedin`` for ``builtin:linkedin``, "" for ``builtin:``; None for a plain path."""
    text = path.as_posix()
    return text[len(BUILTIN):].strip("/") if text.startswith(BUILTIN) else None


def resolve(path: Path) -> Path:
    """``path`` itself when it exists here; else the built-in flow of that name; else
    ``path`` unchanged (the loader then says it does not exist). ``builtin:NAME``: the
    built-in flow, whatever this folder holds."""
    name = _builtin_name(path)
    if name is not None:
        if name in ("", "flows"):
            return flows_dir()
        return flows_dir().joinpath(*Path(name).parts)
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


def shadowing(paths: Sequence[Path]) -> list[str]:
    """A sentence for each argument that names a folder or file here when a built-in flow
    has the same name: which one runs, and how to name the other."""
    notes = []
    for path in paths or [Path("flows") / DEFAULT]:
        if _builtin_name(path) is not None or path.is_absolute() or not path.exists():
            continue
        parts = path.parts[1:] if path.parts[:1] == ("flows",) else path.parts
        builtin = flows_dir().joinpath(*parts) if parts else flows_dir()
        if not builtin.exists() or builtin.resolve() == path.resolve():
            continue
        count = _count_flows(path)
        notes.append(
            f"{path.as_posix()}: ./{path.as_posix()} (your project: {count} flow"
            f"{'' if count == 1 else 's'}) runs; the built-in "
            + (f"flow is {BUILTIN}{'/'.join(parts)}" if parts else
               f"catalogue ({len(names())} apps) is {BUILTIN}"))
    return notes


def _count_flows(path: Path) -> int:
    """Flow files at ``path`` (a text search for the marker line, as is_flow_file does)."""
    if path.is_file():
        return 1
    marker = re.compile(r"^mobile-optout:\s*flow\s*(#.*)?$", re.M)
    return sum(1 for p in path.rglob("*") if p.suffix in (".yaml", ".yml")
               and marker.search(p.read_text(encoding="utf-8", errors="replace")))
