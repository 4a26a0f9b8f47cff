"""What the Grid writes and how --relay is read; no Java needed."""

from __future__ import annotations

import json
import tomllib

import pytest

from mobile_optout.errors import UsageError
from mobile_optout.grid import Ports, Relay, hub_toml, node_toml, parse_relay

PORTS = Ports(hub=4444, publish=4442, subscribe=4443)


def test_relay_flag_reads_url_and_capabilities() -> None:
    relay = parse_relay('http://127.0.0.1:4723/={"platformName": "android", "appium:udid": "X"}')
    assert relay.url == "http://127.0.0.1:4723"
    assert relay.capabilities == {"platformName": "android", "appium:udid": "X"}
    assert parse_relay("http://10.0.0.2:4723").capabilities == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("http://h:4723={not json", "not JSON"),
        ('http://h:4723=["a"]', "JSON object"),
        ("h:4723", "expected an http"),
    ],
)
def test_relay_flag_mistakes_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        parse_relay(text)


def test_node_toml_relays_with_the_stereotype_and_explicit_ports() -> None:
    caps = {"platformName": "android", "appium:udid": 'quote " and \\ backslash'}
    config = tomllib.loads(node_toml(Relay("http://127.0.0.1:4723", caps, 2), 6001, PORTS))
    assert config["server"] == {"host": "127.0.0.1", "port": 6001}
    assert config["node"]["detect-drivers"] is False
    assert config["relay"]["url"] == "http://127.0.0.1:4723"
    assert config["relay"]["status-endpoint"] == "/status"
    count, stereotype = config["relay"]["configs"]
    assert count == "2"
    assert json.loads(stereotype) == caps
    assert config["events"]["publish"] == "tcp://127.0.0.1:4442"


def test_hub_toml_rejects_unknown_caps_and_times_out_the_queue() -> None:
    config = tomllib.loads(hub_toml(PORTS, session_timeout=7))
    assert config["server"] == {"host": "127.0.0.1", "port": 4444}
    assert config["distributor"]["reject-unsupported-caps"] is True
    assert config["sessionqueue"]["session-request-timeout"] == 7
