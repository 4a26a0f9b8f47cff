"""A project folder named like a built-in flow (./flows after `init`) is never silently
swapped for it: the run says which one runs and how to name the other (`builtin:`), and
`apps` reads what `run` runs."""

from __future__ import annotations

import json

from first_hour.conftest import Invoke

from mobile_optout import catalogue


def test_after_init_run_flows_says_it_runs_the_project_folder(invoke: Invoke) -> None:
    assert invoke("init").code == 0
    shown = invoke("check", "flows", "--device", "sim-android", "-q")
    assert shown.code == 1  # the example's setting is on: would change
    assert "./flows (your project: 1 flow) runs" in shown.err
    assert f"the built-in catalogue ({len(catalogue.names())} apps) is builtin:" in shown.err

    apps = invoke("apps", "flows", "--no-device")
    assert "1 flow in flows" in apps.out and "./flows (your project: 1 flow)" in apps.err
    every = invoke("apps", "builtin:", "--no-device", "--json")
    assert len({a["flow"] for a in json.loads(every.out)["apps"]}) > 20


def test_builtin_names_cannot_be_shadowed(invoke: Invoke) -> None:
    invoke("init")
    shown = invoke("apps", "builtin:linkedin", "--no-device")
    assert shown.code == 0 and "linkedin-genai-training-android" in shown.out
    assert "your project" not in shown.err


def test_a_name_that_is_no_file_says_so_without_a_line_number(invoke: Invoke) -> None:
    typo = invoke("run", "linkdin")
    assert typo.code == 2
    assert "linkdin: no such file or folder" in typo.err and "did you mean 'linkedin'" in typo.err
    other = invoke("run", "nosuchthing")
    assert "nosuchthing: no such file or folder nor a built-in flow" in other.err
    assert "`mobile-optout flows` lists them" in other.err
