"""Fixtures for the plugin's tests: each test runs a pytest session of its own (pytester,
enabled in tests/conftest.py) in a folder holding a copy of the shipped LinkedIn flows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# pytester's in-process sessions forget every module first imported inside them; import
# the heavy ones (Appium client, runner, store) once here so each session does not
# import them again.
import mobile_optout.driver
import mobile_optout.job
import mobile_optout.results.store
import mobile_optout.runner
import mobile_optout.sim

HEAVY = (mobile_optout.driver, mobile_optout.job, mobile_optout.results.store,
         mobile_optout.runner, mobile_optout.sim)
ROOT = Path(__file__).resolve().parents[2]
STRICT_INI = """\
[pytest]
addopts = --strict-markers -p no:cacheprovider -p no:hypothesispytest
filterwarnings = error
"""


@pytest.fixture
def flows_dir(pytester: pytest.Pytester) -> Path:
    """pytester's folder with ``flows/linkedin`` copied in; returns that folder."""
    shutil.copytree(ROOT / "flows" / "linkedin", pytester.path / "flows" / "linkedin")
    return pytester.path


@pytest.fixture
def strict_ini(pytester: pytest.Pytester) -> str:
    """Inner sessions as strict as ours (and without the hypothesis plugin: it is slow):
    pytester's ini written; its text, for a test that writes it again with lines added."""
    pytester.makeini(STRICT_INI)
    return STRICT_INI
