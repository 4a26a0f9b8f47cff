"""Hostile input files, through the real entry point: flows, parts, devices files,
simulated phones' app files and report.json holding wrong types, unknown keys, bad YAML,
huge or deeply nested documents, include cycles, non-UTF-8 bytes, object-building YAML
tags, alias bombs and NUL bytes.

Each one ends the same way: our own message starting ``path:line:col:`` and naming the
file at fault, exit 2, no traceback; bombs stay small in memory (measured, not timed).
"""

from __future__ import annotations

import json
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobile_optout.cli import main

HEADER = ("mobile-optout: flow\nname: hostile\nplatforms: [android]\n"
          "app: {android: {package: com.example}}\n")
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
    for i in range(8)
)  # 10^9 x's once expanded
DEEP_FLOW = "[" * 5000 + "]" * 5000
DEEP_BLOCK = "".join("  " * i + "k:\n" for i in range(400)) + "  " * 400 + "v\n"

# Any YAML file: (name, content). Content is bytes where the bytes themselves are the point.
YAML_CASES: dict[str, str | bytes] = {
    "bad-yaml": "a: [1, 2\nb: }\n",
    "tabs": "a:\n\t- b\n",
    "not-utf8": b"name: caf\xe9\n",
    "utf16": "name: x\n".encode("utf-16"),
    "nul-byte": "name: a\x00b\n",
    "control-chars": "name: a\x07\x1b[31mb\n",
    "python-object": "a: !!python/object/apply:os.system ['touch /tmp/mo-pwned']\n",
    "python-name": "a: !!python/name:os.system\n",
    "python-module": "a: !!python/module:os\n",
    "custom-tag": "a: !Ref x\n",
    "billion-laughs": LAUGHS,
    "alias-loop": "a: &a [*a]\n",
    "merge-key": "base: &b {x: 1}\nother: {<<: *b}\n",
    "deep-flow": DEEP_FLOW,
    "deep-block": DEEP_BLOCK,
    "huge-scalar": "name: " + "a" * 3_000_000 + "\n",
    "huge-file": "# filler\n" * 400_000,
    "many-nodes": "a: [" + ", ".join(["1"] * 50_000) + "]\n",
    "list-root": "- a\n- b\n",
    "scalar-root": "just text\n",
    "two-docs": "a: 1\n---\nb: 2\n",
    "duplicate-key": "a: 1\na: 2\n",
    "complex-key": "? [a, b]\n: c\n",
}

