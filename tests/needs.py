"""What a test needs from the machine (tests/ is on sys.path: ``from needs import ...``)."""

from __future__ import annotations

import os

import pytest


def missing_tool(reason: str) -> None:
    """In CI a missing tool is a broken set-up: fail loudly. Locally: skip, saying why."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must run this test, but: {reason}", pytrace=False)
    pytest.skip(reason)
