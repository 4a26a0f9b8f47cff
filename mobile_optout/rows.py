"""Which switch belongs to which label: the row rule, one for every platform.

A label and a switch-like control (a Switch, a CheckBox, an iOS switch, a Compose or
Flutter node that says ``checkable="true"`` whatever its class) belong together when they
share the smallest *row* that holds the label and exactly one such control. Looked for
in this order, the first that answers wins:

1. **Its own control**: the label is the control, or lies inside it (a Compose toggleable
   row, a chip, a checkable menu item, an iOS switch named by its label, a switch whose
   content-desc is its title). A label that is a target of its own (a button, a slider,
   a field, anything clickable that is not switch-like), or lies in one, inside a bigger
   switch-like element (a Flutter card that is itself a Switch) is that target's: it
   never names the enclosing switch, by this rule or any other.
2. **A container**: the label's nearest ancestor (the label itself first) that holds any
   control holds exactly one, and that control has no label of its own there. This is a
   settings row (title, summary and widget frame), a two-target preference (the title
   opens a page, the switch beside it is its own target), an iOS cell, a card (an alarm's
   time above its weekdays, with the switch level with the weekdays). A container that is
   a scrolling list or pane, or taller than half the screen, is not a row; nor is one whose
   single control sits in another row that says something of its own (a group of rows),
   nor one where a target of its own (a slider, a button) has the label in its row: level
   with the label and not with the control, or between the two (a slider's title above
   the slider, in a card whose next row has the switch).
3. **A band**, where no container answers (flat Compose/Flutter trees, groups of rows):
   - a control that holds its own label inside it (a tile, a toggleable row) is that
     label's, never another label's by band;
   - controls level with the label (frames overlapping vertically by at least half the
     shorter one) in the same part of the tree: one is the answer; of several, the one
     directly left or right of the label with nothing between them (two columns);
   - none level with it: a title with the summary lines that follow it (its siblings
     below it, in its column, each closer than half a line to the one above) is one row,
     and the control level with that block is its own.

The search never leaves the label's pane or scroll container (two panes side by side are
not one row), never picks a control whose centre is off screen or hidden, and never
chooses between two candidates: real ambiguity is reported with every candidate named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from mobile_optout.locate import Node, Screen

# Containers that scroll or list: a row is never one of them (nor anything above them).
PANE_CLASSES = ("RecyclerView", "ListView", "ScrollView", "GridView", "ViewPager",
                "XCUIElementTypeTable", "XCUIElementTypeCollectionView",
                "XCUIElementTypeScrollView")
STATE_WORDS = re.compile(r"^\s*(on|off|an|aus|oui|non|sí|si|yes|no|1|0)\s*$", re.I)
# What says "still loading": spinner classes, and texts such as "Loading...".
LOADING_CLASSES = ("ProgressBar", "XCUIElementTypeActivityIndicator",
                   "XCUIElementTypeProgressIndicator")
LOADING_TEXT = re.compile(r"^\s*(loading|please wait|one moment)\b.{0,40}$", re.IGNORECASE)
# What one operates that is not switch-like (a button, a slider, a field, a link): a label
# that is one of these, or lies in one, is a control of its own.
TARGET_CLASSES = ("Button", "SeekBar", "Slider", "EditText", "TextField", "SearchField",
                  "Spinner", "RatingBar", "Link")
TARGET_ROLES = frozenset({"button", "link", "slider", "textbox", "searchbox", "combobox",
                          "spinbutton"})
ROW_SHARE_OF_SCREEN = 0.5  # a container taller than this share of the screen is no row
SUMMARY_LINES = 4  # at most this many lines follow a title in its row


@dataclass(frozen=True, slots=True)
class SwitchMatch:
    """What ``Screen.switch_for`` found: the switch, or why there is none."""

    switch: Node | None
    candidates: tuple[Node, ...] = ()  # every switch that could belong to the label
    labels: tuple[Node, ...] = ()  # the nodes the label locator found
    pending: tuple[Node, ...] = ()  # spinners in the label's row, where a switch will be

    def problem(self) -> str:
        """Why there is no switch, in a person's words ("" when there is one)."""
        if self.switch is not None:
            return ""
        if not self.labels:
            return "the label is not on screen"
        if len(self.candidates) > 1:
            names = ", ".join(c.describe() for c in self.candidates)
            return f"{len(self.candidates)} switches could belong to the label: {names}"
        if self.pending:
            return "the switch is not drawn yet (something is loading where it will be)"
        return f"no switch in the same row as {self.labels[0].describe()}"