FLOW_CASES: dict[str, str | bytes] = {
    **YAML_CASES,
    "wrong-types": HEADER.replace("name: hostile", "name: [1, 2]") + "steps: {tap: x}\n",
    "unknown-keys": HEADER + "stepz: []\nsteps:\n  - tapp: x\n",
    "step-wrong-types": HEADER + "steps:\n  - tap: {text: [1]}\n    timeout: soon\n",
    "nul-in-valid-flow": HEADER + "steps:\n  - tap: \"a\\0b\"\n  - wait_for: \x00\n",
    "include-cycle": HEADER + "steps:\n  - include: cycle-a.yaml\n",
    "include-self": HEADER + "steps:\n  - include: flow.yaml\n",
    "include-outside": HEADER + "steps:\n  - include: /dev/zero\n",
    "include-folder": HEADER + "steps:\n  - include: .\n",
    "many-includes": HEADER + "steps:\n" + "  - include: ok-part.yaml\n" * 3000,
    "include-bomb": HEADER + "steps:\n  - include: bomb-0.yaml\n",
}
PART_CASES: dict[str, str | bytes] = {
    **YAML_CASES,
    "part-wrong-types": "mobile-optout: part\nparams: [a]\nsteps: 3\n",
    "part-unknown-keys": "mobile-optout: part\napp: {}\nsteps:\n  - launch\n",
}
DEVICES_CASES: dict[str, str | bytes] = {
    **YAML_CASES,
    "devices-wrong-types": "devices:\n  a: {platform: 3, sim: [1], timeouts: {step: soon}}\n",
    "devices-unknown-keys": "devices:\n  a: {platform: android, sim: {}, colour: red}\n",
    "devices-nul": "devices:\n  a: {platform: android, server: \"http://h\\0ost\"}\n",
    "devices-literal-password": "devices:\n  a: {platform: android, "
                                "server: 'http://u:secret@h:4723'}\n",
}
APP = "mobile-optout: sim-app\nname: hostile\n"
APP_CASES: dict[str, str | bytes] = {
    **{k: (APP.encode() + v if isinstance(v, bytes) else APP + v)
       for k, v in YAML_CASES.items() if k not in ("list-root", "scalar-root")},
    "app-wrong-types": APP + "android: [1]\nsettings: {tracking: maybe}\nscreens: 3\n",
    "app-unknown-keys": APP + "colour: red\nscreens: {home: {title: Home, bodyy: []}}\n",
    "app-deep-elements": APP + "start: home\nscreens:\n  home:\n    title: Home\n"
                         "    body:\n" + "".join(
                             "      " + "  " * i + "- kind: group\n"
                             + "      " + "  " * i + "  children:\n" for i in range(150)),
}
REPORT_CASES: dict[str, str | bytes] = {
    "not-json": "{'schema_version': 1,",
    "not-utf8": b'{"schema_version": 1, "run_id": "caf\xe9"}',
    "nul-byte": '{"schema_version": 1, "run_id": "a\x00b"}',
    "deep": "[" * 100_000 + "]" * 100_000,
    "huge": json.dumps({"schema_version": 1, "junk": "a" * 3_000_000}),
    "list-root": "[1, 2]",
    "unknown-version": '{"schema_version": "2.0"}',
    "missing-fields": '{"schema_version": 1}',
    "wrong-types": json.dumps({"schema_version": 1, "run_id": 5, "mode": "apply",
                               "started_at": "", "finished_at": None, "tool_version": "",
                               "results": []}),
    "bad-result": json.dumps({"schema_version": 1, "run_id": "r", "mode": "apply",
                              "started_at": "", "finished_at": None, "tool_version": "",
                              "results": [{"outcome": "done"}]}),
    "bad-outcome": json.dumps({"schema_version": 1, "run_id": "r", "mode": "apply",
                               "started_at": "", "finished_at": None, "tool_version": "",
                               "results": [{"device": "d", "platform": "android",
                                            "flow": "f", "flow_path": "p",
                                            "outcome": "done", "started_at": "",
                                            "steps": "many", "setting": None,
                                            "error": None}]}),
    "nan": '{"schema_version": NaN}',
}

LOCATED = re.compile(r"^(?P<path>[^\n]+?):(?P<line>\d+):(?P<col>\d+): \S")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    _, err = capsys.readouterr()
    return int(exited.value.code or 0), err


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def assert_our_error(code: int, err: str, culprit: str) -> None:
    assert code == 2, err[:2000]
    assert "Traceback" not in err, err[:2000]
    first = err.splitlines()[0] if err else ""
    found = LOCATED.match(first)
    assert found, f"not a path:line:col message: {first[:300]!r}"
    assert Path(found["path"]).name == culprit, first[:300]
    assert int(found["line"]) >= 1
    assert len(err) < 20_000, "an error message must not echo a whole hostile file"


