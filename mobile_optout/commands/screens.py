"""`inspect` and `studio`: one look at a device's screen, and the page that runs one
step at a time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mobile_optout import console
from mobile_optout.errors import UsageError

if TYPE_CHECKING:
    from mobile_optout.devices import DeviceProfile


from mobile_optout.commands.group import cap_value, cli
from mobile_optout.signals import stop_on_signals

# --------------------------------------------------------------------------- inspect / studio


def _one_device_options(fn: Callable[..., int]) -> Callable[..., int]:
    """--device / --devices / --server / --platform / --cap: one device to look at."""
    options = [
        click.option("--device", "-d", metavar="NAME", help="A device from the devices "
                     "file (default: the one marked default, the simulated Android phone)."),
        click.option("--devices", "devices_file", type=click.Path(path_type=Path),
                     help="The devices file (default: ./devices.yaml, else the built-in one)."),
        click.option("--server", metavar="URL", help="Any Appium endpoint (needs --platform)."),
        click.option("--platform", type=click.Choice(["android", "ios", "web"])),
        click.option("--cap", "caps", multiple=True, metavar="NAME=VALUE",
                     help="An extra capability (repeatable)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _one_device(device: str | None, devices_file: Path | None, server: str | None,
                platform: str | None, caps: tuple[str, ...]) -> DeviceProfile:
    """The DeviceProfile those options name (${ENV} resolved)."""
    import os

    from mobile_optout.choose import choose_devices
    from mobile_optout.job import RunRequest, parse_pairs

    capabilities = {k: cap_value(v) for k, v in parse_pairs(caps, "--cap").items()}
    request = RunRequest(
        devices=(device,) if device else (), devices_file=devices_file, server=server,
        platform=platform, capabilities=capabilities, environ=os.environ,
    )
    (profile,) = choose_devices(request)
    return profile


@cli.command("inspect")
@_one_device_options
@click.option("--app", "app_id", metavar="ID", help="Open this app first (Android package "
              "or iOS bundle id). Default: the screen as it is (on a simulated phone: its "
              "first app).")
@click.option("--xml", "as_xml", is_flag=True, help="Print the page source as it came.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the elements, their attributes and suggestions as JSON.")
@click.option("--after", metavar="FLOW[:STEP]", help="First run this flow (a path or a "
              "built-in flow's name) up to STEP (a step's label or line), or to its end, "
              "as a check (ensure_setting only reads); then show the screen it reached.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="With --after: set a flow parameter (repeatable).")
@click.option("--source", "source_file", type=click.Path(path_type=Path), metavar="FILE",
              help="A saved page source instead of a device (uiautomator dump, Appium or "
              "WDA page source; the platform is read from the file).")
def inspect_command(device: str | None, devices_file: Path | None, server: str | None,
                    platform: str | None, caps: tuple[str, ...], app_id: str | None,
                    as_xml: bool, as_json: bool, after: str | None,
                    params: tuple[str, ...], source_file: Path | None) -> int:
    """Show what is on the device's screen and the locator to write for each element.

    For writing or mending a flow: the suggestions follow the rules the runner matches by,
    preferring what a person sees (texts, labels) over ids that change between builds;
    each one finds exactly its element. On a running phone or server (--server, or a
    device that is not simulated) the screen is shown as it is; --after reaches a deeper
    screen first.
    """
    import os

    from mobile_optout.inspection import inspect_device, inspect_source
    from mobile_optout.job import parse_pairs

    if source_file is not None:
        source, seen_on, rows = inspect_source(source_file)
        title = f"{source_file} ({seen_on.value})"
    else:
        profile = _one_device(device, devices_file, server, platform, caps)
        flow, stop = _flow_and_step(after, profile.platform) if after else (None, None)
        source, rows = inspect_device(profile, app_id, os.environ, after=flow, stop=stop,
                                      params=parse_pairs(params, "--param"))
        title = profile.name
    if as_xml:
        console.raw(source)
    elif as_json:
        console.raw(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False))
    else:
        console.inspect_listing(
            f"{title}: {len(rows)} elements on screen",
            [(r.locator, ", ".join(p for p in (r.element, r.state) if p)) for r in rows])
    return 0


def _flow_and_step(text: str, platform: Any) -> tuple[Any, str | None]:
    """--after FLOW[:STEP]: the flow for the device's platform, and where to stop."""
    from mobile_optout.flow import load_flows
    from mobile_optout.job import flow_paths

    where, sep, stop = text.rpartition(":")
    if not sep or not where:
        where, stop = text, ""
    flows = [f for f in load_flows(flow_paths([Path(where)])) if f.runs_on(platform)]
    if not flows:
        raise UsageError(f"--after {where}: no flow there runs on {platform}")
    if len(flows) > 1:
        names = ", ".join(str(f.path) for f in flows)
        raise UsageError(f"--after {where}: several flows run on {platform} ({names}); "
                         "name one file")
    return flows[0], stop or None


@cli.command("studio")
@_one_device_options
@click.option("--app", "app_id", metavar="ID", help="The app the flow is for (Android "
              "package or iOS bundle id); launch starts it. Default on a simulated phone: "
              "its app; elsewhere the screen is left as it is.")
@click.option("--port", default=0, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (default: a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
def studio_command(device: str | None, devices_file: Path | None, server: str | None,
                   platform: str | None, caps: tuple[str, ...], app_id: str | None,
                   port: int, open_browser: bool) -> int:
    """Write a flow in a browser: the device's screen with its elements, their locators,
    buttons that run a step on the device, and the steps that worked as YAML to paste.

    Serves a page on 127.0.0.1 until Ctrl-C. ensure_setting only reads (check mode).
    """
    import os
    import tempfile
    import threading

    from mobile_optout.flow.model import AppId
    from mobile_optout.inspection import default_app
    from mobile_optout.job import endpoint, shared_sim_state
    from mobile_optout.studio import Studio
    from mobile_optout.studio.server import StudioServer

    profile = _one_device(device, devices_file, server, platform, caps)
    if app_id is None:
        app_id = default_app(profile)
    app = AppId(profile.platform, app_id) if app_id else None

    with (stop_on_signals(),  # `kill` stops the studio as cleanly as Ctrl-C
          tempfile.TemporaryDirectory(prefix="mobile-optout-studio-") as tmp,
          endpoint(profile, os.environ, shared_sim_state()) as served):
        studio = Studio(profile, served.url, app, Path(tmp), os.environ)
        try:
            web = StudioServer(studio, port)
        except OSError as exc:
            raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc
        with web:
            console.say(f"studio for {profile.name} at {web.url}  (Ctrl-C stops it)")
            if open_browser:
                import webbrowser

                webbrowser.open(web.url)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                console.say("stopping the studio")
    return 0