class Rows:
    """The row rule over one screen (built once per ``Screen``, on first use)."""

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self.controls = [n for n in screen.nodes if is_control(n)]
        self._under: dict[etree._Element, list[Node]] = {}
        self._blocks: dict[etree._Element, list[Node]] = {}
        for control in self.controls:  # every control, listed under each of its ancestors
            el: etree._Element | None = control.el
            while el is not None:
                self._under.setdefault(el, []).append(control)
                el = el.getparent()

    # -- the label -> the switch -------------------------------------------------------

    def switch_for(self, labels: list[Node]) -> SwitchMatch:
        found: dict[int, Node] = {}
        pending: list[Node] = []
        for label in labels:
            row = self.pair(label)
            for control in row:
                found.setdefault(id(control.el), control)
            if not row:
                pending.extend(n for n in self.screen.row_of(label) if is_loading(n))
        candidates = tuple(found.values())
        return SwitchMatch(
            switch=candidates[0] if len(candidates) == 1 else None,
            candidates=candidates, labels=tuple(labels), pending=tuple(pending),
        )

    def pair(self, label: Node) -> list[Node]:
        """The controls that could be ``label``'s: one, none, or the ambiguous several."""
        own = self.own_control(label)
        if own is not None:
            return [own] if self.usable(own) else []
        scope, answered = self._container(label)
        if answered is not None:
            return [answered] if self.usable(answered) else []
        return self._band(label, scope)

    def own_control(self, node: Node) -> Node | None:
        """The control ``node`` is, or lies inside as its label. A node that is a target
        of its own (a button, a slider, a field, anything clickable that is not
        switch-like), or lies in one inside the control, is not the control's label: a
        preset button on a card that is itself a switch names the button, not the card."""
        el: etree._Element | None = node.el
        while el is not None:
            n = self.screen.node_of(el)
            if n is not None and is_control(n):
                return n
            if n is not None and is_target(n):
                return None
            el = el.getparent()
        return None

    def _encloses(self, control: Node, node: Node) -> bool:
        """``control`` is an ancestor of ``node`` in the tree."""
        return any(el is control.el for el in node.el.iterancestors())

    def usable(self, control: Node) -> bool:
        return self.screen.on_screen(control)

    def _container(self, label: Node) -> tuple[etree._Element | None, Node | None]:
        """Walk up from the label: (the scope a band is looked for in, the control a
        row container gives, if one does)."""
        el: etree._Element | None = label.el
        while el is not None:
            node = self.screen.node_of(el)
            if node is not None and is_pane(node):
                return el, None
            held = self._under.get(el, [])
            if len(held) >= 2:
                return el, None
            if len(held) == 1 and held[0].el is el:  # a control enclosing a target of
                return el, None  # its own (see ``own_control``): not the target's row
            if len(held) == 1:
                if node is not None and self._row_like(el, node, held[0], label):
                    return el, held[0]
                return el, None
            el = el.getparent()
        return None, None

    def _row_like(self, el: etree._Element, node: Node, control: Node, label: Node) -> bool:
        size = self.screen.size
        if size is not None and node.bounds is not None \
                and node.bounds.height > ROW_SHARE_OF_SCREEN * size[1]:
            return False
        # The part of the container the control is in must not say something of its own:
        # then it is another row in a group of rows, with its own label.
        part = self._part(el, control.el)
        if any(self._says(n) for sub in part.iter()
               if (n := self.screen.node_of(sub)) is not None and self.own_control(n) is None):
            return False
        # Nor may the label be a target's of its own (a slider's, a button's) rather than
        # the control's: level with that target and not with the control (a slider's
        # value), or with the target between the two (a slider's title above it, in a
        # card whose next row has the switch).
        if any(self._separates(n, label, control) for sub in el.iterdescendants()
               if (n := self.screen.node_of(sub)) is not None and is_target(n)):
            return False
        # Nor may the label's part be a row of its own stacked above or below the control:
        # a tappable frame across the control's column that does not reach its centre.
        own = self.screen.node_of(self._part(el, label.el))
        if own is None or own.bounds is None or control.bounds is None:
            return True
        x, y = control.bounds.center
        b = own.bounds
        across = b.x <= x < b.x + b.width
        level = b.y <= y < b.y + b.height
        return not (own.clickable and across and not level)

    def _separates(self, target: Node, label: Node, control: Node) -> bool:
        """``target`` (holding neither) has ``label`` in its own row rather than
        ``control``'s: level with the label and not with the control, or between them
        (below the one and above the other, or level with both and between them)."""
        if target.bounds is None or label.bounds is None or control.bounds is None \
                or not self.screen.on_screen(target) \
                or self.screen.inside(label, target) or self.screen.inside(control, target):
            return False
        if same_row(label, target) and not same_row(control, target):
            return True
        y = target.bounds.center[1]
        upper, lower = sorted((label.bounds, control.bounds), key=lambda b: b.y)
        if upper.y + upper.height <= y < lower.y and target.bounds.y >= upper.y + upper.height:
            return True
        return same_row(label, target) and same_row(control, target) \
            and _strictly_between(target, label, control)

    @staticmethod
    def _part(container: etree._Element, el: etree._Element) -> etree._Element:
        """The child of ``container`` that holds ``el`` (``el`` itself when it is one)."""
        while (up := el.getparent()) is not None and up is not container:
            el = up
        return el

    @staticmethod
    def _says(node: Node) -> bool:
        return any(t.strip() and not STATE_WORDS.match(t) for t in node.texts)

    def _band(self, label: Node, scope: etree._Element | None) -> list[Node]:
        pane = self.pane_of(label)
        # A frame drawn around a control (a web view, a page) is not its label by band.
        pool = [c for c in (self._under.get(scope, []) if scope is not None else self.controls)
                if self.usable(c) and self.pane_of(c) is pane and not label.covers(c)
                and not self._encloses(c, label) and not self._holds_other_label(c, label)]
        level = [c for c in pool if same_row(label, c)]
        if len(level) == 1:
            return level
        if level:
            return self._beside(label, level)
        rows = [c for c in pool if label in self._block(c)]
        if len(rows) == 2:  # a line between two rows belongs to the nearer control
            near, far = sorted(rows, key=lambda c: _vertical_gap(label, c))
            if _vertical_gap(label, near) < _vertical_gap(label, far):
                return [near]
        return rows

    def _holds_other_label(self, control: Node, label: Node) -> bool:
        """``control`` holds its own label inside it (a quick-settings tile, a Compose
        toggleable row) and that label is not ``label``'s text: it is that label's."""
        said = {" ".join(t.split()).casefold() for t in label.texts}
        inside = [t for sub in control.el.iterdescendants()
                  if (n := self.screen.node_of(sub)) is not None and self._says(n)
                  for t in n.texts]
        return bool(inside) and not any(" ".join(t.split()).casefold() in said for t in inside)

    def _beside(self, label: Node, level: list[Node]) -> list[Node]:
        """Of several controls level with the label, the one directly beside it. Two
        columns: a control with another label directly on its far side is that label's,
        and where both sides still qualify, the side every other label in the band has
        its control on (labels before their switches, or after their checkboxes)."""
        near = self._adjacent(label, level)
        if len(near) == 2:
            free = [c for c in near if not self._flanked(c, label)]
            side = self._band_side(label) if len(free) != 1 else None
            near = free if len(free) == 1 else [
                c for c in near if side is not None and _side(label, c) == side] or near
        if len(near) == 1 and all(self._claimed(c, label) for c in level if c is not near[0]):
            return near
        return level

    def _claimed(self, control: Node, label: Node) -> bool:
        """Another label sits directly beside ``control``: it is that label's."""
        return any(
            n is not label and self._says(n) and self.own_control(n) is None
            and not self._between_anything(n, control)
            for n in self.screen.nodes if n.displayed and same_row(control, n))

    def _between_anything(self, a: Node, b: Node) -> bool:
        """Something that says or switches lies horizontally between ``a`` and ``b``."""
        return any(_strictly_between(m, a, b) for m in self.screen.nodes
                   if m.displayed and m is not a and m is not b
                   and (self._says(m) or is_control(m)) and same_row(a, m))

    def _adjacent(self, label: Node, level: list[Node]) -> list[Node]:
        """Controls in ``level`` with nothing that says or switches between them and
        ``label``: at most one on each side."""
        by_side: dict[int, Node] = {}
        for c in level:
            if not self._between_anything(label, c):
                by_side.setdefault(_side(label, c), c)
        return list(by_side.values())

    def _flanked(self, control: Node, label: Node) -> bool:
        """Another label sits directly beside ``control`` on the side away from ``label``."""
        away = _side(label, control)
        return any(
            n is not label and _side(control, n) == away and self._says(n)
            and self.own_control(n) is None and not self._between_anything(control, n)
            for n in self.screen.nodes if n.displayed and same_row(control, n))

    def _band_side(self, label: Node) -> int | None:
        """The side on which the other labels level with ``label`` have their one control
        beside them (None when they disagree or none has)."""
        sides = set()
        for other in self.screen.nodes:
            if other is label or not other.displayed or not self._says(other) \
                    or self.own_control(other) is not None or not same_row(label, other):
                continue
            level = [c for c in self.controls if self.usable(c) and same_row(other, c)]
            near = self._adjacent(other, level)
            free = [c for c in near if not self._flanked(c, other)]
            if len(free) == 1:
                sides.add(_side(other, free[0]))
        return sides.pop() if len(sides) == 1 else None

    def _block(self, control: Node) -> list[Node]:
        """The lines of ``control``'s row where its tree does not group them: the texts
        level with it, with the title above and the summary lines below that follow on
        (in their column, each closer than half a line to the next, at most a few), up to
        a line that is level with another control or a spinner (that line is another
        row's). Texts under the control's parent only; a button, slider or field is never
        a line of a row (it is a control of its own)."""
        if control.el in self._blocks:
            return self._blocks[control.el]
        parent = control.el.getparent()
        others = [n for n in self.screen.nodes if n is not control and n.displayed
                  and (is_control(n) or is_loading(n))]
        lines = sorted(
            (n for n in (self.screen.node_of(e) for e in (parent.iter() if parent is not None
                                                         else ()))
             if n is not None and n.displayed and n.bounds is not None and n.bounds.height > 0
             and self._says(n) and self.own_control(n) is None and not n.covers(control)
             and not is_widget(n)
             and not any(same_row(n, o) for o in others)),
            key=lambda n: n.bounds.y if n.bounds else 0)
        level = [n for n in lines if same_row(n, control)]
        block: list[Node] = []
        if level:
            lines = [n for n in lines if _overlap_x(n, level[0])]  # the level text's column
            first = lines.index(level[0])
            last = max(i for i, n in enumerate(lines) if same_row(n, control))
            while first > 0 and last - first < SUMMARY_LINES \
                    and _follows(lines[first - 1], lines[first]):
                first -= 1
            while last + 1 < len(lines) and last - first < SUMMARY_LINES \
                    and _follows(lines[last], lines[last + 1]):
                last += 1
            block = lines[first:last + 1]
        self._blocks[control.el] = block
        return block

    # -- the switch -> its label ---------------------------------------------------------

    def label_of(self, control: Node) -> Node | None:
        """The text that names ``control`` (the first of ``labels_of``)."""
        named = self.labels_of(control)
        return named[0] if named else None

    def labels_of(self, control: Node) -> list[Node]:
        """The texts that name ``control``, best first: the control itself when it shows
        more than on/off; else the texts on screen whose row gives exactly this control,
        visible texts before accessibility-only ones (an icon button's description),
        top to bottom."""
        if any(t.strip() and not STATE_WORDS.match(t) for t in control.matched_texts):
            return [control]  # it shows its own label (what a text locator matches)
        pane = self.pane_of(control)
        named = [  # texts in its row, or inside it (a chip, a checkable menu item)
            n for n in self.screen.nodes
            if n is not control and self._says(n) and self.screen.on_screen(n)
            and self.own_control(n) in (None, control)
            and self.pane_of(n) is pane and self.pair(n) == [control]
        ]
        return sorted(named, key=lambda n: (
            n.el.get("text") in (None, "") and n.platform.value == "android",
            n.bounds.y if n.bounds else 0, n.bounds.x if n.bounds else 0))

    def pane_of(self, node: Node) -> etree._Element | None:
        el: etree._Element | None = node.el.getparent()
        while el is not None:
            n = self.screen.node_of(el)
            if n is not None and is_pane(n):
                return el
            el = el.getparent()
        return None


