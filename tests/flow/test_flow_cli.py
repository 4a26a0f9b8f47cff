"""`validate`, `schema` and `devices` as a user runs them: a subprocess, exit codes, output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"


def run(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mobile_optout", *args], cwd=cwd, capture_output=True,
        text=True, timeout=60, check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", **(env or {})},
    )


def test_validate_valid_flows_exits_0_and_lists_each_file() -> None:
    done = run("validate", "tests/data/flows_valid", "devices.yaml")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "ok  tests/data/flows_valid/everything.yaml",
        "ok  tests/data/flows_valid/minimal.yaml",
        "ok  devices.yaml",
    ]


def test_validate_lists_every_problem_and_exits_2() -> None:
    done = run("validate", "tests/data/flows_valid/minimal.yaml",
               "tests/data/flows_invalid/01-unknown-step.yaml",
               "tests/data/flows_invalid/12-wrong-types.yaml",
               "tests/data/devices_invalid/01-server-and-sim.yaml")
    assert done.returncode == 2
    assert done.stdout.splitlines() == ["ok  tests/data/flows_valid/minimal.yaml"]
    assert ("tests/data/flows_invalid/01-unknown-step.yaml:8:5: unknown step 'tapp' "
            "(did you mean 'tap'?)") in done.stderr
    assert done.stderr.count("tests/data/flows_invalid/12-wrong-types.yaml:") == 6
    assert "01-server-and-sim.yaml:5:5: device phone has both server: and sim:" in done.stderr
    assert "10 problem(s) in 3 of 4 file(s)" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_defaults_to_the_flows_folder(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "a.yaml").write_text(
        (DATA / "flows_valid" / "minimal.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    done = run("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok  flows/a.yaml"


def test_validate_without_a_flows_folder_exits_2(tmp_path: Path) -> None:
    done = run("validate", cwd=tmp_path)
    assert done.returncode == 2
    assert "flows: no such file or folder" in done.stderr


def test_validate_of_a_folder_without_flows_exits_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = run("validate", "empty", cwd=tmp_path)
    assert done.returncode == 2
    assert "no flow files found in empty" in done.stderr


def test_schema_file_in_the_repo_is_the_schema_command_output() -> None:
    done = run("schema")
    assert done.returncode == 0
    committed = (REPO / "schema" / "flow.schema.json").read_text(encoding="utf-8")
    assert done.stdout == committed, "run: mobile-optout schema > schema/flow.schema.json"
    jsonschema.Draft202012Validator.check_schema(json.loads(done.stdout))


def _schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((REPO / "schema" / "flow.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    "path", sorted((DATA / "flows_valid").rglob("*.yaml")), ids=lambda p: p.name)
def test_valid_fixtures_satisfy_the_json_schema(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in _schema_validator().iter_errors(document)]
    assert errors == []


@pytest.mark.parametrize("name", [
    "01-unknown-step", "02-unknown-key", "03-two-kinds", "04-bad-locator", "12-wrong-types",
    "13-empty-steps", "16-no-marker", "17-missing-parts",
])
def test_the_json_schema_rejects_what_the_compiler_rejects(name: str) -> None:
    document = yaml.safe_load((DATA / "flows_invalid" / f"{name}.yaml").read_text("utf-8"))
    assert not _schema_validator().is_valid(document)


def test_schema_covers_every_step_kind() -> None:
    from mobile_optout.flow import flow_json_schema
    from mobile_optout.steps import REGISTRY as STEP_KINDS

    variants = flow_json_schema()["$defs"]["step"]["oneOf"]
    kinds = {k for v in variants[1:] for k in v["required"]}
    assert kinds == set(STEP_KINDS)


def test_devices_lists_the_shipped_devices_without_credentials(tmp_path: Path) -> None:
    devices = tmp_path / "devices.yaml"
    devices.write_text(
        "devices:\n  sim-android: {platform: android, sim: {}, default: true}\n"
        "pools:\n  farm:\n    server: https://${FARM_USER}:${FARM_KEY}@hub.example.com/wd/hub\n"
        "    devices:\n      pixel-7: {platform: android}\n", encoding="utf-8")
    done = run("devices", "--devices", str(devices),
               env={"FARM_USER": "alice", "FARM_KEY": "s3cret"})
    assert done.returncode == 0, done.stderr
    assert "farm/pixel-7" in done.stdout
    assert "https://hub.example.com/wd/hub" in done.stdout
    assert "s3cret" not in done.stdout and "alice" not in done.stdout


def test_devices_falls_back_to_the_built_in_phones(tmp_path: Path) -> None:
    done = run("devices", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "sim-android" in done.stdout and "sim-ios" in done.stdout


def test_devices_with_a_missing_named_file_exits_2(tmp_path: Path) -> None:
    done = run("devices", "--devices", "nope.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "devices file not found: nope.yaml" in done.stderr


def test_a_mistyped_built_in_flow_name_gets_the_name_meant(tmp_path: Path) -> None:
    done = run("validate", "linkdin", cwd=tmp_path)
    assert done.returncode == 2
    assert "linkdin: no such file or folder" in done.stderr + done.stdout
    assert "did you mean 'linkedin'?" in done.stderr + done.stdout
