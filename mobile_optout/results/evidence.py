"""Evidence: screenshots and redacted page sources in the run folder, and a redacting log.

Files go to ``<run_dir>/evidence/<device>/<flow>/NN-<name>.<ext>``, numbered in the
order they were taken within one (device, flow); the paths handed back (and stored in
records) are relative to the run folder, with forward slashes.

Screenshots are pixels: text in them cannot be redacted. With ``keep_screenshots=False``
(``--no-screenshots``) none is written and the reports say so.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mobile_optout.results.record import FlowResult
from mobile_optout.results.redact import Redactor

EVIDENCE_DIR = "evidence"
DEBUG_LOG = "debug.log"


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write to a temp file in the same folder, flush it to disk, then rename over ``path``.

    A reader (or a crash) never sees a half-written file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # "replace": a lone surrogate (JSON from a server may carry one) becomes "?", not a crash
    payload = data.encode("utf-8", "replace") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def safe_segment(name: str) -> str:
    """A file-name-safe form of a device, flow or evidence name (never empty)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return cleaned[:80] or "unnamed"


class Evidence:
    """Writes the evidence of a run; safe to share between the parallel runner's threads."""

    def __init__(self, run_dir: Path, redactor: Redactor, keep_screenshots: bool = True) -> None:
        self.run_dir = run_dir
        self.redactor = redactor
        self.keep_screenshots = keep_screenshots
        self._lock = threading.Lock()
        self._counters: dict[str, int] = {}

    def _next_path(self, result: FlowResult, name: str, ext: str) -> tuple[Path, str]:
        folder = f"{EVIDENCE_DIR}/{safe_segment(result.device)}/{safe_segment(result.flow)}"
        with self._lock:
            n = self._counters.get(folder, 0) + 1
            self._counters[folder] = n
        if not result.evidence_dir:
            result.evidence_dir = folder
        relative = f"{folder}/{n:02d}-{safe_segment(name)}.{ext}"
        return self.run_dir / relative, relative

    def screenshot(self, result: FlowResult, name: str, png: bytes) -> str | None:
        """Store a screenshot; the path relative to the run folder, or None when off."""
        if not self.keep_screenshots:
            return None
        path, relative = self._next_path(result, name, "png")
        write_atomic(path, png)
        return relative

    def page_source(self, result: FlowResult, name: str, xml: str) -> str:
        """Store a page source, redacted; the path relative to the run folder."""
        path, relative = self._next_path(result, name, "xml")
        write_atomic(path, self.redactor.xml(xml))
        return relative

    def log_filter(self) -> Callable[[Any], bool]:
        """A loguru ``filter=`` that redacts each record's message (for the stderr handler)."""
        redactor = self.redactor

        def redact_record(record: Any) -> bool:
            record["message"] = redactor.text(str(record["message"]))
            return True

        return redact_record

    def log_sink(self) -> Callable[[Any], None]:
        """A loguru sink appending redacted lines to ``<run_dir>/debug.log``.

        It redacts the whole formatted line, tracebacks included:
        ``logger.add(evidence.log_sink(), level="DEBUG")``.
        """
        path = self.run_dir / DEBUG_LOG
        path.parent.mkdir(parents=True, exist_ok=True)
        redactor = self.redactor
        lock = threading.Lock()

        def sink(message: Any) -> None:
            line = redactor.text(str(message))
            with lock, path.open("a", encoding="utf-8") as f:
                f.write(line)

        return sink