def is_control(n: Node) -> bool:
    """Switch-like: something with an on/off state a person can flip, drawn with a size."""
    return n.checkable and n.displayed and n.bounds is not None \
        and n.bounds.height > 0 and n.bounds.width > 0


def is_target(n: Node) -> bool:
    """Something one operates that is not switch-like: a button, a slider, a field, a
    link, or any other clickable element."""
    return not n.checkable and (n.clickable or is_widget(n))


def is_widget(n: Node) -> bool:
    """A button, slider, field or link by its class or role (clickable or not: a disabled
    button is still a button). A clickable text is not one (an alarm's time opens a
    picker, yet it is the card's title)."""
    return not n.checkable and (n.cls.endswith(TARGET_CLASSES) or n.role in TARGET_ROLES)


def is_pane(n: Node) -> bool:
    return n.el.get("scrollable") == "true" or n.cls.endswith(PANE_CLASSES)


def is_loading(n: Node) -> bool:
    """A spinner, a progress bar, or a "Loading..." text."""
    if any(c in n.cls for c in LOADING_CLASSES) or n.role == "progressbar":
        return True
    return any(LOADING_TEXT.match(t) for t in n.texts)


def same_row(a: Node, b: Node) -> bool:
    """Frames that overlap vertically by at least half the shorter one share a row."""
    if not a.bounds or not b.bounds or a.bounds.height <= 0 or b.bounds.height <= 0:
        return False
    overlap = min(a.bounds.y + a.bounds.height, b.bounds.y + b.bounds.height) - max(
        a.bounds.y, b.bounds.y)
    return overlap * 2 >= min(a.bounds.height, b.bounds.height)


