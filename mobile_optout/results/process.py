"""Is a run's process still alive? A pid and its start time (Linux ``/proc``) tell a live
process from a reused pid; ``Store.open`` uses them to mark dead runs ``interrupted``."""

from __future__ import annotations

import os
from pathlib import Path


def process_start(pid: int) -> str:
    """When the process started (Linux ``/proc``), to tell a live pid from a reused one."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # Field 22 (starttime), counted after the command name, which may hold spaces.
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else ""


def process_alive(pid: int, started: str = "") -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    return not started or process_start(pid) in ("", started)
