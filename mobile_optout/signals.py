"""Signals that stop a run: SIGINT (Ctrl-C), SIGTERM (``docker stop``, a cancelled CI job,
``kill``) and SIGHUP (the terminal went away) are all handled as Ctrl-C is.

The first one raises ``Stopped`` (a ``KeyboardInterrupt``) in the main thread: every device
stops at its next step or poll, its session is closed, what was done is recorded and the
reports are written; the run exits with 128 + the signal's number (130, 143, 129; see
``results.record.INTERRUPT_EXIT``). A second signal ends the process at once, with the
same code: the history store marks such a run ``interrupted`` the next time it opens.

Imports nothing of the tool's: any layer may ask ``stop_reason``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from types import FrameType

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """A signal asked the run to stop; ``reason`` is its name: sigint, sigterm, sighup."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def stop_reason(exc: BaseException | None) -> str:
    """What a KeyboardInterrupt was: a signal's name, "sigint" for a plain Ctrl-C."""
    return exc.reason if isinstance(exc, Stopped) else "sigint"


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs, SIGINT/SIGTERM/SIGHUP stop it as Ctrl-C does (``Stopped``);
    a second one ends the process at once. Outside the main thread: does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[str] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if received:
            os.write(2, f"\n{name} again: stopping now, without waiting for the devices\n"
                     .encode())
            os._exit(128 + signum)
        received.append(name)
        raise Stopped(name.lower())

    previous = {s: signal.signal(s, handler) for s in HANDLED}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
