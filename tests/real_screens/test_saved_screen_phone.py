"""``sim --source``: a saved page source served as a phone. A flow run on it flips exactly
the control its label names and reports changed; the taps are logged in /sim/state; a new
session (the page opened again) shows the current state; ``inspect --source`` and
``sim --source`` accept uiautomator's trailer and refuse a file that is not a UI dump with
a message naming it."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from real_screens.real_corpus import DATA, Case, cases

from mobile_optout.cli import cli
from mobile_optout.driver import connect
from mobile_optout.flow.model import AppId, Platform
from mobile_optout.locate import Screen
from mobile_optout.sim.replay import ReplayPhone

# one labelled control per screen that has any (a subset: each run takes a settle window)
E2E = list({c.file: c for c in cases() if c.kind == "control"}.values())
APPS = {Platform.ANDROID: "android: {package: com.android.settings}",
        Platform.IOS: "ios: {bundle_id: com.apple.Preferences}"}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), standalone_mode=False)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        from mobile_optout.errors import OptoutError

        if isinstance(result.exception, OptoutError):
            return result.exception.exit_code, str(result.exception)
        raise result.exception
    return (result.return_value if isinstance(result.return_value, int) else 0), result.output


def state(phone: ReplayPhone) -> dict[str, Any]:
    with urllib.request.urlopen(phone.url + "/sim/state", timeout=10) as answer:
        value: dict[str, Any] = json.load(answer)["value"]
        return value


def flow_file(tmp_path: Path, case: Case) -> Path:
    desired = "off" if case.checked else "on"
    path = tmp_path / "flow.yaml"
    path.write_text(
        "mobile-optout: flow\nname: replayed\n"
        f"platforms: {case.platform.value}\napp:\n  {APPS[case.platform]}\nsettle: 0.3\n"
        f"settings:\n  the_switch:\n    desired: {desired}\n    title: {json.dumps(case.label)}\n"
        "steps:\n  - ensure_setting:\n      setting: the_switch\n"
        f"      toggle: {{switch_for: {json.dumps(case.label, ensure_ascii=False)}}}\n",
        encoding="utf-8")
    return path


@pytest.mark.parametrize("case", E2E, ids=[c.id for c in E2E])
def test_a_run_on_the_saved_screen_flips_exactly_the_labelled_control(
        case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with ReplayPhone(case.path) as phone:
        before = state(phone)["controls"]
        code, _out = invoke("run", str(flow_file(tmp_path, case)), "--server", phone.url,
                            "--platform", case.platform.value, "--output", str(tmp_path / "r"))
        after = state(phone)
    assert code == 0
    (report,) = (tmp_path / "r").rglob("report.json")
    (result,) = json.loads(report.read_text(encoding="utf-8"))["results"]
    assert result["outcome"] == "changed"
    flipped = [b for b, a in zip(before, after["controls"], strict=True)
               if b["checked"] != a["checked"]]
    assert [tuple(f["frame"]) for f in flipped] == [frame_of(case)]
    assert [t["flipped"]["frame"] for t in after["taps"] if t.get("flipped")] \
        == [list(frame_of(case))]


def frame_of(case: Case) -> tuple[int, int, int, int]:
    assert case.switch is not None
    b = case.switch
    return b.x, b.y, b.x + b.width, b.y + b.height


def test_the_page_opened_again_shows_the_current_state() -> None:
    case = next(c for c in E2E if c.platform is Platform.ANDROID)
    with ReplayPhone(case.path) as phone:
        x, y = (case.switch.center if case.switch else (0, 0))
        app = AppId(Platform.ANDROID, "com.android.settings")
        driver = connect(phone.url, Platform.ANDROID, app)
        try:
            driver.tap_at(x, y)
            driver.back()
        finally:
            driver.quit()
        again = connect(phone.url, Platform.ANDROID, app)
        try:
            screen = Screen(again.page_source(), Platform.ANDROID)
        finally:
            again.quit()
    (control,) = [n for n in screen.nodes if n.checkable and n.bounds == case.switch]
    assert control.checked is (not case.checked)


def test_uiautomators_trailer_is_accepted(tmp_path: Path) -> None:
    dump = tmp_path / "window_dump.xml"
    text = (DATA / "aosp_settings_date_time_en.xml").read_text(encoding="utf-8")
    dump.write_text(text.strip() + "UI hierchary dumped to: /dev/tty\n", encoding="utf-8")
    code, out = invoke("inspect", "--source", str(dump))
    assert code == 0
    assert '{switch_for: "Set time automatically"}' in out


@pytest.mark.parametrize("command", ["inspect", "sim"])
def test_a_file_that_is_not_a_ui_dump_is_named_with_no_traceback(
        command: str, tmp_path: Path) -> None:
    bad = tmp_path / "notes.xml"
    bad.write_text("<notes><note>hello</note></notes>", encoding="utf-8")
    code, out = invoke(command, "--source", str(bad))
    assert code == 2
    assert str(bad) in out and "not a UI dump" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("words", [
    "均衡器", "响度归一化", "响度归一化 均衡/高质量模式生效\uff0c低延迟模式自动旁路",
    "平衡", "当前模式: 平衡"])
def test_the_server_finds_a_multi_line_label_by_its_first_line_as_the_tree_does(
        words: str) -> None:
    # Flutter merges a title and its subtitle into one content-desc: an exact text names
    # it by the whole text or by its first line (never by a later line)
    from mobile_optout.errors import Where
    from mobile_optout.flow.model import Locator, TextMatch
    from mobile_optout.locate import server_queries

    locator = Locator(Where("test", 0), text=TextMatch("exact", words))
    path = DATA / "lanaudio_console_zh.xml"
    tree = [n.bounds for n in Screen(path.read_text(encoding="utf-8"), Platform.ANDROID)
            .find(locator)]
    with ReplayPhone(path) as phone:
        driver = connect(phone.url, Platform.ANDROID, AppId(Platform.ANDROID, "com.x"))
        try:
            (query,) = server_queries(locator, Platform.ANDROID) or []
            found = [driver.rect(el) for el in driver.find_all(query.strategy, query.value)]
        finally:
            driver.quit()
    assert [(r.x, r.y, r.width, r.height) for r in found] \
        == [(b.x, b.y, b.width, b.height) for b in tree if b is not None]
    assert len(tree) == (0 if words in ("平衡", "当前模式: 平衡") else 1)
