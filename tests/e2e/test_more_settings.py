"""The flows in flows/linkedin-more (research, research invitations, ads data sharing)
against the simulated phone, through the real Appium client, on both platforms.

As in test_linkedin.py, the phone's event log is the witness: each flow taps its own
setting exactly once, check mode taps none, and no flow touches another flow's setting
(in particular the generative-AI one).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e.e2e_helpers import FLOWS as ALL_FLOWS
from e2e.e2e_helpers import run_flows

from mobile_optout.flow.model import Platform
from mobile_optout.results.record import FlowResult, Outcome, RunRecord
from mobile_optout.sim import SimPhone

pytestmark = pytest.mark.slow

FLOWS = ALL_FLOWS / "linkedin-more"
GENAI = "generative_ai_training"

# flow file -> the setting it ensures (off)
CASES = {
    "social-research.yaml": "social_research",
    "research-invitations.yaml": "research_invitations",
    "ads-data-sharing.yaml": "ads_data_sharing",
}


def run_on(phone: SimPhone, platform: str, output: Path, path: Path,
           mode: str = "apply") -> RunRecord:
    return run_flows(phone.url, platform, [path], output, mode=mode)


def only(run: RunRecord) -> FlowResult:
    assert len(run.results) == 1, run.results
    return run.results[0]


def setting_taps(phone: SimPhone) -> list[dict[str, Any]]:
    """Every tap that flipped some setting."""
    return [e for e in phone.events() if e["type"] == "tap" and e.get("setting")]


@pytest.fixture(params=["android", "ios"])
def platform(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def phone(platform: str) -> Iterator[SimPhone]:
    with SimPhone(platform=Platform(platform), seed=7) as p:
        yield p


@pytest.mark.parametrize(("flow", "setting"), list(CASES.items()), ids=list(CASES.values()))
def test_turns_its_setting_off_once_then_finds_it_already_off(
    phone: SimPhone, platform: str, flow: str, setting: str, tmp_path: Path
) -> None:
    before = phone.state()["settings"]

    first = only(run_on(phone, platform, tmp_path, FLOWS / flow))
    after_first = phone.state()["settings"]
    second = only(run_on(phone, platform, tmp_path, FLOWS / flow))

    assert first.outcome is Outcome.CHANGED, (first.note, first.error)
    assert first.setting is not None
    assert (first.setting.before, first.setting.after) == (True, False)
    assert after_first[setting] is False
    # Only this flow's setting moved; the generative-AI one and the others did not.
    assert {k: v for k, v in after_first.items() if k != setting} == {
        k: v for k, v in before.items() if k != setting
    }
    assert after_first[GENAI] is True
    assert second.outcome is Outcome.ALREADY_SET, (second.note, second.error)
    assert [e["setting"] for e in setting_taps(phone)] == [setting]  # the first run's tap


@pytest.mark.parametrize(("flow", "setting"), list(CASES.items()), ids=list(CASES.values()))
def test_check_mode_reads_and_taps_nothing(
    phone: SimPhone, platform: str, flow: str, setting: str, tmp_path: Path
) -> None:
    before = phone.state()["settings"]

    result = only(run_on(phone, platform, tmp_path, FLOWS / flow, mode="check"))

    assert result.outcome is Outcome.WOULD_CHANGE, (result.note, result.error)
    assert result.setting is not None and result.setting.before is True
    assert setting_taps(phone) == []
    assert phone.state()["settings"] == before


def test_the_folder_turns_all_three_off_and_leaves_genai_on(
    phone: SimPhone, platform: str, tmp_path: Path
) -> None:
    run = run_on(phone, platform, tmp_path, FLOWS)
    settings = phone.state()["settings"]

    assert sorted((r.flow, r.outcome) for r in run.results) == [
        ("linkedin-ads-data-sharing", Outcome.CHANGED),
        ("linkedin-research-invitations", Outcome.CHANGED),
        ("linkedin-social-research", Outcome.CHANGED),
    ]
    assert {s: settings[s] for s in CASES.values()} == dict.fromkeys(CASES.values(), False)
    assert settings[GENAI] is True
    assert sorted(e["setting"] for e in setting_taps(phone)) == sorted(CASES.values())


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (("gear-route", "popups", "renamed"), Outcome.CHANGED),
        (("logged-out",), Outcome.BLOCKED),
    ],
    ids=lambda v: "+".join(v) if isinstance(v, tuple) else str(v),
)
def test_the_route_survives_variants_or_ends_honestly(
    platform: str, variants: tuple[str, ...], expected: Outcome, tmp_path: Path
) -> None:
    with SimPhone(platform=Platform(platform), variants=variants, seed=7) as phone:
        run = run_on(phone, platform, tmp_path, FLOWS)
        settings = phone.state()["settings"]
        taps = setting_taps(phone)

    assert [r.outcome for r in run.results] == [expected] * len(CASES), [
        (r.flow, r.note, r.error) for r in run.results
    ]
    if expected is Outcome.CHANGED:
        assert sorted(e["setting"] for e in taps) == sorted(CASES.values())
        assert not any(settings[s] for s in CASES.values())
    else:
        assert taps == []
    assert settings[GENAI] is True
