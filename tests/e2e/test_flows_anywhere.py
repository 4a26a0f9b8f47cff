"""The built-in flows ship with the package: by name or by path, from any folder; and
`mobile-optout init` starts a project of one's own."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from mobile_optout import catalogue
from mobile_optout.cli import main

ROOT = Path(__file__).resolve().parents[2]


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    captured = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), captured.out + captured.err


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with no flows/ and no devices.yaml in it."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("name", ["linkedin", "flows/linkedin"])
def test_run_a_built_in_flow_from_any_folder(
    name: str, elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = invoke(capsys, "check", name, "-o", "out")
    assert code == 1, shown  # the setting is on: a check says it would change
    assert "WOULD_CHANGE" in shown and "no such file" not in shown


def test_a_catalogue_flow_runs_by_name_from_any_folder(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = invoke(capsys, "check", "chatgpt/improve-model.yaml", "-o", "out")
    assert "chatgpt-improve-model" in shown and "no such file" not in shown, shown
    assert code == 1, shown  # the simulated ChatGPT trains on chats: a check would change it


def test_the_catalogue_lists_every_built_in_app_from_any_folder(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = invoke(capsys, "apps", "--no-device", "--json")
    assert code == 0, shown
    listed = {row["path"] for row in json.loads(shown)["apps"]}
    assert {p.name for p in map(Path, listed)} >= {"improve-model.yaml", "ai-training.yaml"}
    assert {Path(p).resolve() for p in listed} == {  # the same as the repository's flows/
        e.resolve() for e in (ROOT / "flows").rglob("*.yaml") if "parts" not in e.parts}
    assert catalogue.resolve(Path("flows")) == catalogue.flows_dir()  # `run flows`


def test_validate_a_built_in_flow_by_name(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = invoke(capsys, "validate", "linkedin")
    assert code == 0, shown
    assert "linkedin/android.yaml" in shown


def test_flows_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, shown = invoke(capsys, "flows")
    assert code == 0
    assert "linkedin-genai-training-android" in shown and "linkedin-more" in shown


def test_the_package_carries_the_top_level_flows_folder() -> None:
    """pyproject maps flows/ into the package as mobile_optout.flows, and lists every
    package (a package left out of the list would be missing from the wheel)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"]["mobile_optout.flows"] == "flows"
    on_disk = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "mobile_optout").rglob("__init__.py")
    }
    assert on_disk | {"mobile_optout.flows", "mobile_optout.docs"} == set(setuptools["packages"])
    assert catalogue.flows_dir().resolve() == (ROOT / "flows").resolve()
    shipped = setuptools["package-data"]["mobile_optout.flows"]
    flow_files = [p.relative_to(ROOT / "flows") for p in (ROOT / "flows").rglob("*")
                  if p.is_file()]
    assert flow_files and all(any(f.match(g.removeprefix("**/")) for g in shipped)
                              for f in flow_files)


def test_init_writes_a_devices_file_and_an_example_that_runs(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, shown = invoke(capsys, "init")
    assert code == 0, shown
    assert (elsewhere / "devices.yaml").is_file()
    assert (elsewhere / "flows" / "example.yaml").is_file()

    assert invoke(capsys, "validate")[0] == 0
    code, shown = invoke(capsys, "run", "flows/example.yaml", "-o", "out")
    assert code == 0, shown
    assert "CHANGED" in shown

    code, shown = invoke(capsys, "init")  # never overwrites a user's files
    assert code == 2 and "already exist" in shown


def test_without_paths_a_local_copy_of_the_default_flows_wins(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = elsewhere / "flows" / "linkedin"
    copy.mkdir(parents=True)
    (copy / "mine.yaml").write_text(
        "mobile-optout: flow\nname: my-edited-copy\nplatforms: [android]\n"
        "app: {android: {package: com.linkedin.android}}\nsteps:\n  - launch\n",
        encoding="utf-8")
    code, shown = invoke(capsys, "run", "-o", "out")
    assert code == 0, shown
    assert "my-edited-copy" in shown and "linkedin-genai-training" not in shown
