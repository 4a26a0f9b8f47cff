"""Flow fixtures: every valid one compiles, every invalid one fails with the exact text."""

from __future__ import annotations

from pathlib import Path

import pytest

from mobile_optout.errors import FlowError, InputError, InputErrors
from mobile_optout.flow import (
    is_flow_file,
    load_flow,
    load_flows,
)
from mobile_optout.flow.model import (
    EnsureSetting,
    Group,
    IfMissing,
    Platform,
    ScrollUntilVisible,
    Tap,
    TypeText,
)
from mobile_optout.validate import validate

DATA = Path(__file__).resolve().parents[1] / "data"

VALID = sorted((DATA / "flows_valid").glob("*.yaml"))
INVALID = sorted((DATA / "flows_invalid").glob("*.yaml"))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_flow_compiles(path: Path, in_repo: Path) -> None:
    flow = load_flow(path.relative_to(in_repo))
    assert flow.steps
    assert flow.platforms


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_flow_reports_exact_errors(path: Path, in_repo: Path) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")
    with pytest.raises(InputError) as info:
        load_flow(path.relative_to(in_repo))
    assert str(info.value) == expected


def test_every_invalid_fixture_has_its_expected_text() -> None:
    missing = [p.name for p in INVALID if not p.with_suffix(".expected").is_file()]
    assert missing == []


def test_several_problems_are_all_listed_sorted_by_line(in_repo: Path) -> None:
    with pytest.raises(InputErrors) as info:
        load_flow(Path("tests/data/flows_invalid/12-wrong-types.yaml"))
    lines = [e.where.line for e in info.value.errors]
    assert len(lines) == 6
    assert lines == sorted(lines)


def test_everything_fixture_compiles_to_the_typed_model(in_repo: Path) -> None:
    flow = load_flow(Path("tests/data/flows_valid/everything.yaml"))
    assert flow.name == "linkedin-genai-training"
    assert flow.platforms == (Platform.ANDROID, Platform.IOS)
    assert flow.app_for(Platform.ANDROID) is not None
    assert flow.app_for(Platform.ANDROID).app_id == "com.linkedin.android"  # type: ignore[union-attr]
    setting = flow.setting("generative_ai_training")
    assert setting is not None and setting.desired is False
    assert dict(flow.params) == {"LOCALE": "en", "QUERY": "settings", "SECTION": "Data privacy"}
    assert flow.secrets == ("LINKEDIN_PASSWORD",)
    assert flow.allow_taps == ("Sign out",)
    # interrupts from the included part join the flow's, once even if included twice
    assert [i.name for i in flow.interrupts] == ["Notifications prompt", "Rate us"]
    assert [b.name for b in flow.blockers] == ["Sign-in wall"]

    kinds = [s.KIND for s in flow.steps]
    assert kinds[:4] == ["launch", "launch", "tap", "tap"]
    open_settings = flow.steps[2]
    assert isinstance(open_settings, Tap) and open_settings.label == "Open settings"
    assert open_settings.where.line == 32
    avatar = flow.steps[3]
    assert isinstance(avatar, Tap) and avatar.timeout == 15.0
    assert [a.kind for a in avatar.target.any] == ["accessibility_id", "text"]
    scroll = flow.steps[4]
    assert isinstance(scroll, ScrollUntilVisible)
    assert (scroll.direction, scroll.max_scrolls, scroll.target.text.mode) == (  # type: ignore[union-attr]
        "down", 8, "contains")
    typed = flow.steps[6]
    assert isinstance(typed, TypeText) and typed.text == "${QUERY}"
    ensure = flow.steps[-1]
    assert isinstance(ensure, EnsureSetting)
    assert ensure.if_missing is IfMissing.NOT_OFFERED and ensure.desired is False
    assert ensure.toggle is not None and ensure.toggle.kind == "switch_for"
    assert ensure.confirm is not None and [str(a) for a in ensure.confirm.any] == [
        'text="Turn off"', 'text="Confirm"']
    assert (ensure.settle, ensure.attempts) == (5.0, 2)
    assert ensure.errors is not None and ensure.errors.kind == "text"
    assert ensure.resembles == ("generative AI", "AI improvement")
    assert [str(loc) for loc in flow.loading] == ['text="Chargement…"', "text=/^un instant/"]
    assert flow.settle == 4.0


