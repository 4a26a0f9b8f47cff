"""The typed flow model: what a flow file compiles to, and all the runner ever sees.

Nothing downstream of ``mobile_optout.flow.compile`` handles a plain dict. Every node
keeps ``where`` (path:line:col in the YAML file) so that a failure at run time can name
the line that asked for it.

The shipped step kinds' dataclasses are defined here, because layers below the runner read
them (``toggle``/``controls`` read ``EnsureSetting``; the catalogue and ``inspect`` walk
``Group``s). Everything else about a step kind (its builder, schema fragment and handler)
is its module in ``mobile_optout.steps``, whose table ``steps.REGISTRY`` maps the YAML key
to the kind; a new kind keeps its dataclass there too. Reporting uses ``Step.describe()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import ClassVar

from mobile_optout.errors import Where
from mobile_optout.values import fold


class Platform(StrEnum):
    ANDROID = "android"
    IOS = "ios"
    WEB = "web"  # a website in a browser (Selenium's Chromium driver, or Appium's chromium)


# ---------------------------------------------------------------------------- locators


@dataclass(frozen=True, slots=True)
class TextMatch:
    """How a text locator compares: exactly one of exact / contains / regex."""

    mode: str  # "exact" | "contains" | "regex"
    value: str
    case_sensitive: bool = False
    # A text given per language (flow/strings.py): language -> its text, None where the
    # flow has none for it (English is used). ``value`` is then every language at once.
    by_language: tuple[tuple[str, TextMatch | None], ...] = field(default=(), compare=False)

    def matches(self, candidate: str | None) -> bool:
        """Exact: the whole text, or its first line when it has several (a title read
        before its subtitle: Flutter and Compose merge both into one content-desc);
        contains: anywhere in it; regex: a search. Case and whitespace as ``fold``."""
        if not candidate:
            return False
        flags = 0 if self.case_sensitive else re.IGNORECASE
        if self.mode == "regex":
            return re.search(self.value, candidate, flags) is not None
        keep = self.case_sensitive
        a, b = fold(candidate, keep_case=keep), fold(self.value, keep_case=keep)
        if self.mode != "exact":
            return b in a
        return a == b or fold(first_line(candidate), keep_case=keep) == b

    def __str__(self) -> str:
        if self.by_language:  # each language's own text, not the regex of them all
            return " | ".join(f"{lang}: {m}" for lang, m in self.by_language if m is not None)
        shown = {"exact": f'"{self.value}"', "contains": f'~"{self.value}"'}
        return shown.get(self.mode, f"/{self.value}/")


def first_line(text: str) -> str:
    """The first line of a text that has several (its title); "" for a one-line text."""
    lines = [line for line in text.split("\n") if line.strip()]
    return lines[0] if len(lines) > 1 else ""


@dataclass(frozen=True, slots=True)
class Locator:
    """Finds one element. Exactly one family of fields is set (see ``kind``).

    - ``text``: visible text; Android ``text`` or ``content-desc``, iOS ``label``,
      ``name`` or ``value`` (one rule set in ``mobile_optout.locate``).
    - ``accessibility_id``, ``resource_id``, ``class_name``, ``xpath``,
      ``android_uiautomator``, ``ios_predicate``, ``ios_class_chain``: server-side strategies.
    - ``any``: alternatives, the first that matches wins.
    - ``css``: a CSS selector (web pages and web views; answered by the browser).
    - ``role``: a web element's ARIA role (explicit, or implied by its tag), optionally
      with ``role_name``, its accessible name (aria-label, aria-labelledby, <label>, text).
    - ``switch_for``: the checkable element (switch/toggle/checkbox) in the same row as
      the element that ``switch_for`` finds (label and switch are separate nodes on LinkedIn).
    - ``per_platform``: a different locator per platform.
    ``index`` picks the n-th match (0-based) where several match; ``index: 0`` says
    "the first of several" and finds just that one.
    """

    where: Where
    text: TextMatch | None = None
    accessibility_id: str | None = None
    resource_id: str | None = None
    class_name: str | None = None
    xpath: str | None = None
    android_uiautomator: str | None = None
    ios_predicate: str | None = None
    ios_class_chain: str | None = None
    css: str | None = None
    role: str | None = None
    role_name: TextMatch | None = None  # only with ``role``
    any: tuple[Locator, ...] = ()
    switch_for: Locator | None = None
    per_platform: tuple[tuple[Platform, Locator], ...] = ()
    index: int | None = None  # None: every match (a step takes the first)

    @property
    def kind(self) -> str:
        for name in (
            "text", "accessibility_id", "resource_id", "class_name", "xpath",
            "android_uiautomator", "ios_predicate", "ios_class_chain", "css", "role",
            "switch_for",
        ):
            if getattr(self, name) is not None:
                return name
        if self.any:
            return "any"
        if self.per_platform:
            return "per_platform"
        raise AssertionError("a Locator with no field set cannot be built by the compiler")

    def for_platform(self, platform: Platform) -> Locator | None:
        """This locator as seen on ``platform`` (None when it has no part for it)."""
        if not self.per_platform:
            return self
        for plat, loc in self.per_platform:
            if plat is platform:
                return loc.for_platform(platform)
        return None

    def __str__(self) -> str:
        kind = self.kind
        if kind == "text":
            return f"text={self.text}"
        if kind == "any":
            return " | ".join(str(a) for a in self.any)
        if kind == "switch_for":
            return f"switch for ({self.switch_for})"
        if kind == "role" and self.role_name is not None:
            return f"role={self.role!r} name={self.role_name}"
        if kind == "per_platform":
            return ", ".join(f"{p}: {loc}" for p, loc in self.per_platform)
        return f"{kind}={getattr(self, kind)!r}"


# ---------------------------------------------------------------------------- conditions


@dataclass(frozen=True, slots=True)
class Condition:
    """``when:`` on a step. All given parts must hold. Visibility is checked once, now."""

    where: Where
    platform: Platform | None = None
    visible: Locator | None = None
    not_visible: Locator | None = None
    param: tuple[str, str] | None = None  # (NAME, value): ${NAME} equals value


# ---------------------------------------------------------------------------- steps


class IfMissing(StrEnum):
    """What a step does when its target is not found by the deadline."""

    FAIL = "fail"  # the flow fails (default)
    SKIP = "skip"  # the step is skipped (what ``optional: true`` means)
    NOT_OFFERED = "not_offered"  # the flow ends: the setting is not offered here
    BLOCKED = "blocked"  # the flow ends: a screen we cannot get past


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """Fields every step kind accepts."""

    KIND: ClassVar[str] = ""
    where: Where
    label: str | None = None
    timeout: float | None = None  # seconds; None = the device's default
    if_missing: IfMissing = IfMissing.FAIL
    when: Condition | None = None
    # With if_missing: not_offered: words that make a text on the page look like the
    # setting; a look-alike turns "not offered" into a failure naming it.
    resembles: tuple[str, ...] = ()

    @property
    def optional(self) -> bool:
        return self.if_missing is IfMissing.SKIP

    def describe(self) -> str:
        """A short human line, used when the step has no label."""
        return self.KIND


@dataclass(frozen=True, slots=True, kw_only=True)
class Launch(Step):
    """Start the app (stopping it first when ``restart``), optionally through a deep link."""

    KIND: ClassVar[str] = "launch"
    restart: bool = True
    deep_link: str | None = None

    def describe(self) -> str:
        return f"launch via {self.deep_link}" if self.deep_link else "launch app"


@dataclass(frozen=True, slots=True, kw_only=True)
class Tap(Step):
    KIND: ClassVar[str] = "tap"
    target: Locator

    def describe(self) -> str:
        return f"tap {self.target}"


@dataclass(frozen=True, slots=True, kw_only=True)
class TypeText(Step):
    """Type into the element; ``text`` may hold ${PARAM} or ${SECRET} references."""

    KIND: ClassVar[str] = "type"
    target: Locator
    text: str
    clear: bool = True

    def describe(self) -> str:
        return f"type into {self.target}"


@dataclass(frozen=True, slots=True, kw_only=True)
class WaitFor(Step):
    """Wait until the element is visible (the deadline is ``timeout``)."""

    KIND: ClassVar[str] = "wait_for"
    target: Locator

    def describe(self) -> str:
        return f"wait for {self.target}"


@dataclass(frozen=True, slots=True, kw_only=True)
class AssertVisible(Step):
    KIND: ClassVar[str] = "assert_visible"
    target: Locator

    def describe(self) -> str:
        return f"assert visible {self.target}"


@dataclass(frozen=True, slots=True, kw_only=True)
class AssertNotVisible(Step):
    """Passes once the element is gone (waits up to the deadline for it to go)."""

    KIND: ClassVar[str] = "assert_not_visible"
    target: Locator

    def describe(self) -> str:
        return f"assert not visible {self.target}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScrollUntilVisible(Step):
    KIND: ClassVar[str] = "scroll_until_visible"
    target: Locator
    direction: str = "down"  # down | up
    max_scrolls: int = 10

    def describe(self) -> str:
        return f"scroll {self.direction} until {self.target}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Back(Step):
    """System back on Android; on iOS the navigation bar's back button."""

    KIND: ClassVar[str] = "back"

    def describe(self) -> str:
        return "back"


