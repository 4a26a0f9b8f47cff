"""One simulated world: `inspect` sees the phone that `run` and `check` left in this folder;
a `--sim-variant` run starts from a fresh phone unless `--keep-state`, and says which."""

from __future__ import annotations

import json

from first_hour.conftest import Invoke

AFTER = "linkedin/android.yaml:The setting's page is open"
SWITCH = '{switch_for: "Use my data for training content creation AI models"}'


def switch_line(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(SWITCH))


def test_inspect_sees_the_phone_a_run_left(invoke: Invoke) -> None:
    fresh = invoke("inspect", "--after", AFTER)
    assert fresh.code == 0, fresh.err
    assert switch_line(fresh.out).endswith(", on")  # no run here yet: a fresh phone
    assert invoke("run", "linkedin", "-q").code == 0
    after = invoke("inspect", "--after", AFTER)
    assert switch_line(after.out).endswith(", off")  # what the run turned off


def test_a_variant_starts_from_a_fresh_phone_unless_kept(invoke: Invoke) -> None:
    assert invoke("run", "linkedin", "-q").code == 0  # the saved phone: off
    fresh = invoke("run", "linkedin", "--sim-variant", "save-fails", "--json")
    report = json.loads(fresh.out)
    assert report["sim_state"] == "fresh" and "a fresh simulated phone" in fresh.err
    assert report["results"][0]["outcome"] == "failed"  # the variant did its work
    kept = json.loads(invoke("run", "linkedin", "--sim-variant", "save-fails",
                             "--keep-state", "--json").out)
    assert kept["sim_state"] == "saved"
    assert kept["results"][0]["outcome"] == "already_set"  # the saved phone: already off
    after = invoke("check", "linkedin", "--json")  # the variant left the saved phone alone
    assert json.loads(after.out)["results"][0]["outcome"] == "already_set"
