"""`setup`, `doctor`, `grid` and `sim`: getting a device ready, checking it, a local
Selenium Grid, and the simulated phone or website."""

from __future__ import annotations

from pathlib import Path

import click

from mobile_optout import console
from mobile_optout.commands.group import DEFAULT_DEVICES, cli, print_checks
from mobile_optout.errors import UsageError
from mobile_optout.signals import stop_on_signals


@cli.command("setup")
@click.argument("platform", type=click.Choice(["android", "ios"]))
@click.option("--dry-run", is_flag=True, help="Check and say what would be installed; "
              "install nothing.")
def setup_command(platform: str, dry_run: bool) -> int:
    """Install the managed Appium and the PLATFORM's driver (uiautomator2 / xcuitest) for
    phones on this machine, and check what the driver needs (Node, Java and adb; Xcode).

    Once is enough: a second run only checks. Installs into this user's cache folder
    (MOBILE_OPTOUT_CACHE overrides it), never system-wide. Exit 0 when phones of PLATFORM
    can run here, 3 when something is missing (each said on its own line)."""
    import os

    from mobile_optout import doctor, managed
    from mobile_optout.flow.model import Platform

    plat = Platform(platform)
    env = dict(os.environ)
    home = managed.appium_home(env)
    packages = managed.packages_for(plat)
    wanted = " + ".join(f"{p}@{v}" for p, v in packages.items())
    todo = managed.missing_packages(home, packages)
    facts = doctor.gather_tools(plat, env)
    tools = doctor.requirement_checks(plat, facts)
    can_install = all(c.status is doctor.Status.OK for c in tools if c.name in ("node", "npm"))
    if dry_run:
        if todo:
            console.say(f"would install {wanted} into {home}:")
            console.say(f"  cd {home} && {' '.join(managed.npm_command())}")
        else:
            console.say(f"already installed: {wanted} in {home}")
    elif not todo:
        console.say(f"already installed: {wanted} in {home}")
    elif can_install:
        with console.working(f"installing {wanted} into {home} with npm (a few minutes the "
                             f"first time; log: {home / managed.NPM_LOG})"):
            managed.install(home, packages, environ=env)
        console.say(f"installed {wanted} into {home}", style="green")
    checks = [*tools]
    if not dry_run and (can_install or not todo):
        checks.insert(0, doctor.managed_check(plat, doctor.gather_tools(plat, env)))
    print_checks(checks)
    if doctor.can_run(checks):
        console.say(f"{platform} phones can run here: plug one in and "
                    "`mobile-optout run --device usb`.", style="green")
        return 0
    if not can_install and todo and not dry_run:
        console.say("nothing installed: fix the 'fail' lines above, then run this again.",
                    style="red")
    else:
        console.say("fix the 'fail' lines above, then run this again.", style="red")
    return 3


@cli.command("doctor")
@click.option("--device", metavar="NAME", help="The device to check (default: the default "
              "device of the devices file).")
@click.option("--server", metavar="URL", help="Check this Appium / Grid URL instead of a "
              "device of the devices file.")
@click.option("--platform", type=click.Choice(["android", "ios", "web"]), default="android",
              show_default=True, help="With --server: the platform of the phone behind it.")
@click.option("--devices", "devices_file", type=click.Path(path_type=Path),
              help="The devices file (default: ./devices.yaml, else the built-in one).")
