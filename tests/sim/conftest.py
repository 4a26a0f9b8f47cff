"""Simulated phones and real Appium-Python-Client drivers pointed at them."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sim.sim_helpers import connect

from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone


@pytest.fixture
def drivers() -> Iterator[Callable[..., Any]]:
    """``drivers(phone, **caps)`` opens a session; every one is quit at the end."""
    opened: list[Any] = []

    def open_(phone: SimPhone, **caps: Any) -> Any:
        driver = connect(phone, **caps)
        opened.append(driver)
        return driver

    yield open_
    for driver in opened:
        with contextlib.suppress(Exception):  # the test may have ended it itself
            driver.quit()


@pytest.fixture
def android() -> Iterator[SimPhone]:
    with SimPhone(Platform.ANDROID) as phone:
        yield phone


@pytest.fixture
def ios() -> Iterator[SimPhone]:
    with SimPhone(Platform.IOS) as phone:
        yield phone
