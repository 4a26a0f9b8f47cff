"""Evidence files: where they go, that page sources and logs are redacted."""

from __future__ import annotations

from pathlib import Path

from loguru import logger

from mobile_optout.results.evidence import Evidence, write_atomic
from mobile_optout.results.record import FlowResult
from mobile_optout.results.redact import Redactor


def _result(device: str = "pixel-7", flow: str = "linkedin ai/training") -> FlowResult:
    return FlowResult(device=device, platform="android", flow=flow, flow_path="f.yaml")


def test_screenshots_are_numbered_per_result_and_relative(tmp_path: Path) -> None:
    ev = Evidence(tmp_path, Redactor())
    a, b = _result(), _result(device="iphone-15")
    first = ev.screenshot(a, "before", b"\x89PNG one")
    other = ev.screenshot(b, "before", b"\x89PNG two")
    second = ev.page_source(a, "after", "<hierarchy/>")
    assert first == "evidence/pixel-7/linkedin-ai-training/01-before.png"
    assert other == "evidence/iphone-15/linkedin-ai-training/01-before.png"
    assert second == "evidence/pixel-7/linkedin-ai-training/02-after.xml"
    assert (tmp_path / first).read_bytes() == b"\x89PNG one"
    assert a.evidence_dir == "evidence/pixel-7/linkedin-ai-training"


def test_no_screenshots_keeps_none(tmp_path: Path) -> None:
    ev = Evidence(tmp_path, Redactor(), keep_screenshots=False)
    assert ev.screenshot(_result(), "before", b"png") is None
    assert not (tmp_path / "evidence").exists()


def test_page_sources_are_stored_redacted(tmp_path: Path) -> None:
    ev = Evidence(tmp_path, Redactor(secrets=["hunter2-secret"], names=["Ada Lovelace"]))
    path = ev.page_source(
        _result(), "screen",
        '<hierarchy><node text="Ada Lovelace" content-desc="hunter2-secret ada@x.org"/>'
        "</hierarchy>",
    )
    stored = (tmp_path / path).read_text()
    assert "Ada" not in stored and "hunter2" not in stored and "ada@x.org" not in stored
    assert 'text="[name]"' in stored


def test_debug_log_is_redacted(tmp_path: Path) -> None:
    ev = Evidence(tmp_path, Redactor(secrets=["hunter2-secret"]))
    handler = logger.add(ev.log_sink(), level="DEBUG", format="{level} {message}")
    try:
        logger.debug("login with hunter2-secret as ada@example.com")
    finally:
        logger.remove(handler)
    assert (tmp_path / "debug.log").read_text() == "DEBUG login with [secret] as [email]\n"


def test_log_filter_redacts_the_message(tmp_path: Path) -> None:
    ev = Evidence(tmp_path, Redactor(secrets=["hunter2-secret"]))
    lines: list[str] = []
    handler = logger.add(lines.append, filter=ev.log_filter(), format="{message}")
    try:
        logger.info("token hunter2-secret")
    finally:
        logger.remove(handler)
    assert lines == ["token [secret]\n"]


def test_write_atomic_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "report.json"
    write_atomic(target, "old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in target.parent.iterdir()] == ["report.json"]