@dataclass(frozen=True, slots=True, kw_only=True)
class Screenshot(Step):
    KIND: ClassVar[str] = "screenshot"
    name: str

    def describe(self) -> str:
        return f"screenshot {self.name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Group(Step):
    """Several steps under one label/condition; also what an include compiles to."""

    KIND: ClassVar[str] = "do"
    steps: tuple[Step, ...]
    source: str | None = None  # the included file, for an include

    def describe(self) -> str:
        return f"include {self.source}" if self.source else f"{len(self.steps)} steps"


@dataclass(frozen=True, slots=True, kw_only=True)
class Checkpoint(Step):
    """After a lost session the runner relaunches the app and resumes at the last checkpoint."""

    KIND: ClassVar[str] = "checkpoint"
    name: str

    def describe(self) -> str:
        return f"checkpoint {self.name}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Stop(Step):
    """End the flow with an outcome (used under ``when:``), e.g. blocked by a sign-in wall."""

    KIND: ClassVar[str] = "stop"
    outcome: IfMissing  # NOT_OFFERED or BLOCKED
    reason: str = ""

    def describe(self) -> str:
        return f"stop: {self.outcome.value}"


State = bool | str
"""A setting's state: on (True) / off (False), or the name of a choice's selected option."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EnsureSetting(Step):
    """Read a control; act only if it differs from the desired state; read it back; watch
    that the change holds (``mobile_optout.toggle`` keeps the rules).

    The control is one of three kinds (exactly one is set; ``control_kind`` names it):
    - ``toggle``: a switch/checkbox, read on or off;
    - ``choice``: radio buttons or a picker, option name -> the option's locator; the
      state is the option that reads selected;
    - ``status`` + ``button``: not a switch: the state is read as On/Off from a status
      text, and the ``button`` (e.g. "Turn off") changes it.
    ``confirm`` answers the confirmation a change may ask for ("Turn off?"). In check mode
    it only reads. ``desired`` None means the flow header's setting desired state.
    """

    KIND: ClassVar[str] = "ensure_setting"
    setting: str
    toggle: Locator | None = None
    choice: tuple[tuple[str, Locator], ...] = ()
    status: Locator | None = None
    button: Locator | None = None
    desired: State | None = None
    confirm: Locator | None = None  # the button that confirms "Turn off ...?" (never cancel)
    question: TextMatch | None = None  # what a prompt asks for ``confirm`` to answer it
    settle: float | None = None  # seconds a change must hold; None = the flow's
    attempts: int = 1  # taps allowed when a change does not hold (one per attempt)
    errors: Locator | None = None  # texts that mean the app could not save the change

    @property
    def control_kind(self) -> str:
        """toggle | choice | button."""
        if self.choice:
            return "choice"
        return "button" if self.status is not None else "toggle"

    def describe(self) -> str:
        return f"ensure {self.setting}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchContext(Step):
    """Move into the app's web view (``webview``: its page is then read and tapped like a
    web page) or back to the app's own screens (``native``); a full context name as
    Appium lists it (``WEBVIEW_com.example``) picks that one."""

    KIND: ClassVar[str] = "context"
    name: str  # "native" | "webview" | a context name

    def describe(self) -> str:
        return f"context {self.name}"


# ---------------------------------------------------------------------------- header parts


@dataclass(frozen=True, slots=True)
class AppId:
    """How the app is known on one platform."""

    platform: Platform
    app_id: str  # Android package, iOS bundle id, or the web page a launch opens (a URL or
    # a path, joined to the device's base_url)
    activity: str | None = None  # Android launch activity


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """A setting the flow governs, e.g. ``generative_ai_training`` desired off.

    ``desired`` is on/off, or for a choice the name of the option to select.
    """

    id: str
    desired: State
    title: str = ""
    where: Where | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What the catalogue of opt-outs says about a flow (``mobile-optout apps``).

    ``app`` is the catalogue name (the flow folder's name unless given); ``confidence``
    is H (an official help page), M (consistent guides) or L (one informal report).
    """

    app: str
    title: str = ""
    control: str = ""
    confidence: str = ""
    sources: tuple[str, ...] = ()
    web: str = ""  # the setting's page on the web, where one exists


