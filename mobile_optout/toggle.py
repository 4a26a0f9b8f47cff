"""Reading and changing one toggle truthfully: the rules behind "never a false changed".

``ensure_setting`` (runner.py) asks a ``Toggle`` for a settled reading and, in apply mode,
for a change that holds. The rules, each kept here and nowhere else:

- **The right switch.** A ``switch_for`` locator is answered by row geometry
  (``Screen.switch_for``): never another row's switch; two candidates, or none yet, is
  waited on and then a failure naming the candidates, before anything is tapped. The
  read-back reads the very element that was tapped (``Screen.same_node``).
- **A settled screen.** A state is read only when nothing on the page is loading
  (``Screen.loading``: spinners, progress bars, "Loading..." texts, the flow's ``loading:``),
  no dialog is on top, the switch is enabled, and two consecutive looks agree. A switch
  that stays disabled until the deadline is a failure, never a state.
- **A change that holds.** After the tap, a dialog or sheet is answered with the step's
  ``confirm:`` button (never a cancel; the denylist applies); one the flow cannot answer
  is a failure naming its text. Once the switch reads the desired state it is watched for
  the settle window and read again on a fresh screen. A flip-back, a declared error text,
  a "couldn't save"-like text, a toast or a snackbar is a failure saying what happened; a
  declared extra attempt taps once more, and is recorded. Never more taps than attempts.

Cost: one tree read per screen state. The look that identifies the switch reads the page
source; the looks after it on the same page (the second look that must agree, the look
right after the tap, the looks through the settle window) read the switch itself, cheaply
(``mobile_optout.recheck``: two finds, the switch in its state and enabled, and nothing
on top, loading, saying the save failed or showing the switch otherwise), and read the
tree again only when that answer is not clean. A turn seen on a cheap look is followed at
once by a tree read inside the settle window (a sheet of plain views shows only there);
the last look of the window reads the tree unless a re-opened page's reading follows (the
proof). A screenshot taken for evidence, and the run's other spare questions (the
server's version, the device's language), spend the time of a wait that is due anyway
(``meanwhile``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from mobile_optout.device import Device, Target
from mobile_optout.errors import StepFailed
from mobile_optout.flow.model import EnsureSetting, Locator, Platform, State
from mobile_optout.locate import Screen, needs_server
from mobile_optout.onscreen import answers, generic, look
from mobile_optout.recheck import Recheck
from mobile_optout.results.record import SettingObservation
from mobile_optout.values import on_off

# Texts that, appearing after a tap, mean the app could not save it.
ERROR_TEXT = re.compile(
    r"couldn[\u2019']?t (be )?sav|could not (be )?sav|can[\u2019']?t sav|cannot sav|unable to sav"
    r"|failed to (save|update)|not saved|something went wrong|try again",
    re.IGNORECASE,
)
# A confirm locator that finds one of these is a mistake: the runner never cancels.
CANCEL_TEXT = re.compile(r"^\s*(cancel|keep( it)?( on)?|no|go back|back|not now|dismiss|close)\s*$",
                         re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reading:
    """A settled state of the switch, and the element it was read from."""

    target: Target
    state: State


class _NotHeld(Exception):
    """A change that did not hold (retryable) or could not be made (final)."""

    def __init__(self, message: str, *, retry: bool, screen: Screen | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.screen = screen


class Toggle:
    """One ``ensure_setting`` step's switch on one device."""

    one_element = True  # its state is one element's own: it can be re-read cheaply

    def __init__(self, device: Device, step: EnsureSetting, toggle: Locator, *,
                 settle: float, timeout: float, shoot: Callable[[str], str | None]) -> None:
        self.device = device
        self.step = step
        self.platform: Platform = device.platform
        loc = toggle.for_platform(self.platform)
        assert loc is not None, "the caller found the toggle on this platform"
        self.locator = loc
        self.settle = settle
        self.timeout = timeout
        self.shoot = shoot  # saves a screenshot as evidence; returns its file name
        self.loading = device.flow.loading
        self.taps = 0  # taps made on the switch by this step
        self.recheck = Recheck(device, step.errors)  # cheap looks at an identified switch
        self.proof_follows = False  # a re-opened page's reading follows the settle window
        # Work to do in the time of a wait that is due anyway (an evidence screenshot), by
        # name: "between" the two looks of a reading, "holding" in the settle window.
        self.meanwhile: dict[str, Callable[[], object]] = {}
        self._turned: Target | None = None  # the switch as read when it turned
        self._tree_due = False  # it turned on a cheap look: the window's first look is a tree

    # -- one look ----------------------------------------------------------------------

    def look(self, screen: Screen, tapped: Target | None = None
             ) -> tuple[Target | None, State | None, str]:
        """(switch, state, problem) on this screen; the problem is "" when the state is
        readable now."""
        if loading := screen.loading(self.loading):
            return None, None, f"the page is still loading ({loading[0].describe()})"
        modal = look(screen).modal
        if modal is not None and modal.kind != "dialog":  # a prompt: never the page
            return None, None, f"something is on top of the page: {modal.describe()}"
        switch, state, problem = self._read(screen, tapped)
        if modal is not None and (switch is None or switch.node is None
                                  or not modal.holds(switch.node)):
            # A switch under a sheet reads whatever it was drawn with: never the state.
            return None, None, f"something is on top of the page: {modal.describe()}"
        return switch, state, problem

    def actionable(self, reading: Reading) -> bool:
        """Whether the reading's target is what changes the state (a switch always is; a
        status + button control may show its state with no button to change it)."""
        return True

    def _read(self, screen: Screen, tapped: Target | None
              ) -> tuple[Target | None, State | None, str]:
        """The control and its state on a settled screen with nothing on top (a kind of
        control that is not a switch reads its own way: ``mobile_optout.controls``)."""
        target = self._switch(screen)
        if isinstance(target, str):
            return None, None, target
        if tapped is not None and not self._same(target, tapped) and (
                self.locator.kind != "switch_for"):
            # (a switch found by its label is found again by it when it was re-created)
            return None, None, (f"the switch that was tapped ({tapped.description}) is gone; "
                                f"{target.description} is there instead")
        state, enabled = self._state(target)
        if state is None:
            raise StepFailed(
                f"{self.step.where}: {target.description} is not a toggle; cannot read its "
                f"state", expected="a switch with an on/off state", actual=target.description,
                ui_tree=screen.source,
            )
        if not enabled:
            return target, state, "the switch stayed disabled"
        return target, state, ""

    def _switch(self, screen: Screen) -> Target | str:
        loc = self.locator
        if loc.kind == "switch_for" and loc.switch_for is not None and not needs_server(
                loc, self.platform):
            match = screen.switch_for(self.device.expand(loc.switch_for))
            if match.switch is None:
                return match.problem()
            node = match.switch
            return Target(node.describe(), node=node, screen=screen, locator=loc)
        target = self.device.look(loc)
        return target if target is not None else f"{loc} is not on screen"

    def _state(self, target: Target) -> tuple[bool | None, bool]:
        if target.node is not None:
            return target.node.checked, target.node.enabled
        state = self.device.toggle_state(target)
        return state, self.device.enabled(target)

    @staticmethod
    def _same(target: Target, tapped: Target) -> bool:
        if target.node is None or tapped.node is None:
            return target.element is tapped.element or target.node is None
        assert target.screen is not None
        return target.screen.same_node(tapped.node) is target.node

    # -- a settled reading -----------------------------------------------------------------

    def read(self, deadline: float, tapped: Target | None = None) -> Reading:
        """The switch's state once the screen is settled and two looks agree (the first
        look is the screen already read), and once it agrees with the state the page before
        showed for it (the list row's On/Off), or, where none was shown, with one more
        reading after a settle window: a page may draw a default first. A failure naming
        why (and both readings, when they disagree) at the deadline."""
        device = self.device
        previous: tuple[object, State] | None = None
        first: tuple[State, float] | None = None  # an agreed reading, awaiting its second
        shown = device.way_in if tapped is None else None
        longest = deadline + self.settle + 2 * device.poll
        fresh = False
        last: tuple[Target, State] | None = None  # the switch as the last clean look read it
        while True:
            looked = time.monotonic()
            screen, (target, state, problem), cheap = self._next_look(last, fresh, tapped)
            if not cheap:  # a tree: looked at when it was read (it may have been cached)
                looked = min(looked, device.read_at)
            last = (target, state) if not problem and target is not None and \
                state is not None else None
            if not problem and target is not None and state is not None:
                key = (_identity(target), state)
                if previous == key:
                    problem = self._late(state, shown, first)
                    if not problem:
                        return Reading(target, state)
                    if shown is None and (first is None or first[0] != state):
                        first = (state, time.monotonic())
                else:
                    previous, problem = key, _UNAGREED
            else:
                previous = None
                modal = look(screen).modal
                if device.dismiss_interrupt() or (
                        modal is not None and device.answer_prompt(modal)):
                    fresh = False
                    continue
            # At the deadline, fail, unless a second look may still confirm the first
            # (a look that keeps changing is given two polls more, then fails too); the
            # settle window before a second reading is the rule's, not the page's delay.
            if first is not None and shown is None:
                deadline = min(longest, max(deadline, first[1] + self.settle + 2 * device.poll))
            late = time.monotonic() - deadline
            if late >= 0 and (previous is None or late >= 2 * device.poll or first):
                # (two looks that agree but not with the way in fail naming both)
                problem = "it kept changing between looks" \
                    if problem == _UNAGREED and not first else problem
                untouched = "; nothing was tapped" if not self.taps else ""
                raise StepFailed(
                    f"{self.step.where}: cannot read {self.step.setting}: {problem} "
                    f"(waited {self.timeout:g}s){untouched}" if tapped is None else
                    f"{self.step.where}: cannot read {self.step.setting} back: {problem}",
                    expected=f"{self.locator} enabled, on a settled screen",
                    actual=screen.summary(), ui_tree=screen.source,
                )
            if first is not None and previous is not None:
                # the settle window before the second reading (never past the deadline)
                wait = min(first[1] + self.settle, deadline) - time.monotonic()
                self._spend("between")
                device.pause(max(wait, device.poll))
            else:
                if previous is not None:
                    self._spend("between")
                # a poll interval from the start of the last look to the next one
                device.pause(max(0.0, device.poll - (time.monotonic() - looked)))
            fresh = True

    def _next_look(self, last: tuple[Target, State] | None, fresh: bool,
                   tapped: Target | None
                   ) -> tuple[Screen, tuple[Target | None, State | None, str], bool]:
        """The screen looked at, what it says, and whether that was the cheap look: the
        switch itself when a clean look identified it and the cheap answer is clean, else
        the (fresh) tree."""
        cheap = self._cheap(last) if fresh else None
        if cheap is not None:
            return self.device.screen(), cheap, True  # (the snapshot it was found on)
        screen = self.device.screen(fresh=fresh)
        return screen, self.look(screen, tapped), False

    def _cheap(self, last: tuple[Target, State] | None) -> tuple[Target, State, str] | None:
        """Another look at the switch the last clean look identified (in the state it
        read), read off the switch itself (``mobile_optout.recheck``); None when only the
        tree can answer."""
        if last is None or not self.one_element:
            return None
        target, expected = last
        got = self.recheck.read(target, expected) if isinstance(expected, bool) else None
        if got is None:
            return None
        state, enabled = got
        return target, state, "" if enabled else "the switch stayed disabled"

    def _spend(self, when: str) -> None:
        """Do what was left for this wait (once)."""
        work = self.meanwhile.pop(when, None)
        if work is not None:
            work()

    def _late(self, state: State, shown: tuple[str, bool] | None,
              first: tuple[State, float] | None) -> str:
        """Why an agreed reading is not yet the state ("" when it is): it disagrees with
        the row's status on the way in, or it still needs its second reading."""
        if shown is not None:
            row, was = shown
            if was != state:
                return (f"it reads {on_off(state)} but {row} showed {on_off(was)} on the "
                        "way in")
            return ""
        if first is None:
            return f"waiting {self.settle:g}s for a second reading of {on_off(state)}"
        if first[0] != state:
            return (f"it read {on_off(first[0])}, then {on_off(state)} {self.settle:g}s "
                    "later")
        if time.monotonic() - first[1] >= self.settle:
            return ""
        return f"waiting {self.settle:g}s for a second reading of {on_off(state)}"

    # -- a change that holds ---------------------------------------------------------------

    def change(self, reading: Reading, desired: State, obs: SettingObservation) -> None:
        """Tap, answer a confirmation, watch the change hold; at most ``attempts`` taps."""
        attempts = self.step.attempts
        for attempt in range(1, attempts + 1):
            try:
                if reading.state != desired:
                    baseline = set(self.device.screen().texts())
                    tapped = self.device.tap(reading.target, settle=False)  # (see _turn)
                    self.taps += 1
                    obs.taps += 1
                    turned = self._turn(tapped, desired, baseline, obs)
                else:  # it came back to the desired state on its own: watch it hold
                    tapped, baseline = reading.target, set(self.device.screen().texts())
                    turned = time.monotonic()
                self._hold(tapped, desired, baseline, turned, obs)
                return
            except _NotHeld as failure:
                obs.attempts.append(f"attempt {attempt}: {failure.message}")
                if not failure.retry or attempt == attempts:
                    screen = failure.screen or self.device.screen()
                    tried = f" ({attempt} attempts)" if attempt > 1 else ""
                    raise StepFailed(
                        f"{self.step.where}: {self.step.setting} {self._verdict(screen, desired)}"
                        f"{tried}: {failure.message}",
                        expected=f"{self.step.setting} {on_off(desired)}, holding",
                        actual=screen.summary(), ui_tree=screen.source,
                    ) from None
            reading = self.read(time.monotonic() + self.timeout)
            obs.after = reading.state

    def _verdict(self, screen: Screen, desired: State) -> str:
        """What the final reading says: "did not change" only when it reads the old state."""
        try:
            _, state, problem = self.look(screen)
        except StepFailed:
            state, problem = None, "unreadable"
        if state is not None and state != desired and not problem:
            return "did not change"
        if state == desired and not problem:
            return "reads changed but the change was not proven"
        return "is not known to have changed (it could not be read at the end)"

    def _turn(self, tapped: Target, desired: State, baseline: set[str],
              obs: SettingObservation) -> float:
        """After the tap: answer dialogs until the tapped switch reads ``desired`` with
        nothing on top; returns when it did."""
        device = self.device
        deadline = time.monotonic() + self.timeout
        problem = ""
        if self._turned_cheaply(tapped, desired):
            obs.after = desired
            return time.monotonic()
        while True:
            screen = device.screen()
            self._check_errors(screen, baseline, "after the tap", obs)
            if self._answer(screen, baseline, obs):
                continue
            seen, state, problem = self.look(screen, tapped)
            if state is not None:
                obs.after = state
            if not problem and state == desired:
                self._turned = seen
                return time.monotonic()
            if time.monotonic() >= deadline:
                raise _NotHeld(
                    f"tapped {tapped.description} but it still reads {on_off(state)} after "
                    f"{self.timeout:g}s" + (f" ({problem})" if problem else ""),
                    retry=False, screen=screen,
                )
            device.pause()
            device.changed()

    def _turned_cheaply(self, tapped: Target, desired: State) -> bool:
        """Right after the tap: the tapped switch reads ``desired`` on a cheap look, with
        nothing on top, loading or saying the save failed (``recheck``). Then the settle
        window starts now, and its first look reads the tree (``_hold``): a sheet of plain
        views, which no query sees, is seen there."""
        if not self._reads_cheaply(tapped, desired):
            return False
        self._turned, self._tree_due = tapped, True
        return True

    def _hold(self, tapped: Target, desired: State, baseline: set[str], turned: float,
              obs: SettingObservation) -> None:
        """Watch for the settle window, then read again from a fresh screen: the change
        counts only when every look agrees. (A change seen on a cheap look is looked at
        in the tree first, at once.)"""
        device = self.device
        end = turned + self.settle
        interval = max(device.poll, self.settle / 3)
        while True:
            if self._tree_due:
                self._tree_due, final = False, time.monotonic() >= end
            else:
                self._spend("holding")  # once, inside the window: no time of its own
                left = end - time.monotonic()
                device.pause(min(interval, left) if left > 0 else device.poll)
                final = time.monotonic() >= end
                if self._holds_cheaply(desired, final):
                    if final:
                        held = time.monotonic() - turned
                        obs.held_s = round(held, 2)
                        obs.reread = (f"{tapped.description} read {on_off(desired)} "
                                      f"{held:.1f}s after it turned (on the switch itself, "
                                      "nothing on top)")
                        return
                    continue
            screen = device.screen(fresh=True)
            held = time.monotonic() - turned
            self._check_errors(screen, baseline, f"{held:.1f}s after it turned "
                               f"{on_off(desired)}", obs)
            if self._answer(screen, baseline, obs):  # a sheet that came late
                turned = self._turn(tapped, desired, baseline, obs)
                end = turned + self.settle
                continue
            target, state, problem = self.look(screen, tapped)
            if state is not None:
                obs.after = state
            if state is not None and state != desired:
                shot = self.shoot("flip-back")
                if shot:
                    obs.evidence.append(shot)
                said = self._said(screen, set())  # (even a notice an earlier try left)
                obs.flip_back = (
                    f"the app showed {said[0]!r} {held:.1f}s after it turned "
                    f"{on_off(desired)}" if said else
                    f"turned {on_off(desired)}, then it read {on_off(state)} again "
                    f"{held:.1f}s later")
                raise _NotHeld(obs.flip_back, retry=True, screen=screen)
            if problem or target is None:
                if time.monotonic() >= end + self.timeout:
                    raise _NotHeld(f"could not read it back: {problem}", retry=False,
                                   screen=screen)
                continue
            if time.monotonic() >= end:
                obs.held_s = round(held, 2)
                obs.reread = (f"{target.description} read {on_off(state)} on a fresh screen "
                              f"{held:.1f}s after it turned")
                return

    def _holds_cheaply(self, desired: State, final: bool) -> bool:
        """The switch that turned still reads ``desired``, enabled, in place, with nothing
        on top, loading or saying the save failed (``recheck``). Anything else, and the
        last look when no re-opened page will be read, goes to the tree."""
        turned = self._turned
        if turned is None or (final and not self.proof_follows):
            return False
        return self._reads_cheaply(turned, desired)

    def _reads_cheaply(self, switch: Target, desired: State) -> bool:
        """``switch`` reads ``desired`` and enabled on a cheap look, nothing wrong."""
        return self.one_element and isinstance(desired, bool) and \
            self.recheck.read(switch, desired) == (desired, True)

    def _check_errors(self, screen: Screen, baseline: set[str], when: str,
                      obs: SettingObservation) -> None:
        """An error text, toast or snackbar that was not there before the tap."""
        said = self._said(screen, baseline)
        if said:
            shot = self.shoot("save-error")
            if shot:
                obs.evidence.append(shot)
            obs.flip_back = f"the app showed {said[0]!r} {when}"
            raise _NotHeld(obs.flip_back, retry=True, screen=screen)

    def _said(self, screen: Screen, baseline: set[str]) -> list[str]:
        """What the screen says about the save, beyond ``baseline``: toasts and snackbars,
        error texts, and the step's own ``errors:``."""
        said = [t for t in screen.notices() if t not in baseline]
        said += [t for t in screen.texts() if t not in baseline and ERROR_TEXT.search(t)]
        if self.step.errors is not None:
            said += [t for n in screen.find(self.device.expand(self.step.errors))
                     for t in n.texts if t not in baseline]
        return said

    def _answer(self, screen: Screen, baseline: set[str], obs: SettingObservation) -> bool:
        """Something on top after the tap: the flow's interrupts and the safe answers to
        system and rating prompts first; then the step's confirmation, only in a prompt
        that asks the step's ``question:`` (a generic "OK"/"Yes"/"Continue" never answers
        without one), by the button's text. Anything else fails naming the question and
        its buttons, with nothing tapped on it. False: nothing is on top."""
        modal = look(screen).modal
        if modal is None:
            return False
        device = self.device
        if device.dismiss_interrupt() or device.answer_prompt(modal):
            return True
        step = self.step
        problem = "the flow declares no confirm: for it"
        if step.confirm is not None:
            confirm = device.expand(step.confirm)
            buttons = [n for n in screen.find(confirm) if modal.holds(n)]
            said = next((t for n in buttons for t in n.texts), "")
            if step.question is not None and not answers(step.question, modal):
                problem = f"it is not the question the flow answers ({step.question})"
            elif not buttons:
                problem = "none of its buttons is the flow's confirm: button"
            elif step.question is None and generic(said):
                problem = (f"{said!r} alone is not a confirmation: the flow names no "
                           "question: for it")
            elif CANCEL_TEXT.match(said):
                raise _NotHeld(f"the confirm: locator found {said!r}, which would cancel",
                               retry=False, screen=screen)
            else:
                button = buttons[0]
                device.tap(Target(button.describe(), node=button, screen=screen,
                                  locator=step.confirm), modal=modal, said=said)
                obs.confirmed.append(said)
                return True
        raise _NotHeld(
            f"a question is open: {modal.describe()}; {problem}, so nothing was tapped on it",
            retry=False, screen=screen,
        )


_UNAGREED = "waiting for a second look to agree"


def _identity(target: Target) -> object:
    if target.node is not None:
        n = target.node
        return (n.cls, n.resource_id, n.accessibility_id, n.bounds)
    return id(target.element)
