"""A run records every switch on the settings pages it reads (report.json, history.db,
report.html), from the screens it read anyway."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from e2e.e2e_helpers import FLOWS, run_flows

from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone

GENAI = "Use my data for training content creation AI models"
FEATURES = "Show generative AI writing suggestions"


def test_a_check_records_every_switch_on_the_pages_it_read(tmp_path: Path) -> None:
    with SimPhone(platform=Platform.ANDROID, variants=("two-switches",)) as phone:
        record = run_flows(phone.url, "android", [FLOWS / "linkedin" / "android.yaml"],
                           tmp_path, mode="check")

    (result,) = record.results
    seen = {s["label"]: s["state"] for s in result.switches}
    assert seen == {FEATURES: "on", GENAI: "on"}
    run_dir = tmp_path / record.run_id
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    assert {s["label"] for s in report["results"][0]["switches"]} == {FEATURES, GENAI}
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert "Switches seen" in html and FEATURES in html
    with sqlite3.connect(tmp_path / "history.db") as db:
        rows = db.execute("SELECT app, platform, label, state, source FROM switches_seen"
                          " ORDER BY label").fetchall()
    assert rows == [("linkedin", "android", FEATURES, 1, "check"),
                    ("linkedin", "android", GENAI, 1, "check")]
