"""The main job, end to end: the shipped LinkedIn flows against the simulated phone, through
the real Appium client, on every variant of the phone and both platforms.

The phone's own event log is the witness: "the toggle was tapped exactly once", "check
mode tapped no setting". Outcomes are what a person would read in the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import FLOWS as ALL_FLOWS
from e2e.e2e_helpers import run_flows, run_one

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import FlowResult, Outcome, RunRecord
from mobile_optout.sim import SimPhone

FLOWS = ALL_FLOWS / "linkedin"
SETTING = "generative_ai_training"


def run_on(phone: SimPhone, platform: str, output: Path, mode: str = "apply") -> RunRecord:
    return run_flows(phone.url, platform, [FLOWS / f"{platform}.yaml"], output, mode=mode)


def only(run: RunRecord) -> FlowResult:
    assert len(run.results) == 1, run.results
    return run.results[0]


def setting_taps(phone: SimPhone) -> list[dict[str, Any]]:
    return [e for e in phone.events() if e["type"] == "tap" and e.get("setting") == SETTING]


@pytest.fixture(params=["android", "ios"])
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def phone_with(platform: str, *variants: str, seed: int = 7) -> SimPhone:
    return SimPhone(platform=Platform(platform), variants=variants, seed=seed)


@pytest.fixture
def default_phone(platform: str) -> Iterator[SimPhone]:
    with phone_with(platform) as phone:
        yield phone


def test_opt_out_changes_the_setting_and_reads_it_back(
    default_phone: SimPhone, platform: str, tmp_path: Path
) -> None:
    result = only(run_on(default_phone, platform, tmp_path))

    assert result.outcome is Outcome.CHANGED, result.error
    assert result.setting is not None
    assert (result.setting.before, result.setting.after) == (True, False)
    assert default_phone.state()["settings"][SETTING] is False
    assert len(setting_taps(default_phone)) == 1


def test_second_run_finds_it_already_off_and_taps_nothing(
    default_phone: SimPhone, platform: str, tmp_path: Path
) -> None:
    run_on(default_phone, platform, tmp_path)
    again = only(run_on(default_phone, platform, tmp_path))

    assert again.outcome is Outcome.ALREADY_SET
    assert len(setting_taps(default_phone)) == 1  # still only the first run's tap


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (("already-off",), Outcome.ALREADY_SET),
        (("not-offered",), Outcome.NOT_OFFERED),
        (("logged-out",), Outcome.BLOCKED),
        (("gear-route",), Outcome.CHANGED),
        (("renamed",), Outcome.CHANGED),
        (("decorated",), Outcome.CHANGED),
        (("scroll",), Outcome.CHANGED),
        (("popups",), Outcome.CHANGED),
        (("flaky",), Outcome.CHANGED),
        (("crash",), Outcome.CHANGED),
        (("gear-route", "renamed", "scroll", "popups"), Outcome.CHANGED),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, tuple) else str(v),
)
def test_every_variant_ends_in_the_honest_outcome(
    platform: str, variants: tuple[str, ...], expected: Outcome, tmp_path: Path
) -> None:
    with phone_with(platform, *variants) as phone:
        result = only(run_on(phone, platform, tmp_path))
        taps = setting_taps(phone)
        final = phone.state()["settings"].get(SETTING)

    assert result.outcome is expected, (result.note, result.error)
    if expected is Outcome.CHANGED:
        assert final is False
        assert len(taps) == 1
    else:
        assert taps == []
    if expected is Outcome.NOT_OFFERED:
        assert result.setting is None or result.setting.before is None
        assert "not" in result.note.lower() or result.note


@pytest.mark.slow
def test_slow_screens_are_waited_for_not_slept_through(platform: str, tmp_path: Path) -> None:
    with phone_with(platform, "slow") as phone:
        result = only(run_on(phone, platform, tmp_path))
        final = phone.state()["settings"][SETTING]

    assert result.outcome is Outcome.CHANGED, result.error
    assert final is False


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        ((), Outcome.WOULD_CHANGE),
        (("already-off",), Outcome.ALREADY_SET),
        (("not-offered",), Outcome.NOT_OFFERED),
        (("logged-out",), Outcome.BLOCKED),
        (("popups", "scroll", "gear-route"), Outcome.WOULD_CHANGE),
    ],
    ids=lambda v: "+".join(v) or "default" if isinstance(v, tuple) else str(v),
)
def test_check_mode_reads_and_never_taps_a_setting(
    platform: str, variants: tuple[str, ...], expected: Outcome, tmp_path: Path
) -> None:
    with phone_with(platform, *variants) as phone:
        before = phone.state()["settings"].get(SETTING)
        result = only(run_on(phone, platform, tmp_path, mode="check"))
        taps = setting_taps(phone)
        after = phone.state()["settings"].get(SETTING)

    assert result.outcome is expected, (result.note, result.error)
    assert taps == []
    assert before == after


def test_a_server_that_is_not_there_is_an_error_naming_the_url(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    result = run_one(url, "android", FLOWS / "android.yaml", tmp_path)

    assert result.outcome is Outcome.ERROR
    assert result.error is not None
    assert url in result.error.message


def test_the_report_records_steps_round_trips_and_evidence(
    default_phone: SimPhone, platform: str, tmp_path: Path
) -> None:
    run = run_on(default_phone, platform, tmp_path)
    result = only(run)
    run_dir = tmp_path / run.run_id

    ensure = [s for s in result.steps if s.kind == "ensure_setting"]
    assert len(ensure) == 1
    assert ensure[0].line > 0 and ensure[0].file.endswith("genai-training.yaml")
    talking = [s for s in result.steps if s.kind in ("launch", "tap", "ensure_setting")]
    assert talking and all(s.round_trips >= 1 for s in talking)  # each asked the phone
    assert all(s.tree_reads <= s.round_trips for s in result.steps)  # a read is a trip
    assert [Path(e).name.split("-", 1)[1] for e in ensure[0].evidence] == [
        "setting-before.png", "setting-after.png",
    ]
    for name in ("report.json", "junit.xml", "report.html"):
        assert (run_dir / name).is_file()


def test_the_record_says_which_device_and_os_it_ran_on(
    default_phone: SimPhone, platform: str, tmp_path: Path
) -> None:
    from mobile_optout.results.store import Store

    run = run_on(default_phone, platform, tmp_path)
    expected = {
        "android": "mobile-optout simulated phone · Android 14",
        "ios": "sim-ios · iOS 17.5",
    }[platform]
    assert only(run).device_info == expected
    with Store.open(tmp_path) as store:  # and the history keeps it
        (again,) = store.results_of(run.run_id)
    assert again.device_info == expected


def test_the_link_route_reaches_the_setting_without_the_menus(
    platform: str, tmp_path: Path
) -> None:
    with phone_with(platform) as phone:
        run = run_flows(phone.url, platform, [FLOWS / f"{platform}.yaml"], tmp_path,
                        params={"ROUTE": "link"})
        events = phone.events()

    result = only(run)
    assert result.outcome is Outcome.CHANGED, result.error
    # once to reach the page, once more to re-open it for the proof (the route's own way in)
    assert [e["type"] for e in events].count("deep_link") == 2
    assert result.routes == ["link: reached the page"]
    assert result.setting is not None and result.setting.proof == "reopen"
    menu_taps = [e for e in events if e["type"] == "tap" and e.get("setting") is None
                 and (e.get("element") or {}).get("label") != "Back"]  # iOS: the proof's back
    assert menu_taps == []  # no menu was opened: the only tap was the toggle's