@dataclass(frozen=True, slots=True)
class Unsupported:
    """An app with no control a flow can drive (an objection form, an e-mail to an admin):
    the flow runs nothing and reports ``unsupported`` with the reason and the page."""

    reason: str
    page: str = ""


@dataclass(frozen=True, slots=True)
class Interrupt:
    """A screen that may appear at any time, and the tap that dismisses it."""

    name: str
    when: Locator
    tap: Locator
    where: Where


@dataclass(frozen=True, slots=True)
class Blocker:
    """A screen that means the flow cannot go on (a sign-in wall)."""

    name: str
    when: Locator
    where: Where


DEFAULT_SETTLE = 3.0  # seconds a changed setting must hold before it counts as changed

DEFAULT_DENYLIST: tuple[str, ...] = (
    "Delete account", "Close account", "Close your account", "Deactivate",
    "Sign out", "Log out", "Logout", "Remove account", "Erase all", "Delete all",
    "Factory reset",
)


@dataclass(frozen=True, slots=True)
class ParamChoices:
    """A param that declares its allowed values (``NAME: {default: d, choices: [...]}``)."""

    name: str
    default: str
    choices: tuple[str, ...]
    where: Where  # where the param is declared

    def refusal(self, value: str) -> str:
        """The message for a value outside the choices."""
        return f"param {self.name}: {value!r} is not one of {', '.join(self.choices)}"


