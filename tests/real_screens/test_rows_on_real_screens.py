"""The row rule on real page sources (tests/data/real_screens, with hand-written ground
truth): every labelled control is the one ``switch_for`` picks; a label with no switch of
its own, and a switch off screen, are never picked; ``inspect`` suggests, for every
control, a locator that finds exactly it and names its label (a multi-line label by its
first line, its title)."""

from __future__ import annotations

from functools import cache

import pytest
import yaml
from real_screens.real_corpus import Case, cases

from mobile_optout.errors import Where
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.inspection import describe, inspect_source
from mobile_optout.locate import Screen

HERE = Where("real-screens", 1)
CASES = cases()
CONTROLS = [c for c in CASES if c.kind == "control"]


@cache
def screen(file: str, platform: Platform) -> Screen:
    case = next(c for c in CASES if c.file == file)
    return Screen(case.path.read_text(encoding="utf-8"), platform)


def label(text: str) -> Locator:
    return Locator(HERE, text=TextMatch("exact", text))


def folded(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_switch_for_picks_exactly_the_labelled_control(case: Case) -> None:
    match = screen(case.file, case.platform).switch_for(label(case.label))
    if case.kind == "control":
        assert match.switch is not None, match.problem()
        assert match.switch.bounds == case.switch
        assert match.switch.checked is case.checked
    else:  # a decoy, or a switch off screen: never a switch
        assert match.switch is None, f"picked {match.switch and match.switch.describe()}"


def test_the_corpus_score_is_at_least_95_percent_with_none_wrong() -> None:
    right = wrong = 0
    for case in CASES:
        got = screen(case.file, case.platform).switch_for(label(case.label)).switch
        if case.kind == "control":
            right += got is not None and got.bounds == case.switch
            wrong += got is not None and got.bounds != case.switch
        else:
            wrong += got is not None
    assert wrong == 0
    assert right >= 0.95 * len(CONTROLS)


SWITCHES = sorted({(c.file, c.platform, c.switch) for c in CONTROLS},
                  key=lambda t: (t[0], str(t[2])))


@pytest.mark.parametrize("file,platform,frame", SWITCHES,
                         ids=[f"{f.removesuffix('.xml')}:{r}" for f, _p, r in SWITCHES])
def test_inspect_suggests_a_locator_naming_the_label_that_finds_exactly_it(
        file: str, platform: Platform, frame: object) -> None:
    case = next(c for c in CONTROLS if c.file == file)
    _source, seen_on, rows = inspect_source(case.path)
    assert seen_on is platform  # read from the file
    (row,) = [r for r in rows if r.node.checkable and r.node.bounds == frame]
    labels = {folded(c.label) for c in CONTROLS if c.file == file and c.switch == frame}
    assert any(lb in folded(row.locator) for lb in labels), row.locator
    assert "\\n" not in row.locator  # a multi-line label is named by its first line
    # written into a flow, it finds exactly this control on the screen: by its label's
    # row, or (a tile whose accessibility id is its label) by that id
    written = yaml.safe_load(row.locator)
    if "accessibility_id" in written:
        found = screen(file, platform).find(
            Locator(HERE, accessibility_id=written["accessibility_id"]))
        assert [n.bounds for n in found] == [frame]
    else:
        match = screen(file, platform).switch_for(label(written["switch_for"]))
        assert match.switch is not None and match.switch.bounds == frame
    again = describe(screen(file, platform))
    assert [r.locator for r in again if r.node.bounds == frame and r.node.checkable] \
        == [row.locator]
