"""Conformance: the simulated phone answers the Appium protocol like a real Appium 3 server.

The same raw Appium-Python-Client calls (and the same raw HTTP requests) go to both
servers: the simulated Android phone (``mobile_optout.sim``, speaking as UiAutomator2)
and a real Appium 3 server running the npm-installed fake driver with
tests/data/fake-app.xml. The apps differ, so the tests compare response SHAPES (keys,
types) and EXCEPTION CLASSES, never values. The ``server`` fixture runs every test once
per server; the tests at the end call both servers side by side and compare outcomes.

Compared: ``GET /status``; the new-session response; find_element / find_elements by
xpath, id, accessibility id and class name (WebElements; ``[]`` for no match);
NoSuchElementException per strategy; InvalidSelectorException for a broken xpath; an
unsupported strategy; element rect keys; element text type; get_attribute of an unknown
name; page source (str, XML); screenshot (PNG that Pillow decodes); window rect keys; a
command after quit; W3C error bodies over raw HTTP (missing element, unknown session,
unknown route).

Documented divergences, each pinned per server below rather than skipped:

- Broken xpath: the fake driver reports "invalid selector" only for its magic selector
  ``badsel``; a really broken xpath such as ``//*[`` reaches its xpath library and comes
  back as 500 "unknown error" (WebDriverException). UiAutomator2, and so the simulator,
  answer a broken xpath with 400 "invalid selector". Each app's ``broken_xpath`` locator
  is therefore the one that its server calls invalid; the exception class is the same.
- Unsupported strategy: UiAutomator2 rejects a strategy it does not list with 400
  "invalid selector" (base driver ``validateLocatorStrategy``); the fake driver overrides
  ``findElement`` without that check and answers 404 "unknown command". Both are W3C
  errors with HTTP >= 400; the class differs.
- get_attribute of an unknown name: UiAutomator2 (and the simulator) answer 404 "unknown
  command" (UnknownMethodException); the fake driver returns "" for any name, because
  its attributes are only the ones clicks and typing set.

Not tested here, because the two legitimately differ (the fake driver is not
UiAutomator2 and its app is static): ``mobile:`` scripts (the fake driver has none);
``back()`` (unimplemented there); navigation and anything that changes the screen;
implicit waits (ignored there); ``-android uiautomator`` (not a fake-driver strategy);
``css selector`` (the fake driver accepts it; the simulator does not yet, although
UiAutomator2 converts CSS to a UiSelector: a known gap of the simulator); attribute values
and click effects (``clicks`` counter vs. real taps); alerts; the extra capabilities each
server adds to the session response; stacktrace contents (Appium sends a Node.js trace,
the simulator an empty string; both send a string).
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from appium.webdriver.webelement import WebElement
from PIL import Image
from selenium.common import exceptions as se

from mobile_optout.flow.model import Platform
from mobile_optout.sim import SimPhone

pytestmark = pytest.mark.appium

STRATEGIES = ("xpath", "id", "accessibility id", "class name")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
W3C_ERROR_KEYS = {"error", "message", "stacktrace"}
RECT_KEYS = {"x", "y", "width", "height"}
UNSUPPORTED = ("-ios predicate string", "name == 'anything'")  # neither server offers it


@dataclass(frozen=True)
class Target:
    """One server under test and what its app looks like."""

    name: str
    url: str
    caps: dict[str, Any]
    found: dict[str, str]  # strategy -> a value that matches at least one element
    missing: dict[str, str]  # strategy -> a value that matches nothing
    broken_xpath: str  # an xpath this server calls invalid (see the module docstring)
    # The documented divergences (module docstring): what each server answers.
    unsupported_strategy_error: type[Exception]
    unknown_attribute_error: type[Exception] | None  # None: returns a str instead
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def sim_target() -> Iterator[Target]:
    with SimPhone(platform=Platform.ANDROID, variants=(), seed=0) as phone:
        package = "com.linkedin.android"
        yield Target(
            name="sim",
            url=phone.url,
            caps={"platformName": "Android", "appium:automationName": "UiAutomator2",
                  "appium:appPackage": package},
            # The app starts on the feed: the avatar is an ImageView with a content-desc.
            found={"xpath": f"//*[@resource-id='{package}:id/me_launcher']",
                   "id": "me_launcher",
                   "accessibility id": "My Profile and Communities",
                   "class name": "android.widget.ImageView"},
            missing={"xpath": f"//*[@resource-id='{package}:id/no_such_id']",
                     "id": "no_such_id",
                     "accessibility id": "No such description",
                     "class name": "android.widget.NoSuchWidget"},
            broken_xpath="//*[",
            unsupported_strategy_error=se.InvalidSelectorException,
            unknown_attribute_error=se.UnknownMethodException,
        )  # fmt: skip


def appium_target(url: str, caps: dict[str, Any]) -> Target:
    return Target(
        name="appium",
        url=url,
        caps=caps,
        found={"xpath": "//MockSwitch[@id='ai_switch']", "id": "ai_switch",
               "accessibility id": "ai_switch", "class name": "MockSwitch"},
        missing={"xpath": "//MockSwitch[@id='no_such_id']", "id": "no_such_id",
                 "accessibility id": "no_such_id", "class name": "MockNoSuchWidget"},
        broken_xpath="badsel",
        unsupported_strategy_error=se.UnknownMethodException,
        unknown_attribute_error=None,
    )  # fmt: skip


@pytest.fixture(params=["sim", "appium"])
def server(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The server under test, with the capabilities and locators for its app."""
    if request.param == "sim":
        with sim_target() as target:
            yield target
    else:
        appium = request.getfixturevalue("appium_server")
        yield appium_target(appium.url, request.getfixturevalue("fake_app_caps")())