def test_include_becomes_a_group_pointing_into_the_part(in_repo: Path) -> None:
    flow = load_flow(Path("tests/data/flows_valid/everything.yaml"))
    includes = [s for s in flow.steps if isinstance(s, Group) and s.source]
    assert [g.source for g in includes] == ["parts/open-settings.yaml"] * 2
    plain, with_params = includes
    assert plain.where.path == "tests/data/flows_valid/everything.yaml"
    inner = plain.steps[-1]
    assert isinstance(inner, Tap)
    assert inner.where.path == "tests/data/flows_valid/parts/open-settings.yaml"
    assert inner.where.line == 13
    # without params the part's ${SECTION} is left for run time; with them it is filled in
    assert inner.target.text is not None and inner.target.text.value == "${SECTION}"
    given = with_params.steps[-1]
    assert isinstance(given, Tap) and given.target.text is not None
    assert given.target.text.value == "Data Privacy"


def test_optional_means_skip(in_repo: Path) -> None:
    flow = load_flow(Path("tests/data/flows_valid/everything.yaml"))
    conditional = [s for s in flow.steps if s.when and s.when.param]
    assert len(conditional) == 1
    step = conditional[0]
    assert step.optional and step.if_missing is IfMissing.SKIP
    assert step.when is not None and step.when.param == ("LOCALE", "fr")


def test_yaml_words_that_look_like_booleans_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "words.yaml"
    path.write_text(
        "mobile-optout: flow\nname: words\nplatforms: android\n"
        "app: {android: {package: a.b}}\nparams: {LANG: no}\n"
        "steps:\n  - tap: No\n  - tap: 2024\n", encoding="utf-8")
    flow = load_flow(path)
    assert dict(flow.params) == {"LANG": "no"}
    texts = [s.target.text.value for s in flow.steps if isinstance(s, Tap) and s.target.text]
    assert texts == ["No", "2024"]


def test_is_flow_file_tells_flows_from_parts_and_other_yaml(tmp_path: Path) -> None:
    assert is_flow_file(DATA / "flows_valid" / "minimal.yaml")
    assert not is_flow_file(DATA / "flows_valid" / "parts" / "open-settings.yaml")
    other = tmp_path / "other.yaml"
    other.write_text("name: x\nnested:\n  mobile-optout: flow\n", encoding="utf-8")
    assert not is_flow_file(other)
    quoted = tmp_path / "quoted.yml"
    quoted.write_text('mobile-optout: "flow"  # a flow\n', encoding="utf-8")
    assert is_flow_file(quoted)


def test_load_flows_takes_folders_recursively_and_skips_parts(in_repo: Path) -> None:
    flows = load_flows([Path("tests/data/flows_valid")])
    assert [f.path.name for f in flows] == ["everything.yaml", "minimal.yaml"]


def test_load_flows_refuses_a_named_part(in_repo: Path) -> None:
    with pytest.raises(FlowError, match="not a flow file"):
        load_flows([Path("tests/data/flows_valid/parts/open-settings.yaml")])


def test_load_flows_gathers_problems_of_all_files(in_repo: Path) -> None:
    with pytest.raises(InputErrors) as info:
        load_flows([Path("tests/data/flows_invalid/01-unknown-step.yaml"),
                    Path("tests/data/flows_invalid/13-empty-steps.yaml")])
    assert [Path(e.where.path).name for e in info.value.errors] == [
        "01-unknown-step.yaml", "13-empty-steps.yaml"]


def test_validate_lists_problems_without_raising(in_repo: Path) -> None:
    problems = validate([Path("tests/data/flows_invalid")])
    files = {Path(p.where.path).name for p in problems}
    # a folder gives its flows (16-no-marker is no flow); errors in included parts name them
    flows = {p.name for p in INVALID if is_flow_file(p)}
    expected = flows - {"08-include-cycle.yaml", "09-error-in-include.yaml"}
    assert files == expected | {"cycle-b.yaml", "broken-part.yaml"}
    assert validate([Path("tests/data/flows_valid")]) == []


def test_validate_reports_a_missing_path(in_repo: Path) -> None:
    problems = validate([Path("tests/data/no-such-flow.yaml")])
    assert [p.message for p in problems] == ["no such file or folder"]
