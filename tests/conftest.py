"""Shared fixtures. Each section names what it provides; add yours as a new section."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from needs import missing_tool

DATA = Path(__file__).parent / "data"

# ------------------------------------------- pytester (tests/plugin: pytest sessions in tests)
# Here, not in tests/plugin/conftest.py: pytest refuses pytest_plugins in a conftest below
# the top level when the whole suite runs.
pytest_plugins = ["pytester"]

# ------------------------------------------------- real Appium 3 server (marker: appium)

FAKE_APP = DATA / "fake-app.xml"


def fake_caps(**extra: Any) -> dict[str, Any]:
    """Capabilities for a session on Appium's fake driver with tests/data/fake-app.xml."""
    return {
        "platformName": "Fake",
        "appium:automationName": "Fake",
        "appium:deviceName": "Fake",
        "appium:app": str(FAKE_APP),
        **extra,
    }


def open_raw_session(url: str, caps: dict[str, Any]) -> Any:
    """A session through the raw Appium client (no mobile_optout code in between)."""
    from appium import webdriver
    from appium.options.common import AppiumOptions
    from appium.webdriver.client_config import AppiumClientConfig

    options = AppiumOptions().load_capabilities(caps)
    config = AppiumClientConfig(remote_server_addr=url, direct_connection=False, keep_alive=True)
    return webdriver.Remote(url, options=options, client_config=config)




@pytest.fixture(scope="session")
def appium_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real Appium 3 server (npm-installed, project folder as home) on a free port,
    proven to have loaded a driver by opening and closing one fake-driver session."""
    from mobile_optout.appium_server import AppiumServer

    logs = tmp_path_factory.mktemp("appium")
    server = AppiumServer(log_path=logs / "appium.log")
    missing = server.missing_prerequisite()
    if missing:
        missing_tool(missing)
    with server:
        session = open_raw_session(server.url, fake_caps())
        session.quit()
        yield server


@pytest.fixture
def fake_app_caps() -> Callable[..., dict[str, Any]]:
    """``fake_app_caps(**extra)``: capabilities for the fake driver and fake-app.xml."""
    return fake_caps


@pytest.fixture
def raw_session() -> Callable[[str, dict[str, Any]], Any]:
    """``raw_session(url, caps)``: open a session with the raw Appium client."""
    return open_raw_session


@pytest.fixture
def fake_session(appium_server: Any) -> Iterator[Any]:
    """A fresh raw-client session on the fake driver; quit afterwards."""
    session = open_raw_session(appium_server.url, fake_caps())
    try:
        yield session
    finally:
        session.quit()


# ------------------------------------------------ real Selenium Grid 4 (marker: grid)

GRID_SESSION_TIMEOUT = 2.0  # seconds a queued session request waits before it is refused


def ready_grid(relays: list[Any], workdir: Path) -> Any:
    """A Grid (not started yet) relaying to ``relays``; a missing java or jar is
    ``missing_tool``."""
    from mobile_optout.grid import Grid

    grid = Grid(relays, session_timeout=GRID_SESSION_TIMEOUT, workdir=workdir)
    missing = grid.missing_prerequisite()
    if missing:
        missing_tool(missing)
    return grid


@pytest.fixture(scope="session")
def fake_grid(appium_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real Grid 4 hub with three relay nodes, all relaying to the fake-driver Appium
    server; each node offers one slot with a distinct ``appium:udid`` (fake-1..fake-3)."""
    from mobile_optout.grid import Relay

    relays = [
        Relay(appium_server.url, {"platformName": "Fake", "appium:automationName": "Fake",
                                  "appium:udid": f"fake-{i}"})
        for i in (1, 2, 3)
    ]  # fmt: skip
    with ready_grid(relays, tmp_path_factory.mktemp("fake-grid")) as grid:
        yield grid


@pytest.fixture(scope="session")
def sim_grid(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[Any]]]:
    """(grid, phones): three simulated Android phones behind a real Grid 4 hub, phone i
    offered with ``appium:udid`` "sim-<i>" (i = 0, 1, 2) so that a session can target it.
    The hook for running flows on several phones through a Grid."""
    from contextlib import ExitStack

    from mobile_optout.flow.model import Platform
    from mobile_optout.grid import Relay
    from mobile_optout.sim import SimPhone

    with ExitStack() as stack:
        phones = [
            stack.enter_context(SimPhone(platform=Platform.ANDROID, seed=i)) for i in range(3)
        ]
        relays = [
            Relay(phone.url, {"platformName": "android",
                              "appium:automationName": "UiAutomator2",
                              "appium:udid": f"sim-{i}"})
            for i, phone in enumerate(phones)
        ]  # fmt: skip
        grid = stack.enter_context(ready_grid(relays, tmp_path_factory.mktemp("sim-grid")))
        yield grid, phones


