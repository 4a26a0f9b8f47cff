"""Outcome groups are written once (results/record.py) and read the same everywhere: the
verdict, JUnit, the history store and report.html agree on every outcome, `running`
included (not finished: never success)."""

from __future__ import annotations

import pytest

from mobile_optout.results import html, junit
from mobile_optout.results.record import OUTCOME_GROUPS, Outcome, verdict


def test_every_outcome_is_in_exactly_one_group() -> None:
    seen = [o for group in OUTCOME_GROUPS.values() for o in group]
    assert sorted(seen) == sorted(Outcome)


@pytest.mark.parametrize("outcome", list(Outcome))
def test_the_verdict_junit_and_the_report_agree(outcome: Outcome) -> None:
    group = next(name for name, members in OUTCOME_GROUPS.items() if outcome in members)
    code = verdict([outcome])
    css = html.OUTCOME_LOOK[outcome][1]
    if group in ("ok", "not_run"):
        assert code == 0
        assert outcome not in junit.FAILURE_OUTCOMES | junit.ERROR_OUTCOMES
        assert css in ("ok", "info")
    elif group == "failed":
        assert code == 1
        assert outcome in junit.FAILURE_OUTCOMES
        assert css in ("bad", "warn")
    else:  # unfinished or error: never success, an <error> in JUnit, under errors
        assert code == (3 if group == "error" else 1)
        assert outcome in junit.ERROR_OUTCOMES
        assert css == "err"