def peak_memory(run: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("case", sorted(FLOW_CASES))
def test_a_hostile_flow_is_our_error(case: str, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "cycle-a.yaml", "mobile-optout: part\nsteps:\n  - include: cycle-b.yaml\n")
    write(tmp_path / "cycle-b.yaml", "mobile-optout: part\nsteps:\n  - include: cycle-a.yaml\n")
    write(tmp_path / "ok-part.yaml", "mobile-optout: part\nsteps:\n  - back\n")
    for n in range(40):  # each part includes the next one twice: 2^40 steps
        write(tmp_path / f"bomb-{n}.yaml", "mobile-optout: part\nsteps:\n"
              + f"  - include: bomb-{n + 1}.yaml\n" * 2)
    write(tmp_path / "bomb-40.yaml", "mobile-optout: part\nsteps:\n  - back\n")
    flow = write(tmp_path / "flow.yaml", FLOW_CASES[case])
    code, err = cli(capsys, "validate", str(flow))
    culprit = {"include-cycle": "cycle-b.yaml", "include-bomb": "bomb-39.yaml"}.get(
        case, "flow.yaml")
    assert_our_error(code, err, culprit)
    assert not Path("/tmp/mo-pwned").exists()


@pytest.mark.parametrize("case", sorted(PART_CASES))
def test_a_hostile_part_is_our_error_naming_the_part(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "part.yaml", PART_CASES[case])
    flow = write(tmp_path / "flow.yaml", HEADER + "steps:\n  - include: part.yaml\n")
    code, err = cli(capsys, "validate", str(flow))
    assert_our_error(code, err, "part.yaml")


@pytest.mark.parametrize("case", sorted(DEVICES_CASES))
def test_a_hostile_devices_file_is_our_error(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    devices = write(tmp_path / "devices.yaml", DEVICES_CASES[case])
    code, err = cli(capsys, "devices", "--devices", str(devices))
    assert_our_error(code, err, "devices.yaml")


@pytest.mark.parametrize("case", sorted(APP_CASES))
def test_a_hostile_sim_app_file_is_our_error(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = write(tmp_path / "app.yaml", APP_CASES[case])
    code, err = cli(capsys, "validate", str(app))
    assert_our_error(code, err, "app.yaml")


@pytest.mark.parametrize("case", sorted(REPORT_CASES))
def test_a_hostile_report_json_is_our_error(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = tmp_path / "20990101T000000Z-abcdef"
    run_dir.mkdir()
    write(run_dir / "report.json", REPORT_CASES[case])
    code, err = cli(capsys, "report", run_dir.name, "--output", str(tmp_path))
    assert_our_error(code, err, "report.json")


@pytest.mark.parametrize("case", ["billion-laughs", "many-nodes", "huge-scalar", "deep-flow"])
def test_bombs_stay_small_in_memory(case: str, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    flow = write(tmp_path / "flow.yaml", FLOW_CASES[case])
    peak = peak_memory(lambda: cli(capsys, "validate", str(flow)))
    assert peak < 64 * 2**20, f"{case}: {peak / 2**20:.0f} MB"


# ------------------------------------------------------------------ generated (hypothesis)

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow,
                                           HealthCheck.function_scoped_fixture])
DEVICE_WORDS = st.sampled_from([
    "devices", "pools", "platform", "android", "ios", "sim", "server", "capabilities",
    "timeouts", "step", "poll", "variants", "seed", "default", "retries", "http://h:1",
    "${X}", "popups", "x", "", "0", "-1", "on"])
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=6), DEVICE_WORDS),
    lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(DEVICE_WORDS, kids,
                                                                       max_size=5)),
    max_leaves=30,
)


@SETTINGS
@given(doc=json_values)
def test_generated_devices_files_only_end_in_our_errors(
    doc: object, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    devices = write(tmp_path_factory.mktemp("dev") / "devices.yaml",
                    yaml.safe_dump({"devices": doc}, allow_unicode=True))
    code, err = cli(capsys, "devices", "--devices", str(devices))
    if code != 0:
        assert_our_error(code, err, "devices.yaml")


REPORT_KEYS = ["schema_version", "run_id", "mode", "started_at", "finished_at",
               "tool_version", "results", "device", "platform", "flow", "flow_path",
               "outcome", "steps", "setting", "error", "evidence", "label", "kind", "status"]


@SETTINGS
@given(doc=st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=6),
              st.sampled_from(["changed", "passed", "apply", ""])),
    lambda kids: st.one_of(st.lists(kids, max_size=3),
                           st.dictionaries(st.sampled_from(REPORT_KEYS), kids, max_size=8)),
    max_leaves=40,
))
def test_generated_report_json_only_ends_in_our_errors(
    doc: object, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path_factory.mktemp("out")
    run_dir = output / "20990101T000000Z-abcdef"
    run_dir.mkdir()
    if isinstance(doc, dict):
        doc["schema_version"] = 1
    write(run_dir / "report.json", json.dumps(doc))
    code, err = cli(capsys, "report", run_dir.name, "--output", str(output))
    if code != 0:
        assert_our_error(code, err, "report.json")
