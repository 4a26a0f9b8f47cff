"""Hand-built runs for the results tests, with real evidence files on disk."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from mobile_optout.results.evidence import Evidence
from mobile_optout.results.record import (
    ErrorInfo,
    FlowResult,
    Outcome,
    RunRecord,
    SettingObservation,
    StepRecord,
    StepStatus,
)
from mobile_optout.results.redact import Redactor
from mobile_optout.results.store import Store

HOSTILE = '<script>document.title="PWNED"</script><img src=x onerror="document.title=\'PWNED\'">'
FLOW_PATH = "flows/linkedin/ai-training.yaml"

_ATTR = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
SWITCH = "Use my data for training content creation AI models"
HOSTILE_SOURCE = f"""<?xml version="1.0" encoding="UTF-8"?>
<hierarchy rotation="0">
  <android.widget.FrameLayout bounds="[0,0][1080,2400]">
    <android.widget.TextView text="Ada Lovelace" bounds="[40,200][600,260]"/>
    <android.widget.TextView text="ada@example.com +44 20 7946 0958" bounds="[40,300][900,360]"/>
    <android.widget.TextView text="{_ATTR}"/>
    <android.widget.Switch checked="true" text="{SWITCH}"/>
  </android.widget.FrameLayout>
</hierarchy>
"""


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def phone_png(caption: str, on: bool) -> bytes:
    """A small picture of a settings screen with a toggle, as a phone would send it."""
    img = Image.new("RGB", (270, 585), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 270, 48), fill="#0a66c2")
    d.text((12, 18), caption, fill="white")
    d.text((12, 90), "Use my data for training", fill="black")
    d.text((12, 106), "content creation AI models", fill="black")
    d.rounded_rectangle((200, 92, 250, 118), radius=13, fill="#057642" if on else "#9aa0a6")
    knob = 226 if on else 202
    d.ellipse((knob, 94, knob + 22, 116), fill="white")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def step(label: str, ms: int, *, status: StepStatus = StepStatus.PASSED, line: int = 3,
         evidence: list[str] | None = None, message: str = "") -> StepRecord:
    return StepRecord(label=label, kind=label.split(maxsplit=1)[0], status=status, duration_ms=ms,
                      round_trips=2, line=line, file=FLOW_PATH, message=message,
                      evidence=evidence or [])


def build_run(run_dir: Path, *, hostile: str = HOSTILE, screenshots: bool = True) -> RunRecord:
    """A finished run of five results: changed, failed (hostile page source), not offered,
    error on a grid device, would change. Evidence is written through ``Evidence``."""
    ev = Evidence(run_dir, Redactor(secrets=["hunter2-secret"], names=["Ada Lovelace"]),
                  keep_screenshots=screenshots)
    run = RunRecord(run_id="20261129T031740Z-3f9a1c", mode="apply",
                    started_at="2026-11-29T03:17:40.000+00:00",
                    finished_at="2026-11-29T03:19:02.500+00:00", tool_version="0.1.0")

    changed = FlowResult(device="pixel-7", platform="android", flow="linkedin-ai-training",
                         flow_path=FLOW_PATH, outcome=Outcome.CHANGED,
                         started_at="2026-11-29T03:17:41.000+00:00",
                         finished_at="2026-11-29T03:18:11.250+00:00", app_version="4.1.1000",
                         server="sim:android",
                         setting=SettingObservation(
                             "ai-training", desired=False, before=True, after=False, taps=1,
                             confirmed=["Turn off"], held_s=3.0,
                             reread="Switch read off on a fresh screen 3.0s after it turned"))
    before = ev.screenshot(changed, "before", phone_png("Before", on=True))
    after = ev.screenshot(changed, "after", phone_png("After", on=False))
    changed.steps = [
        step("launch com.linkedin.android", 2100, line=4),
        step('tap "Settings"', 850, line=6),
        step('tap "Data privacy"', 920, line=7),
        step('scroll until "Data for Generative AI Improvement"', 3400, line=8),
        step("ensure ai-training off", 1500, line=12,
             evidence=[p for p in (before, after) if p]),
        step('if visible "Rate the app"', 40, status=StepStatus.SKIPPED, line=15),
    ]

    failed = FlowResult(device="iphone-15", platform="ios", flow="linkedin-ai-training",
                        flow_path=FLOW_PATH, outcome=Outcome.FAILED,
                        started_at="2026-11-29T03:17:41.000+00:00",
                        finished_at="2026-11-29T03:18:30.000+00:00", app_version="9.30.2",
                        server="http://127.0.0.1:4723",
                        setting=SettingObservation("ai-training", desired=False, before=True,
                                                   after=True),
                        note=f"label drift? {hostile}")
    shot = ev.screenshot(failed, "failure", phone_png("Failure", on=True))
    screen = ev.page_source(failed, "failure", HOSTILE_SOURCE.replace(_ATTR, _attr(hostile)))
    failed.steps = [
        step("launch com.linkedin.LinkedIn", 1900, line=4),
        step('tap "Settings"', 700, line=6),
        step(f'tap "{hostile}"', 10000, status=StepStatus.FAILED, line=7,
             evidence=[p for p in (shot, screen) if p],
             message=f"no element matched {hostile}"),
    ]
    failed.error = ErrorInfo(type="StepFailed", message=f"not found: {hostile}",
                             step=f'tap "{hostile}"', line=7,
                             expected=f'an element with text "{hostile}"',
                             actual="12 elements, none matching", screen=screen)

    not_offered = FlowResult(device="pixel-7", platform="android", flow="linkedin-research",
                             flow_path="flows/linkedin/research.yaml",
                             outcome=Outcome.NOT_OFFERED,
                             started_at="2026-11-29T03:18:12.000+00:00",
                             finished_at="2026-11-29T03:18:20.000+00:00",
                             note="the row is absent in this region",
                             steps=[step('tap "Data privacy"', 900)])

    error = FlowResult(device="https://hub.example.com/wd/hub", platform="android",
                       flow="linkedin-ai-training", flow_path=FLOW_PATH, outcome=Outcome.ERROR,
                       started_at="2026-11-29T03:17:41.000+00:00",
                       finished_at="2026-11-29T03:17:45.000+00:00",
                       server="https://hub.example.com/wd/hub", attempts=3,
                       error=ErrorInfo(type="SessionLost", message="session deleted by the grid"),
                       steps=[step("launch com.linkedin.android", 4000, status=StepStatus.ERROR)])

    would = FlowResult(device="pixel-8", platform="android", flow="linkedin-ai-training",
                       flow_path=FLOW_PATH, outcome=Outcome.WOULD_CHANGE,
                       started_at="2026-11-29T03:17:41.000+00:00",
                       finished_at="2026-11-29T03:18:01.000+00:00",
                       setting=SettingObservation("ai-training", desired=False, before=True),
                       steps=[step("ensure ai-training off", 600, line=12)])
    run.results = [changed, failed, not_offered, error, would]
    return run


def step_record(label: str = "tap", status: StepStatus = StepStatus.PASSED) -> StepRecord:
    return StepRecord(label=label, kind="tap", status=status, duration_ms=120, round_trips=2,
                      line=7, file="flows/a.yaml", message="", evidence=["evidence/x.png"])


def record_run(
    store: Store, when: str, results: list[FlowResult], mode: str = "apply"
) -> RunRecord:
    """Play a whole run into the store the way the runner does."""
    run = RunRecord(run_id=f"{when}-run", mode=mode, started_at=when, finished_at=when,
                    tool_version="0.1.0")
    store.run_started(run)
    for r in results:
        r.started_at = r.finished_at = when
        run.results.append(r)
        store.result_started(run, r)
        r.steps.append(step_record())
        store.step_finished(run, r, r.steps[-1])
        store.result_finished(run, r)
    store.run_finished(run)
    return run


def seen(device: str, outcome: Outcome, before: bool | None, after: bool | None = None,
         desired: bool = False) -> FlowResult:
    return FlowResult(device=device, platform="android", flow="ai", flow_path="flows/ai.yaml",
                      outcome=outcome,
                      setting=SettingObservation("ai-training", desired, before, after))
