"""The built-in flows and the catalogue of opt-outs they make.

Built-in flows: shipped inside the package, found by name from any folder. Their source is
the repository's top-level ``flows/`` folder; an installed package carries them as
``mobile_optout.flows`` (pyproject's package-dir mapping). A flow argument is a path when it
exists, else a built-in name: ``linkedin``, ``linkedin-more/ads-data-sharing.yaml``,
``flows/linkedin`` as the README writes it, or ``flows`` for all of them.

A folder of one's own may carry the same name (``mobile-optout init`` writes ./flows): the
path here wins, and ``shadowing`` says so, naming the built-in one. ``builtin:NAME`` (and
``builtin:`` for the whole catalogue) always means the built-in flows: no folder shadows it.

The catalogue: every flow as one entry a person reads (which app, which control, the
private state, how sure we are, where the facts come from). ``mobile-optout apps`` prints it
(with whether each app is installed on a device), and docs/catalogue.md is
``markdown(entries(...))`` of the shipped flows: a test keeps the two equal, so the
documented catalogue cannot drift from the flows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from mobile_optout.flow.model import EnsureSetting, Flow, Group, Step
from mobile_optout.values import on_off

DEFAULT = "linkedin"


def flows_dir() -> Path:
    """Where the built-in flows are (located.reader.builtin_flows_root says it)."""
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
        return flows_dir().joinpath(*Path(name).parts) if name not in ("", "flows") \
            else flows_dir()
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
        shown = "/".join(parts) if parts else ""
        notes.append(
            f"{path.as_posix()}: ./{path.as_posix()} (your project: {count} flow"
            f"{'' if count == 1 else 's'}) runs; the built-in "
            + (f"flow is {BUILTIN}{shown}" if parts else
               f"catalogue ({len(names())} apps) is {BUILTIN}"))
    return notes


def _count_flows(path: Path) -> int:
    from mobile_optout.flow import is_flow_file

    if path.is_file():
        return 1
    return sum(1 for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")
               and is_flow_file(p))


KIND_WORDS = {"toggle": "switch", "choice": "choice", "button": "button + confirmation",
              "none": "not a switch"}


@dataclass(frozen=True, slots=True)
class Entry:
    app: str  # the catalogue name (the flow folder's)
    title: str  # the app's name for people
    flow: str
    control: str
    kind: str  # toggle | choice | button | none (unsupported)
    desired: str  # on / off / a choice's option; "" for an unsupported entry
    platforms: tuple[str, ...]
    ids: tuple[tuple[str, str], ...]  # (platform, package or bundle id)
    confidence: str
    sources: tuple[str, ...]
    web: str
    unsupported: str  # the reason, for an app with no control
    page: str  # the page to use instead, for an app with no control
    path: str

    def as_dict(self) -> dict[str, object]:
        return {
            "app": self.app, "title": self.title, "flow": self.flow, "control": self.control,
            "kind": self.kind, "desired": self.desired, "platforms": list(self.platforms),
            "ids": dict(self.ids), "confidence": self.confidence, "sources": list(self.sources),
            "web": self.web, "unsupported": self.unsupported, "page": self.page,
            "path": self.path,
        }


def _ensures(steps: Sequence[Step]) -> Iterator[EnsureSetting]:
    for step in steps:
        if isinstance(step, EnsureSetting):
            yield step
        elif isinstance(step, Group):
            yield from _ensures(step.steps)


def entry(flow: Flow) -> Entry:
    cat = flow.catalogue
    ensure = next(_ensures(flow.steps), None)
    spec = flow.settings[0] if flow.settings else None
    kind = "none" if flow.unsupported else (ensure.control_kind if ensure else "toggle")
    return Entry(
        app=flow.app_name, title=cat.title if cat and cat.title else flow.app_name,
        flow=flow.name,
        control=(cat.control if cat and cat.control else (spec.title if spec else "")),
        kind=kind, desired=on_off(spec.desired) if spec else "",
        platforms=tuple(p.value for p in flow.platforms),
        ids=tuple((a.platform.value, a.app_id) for a in flow.apps),
        confidence=cat.confidence if cat else "", sources=cat.sources if cat else (),
        web=cat.web if cat else "",
        unsupported=flow.unsupported.reason if flow.unsupported else "",
        page=flow.unsupported.page if flow.unsupported else "",
        path=str(flow.path),
    )


def entries(flows: Sequence[Flow]) -> list[Entry]:
    """One entry per flow, by app then flow name."""
    return sorted((entry(f) for f in flows), key=lambda e: (e.app, e.flow))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(found: Sequence[Entry]) -> str:
    """docs/catalogue.md: the controls a flow drives, then the apps with nothing to drive."""
    lines = [
        "# The catalogue of AI-training opt-outs",
        "",
        "Generated from the flows by `mobile-optout apps --markdown` (a test keeps this file",
        "equal to it): edit the flows' `catalogue:` blocks, not this file. Confidence: H = an",
        "official help page describes the path and labels; M = consistent guides; L = a single",
        "informal report. Run every installed app's flows with `mobile-optout run flows`.",
        "",
        "## Controls a flow drives",
        "",
        "| app | flow | control | kind | private state | platforms | conf. | web | sources |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for e in found:
        if e.unsupported:
            continue
        lines.append("| " + " | ".join(_cell(c) for c in (
            e.title, f"`{e.flow}`", e.control, KIND_WORDS[e.kind], e.desired,
            ", ".join(e.platforms), e.confidence, e.web, "; ".join(e.sources))) + " |")
    lines += [
        "",
        "## No switch to drive (reported as `unsupported`, never as done)",
        "",
        "| app | flow | why | what to use instead |",
        "|---|---|---|---|",
    ]
    for e in found:
        if e.unsupported:
            lines.append("| " + " | ".join(_cell(c) for c in (
                e.title, f"`{e.flow}`", e.unsupported, e.page)) + " |")
    return "\n".join(lines) + "\n"
