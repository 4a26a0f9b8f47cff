"""The built-in flows and the catalogue of opt-outs they make.

Built-in flows (found by name from any folder): ``mobile_optout.flow.builtin``; its names
stay importable from here.

The catalogue: every flow as one entry a person reads (which app, which control, the
private state, how sure we are, where the facts come from). ``mobile-optout apps`` prints it
(with whether each app is installed on a device), and docs/catalogue.md is
``markdown(entries(...))`` of the shipped flows: a test keeps the two equal, so the
documented catalogue cannot drift from the flows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mobile_optout.flow.builtin import (
    DEFAULT,
    flows_dir,
    names,
    resolve,
    resolve_all,
    shadowing,
)
from mobile_optout.flow.model import EnsureSetting, Flow, Group, Step
from mobile_optout.flow.routes import Routes
from mobile_optout.values import on_off

__all__ = ["DEFAULT", "flows_dir", "names", "resolve", "resolve_all", "shadowing"]

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
    routes: tuple[str, ...] = ()  # the ways to the page, in the order they are tried
    languages: tuple[str, ...] = ("en",)  # the languages its texts are written in

    def as_dict(self) -> dict[str, object]:
        return {
            "app": self.app, "title": self.title, "flow": self.flow, "control": self.control,
            "kind": self.kind, "desired": self.desired, "platforms": list(self.platforms),
            "ids": dict(self.ids), "confidence": self.confidence, "sources": list(self.sources),
            "web": self.web, "unsupported": self.unsupported, "page": self.page,
            "path": self.path, "routes": list(self.routes), "languages": list(self.languages),
        }


def _ensures(steps: Sequence[Step]) -> Iterator[EnsureSetting]:
    for step in steps:
        if isinstance(step, EnsureSetting):
            yield step
        elif isinstance(step, Group):
            yield from _ensures(step.steps)


def _routes(steps: Sequence[Step]) -> Iterator[str]:
    for step in steps:
        if isinstance(step, Routes):
            yield from step.names
        elif isinstance(step, Group):
            yield from _routes(step.steps)


def source_urls(sources: Sequence[str]) -> str:
    """The addresses of a flow's sources (each source is a URL and a title)."""
    return " ".join(s.split(" ", 1)[0] for s in sources)


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
        path=str(flow.path), routes=tuple(dict.fromkeys(_routes(flow.steps))),
        languages=flow.languages,
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
        "| app | flow | control | kind | private state | platforms | languages | conf. | web "
        "| sources |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for e in found:
        if e.unsupported:
            continue
        lines.append("| " + " | ".join(_cell(c) for c in (
            e.title, f"`{e.flow}`", e.control, KIND_WORDS[e.kind], e.desired,
            ", ".join(e.platforms), ", ".join(e.languages), e.confidence, e.web,
            "; ".join(e.sources))) + " |")
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
