"""report.json, junit.xml and report.html as written at the end of a run."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from results.results_helpers import HOSTILE

from mobile_optout.results import finish_run
from mobile_optout.results.junit import write_junit
from mobile_optout.results.record import ErrorInfo, RunRecord
from mobile_optout.results.report_json import read_report_json, write_report_json

MakeRun = Callable[..., tuple[RunRecord, Path]]


def test_finish_run_writes_three_reports_and_no_temp_files(make_run: MakeRun) -> None:
    run, run_dir = make_run()
    paths = finish_run(run, run_dir)
    assert {p.name for p in paths.values()} == {"report.json", "junit.xml", "report.html"}
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]


def test_report_json_round_trips(make_run: MakeRun) -> None:
    run, run_dir = make_run()
    path = write_report_json(run, run_dir)
    assert read_report_json(path) == run
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1
    assert data["exit_code"] == 1
    assert data["summary"] == {"changed": 1, "failed": 1, "not_offered": 1, "error": 1,
                               "would_change": 1}
    failed = data["results"][1]
    assert failed["error"]["line"] == 7
    assert failed["error"]["actual"] == "12 elements, none matching"
    assert failed["setting"] == {"id": "ai-training", "desired": False, "before": True,
                                 "after": True, "taps": 0, "confirmed": [], "held_s": None,
                                 "reread": "", "flip_back": "", "evidence": [], "attempts": [],
                                 "proof": "", "proof_read": ""}
    changed = data["results"][0]["setting"]  # the holding check of a change
    assert (changed["taps"], changed["confirmed"], changed["held_s"]) == (1, ["Turn off"], 3.0)
    assert changed["reread"].startswith("Switch read off on a fresh screen")
    assert failed["evidence"]["files"] == [
        "evidence/iphone-15/linkedin-ai-training/01-failure.png",
        "evidence/iphone-15/linkedin-ai-training/02-failure.xml",
    ]


def test_junit_counts_and_cases(make_run: MakeRun) -> None:
    run, run_dir = make_run()
    root = ET.parse(write_junit(run, run_dir)).getroot()
    suite = root.find("testsuite")
    assert suite is not None
    assert {k: suite.get(k) for k in ("name", "tests", "failures", "errors", "skipped")} == {
        "name": "mobile-optout", "tests": "5", "failures": "2", "errors": "1", "skipped": "0"}
    assert suite.get("time") == "82.500"
    cases = {(c.get("classname"), c.get("name")): c for c in suite.iter("testcase")}
    assert set(cases) == {
        ("pixel-7", "linkedin-ai-training"), ("iphone-15", "linkedin-ai-training"),
        ("pixel-7", "linkedin-research"),
        ("https://hub.example.com/wd/hub", "linkedin-ai-training"),
        ("pixel-8", "linkedin-ai-training"),
    }
    changed = cases["pixel-7", "linkedin-ai-training"]  # no failure, no skip: facts and output
    assert [e.tag for e in changed] == ["properties", "system-out"]
    assert {p.get("name"): p.get("value") for p in changed.iter("property")} == {
        "outcome": "changed", "attempts": "1"}
    assert "holding check: tapped 1x; confirmed with 'Turn off'; held 3s" in (
        cases["pixel-7", "linkedin-ai-training"].findtext("system-out") or "")
    failure = cases["iphone-15", "linkedin-ai-training"].find("failure")
    assert failure is not None
    assert failure.get("message") == f"not found: {HOSTILE}"  # escaped on disk, intact here
    assert f'step: tap "{HOSTILE}"' in (failure.text or "")
    assert "expected: an element with text" in (failure.text or "")
    assert "actual: 12 elements, none matching" in (failure.text or "")
    assert cases["pixel-8", "linkedin-ai-training"].find("failure") is not None
    error = cases["https://hub.example.com/wd/hub", "linkedin-ai-training"].find("error")
    assert error is not None and error.get("type") == "SessionLost"
    not_offered = cases["pixel-7", "linkedin-research"]
    assert not_offered.find("skipped") is None and not_offered.find("failure") is None
    assert "the row is absent in this region" in (not_offered.findtext("system-out") or "")


def test_junit_survives_characters_xml_cannot_hold(make_run: MakeRun) -> None:
    run, run_dir = make_run()
    run.results[3].error = ErrorInfo(type="SessionLost", message="bad \x00\x1b[31mbytes\ud800")
    root = ET.parse(write_junit(run, run_dir)).getroot()
    error = root.find(".//error")
    assert error is not None and error.get("message") == "bad [31mbytes"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_html_escapes_every_hostile_text(make_run: MakeRun) -> None:
    run, run_dir = make_run()
    html = finish_run(run, run_dir)["html"].read_text()
    page = _parse(html)
    assert [t for t, _ in page.tags if t == "script"] == []
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)]
    assert all((a.get("src") or "").startswith("evidence/") for t, a in page.tags if t == "img")
    assert HOSTILE in "".join(page.text)  # shown as text, for the reader to see
    assert "<script>" not in html


def test_html_shows_outcomes_setting_steps_and_the_failure(make_run: MakeRun) -> None:
    run, run_dir = make_run()
    html = finish_run(run, run_dir)["html"].read_text()
    text = " ".join(" ".join(_parse(html).text).split())
    for words in ("changed", "failed", "not offered", "would change", "error"):
        assert words in text  # outcome in words, not colour alone
    assert "ai-training on → off (want off)" in text
    assert "holding check: tapped 1x; confirmed with 'Turn off'; held 3s; re-read: Switch" in text
    assert "Expected an element with text" in text and "Actual 12 elements, none matching" in text
    imgs = [a["src"] or "" for t, a in _parse(html).tags if t == "img"]
    assert imgs == [  # failures first
        "evidence/iphone-15/linkedin-ai-training/01-failure.png",
        "evidence/pixel-7/linkedin-ai-training/01-before.png",
        "evidence/pixel-7/linkedin-ai-training/02-after.png",
    ]
    assert all((run_dir / src).is_file() for src in imgs)
    assert "Page source at that moment (redacted)" in text
    assert "[name]" in text and "[email]" in text and "[phone]" in text
    assert "Ada" not in text and "ada@example.com" not in text
    assert 'style="width:100.0%"' in html  # the longest step fills its bar


def test_html_says_when_no_screenshots_were_kept(make_run: MakeRun) -> None:
    run, run_dir = make_run(screenshots=False)
    html = finish_run(run, run_dir)["html"].read_text()
    assert "No screenshots were kept" in html
    assert [t for t, _ in _parse(html).tags if t == "img"] == []
