"""Hostile screens: what an app puts on screen is data, never code and never a crash.

Page sources with script tags, megabyte texts, control characters, odd encodings, entity
tricks and very deep trees go through matching (``locate.Screen``), the stored evidence,
the history database and every report: each stays readable, nothing is executed, the
HTML report keeps its strict Content-Security-Policy.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from results.results_helpers import build_run

from mobile_optout.errors import DeviceError, Where
from mobile_optout.flow.model import Locator, Platform, TextMatch
from mobile_optout.locate import Screen
from mobile_optout.results import finish_run
from mobile_optout.results.report_json import read_report_json
from mobile_optout.results.store import Store

CSP = ("default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; "
       "form-action 'none'; base-uri 'none'")
SCRIPT = '<script>document.title="PWNED"</script><img src=x onerror="alert(1)">'
HOSTILE_TEXTS = {
    "script": SCRIPT,
    "control-chars": "bell\x07 nul\x00 esc\x1b[31m vt\x0b del\x7f end",
    "megabyte": "A" * 1_000_000 + SCRIPT,
    "odd-unicode": "\u202eevil\u202c \u200b zero-width \ufeff bom \U0001f600 \udcff lone",
    "cdata-end": "]]><![CDATA[ <x/> ]]> &amp; &lt;script&gt;",
    "newlines": "line1\r\nline2\rline3\n\n</td></tr></table><plaintext>",
}


def attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace(">", "&gt;"))


def el(cls: str, bounds: str, inner: str = "", **attrs: str) -> str:
    """One UiAutomator2 node."""
    more = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return (f'<{cls} class="{cls}" bounds="{bounds}" displayed="true"{more}>{inner}</{cls}>')


def android_source(*rows: str, depth: int = 0) -> str:
    inner = "".join(el("android.widget.TextView", f"[0,{100 + 60 * i}][1080,{150 + 60 * i}]",
                       text=row) for i, row in enumerate(rows))
    switch = el("android.widget.LinearLayout", "[0,900][1080,1000]",
                el("android.widget.TextView", "[0,900][800,1000]", text="Use my data")
                + el("android.widget.Switch", "[900,900][1080,1000]", checkable="true",
                     checked="true"))
    group = el("android.view.ViewGroup", "[0,0][1080,2400]", "|")
    opening, closing = group.split("|")
    nested = opening * depth + inner + switch + closing * depth
    return ('<?xml version="1.0" encoding="UTF-8"?><hierarchy rotation="0">'
            + el("android.widget.FrameLayout", "[0,0][1080,2400]", nested) + "</hierarchy>")


def text(value: str) -> Locator:
    return Locator(Where.unknown(), text=TextMatch("exact", value))


SWITCH = Locator(Where.unknown(), switch_for=text("Use my data"))


@pytest.mark.parametrize("depth", [0, 1500])
def test_hostile_texts_are_matched_as_plain_text(depth: int) -> None:
    readable = {k: v for k, v in HOSTILE_TEXTS.items() if k not in ("control-chars",)}
    source = android_source(*(attr(v.replace("\udcff", "?")) for v in readable.values()),
                            depth=depth)
    screen = Screen(source, Platform.ANDROID)
    assert screen.first(text(SCRIPT)) is not None  # the script is text on a screen
    assert screen.first(text("A" * 1_000_000 + SCRIPT)) is not None
    toggle = screen.first(SWITCH)
    assert toggle is not None and toggle.checked is True


@pytest.mark.parametrize("source", [
    android_source("bell &#7; is not XML 1.0"),
    android_source("raw \x01 control"),
    android_source("ok").replace('encoding="UTF-8"', 'encoding="UTF-16"'),
    '<?xml version="1.0"?><!DOCTYPE h [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<hierarchy><android.widget.TextView text="&x;"/></hierarchy>',
    "<hierarchy><unclosed></hierarchy>",
    "",
    "\x00" * 100,
    android_source("deep", depth=5000),
], ids=["char-ref", "raw-control", "utf16-declared", "xxe", "unclosed", "empty", "nuls",
        "deeper-than-xml-parsers-go"])
def test_an_unreadable_page_source_is_a_device_error_not_a_crash(source: str) -> None:
    with pytest.raises(DeviceError, match="page source") as caught:
        Screen(source, Platform.ANDROID)
    assert "/etc/passwd" not in str(caught.value) or "root:" not in str(caught.value)
    assert len(str(caught.value)) < 2000


def test_entities_are_never_expanded() -> None:
    laughs = ('<?xml version="1.0"?><!DOCTYPE h [<!ENTITY a "aaaaaaaaaa">'
              + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                        for i in range(8))
              + ']><hierarchy><android.widget.TextView text="&i;" bounds="[0,0][9,9]"/>'
              "</hierarchy>")
    try:
        screen = Screen(laughs, Platform.ANDROID)
    except DeviceError:
        return  # refusing the document is as good as not expanding it
    assert all(len("".join(n.texts)) < 1000 for n in screen.nodes)


@pytest.mark.parametrize("case", sorted(HOSTILE_TEXTS))
def test_hostile_texts_pass_through_records_history_and_reports(
    case: str, tmp_path: Path
) -> None:
    hostile = HOSTILE_TEXTS[case]
    run_dir = tmp_path / "results" / "20261129T031740Z-3f9a1c"
    run = build_run(run_dir, hostile=hostile)
    with Store.open(tmp_path / "results") as store:
        store.run_started(run)
        for result in run.results:
            store.result_started(run, result)
            for step in result.steps:
                store.step_finished(run, result, step)
            store.result_finished(run, result)
        store.run_finished(run)
        assert store.integrity() == "ok"
        again = store.run_record(run.run_id)
    assert again is not None and len(again.results) == len(run.results)

    files = finish_run(run, run_dir)

    # report.json: valid JSON that this version reads back
    back = read_report_json(files["json"])
    assert [r.outcome for r in back.results] == [r.outcome for r in run.results]
    json.loads(files["json"].read_text(encoding="utf-8"))
    # junit.xml: well-formed XML however hostile the messages were
    etree.parse(str(files["junit"]), etree.XMLParser(resolve_entities=False))
    # report.html: no script, no event handler, the policy untouched
    page = lxml_html.fromstring(files["html"].read_bytes())
    assert page.xpath("//script") == []
    assert page.xpath("//@*[starts-with(name(), 'on')]") == []
    assert page.xpath("//iframe|//object|//embed|//base|//form|//plaintext") == []
    policy = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy == [CSP]
    # stored page sources stay XML (the runner only keeps sources it could parse: a raw
    # control character makes one unparseable from the start)
    for xml in run_dir.rglob("*.xml") if case != "control-chars" else ():
        etree.parse(str(xml), etree.XMLParser(resolve_entities=False))
    with sqlite3.connect(tmp_path / "results" / "history.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