@pytest.fixture
def session(server: Target, raw_session: Callable[[str, dict[str, Any]], Any]) -> Iterator[Any]:
    """A raw Appium client session on ``server``; quit afterwards."""
    driver = raw_session(server.url, server.caps)
    try:
        yield driver
    finally:
        driver.quit()


# ------------------------------------------------------------------------ raw HTTP


def http(url: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """(status, decoded JSON body) of a raw request; HTTP errors are answers, not raised."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        url.rstrip("/") + path, data=data, method=method,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read().decode("utf-8"))


def new_session_raw(target: Target) -> tuple[int, Any]:
    return http(target.url, "POST", "/session",
                {"capabilities": {"alwaysMatch": target.caps, "firstMatch": [{}]}})  # fmt: skip


def assert_w3c_error(status: int, body: Any, error: str) -> None:
    assert status >= 400
    assert isinstance(body, dict) and isinstance(body.get("value"), dict)
    value = body["value"]
    assert set(value) >= W3C_ERROR_KEYS
    assert all(isinstance(value[key], str) for key in W3C_ERROR_KEYS)
    assert value["error"] == error


# --------------------------------------------------------------- each server alone


def test_status_shape(server: Target) -> None:
    status, body = http(server.url, "GET", "/status")
    assert status == 200
    value = body["value"]
    assert value["ready"] is True
    assert isinstance(value["message"], str) and value["message"]
    assert isinstance(value["build"]["version"], str)
    assert value["build"]["version"].startswith("3.")


def test_new_session_response_shape(server: Target) -> None:
    status, body = new_session_raw(server)
    assert status == 200
    value = body["value"]
    try:
        assert isinstance(value["sessionId"], str) and value["sessionId"]
        caps = value["capabilities"]
        assert isinstance(caps["platformName"], str)
        # Appium answers with the vendor prefixes stripped ("automationName").
        assert not [key for key in caps if key.startswith("appium:")]
        assert caps["automationName"] == server.caps["appium:automationName"]
    finally:
        http(server.url, "DELETE", f"/session/{value['sessionId']}")


def test_client_session_carries_id_and_capabilities(session: Any) -> None:
    assert isinstance(session.session_id, str) and session.session_id
    assert isinstance(session.capabilities["platformName"], str)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_find_returns_web_elements(server: Target, session: Any, strategy: str) -> None:
    element = session.find_element(strategy, server.found[strategy])
    assert isinstance(element, WebElement)
    elements = session.find_elements(strategy, server.found[strategy])
    assert isinstance(elements, list) and elements
    assert all(isinstance(e, WebElement) for e in elements)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_find_elements_without_a_match_is_an_empty_list(
    server: Target, session: Any, strategy: str
) -> None:
    assert session.find_elements(strategy, server.missing[strategy]) == []


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_find_element_without_a_match_is_no_such_element(
    server: Target, session: Any, strategy: str
) -> None:
    with pytest.raises(se.NoSuchElementException):
        session.find_element(strategy, server.missing[strategy])


def test_broken_xpath_is_an_invalid_selector(server: Target, session: Any) -> None:
    with pytest.raises(se.InvalidSelectorException):
        session.find_element("xpath", server.broken_xpath)
    with pytest.raises(se.InvalidSelectorException):
        session.find_elements("xpath", server.broken_xpath)


def test_unsupported_strategy_is_refused(server: Target, session: Any) -> None:
    # Divergent class (module docstring); on both it is a W3C error, never a result.
    with pytest.raises(server.unsupported_strategy_error):
        session.find_element(*UNSUPPORTED)
    status, body = http(server.url, "POST", f"/session/{session.session_id}/element",
                        {"using": UNSUPPORTED[0], "value": UNSUPPORTED[1]})  # fmt: skip
    assert status >= 400
    assert set(body["value"]) >= W3C_ERROR_KEYS


def test_element_rect_and_text_shapes(server: Target, session: Any) -> None:
    element = session.find_element("id", server.found["id"])
    rect = element.rect
    assert set(rect) == RECT_KEYS
    assert all(isinstance(v, int | float) and not isinstance(v, bool) for v in rect.values())
    assert rect["width"] > 0 and rect["height"] > 0
    assert isinstance(element.text, str)


def test_unknown_attribute(server: Target, session: Any) -> None:
    # Divergent (module docstring): UiAutomator2 refuses the name; the fake driver
    # answers "" for any name it has not set.
    element = session.find_element("id", server.found["id"])
    if server.unknown_attribute_error is None:
        assert element.get_attribute("no-such-attribute") == ""
    else:
        with pytest.raises(server.unknown_attribute_error):
            element.get_attribute("no-such-attribute")


def test_page_source_is_xml(session: Any) -> None:
    source = session.page_source
    assert isinstance(source, str)
    root = ET.fromstring(source)
    assert len(list(root.iter())) > 1


def test_screenshot_is_a_png_pillow_decodes(session: Any) -> None:
    png = session.get_screenshot_as_png()
    assert png.startswith(PNG_MAGIC)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        image.load()  # decodes every pixel: a truncated file fails here
        assert image.width > 0 and image.height > 0
    assert base64.b64decode(session.get_screenshot_as_base64()).startswith(PNG_MAGIC)


def test_window_rect_shape(session: Any) -> None:
    rect = session.get_window_rect()
    assert set(rect) == RECT_KEYS
    assert rect["width"] > 0 and rect["height"] > 0


def test_a_command_after_quit_is_an_invalid_session(
    server: Target, raw_session: Callable[[str, dict[str, Any]], Any]
) -> None:
    driver = raw_session(server.url, server.caps)
    driver.quit()
    with pytest.raises(se.InvalidSessionIdException):
        _ = driver.page_source
    with pytest.raises(se.InvalidSessionIdException):
        driver.find_element("id", server.found["id"])


def test_missing_element_error_body(server: Target) -> None:
    status, body = new_session_raw(server)
    assert status == 200
    sid = body["value"]["sessionId"]
    try:
        status, body = http(server.url, "POST", f"/session/{sid}/element",
                            {"using": "id", "value": server.missing["id"]})  # fmt: skip
        assert status == 404
        assert_w3c_error(status, body, "no such element")
    finally:
        http(server.url, "DELETE", f"/session/{sid}")


def test_unknown_session_error_body(server: Target) -> None:
    status, body = http(server.url, "GET", "/session/no-such-session/source")
    assert status == 404
    assert_w3c_error(status, body, "invalid session id")


def test_unknown_route_error_body(server: Target) -> None:
    status, body = http(server.url, "GET", "/no/such/route")
    assert status == 404
    assert_w3c_error(status, body, "unknown command")


# ------------------------------------------------------------- both, side by side


def shape(value: Any) -> Any:
    """The type skeleton of a response: what must match across servers."""
    if isinstance(value, WebElement):
        return "WebElement"
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "str"
    if isinstance(value, dict):
        return {key: shape(v) for key, v in sorted(value.items())}
    if isinstance(value, list):
        return ["list", sorted({json.dumps(shape(v), sort_keys=True) for v in value})]
    return type(value).__name__


def outcome(call: Callable[..., Any], *args: Any) -> Any:
    """The exception class ``call(*args)`` raises, else the shape of what it returns."""
    try:
        return shape(call(*args))
    except Exception as exc:
        return type(exc).__name__


Probe = Callable[[Target, Any], Any]  # (target, session) -> response


def finder(method: str, strategy: str, *, matching: bool) -> Probe:
    """A probe calling ``session.<method>(strategy, <found or missing value>)``."""

    def probe(target: Target, session: Any) -> Any:
        value = (target.found if matching else target.missing)[strategy]
        return getattr(session, method)(strategy, value)

    return probe


def first_found(target: Target, session: Any) -> Any:
    return session.find_element("id", target.found["id"])


PROBES: dict[str, Probe] = {
    **{f"find_element {s}": finder("find_element", s, matching=True) for s in STRATEGIES},
    **{f"find_elements {s}": finder("find_elements", s, matching=True) for s in STRATEGIES},
    **{f"find_element {s}, no match": finder("find_element", s, matching=False)
       for s in STRATEGIES},
    **{f"find_elements {s}, no match": finder("find_elements", s, matching=False)
       for s in STRATEGIES},
    "find_element broken xpath": lambda t, d: d.find_element("xpath", t.broken_xpath),
    "find_elements broken xpath": lambda t, d: d.find_elements("xpath", t.broken_xpath),
    "element rect": lambda t, d: first_found(t, d).rect,
    "element text": lambda t, d: first_found(t, d).text,
    "element displayed": lambda t, d: first_found(t, d).is_displayed(),
    "window rect": lambda t, d: d.get_window_rect(),
    "page source": lambda t, d: d.page_source,
    "screenshot is a PNG": lambda t, d: d.get_screenshot_as_png().startswith(PNG_MAGIC),
}  # fmt: skip


@pytest.fixture
def pair(
    appium_server: Any,
    fake_app_caps: Callable[..., dict[str, Any]],
    raw_session: Callable[[str, dict[str, Any]], Any],
) -> Iterator[list[tuple[Target, Any]]]:
    """[(sim target, session), (appium target, session)], both open at once."""
    with sim_target() as sim:
        appium = appium_target(appium_server.url, fake_app_caps())
        opened = [(sim, raw_session(sim.url, sim.caps))]
        try:
            opened.append((appium, raw_session(appium.url, appium.caps)))
            yield opened
        finally:
            for _, driver in opened:
                with contextlib.suppress(se.InvalidSessionIdException):  # a test may quit
                    driver.quit()


def test_same_outcome_on_both(pair: list[tuple[Target, Any]]) -> None:
    (sim, sim_session), (appium, appium_session) = pair
    differ = {}
    for name, probe in PROBES.items():
        got = outcome(probe, sim, sim_session)
        want = outcome(probe, appium, appium_session)
        if got != want:
            differ[name] = {"sim": got, "appium": want}
    assert differ == {}


def test_same_exception_after_quit_on_both(pair: list[tuple[Target, Any]]) -> None:
    outcomes = []
    for target, session in pair:
        session.quit()
        outcomes.append([outcome(probe, target, session)
                         for probe in (PROBES["page source"], first_found)])  # fmt: skip
    assert outcomes[0] == outcomes[1] == ["InvalidSessionIdException"] * 2


def test_same_error_bodies_on_both(pair: list[tuple[Target, Any]]) -> None:
    answers = []
    for target, session in pair:
        requests = [
            ("POST", f"/session/{session.session_id}/element",
             {"using": "id", "value": target.missing["id"]}),
            ("GET", "/session/no-such-session/source", None),
            ("GET", "/no/such/route", None),
        ]  # fmt: skip
        one = []
        for method, path, body in requests:
            status, answer = http(target.url, method, path, body)
            one.append((status, answer["value"]["error"], shape(answer)))
        answers.append(one)
    assert answers[0] == answers[1]
    errors = [error for _, error, _ in answers[0]]
    assert errors == ["no such element", "invalid session id", "unknown command"]
