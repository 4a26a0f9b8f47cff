"""Controls that are not plain switches, read and changed by the rules of
``mobile_optout.toggle`` (a settled screen, one tap, a confirmation answered, a change
that must hold): only how the state is read and what is tapped differ.

- ``Choice``: radio buttons or a picker. The state is the one option that reads selected
  (``Screen.option_selected``: the radio in the option's row is checked, or the row says
  ``selected``); the control tapped is the desired option's radio, else the option itself.
- ``StatusButton``: a button and a confirmation ("Gemini Apps Activity: Off" with a
  "Turn off" button that asks first). The state is the status text's on/off
  (``Screen.status_state``); the control tapped is the button.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from mobile_optout.device import Device, Target
from mobile_optout.flow.model import EnsureSetting, Locator, State
from mobile_optout.locate import Node, Screen
from mobile_optout.toggle import Reading, Toggle

Shoot = Callable[[str], "str | None"]


def control_for(device: Device, step: EnsureSetting, desired: State, *, settle: float,
                timeout: float, shoot: Shoot) -> _Control:
    """The reader for the step's kind of control (not a toggle)."""
    kind = Choice if step.control_kind == "choice" else StatusButton
    return kind(device, step, desired, settle=settle, timeout=timeout, shoot=shoot)


class _Control(Toggle, ABC):
    """A control whose state and tap target are read from the whole row, not one switch."""

    one_element = False  # its state is the row's: every look reads the tree

    def __init__(self, device: Device, step: EnsureSetting, desired: State, *,
                 settle: float, timeout: float, shoot: Shoot) -> None:
        super().__init__(device, step, self.shown(step), settle=settle, timeout=timeout,
                         shoot=shoot)
        self.desired = desired

    @staticmethod
    @abstractmethod
    def shown(step: EnsureSetting) -> Locator:
        """What shows that the control is on the page (waited for before reading)."""

    def _find(self, screen: Screen, locator: Locator) -> Node | None:
        return screen.first(self.device.expand(locator))


class Choice(_Control):
    @staticmethod
    def shown(step: EnsureSetting) -> Locator:
        return Locator(step.where, any=tuple(loc for _, loc in step.choice))

    def _read(self, screen: Screen, tapped: Target | None
              ) -> tuple[Target | None, State | None, str]:
        nodes = {name: node for name, loc in self.step.choice
                 if (node := self._find(screen, loc)) is not None}
        if not nodes:
            return None, None, "no option of the choice is on screen"
        picked = [name for name, node in nodes.items() if screen.option_selected(node)]
        if len(picked) != 1:
            said = ", ".join(picked) if picked else "none"
            return None, None, f"one option must read selected, not {said}"
        option = nodes.get(str(self.desired))
        if option is None:
            return None, picked[0], f"the option {self.desired} is not on screen"
        mark = screen.toggle_near(option)
        node = mark if mark is not None and mark in screen.row_of(option) else option
        return Target(node.describe(), node=node, screen=screen), picked[0], ""


class StatusButton(_Control):
    @staticmethod
    def shown(step: EnsureSetting) -> Locator:
        assert step.status is not None
        return step.status

    def _read(self, screen: Screen, tapped: Target | None
              ) -> tuple[Target | None, State | None, str]:
        assert self.step.status is not None and self.step.button is not None
        status = self._find(screen, self.step.status)
        if status is None:
            return None, None, f"{self.step.status} is not on screen"
        state = screen.status_state(status)
        if state is None:
            return None, None, f"{status.describe()} says neither on nor off"
        button = self._find(screen, self.step.button) if state != self.desired else None
        node = button if button is not None else status
        return Target(node.describe(), node=node, screen=screen), state, ""

    def actionable(self, reading: Reading) -> bool:
        """False when the page shows the state but no button to change it."""
        screen = reading.target.screen
        assert screen is not None and self.step.status is not None
        return self._find(screen, self.step.status) is not reading.target.node
