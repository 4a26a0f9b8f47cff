"""The ``ensure_setting`` step kind: read a control; act only if it differs from the
desired state; read it back on a settled screen and watch that the change holds.

The truth rules are ``mobile_optout.toggle`` (a switch) and ``mobile_optout.controls`` (a
choice, a status + button); this module builds the step and hands it to them (imported
when the step first runs: compiling a flow, as ``validate`` does, loads no device layer).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mobile_optout.errors import Where
from mobile_optout.flow.model import EnsureSetting, Locator, State, Step
from mobile_optout.flow.schema_parts import DESIRED, SECONDS, ref, string
from mobile_optout.located import RawNode
from mobile_optout.results.record import SettingObservation, StepRecord
from mobile_optout.steps.base import MAX_SCROLLS_TO_PROVE, Compiling, Run, StepKind
from mobile_optout.steps.routes import proof_mode, prove
from mobile_optout.values import on_off

if TYPE_CHECKING:
    from mobile_optout.toggle import Toggle

ENSURE_KEYS = ("setting", "toggle", "choice", "status", "button", "desired", "confirm",
               "question", "settle", "attempts", "errors")
CONTROL_KEYS = ("toggle", "choice", "status")
MAX_ATTEMPTS = 3


def build_ensure(c: Compiling, f: Any, node: RawNode, where: Where, common: dict[str, Any]
                 ) -> Step | None:
    m = c.payload_map(f, node, "ensure_setting", ENSURE_KEYS, ("setting",))
    if m is None:
        return None
    controls = [k for k, _ in m.items if k.value in CONTROL_KEYS]
    if len(controls) != 1:
        where_ = controls[1].where if controls else m.where
        c.err(f, where_, "ensure_setting takes exactly one control: toggle: (a switch), "
              "choice: (options) or status: (a status text, with button:)")
        return None
    setting_node = m.get("setting")
    assert setting_node is not None
    setting = c.text(f, setting_node, "setting", expands=False)
    kw: dict[str, Any] = {}
    for key in ("toggle", "status", "button", "confirm"):
        if (n := m.get(key)) is not None:
            kw[key] = c.locator(f, n, key)
    kind = str(controls[0].value)
    if (kind == "status") != ("button" in m):
        c.err(f, m.where, "status: and button: go together: the status text shows "
              "the state, the button changes it")
        return None
    if (n := m.get("choice")) is not None:
        kw["choice"] = choice_options(c, f, n)
    desired: State | None = None
    if (n := m.get("desired")) is not None:
        desired = desired_state(c, f, n, [name for name, _ in kw.get("choice", ())])
        if desired is None:
            return None
    if (n := m.get("errors")) is not None:
        kw["errors"] = c.locator(f, n, "errors")
    if (n := m.get("question")) is not None:
        kw["question"] = c.text_match(f, n)
    if (n := m.get("settle")) is not None:
        kw["settle"] = c.number(f, n, "settle")
    if (n := m.get("attempts")) is not None:
        kw["attempts"] = c.integer(f, n, "attempts", 1, MAX_ATTEMPTS)
    if None in kw.values() or kw.get("choice") == ():
        return None
    if setting is not None:
        options = tuple(name for name, _ in kw.get("choice", ()))
        c.setting_uses.append((setting, setting_node.where, f.source, options))
    if setting is None:
        return None
    return EnsureSetting(where=where, setting=setting, desired=desired, **kw, **common)


def choice_options(c: Compiling, f: Any, node: RawNode) -> tuple[tuple[str, Locator], ...]:
    """choice: {option name: the option's locator, ...} (at least two)."""
    m = c.mapping(f, node, "choice")
    if m is None:
        return ()
    if len(m.items) < 2:
        c.err(f, m.where, "choice needs at least two options (name: locator)")
        return ()
    out = []
    for key, value in m.items:
        loc = c.locator(f, value, f"option {key.value}")
        if loc is None:
            return ()
        out.append((str(key.value), loc))
    return tuple(out)


def desired_state(c: Compiling, f: Any, node: RawNode, options: Sequence[str]) -> State | None:
    """on/off, or (for a choice) the name of an option."""
    if options:
        return c.choice(f, node, "desired", options)
    return c.boolean(f, node, "desired")


def run_ensure(run: Run, step: EnsureSetting, record: StepRecord) -> None:
    """Read the control on a settled screen; act only if it differs; read it back and watch
    that the change holds (``mobile_optout.toggle`` keeps the rules; a choice and a status
    + button control read and tap their own way: ``mobile_optout.controls``). In check
    mode, only read. At most one tap per declared attempt."""
    from mobile_optout.controls import control_for  # the device layer loads on first run
    from mobile_optout.toggle import Toggle

    assert run.device is not None
    device = run.device
    obs, desired = _observation(run, step)
    timeout = run.timeout_for(step)
    settle = run.settle_for(step)

    def shoot(name: str) -> str | None:
        return run.screenshot(name, record)

    control: Toggle
    if step.toggle is not None:
        toggle = run.vars.locator(step.toggle)
        loc = toggle.for_platform(device.platform)
        # Wait for the label (or the toggle) to show at all: interrupts, blockers, if_missing.
        shown = loc.switch_for if loc is not None and loc.switch_for is not None else toggle
        control = Toggle(device, step, toggle, timeout=timeout, settle=settle, shoot=shoot)
        verb, did = "turn", "turned"
    else:
        control = control_for(device, step, desired, timeout=timeout, settle=settle,
                              shoot=shoot)
        shown, verb, did = control.shown(step), "make", "made"
    started = time.monotonic()
    run.find(step, shown)
    after = _meanwhile(run, control, shoot)
    reading = control.read(max(started + timeout, time.monotonic() + device.poll))
    if obs.before is None:
        obs.before = reading.state
    obs.after = reading.state
    if control.meanwhile.pop("between", None) is not None:  # (no wait came)
        shoot("setting-before")
    if reading.state == desired:
        record.message = f"already {on_off(desired)}"
        return
    if not control.actionable(reading):  # in check mode too: is it offered here?
        button = run.vars.locator(step.button or shown)
        if run.seek(step, button, "down", MAX_SCROLLS_TO_PROVE) is None:
            run.missing(step, f"{button} is not on the page (seen to its end): nothing "
                        "changes it here")
        reading = control.read(time.monotonic() + timeout)  # it was further down
    if run.check_mode:
        record.message = f"is {on_off(reading.state)}; would {verb} it {on_off(desired)}"
        return
    run.tapped_setting = True
    try:
        control.proof_follows = proof_mode(run) != "none"  # (its read is a tree's)
        control.change(reading, desired, obs)
    finally:
        if obs.taps and (not after or obs.attempts):  # (the last attempt's too)
            shoot("setting-after")
    confirmed = f", confirmed with {', '.join(repr(c) for c in obs.confirmed)}" \
        if obs.confirmed else ""
    record.message = (f"{did} {on_off(desired)}{confirmed}; held {obs.held_s:g}s and read "
                      f"back on a fresh screen")
    prove(run, step, control, run.vars.locator(shown), desired, obs, record)


def _meanwhile(run: Run, control: Toggle, shoot: Callable[[str], str | None]
               ) -> list[str | None]:
    """The evidence screenshots take the time of waits that are due anyway: "before"
    between the reading's two looks, "after" inside the settle window, with the run's
    other spare work (``run.spare``). Returns the list the "after" shot goes to."""
    after: list[str | None] = []
    control.meanwhile["between"] = lambda: shoot("setting-before")

    def holding() -> None:
        after.append(shoot("setting-after"))
        run.spare()

    control.meanwhile["holding"] = holding
    return after


def _observation(run: Run, step: EnsureSetting) -> tuple[SettingObservation, State]:
    """The setting's observation (made on first use) and its desired state."""
    spec = run.flow.setting(step.setting)
    desired = step.desired if step.desired is not None else (spec.desired if spec else False)
    if run.setting is None:
        run.setting = SettingObservation(id=step.setting, desired=desired)
    return run.setting, desired


ENSURE = StepKind(
    "ensure_setting", EnsureSetting, build_ensure,
    "Read a control; act only if it differs from the desired state; read it back on a "
    "settled screen and watch that the change holds.",
    {
    "type": "object",
    "properties": {
        "setting": string("A setting id declared under settings:."),
        "toggle": {"description": "A switch or checkbox.", **ref("locator")},
        "choice": {
            "description": "Radio buttons or a picker: option name -> the option's "
            "locator (its label); the setting's desired state names an option.",
            "type": "object", "minProperties": 2,
            "additionalProperties": ref("locator"),
        },
        "status": {"description": "A text that shows the state as On/Off (with "
                   "button:).", **ref("locator")},
        "button": {"description": "What to tap to change the state (with status:), "
                   "e.g. Turn off.", **ref("locator")},
        "confirm": {"description": "The button that confirms a \"Turn off ...?\" dialog "
                    "or sheet (use any: for several wordings); never a cancel.",
                    **ref("locator")},
        "question": {"description": "What a dialog or sheet asks (its text: a string, or "
                     "{contains:}/{regex:}) for confirm: to answer it; a confirm: button is "
                     "tapped only in a prompt that asks this.",
                     "oneOf": [{"type": "string"}, ref("textMatch")]},
        "desired": {**DESIRED, "description": "Override the setting's desired state."},
        "settle": {"description": "Seconds the change must hold before it counts "
                   "(default: the flow's settle, 3).", **SECONDS},
        "attempts": {"description": "Taps allowed when a change does not hold: one per "
                     "attempt (1).", "type": "integer", "minimum": 1, "maximum": MAX_ATTEMPTS},
        "errors": {"description": "Texts that mean the app could not save the change "
                   "(besides toasts, snackbars and \"couldn't save\"-like texts).",
                   **ref("locator")},
    },
    "required": ["setting"],
    "oneOf": [{"required": ["toggle"]}, {"required": ["choice"]},
              {"required": ["status", "button"]}],
    "additionalProperties": False,
    },
    run_ensure,
)