@dataclass(frozen=True, slots=True)
class PrivacyPage:
    """A page ``scan`` reads (``privacy_pages:`` in a flow): its name, the navigation steps
    that reach it from a launch (no ``ensure_setting``), and what shows once it is open."""

    name: str
    anchor: Locator
    steps: tuple[Step, ...]
    where: Where


@dataclass(frozen=True, slots=True)
class Flow:
    """One compiled flow file."""

    path: Path
    name: str
    where: Where
    platforms: tuple[Platform, ...]
    apps: tuple[AppId, ...]
    steps: tuple[Step, ...]
    description: str = ""
    tags: tuple[str, ...] = ()
    settings: tuple[SettingSpec, ...] = ()
    params: tuple[tuple[str, str], ...] = ()  # declared names with defaults
    secrets: tuple[str, ...] = ()  # names whose values come from the environment only
    param_choices: tuple[ParamChoices, ...] = ()  # params whose values are a closed list
    interrupts: tuple[Interrupt, ...] = ()
    blockers: tuple[Blocker, ...] = ()
    allow_taps: tuple[str, ...] = ()  # denylisted labels this flow may tap anyway
    identity: tuple[Locator, ...] = ()  # where the account's own name shows: redacted when stored
    # identity: {none: why}: the flow says on purpose that it declares no place of its own
    # (only the common places, results.redact.COMMON_IDENTITY, are learned)
    identity_none: str | None = None
    denylist: tuple[str, ...] = field(default=DEFAULT_DENYLIST)
    loading: tuple[Locator, ...] = ()  # texts that say a page is still loading
    settle: float | None = None  # seconds a change must hold; None: the device's (default 3)
    catalogue: Catalogue | None = None
    unsupported: Unsupported | None = None
    languages: tuple[str, ...] = ("en",)  # the languages its texts are given in (strings:)
    privacy_pages: tuple[PrivacyPage, ...] = ()  # what ``scan`` walks (mobile_optout.scan)

    @property
    def app_name(self) -> str:
        """The app's catalogue name: results are grouped by it (the flow folder's name
        unless the flow's ``catalogue: {app: ...}`` says otherwise)."""
        return self.catalogue.app if self.catalogue else self.path.parent.name

    def app_for(self, platform: Platform) -> AppId | None:
        return next((a for a in self.apps if a.platform is platform), None)

    def setting(self, setting_id: str) -> SettingSpec | None:
        return next((s for s in self.settings if s.id == setting_id), None)

    def runs_on(self, platform: Platform) -> bool:
        return platform in self.platforms