def doctor_command(device: str | None, server: str | None, platform: str,
                   devices_file: Path | None) -> int:
    """Check that a device can run flows here: Appium reachable, node, adb and the phone,
    ANDROID_HOME / JAVA_HOME, Xcode, the devices file. Exit 0 when it can, 3 when not."""
    from mobile_optout import doctor
    from mobile_optout.devices import DeviceFile, DeviceProfile, load_devices_or_builtin
    from mobile_optout.errors import Where
    from mobile_optout.flow.model import Platform

    if device and server:
        raise UsageError("give --device NAME or --server URL, not both")
    file: DeviceFile | None = None
    if server is not None:
        if not server.startswith(("http://", "https://")):
            raise UsageError(f"--server must be an http:// or https:// URL, not {server!r}")
        profile = DeviceProfile(name="--server", platform=Platform(platform),
                                where=Where.unknown("--server"), server=server)
        if devices_file is not None:
            file = load_devices_or_builtin(devices_file, explicit=True)
    else:
        import os

        from mobile_optout.choose import default_device, named_device

        file = load_devices_or_builtin(devices_file or DEFAULT_DEVICES,
                                       explicit=devices_file is not None)
        profile = (named_device(file, device, os.environ) if device
                   else default_device(file, os.environ))
    checks = doctor.diagnose(profile, doctor.gather(profile, file))
    print_checks(checks)
    label = profile.endpoint if server is not None else profile.name
    if doctor.can_run(checks):
        console.say(f"{label} can run flows here.", style="green")
        return 0
    console.say(f"{label} cannot run flows yet: fix the 'fail' lines above.", style="red")
    return 3


@cli.command("grid")
@click.option("--relay", "relays", multiple=True, required=True,
              metavar="URL[=CAPS-JSON] | sim-android | sim-ios",
              help="An Appium server to relay sessions to, with the capabilities it offers "
              "(JSON); or a simulated phone started here. Repeat for several.")
@click.option("--port", default=4444, show_default=True, type=click.IntRange(0, 65535),
              help="The hub's port on 127.0.0.1 (0: a free one).")
def grid_command(relays: tuple[str, ...], port: int) -> int:
    """Run a local Selenium Grid 4 hub relaying to Appium servers, until Ctrl-C.

    Point devices.yaml (a pool's server:) at the printed URL; pick a phone with the
    appium:udid capability."""
    import threading
    from contextlib import ExitStack

    from mobile_optout.errors import DeviceError
    from mobile_optout.flow.model import Platform
    from mobile_optout.grid import Grid, Relay, parse_relay

    if port in range(5554, 5586):
        raise UsageError(f"--port {port} is one of adb's emulator ports (5554-5585)")
    with ExitStack() as stack:
        parsed: list[Relay] = []
        for n, text in enumerate(relays, start=1):
            if text in ("sim-android", "sim-ios"):
                from mobile_optout.sim import SimPhone

                plat = Platform.ANDROID if text == "sim-android" else Platform.IOS
                phone = stack.enter_context(SimPhone(platform=plat, seed=n))
                automation = "UiAutomator2" if plat is Platform.ANDROID else "XCUITest"
                parsed.append(Relay(phone.url, {
                    "platformName": plat.value, "appium:automationName": automation,
                    "appium:udid": f"{text}-{n}"}))
                console.say(f"simulated {plat.value} phone {text}-{n} at {phone.url}")
            else:
                parsed.append(parse_relay(text))
        import tempfile

        logs = Path(tempfile.mkdtemp(prefix="mobile-optout-grid-"))  # kept after Ctrl-C
        grid = stack.enter_context(
            Grid(parsed, hub_port=port, session_timeout=300, workdir=logs))
        console.say(f"Selenium Grid ready at {grid.url} ({len(parsed)} relay nodes; "
                    f"logs in {grid.workdir}). Ctrl-C stops it.")
        stop = threading.Event()
        try:
            with stop_on_signals():  # `kill` stops the Grid as cleanly as Ctrl-C
                while not stop.wait(1.0):
                    if (dead := grid.dead()) is not None:
                        raise DeviceError(f"Grid {dead} stopped (logs in {grid.workdir})")
        except KeyboardInterrupt:
            console.say("stopping the Grid")
    return 0


@cli.command("sim")
@click.option("--platform", type=click.Choice(["android", "ios", "web"]), default="android",
              show_default=True, help="Which phone to simulate, or web: LinkedIn's website.")
