"""What a step kind is made of, and the two narrow views it is given.

A step kind (``StepKind``) is four things kept together in one module of this package:
- its **model**: the frozen dataclass a compiled step is (a ``flow.model.Step``);
- its **builder**: YAML payload -> model, through the compiler's checks (``Compiling``:
  every mistake is reported at ``path:line:col``);
- its **schema**: the payload's JSON Schema fragment and a one-line description;
- its **handler**: runs the step on a device through the flow run (``Run``).

Builders and handlers see the compiler and the flow run only through the protocols
below, so this package sits between the runner and the device layer: the compiler
(``flow/compile.py``), the schema (``flow/schema.py``) and the runner reach a kind only
through the registry (``mobile_optout.steps.REGISTRY``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from mobile_optout.errors import Where
from mobile_optout.flow.model import AppId, EnsureSetting, Flow, Locator, Step, TextMatch
from mobile_optout.flow.params import Vars
from mobile_optout.flow.schema_parts import JSON
from mobile_optout.located import RawMap, RawNode
from mobile_optout.results.record import FlowResult, SettingObservation, StepRecord

if TYPE_CHECKING:  # compiling a flow (validate) loads no device layer, only running does
    from mobile_optout.device import Device, Target

MAX_SCROLLS_TO_PROVE = 10  # a not_offered step scrolls at most this far to see the page
SHORT_NAME = re.compile(r"[a-z0-9_-]+\Z")  # screenshot and checkpoint names


@dataclass(slots=True)
class Scan:
    """What a search through a page saw: the evidence a not_offered needs."""

    texts: dict[str, None] = field(default_factory=dict)  # every text seen, in order
    reached_end: bool = False  # a scroll moved nothing: the whole page was seen
    loading: list[str] = field(default_factory=list)  # what still loaded at the end
    doubt: str = ""  # why what was seen is not the page itself ("" when it is)


class Compiling(Protocol):
    """What a builder may ask of the compiler (``flow.compile.Compiler``). ``f`` is the
    file being compiled, passed through as given."""

    setting_uses: list[Any]

    def err(self, f: Any, where: Where, message: str, hint: str = "") -> None: ...
    def mapping(self, f: Any, node: RawNode, what: str) -> RawMap | None: ...
    def payload_map(self, f: Any, node: RawNode, kind: str, keys: Sequence[str],
                    required: Sequence[str]) -> RawMap | None: ...
    def text(self, f: Any, node: RawNode, what: str, *, empty_ok: bool = False,
             expands: bool = True) -> str | None: ...
    def name(self, f: Any, node: RawNode, what: str, pattern: re.Pattern[str]
             ) -> str | None: ...
    def boolean(self, f: Any, node: RawNode, what: str) -> bool | None: ...
    def number(self, f: Any, node: RawNode, what: str) -> float | None: ...
    def integer(self, f: Any, node: RawNode, what: str, low: int, high: int) -> int | None: ...
    def choice(self, f: Any, node: RawNode, what: str, choices: Sequence[str]
               ) -> str | None: ...
    def locator(self, f: Any, node: RawNode, what: str = "locator") -> Locator | None: ...
    def text_match(self, f: Any, node: RawNode) -> TextMatch | None: ...
    def steps(self, f: Any, node: RawNode | None, what: str) -> tuple[Step, ...]: ...
    def include(self, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                ) -> Step | None: ...


class Run(Protocol):
    """What a handler may use of the flow run (``runner.FlowRun``): the device, the flow
    and its ${} values, and the runner's shared rules for finding, seeking and missing."""

    device: Device | None
    app: AppId
    flow: Flow
    vars: Vars
    scan: Scan | None
    setting: SettingObservation | None
    tapped_setting: bool
    result: FlowResult
    options: Any  # runner.RunOptions: verify
    profile: Any  # devices.DeviceProfile: verify, the app's platform
    reached: Any  # steps.routes.Reached: the route that reached the last routed page
    anchor: Locator | None  # what showed the page is open (not_offered checks it is still)

    @property
    def check_mode(self) -> bool: ...
    def find(self, step: Step, locator: Locator, *, tap: bool = False) -> Target: ...
    def seek(self, step: Step, locator: Locator, direction: str, max_scrolls: int
             ) -> Target | None: ...
    def missing(self, step: Step, what: str) -> None: ...
    def timeout_for(self, step: Step) -> float: ...
    def settle_for(self, step: EnsureSetting) -> float: ...
    def screenshot(self, name: str, record: StepRecord) -> str | None: ...
    def walk(self, steps: Sequence[Step]) -> None: ...
    def spare(self) -> None: ...  # work left for a wait that is due anyway: do it now


# (compiler, file, the kind's payload node, the step's where, the common keys) -> a step
Builder = Callable[[Compiling, Any, RawNode, Where, dict[str, Any]], Step | None]
Handler = Callable[[Run, Any, StepRecord], None]


@dataclass(frozen=True, slots=True)
class StepKind:
    """One step kind: its YAML key, model, builder, schema fragment and handler."""

    key: str
    model: type[Step]
    build: Builder
    description: str
    schema: JSON
    handle: Handler
    bare: bool = False  # may be written without a value (``- back``)
    container: bool = False  # its steps are run in its place; it keeps no record itself


def target_builder(cls: type[Step]) -> Builder:
    """The builder of a kind whose payload is one locator (tap, wait_for, ...)."""

    def build(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
              ) -> Step | None:
        target = c.locator(f, node, f"{cls.KIND} target")
        if target is None:
            return None
        return cls(where=where, target=target, **common)  # type: ignore[call-arg]

    return build
