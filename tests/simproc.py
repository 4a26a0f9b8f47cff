"""``mobile-optout sim`` as a process of its own, for tests that drive it from outside."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sim_running(*args: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """`mobile-optout sim ARGS` until the block ends: the process, and what it printed up
    to its last line ("... (Ctrl-C stops)"). Ctrl-C at the end; killed if it will not stop."""
    command = [sys.executable, "-m", "mobile_optout", "sim", *args]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as proc:
        try:
            assert proc.stdout is not None
            lines = [proc.stdout.readline()]
            while "(Ctrl-C stops)" not in lines[-1] and lines[-1]:  # its last line
                lines.append(proc.stdout.readline())
            yield proc, lines
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
            proc.communicate()