@click.option("--variant", "variants", multiple=True, metavar="NAME",
              help="A variant of the app or device (repeat to combine); "
              "see docs/simulator.md or --list-variants.")
@click.option("--list-variants", is_flag=True, help="List the variants and exit.")
@click.option("--app", "apps", multiple=True, metavar="NAME_OR_PATH",
              help="An app installed on the phone: a built-in app's name or an app file "
              "(repeatable; default: every built-in app).")
@click.option("--port", default=0, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (default: a free one).")
@click.option("--latency-ms", default=0, type=click.IntRange(0, 60000),
              help="Delay added to every command (imitates a USB phone or a remote farm).")
@click.option("--seed", default=0, type=int, help="Seed for popups, slowness and faults.")
@click.option("--cost-model", is_flag=True,
              help="Answer each command in the time a real phone takes (docs/simulator.md).")
@click.option("--state", "state_file", type=click.Path(path_type=Path),
              help="JSON file keeping the phone's app settings across runs.")
@click.option("--source", "source_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Serve a saved page source (uiautomator dump, Appium or WDA source) as "
              "the phone's screen; its switches flip when tapped.")
@click.option("--locale", default="", metavar="LANG",
              help="The phone's (or website's) language, e.g. de: its apps show their "
              "translations and deviceInfo reports it.")
def sim_command(*, platform: str, variants: tuple[str, ...], list_variants: bool,
                apps: tuple[str, ...], port: int, latency_ms: int, seed: int, cost_model: bool,
                state_file: Path | None, source_file: Path | None, locale: str = "") -> int:
    """Serve a simulated phone (Appium protocol) on 127.0.0.1 until Ctrl-C; with
    --platform web, the simulated LinkedIn website instead.

    Check a flow before pointing it at a real phone: give the printed URL as a
    device's server in devices.yaml (a web device's base_url), or use a ``sim:`` device."""
    import threading

    from mobile_optout.sim import simulator, variants_of
    from mobile_optout.sim.site import SimSite

    if source_file is not None:
        from mobile_optout.sim.replay import serve

        return serve(source_file, port, console.say)
    if list_variants:
        console.table(["variant", "what it does"], variants_of(platform).items())
        return 0
    if port in range(5554, 5586):
        raise UsageError(f"--port {port} is one of adb's emulator ports (5554-5585)")
    try:
        phone = simulator(platform, variants=variants, seed=seed, latency_ms=latency_ms,
                          state_file=state_file, port=port, apps=apps, cost_model=cost_model,
                          locale=locale)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    try:
        phone.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc

    what = "LinkedIn website" if platform == "web" else f"{platform} phone"
    with phone, stop_on_signals():  # `kill` stops the phone as cleanly as Ctrl-C
        try:  # Ctrl-C at any moment from here stops it cleanly
            console.say(f"simulated {what} at {phone.url}")
            if isinstance(phone, SimSite):
                console.say("open it in a browser, or give it as base_url: of a web device")
            apps_shown = "" if isinstance(phone, SimSite) else (
                f"; apps: {', '.join(phone.engine.apps)}")
            console.say(f"variants: {', '.join(phone.variants) or 'default'}; seed {seed}"
                        + apps_shown
                        + (f"; latency {latency_ms} ms" if latency_ms else "")
                        + ("; cost model on" if cost_model else "")
                        + (f"; language {phone.locale}" if phone.locale else "")
                        + (f"; state in {state_file}" if state_file else ""))
            console.say(f"its screen: mobile-optout inspect --server {phone.url} "
                        f"--platform {platform}  (or: mobile-optout studio --server ...)")
            console.say(f"its state: {phone.url}/sim/state  {phone.url}/sim/events  "
                        "(Ctrl-C stops)")
            threading.Event().wait()
        except KeyboardInterrupt:
            console.say(f"stopping the simulated {what}")
    return 0