@pytest.fixture(scope="session")
def web_grid(appium_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real Grid 4 hub with one node offering Chromium on Linux, relayed to the Appium
    server's chromium driver (a browser farm for web devices)."""
    from mobile_optout.grid import Relay

    stereotype = {"platformName": "linux", "browserName": "chrome",
                  "appium:automationName": "Chromium"}
    relays = [Relay(appium_server.url, stereotype)]
    with ready_grid(relays, tmp_path_factory.mktemp("web-grid")) as grid:
        yield grid


# ------------------------------------------- real headless Chromium (marker: browser)


@pytest.fixture(scope="session")
def chromium() -> dict[str, str]:
    """Debian's chromium and chromium-driver (installed by scripts/setup --test): the paths
    of both, for capabilities that name them."""
    import shutil

    found = {name: shutil.which(name) for name in ("chromium", "chromedriver")}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        missing_tool(f"{' and '.join(missing)} not on PATH; run scripts/setup --test")
    return {name: str(path) for name, path in found.items()}


# ------------------------------ every run on a simulated phone tells the truth (autouse)


@pytest.fixture(autouse=True)
def sim_runs_tell_the_truth(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Suite-wide, for every run on a simulated phone this test starts: no result says
    changed/already_set while the phone's own state disagrees, no run taps an element
    other than the one it meant (the phone's event log against the run's taps), none taps
    a permission-granting, positive-rating, sign-in, keep-sharing or disabled button (the
    phone marks those), and none outlives its deadline.

    It observes only: SimPhone.start registers the phone by URL; the store's result hooks
    look at the phone when a result starts and when it is final."""
    from truth_helpers import harm_problems, outlived, tap_problems

    from mobile_optout.devices import Timeouts
    from mobile_optout.results.record import Outcome
    from mobile_optout.results.store import Store
    from mobile_optout.sim import SimPhone

    FLOW_DEADLINE = Timeouts().flow
    phones: dict[str, SimPhone] = {}
    marks: dict[int, int] = {}
    problems: list[str] = []
    start, started, finished = SimPhone.start, Store.result_started, Store.result_finished

    def tracking_start(self: SimPhone) -> str:
        url = start(self)
        phones[url] = self
        return url

    def result_started(self: Store, run: Any, result: Any) -> None:
        phone = phones.get(result.server)
        if phone is not None and id(result) not in marks:
            marks[id(result)] = len(phone.events())
        started(self, run, result)

    def result_finished(self: Store, run: Any, result: Any) -> None:
        finished(self, run, result)
        phone = phones.get(result.server)
        if phone is None or id(result) not in marks:
            return
        where = f"{result.flow} on {result.server}"
        s = result.setting
        if result.outcome in (Outcome.CHANGED, Outcome.ALREADY_SET) and s is not None:
            actual = phone.state()["settings"].get(s.id)
            if actual is not s.desired:
                problems.append(f"{where}: reported {result.outcome} for {s.id} "
                                f"but the phone has it {actual}")
        if result.outcome is Outcome.NOT_OFFERED and s is not None and (
                s.id in phone.state()["offered"] and phone.state()["app"] in result.app_name):
            problems.append(f"{where}: reported not_offered for {s.id}, which the phone "
                            "offers")
        events = phone.events()[marks.pop(id(result)):]
        problems.extend(f"{where}: {p}" for p in tap_problems(result, events))
        problems.extend(f"{where}: {p}" for p in harm_problems(events))
        if late := outlived(result, FLOW_DEADLINE):
            problems.append(f"{where}: {late}")

    monkeypatch.setattr(SimPhone, "start", tracking_start)
    monkeypatch.setattr(Store, "result_started", result_started)
    monkeypatch.setattr(Store, "result_finished", result_finished)
    yield
    assert not problems, "\n".join(problems)


# ------------------------------------ headless Chromium driven by chromedriver (marker: browser)


@pytest.fixture
def chrome(tmp_path: Path) -> Iterator[Any]:
    """A headless Chromium to click around in (selenium through Debian's chromedriver;
    bash scripts/setup --test installs both)."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        missing_tool("no chromium / chromedriver on PATH (bash scripts/setup --test)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'chrome'}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(str(chromedriver)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` start first on every worker of a parallel run. ``--dist
    worksteal`` (scripts/test) first gives worker k the k-th of n equal slices of this
    order, so each slice begins with its share of the slow tests, dealt in turn; otherwise
    one worker would hold them all and the suite would wait on its tail. The order within
    each kind is kept; one process runs the slow tests first."""
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    rest = [item for item in items if item.get_closest_marker("slow") is None]
    n = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    slices: list[list[pytest.Item]] = [slow[k::n] for k in range(n)]
    left = len(items)
    for k, part in enumerate(slices):  # the slices worksteal cuts: what is left, evenly
        size = left // (n - k)
        left -= size
        take = max(0, size - len(part))
        part.extend(rest[:take])
        del rest[:take]
    items[:] = [item for part in slices for item in part] + rest