def horizontal_gap(a: Node, b: Node) -> int:
    """The space between two frames side by side (0 when they overlap horizontally)."""
    if a.bounds is None or b.bounds is None:
        return 10**6
    a_right, b_right = a.bounds.x + a.bounds.width, b.bounds.x + b.bounds.width
    return max(0, b.bounds.x - a_right, a.bounds.x - b_right)


def _strictly_between(n: Node, a: Node, b: Node) -> bool:
    """``n``'s centre lies horizontally between frames ``a`` and ``b``."""
    if n.bounds is None or a.bounds is None or b.bounds is None or n.covers(a) \
            or n.covers(b):
        return False
    left = min(a.bounds.x + a.bounds.width, b.bounds.x + b.bounds.width)
    right = max(a.bounds.x, b.bounds.x)
    return left <= n.bounds.center[0] <= right


def _side(a: Node, b: Node) -> int:
    """-1 when ``b`` lies left of ``a``, 1 when right (by centres)."""
    if a.bounds is None or b.bounds is None:
        return 0
    return -1 if b.bounds.center[0] < a.bounds.center[0] else 1


def _overlap_x(a: Node, b: Node) -> bool:
    if a.bounds is None or b.bounds is None:
        return False
    return a.bounds.x < b.bounds.x + b.bounds.width and b.bounds.x < a.bounds.x + a.bounds.width


def _follows(upper: Node, lower: Node) -> bool:
    """``lower`` is the next line after ``upper`` in one block (closer than half a line)."""
    if upper.bounds is None or lower.bounds is None:
        return False
    gap = lower.bounds.y - (upper.bounds.y + upper.bounds.height)
    return gap <= min(upper.bounds.height, lower.bounds.height) // 2


def _vertical_gap(a: Node, b: Node) -> int:
    """The space between two frames one above the other (0 when they overlap)."""
    if a.bounds is None or b.bounds is None:
        return 10**6
    return max(0, b.bounds.y - (a.bounds.y + a.bounds.height),
               a.bounds.y - (b.bounds.y + b.bounds.height))
