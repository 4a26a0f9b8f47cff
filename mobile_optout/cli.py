"""Commands. The only place that parses argv and returns exit codes.

Every command returns an int exit code (or raises an ``OptoutError``); ``main`` turns
the tool's own errors into a message and their ``exit_code``: 0 success, 1 a flow did
not reach its desired state, 2 invalid input or usage, 3 device or infrastructure. A
run's code is its verdict (``results.record.verdict``), the one report.json records.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mobile_optout import __version__, console
from mobile_optout.errors import OptoutError, UsageError
from mobile_optout.results import DEFAULT_OUTPUT

if TYPE_CHECKING:
    from mobile_optout.devices import DeviceProfile
    from mobile_optout.doctor import Check
    from mobile_optout.job import RunRequest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mobile-optout")
def cli() -> None:
    """Drive, verify and record mobile app settings with YAML flows over Appium."""


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="mobile-optout", standalone_mode=False)
    except OptoutError as exc:
        console.error(str(exc))
        code = exc.exit_code
    except click.exceptions.Abort:
        console.error("interrupted")
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = 2
    except KeyboardInterrupt as exc:  # before a run started, or after it was recorded
        from mobile_optout.results.record import INTERRUPT_EXIT
        from mobile_optout.signals import stop_reason

        console.error(f"interrupted ({stop_reason(exc).upper()})")
        code = INTERRUPT_EXIT[stop_reason(exc)]
    sys.exit(code if isinstance(code, int) else 0)


DEFAULT_DEVICES = Path("devices.yaml")


# --------------------------------------------------------------------------- run / check


def _run_options(fn: Callable[..., int]) -> Callable[..., int]:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option("--device", "-d", "device", multiple=True, metavar="NAME",
                     help="A device from the devices file (repeatable), or usb: the phone "
                          "on the cable (usb:SERIAL when several are). Default: the one "
                          "marked default; else the one phone connected; else the "
                          "simulated Android phone."),
        click.option("--all-devices", is_flag=True, help="Every device in the devices file."),
        click.option("--devices", "devices_file", type=click.Path(path_type=Path),
                     help="The devices file (default: ./devices.yaml, else the built-in one)."),
        click.option("--parallel", "-j", default=1, show_default=True, type=click.IntRange(1),
                     help="How many devices run at once."),
        click.option("--server", metavar="URL", help="Any Appium endpoint, instead of a "
                     "device from the file (needs --platform)."),
        click.option("--platform", type=click.Choice(["android", "ios", "web"]),
                     help="The platform of --server."),
        click.option("--cap", "caps", multiple=True, metavar="NAME=VALUE",
                     help="An extra capability, e.g. appium:udid=emulator-5554 (repeatable)."),
        click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
                     help="Set a flow parameter (repeatable); secrets come from the "
                          "environment only."),
        click.option("--tag", "tags", multiple=True, metavar="TAG",
                     help="Run only flows with this tag (repeatable: any of them)."),
        click.option("--only-installed", is_flag=True,
                     help="Leave out flows whose app is not on the device (instead of "
                          "reporting them not_installed)."),
        click.option("--verify", type=click.Choice(["reopen", "relaunch", "none"]),
                     help="How a change is proven after it held: read again on the page "
                          "re-opened by the flow's route (reopen, the default), after "
                          "restarting the app (relaunch), or not at all (none: the result "
                          "says 'not re-verified')."),
        click.option("--exclude-tag", "exclude_tags", multiple=True, metavar="TAG",
                     help="Skip flows with this tag (repeatable)."),
        click.option("--sim-variant", "sim_variants", multiple=True, metavar="NAME",
                     help="Variants for simulated phones (see `mobile-optout sim --help`)."),
        click.option("--seed", type=int, help="Seed for a simulated phone's faults."),
        click.option("--cost-model", is_flag=True,
                     help="Simulated phones take as long per command as real ones "
                          "(docs/simulator.md)."),
        click.option("--output", "-o", type=click.Path(path_type=Path), default=DEFAULT_OUTPUT,
                     show_default=True, help="Where runs and history.db are kept."),
        click.option("--no-screenshots", is_flag=True,
                     help="Keep no screenshots (they can show personal data)."),
        click.option("--verbose", "-v", count=True, help="More detail (-vv: debug)."),
        click.option("--quiet", "-q", is_flag=True, help="Only the summary."),
        click.option("--json", "as_json", is_flag=True,
                     help="Print the run's record (as report.json) instead of the table."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@cli.command("run")
@_run_options
def run_command(**kw: Any) -> int:
    """Run flows and change settings to their desired state, verified on screen.

    PATHS are flow files or folders, or built-in flows by name (`mobile-optout flows`
    lists them; default: linkedin; `flows`: every app in the catalogue), from any folder.
    Exit 0 when every setting is as desired (changed, already set), not offered,
    unsupported (the app has no switch) or its app is not installed; 1 when any flow failed
    or was blocked; 3 on device or infrastructure errors; 2 for invalid input.
    """
    return _run("apply", **kw)


@cli.command("check")
@_run_options
def check_command(**kw: Any) -> int:
    """Read-only audit: read every setting, tap no setting. Exit 1 when any would change
    (or drifted back since it was last verified)."""
    return _run("check", **kw)


def _run(mode: str, *, paths: tuple[Path, ...], device: tuple[str, ...], all_devices: bool,
         devices_file: Path | None, parallel: int, server: str | None, platform: str | None,
         caps: tuple[str, ...], params: tuple[str, ...], tags: tuple[str, ...],
         exclude_tags: tuple[str, ...], sim_variants: tuple[str, ...],
         seed: int | None, cost_model: bool, output: Path, no_screenshots: bool, verbose: int,
         quiet: bool, as_json: bool, only_installed: bool, verify: str | None = None) -> int:
    from mobile_optout.job import RunRequest, parse_pairs, perform
    from mobile_optout.results.redact import Redactor
    from mobile_optout.signals import stop_on_signals
    from mobile_optout.values import Mode

    verbosity = -1 if quiet or as_json else verbose
    redactor = Redactor()  # the terminal redacts what the run's files redact
    console.setup_logging(verbosity, redact=redactor.text)
    capabilities: dict[str, object] = {
        k: _cap_value(v) for k, v in parse_pairs(caps, "--cap").items()
    }
    request = RunRequest(
        mode=Mode(mode), paths=paths, devices=device, all_devices=all_devices,
        devices_file=devices_file, server=server, platform=platform,
        capabilities=capabilities, sim_variants=sim_variants, sim_seed=seed,
        sim_cost_model=cost_model,
        params=parse_pairs(params, "--param"), tags=tags, exclude_tags=exclude_tags,
        parallel=parallel, output=output, only_installed=only_installed, verify=verify or "",
        keep_screenshots=not no_screenshots,
    )
    request = _with_phone_chosen(request, may_ask=not as_json)
    with stop_on_signals():  # SIGTERM and SIGHUP stop a run as Ctrl-C does
        done = perform(request, progress=console.LiveProgress(-2 if as_json else verbosity),
                       redactor=redactor)
    if as_json:
        from mobile_optout.results.report_json import report_dict

        console.raw(json.dumps(report_dict(done.run), indent=2))
    else:
        console.run_summary(done.run, done.run_dir)
    if done.run.interrupted_by:
        console.error(f"interrupted ({done.run.interrupted_by.upper()}): what was done so "
                      "far is recorded")
    elif done.drift:
        console.drift_warning(done.drift)
    return done.exit_code


def _with_phone_chosen(request: RunRequest, *, may_ask: bool) -> RunRequest:
    """Several phones connected and none named: at a terminal, ask which (by number);
    otherwise the usage error lists them (exit 2). Never a guess."""
    from dataclasses import replace

    from mobile_optout.discover import USB, SeveralPhones
    from mobile_optout.job import choose_devices

    try:
        choose_devices(request)
    except SeveralPhones as several:
        if not (may_ask and sys.stdin.isatty() and sys.stdout.isatty()):
            raise
        console.table(("#", "serial", "kind", "model"), [
            (str(n), p.serial, p.kind, p.model) for n, p in enumerate(several.phones, 1)
        ], title="Phones connected")
        n = console.ask_number("Which phone?", len(several.phones))
        return replace(request, devices=(f"{USB}:{several.phones[n - 1].serial}",))
    return request


def _cap_value(text: str) -> object:
    """--cap values: true/false and numbers as JSON would read them, else the string."""
    try:
        value: object = json.loads(text)
    except ValueError:
        return text
    return value if isinstance(value, bool | int | float) else text


# --------------------------------------------------------------------------- apps


@cli.command("apps")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--device", "-d", "device", metavar="NAME", help="Say whether each app is "
              "installed on this device (default: the devices file's default device).")
@click.option("--devices", "devices_file", type=click.Path(path_type=Path),
              help="The devices file (default: ./devices.yaml, else the built-in one).")
@click.option("--no-device", is_flag=True, help="Do not ask any device what is installed.")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@click.option("--markdown", is_flag=True, help="The catalogue as docs/catalogue.md has it.")
def apps_command(paths: tuple[Path, ...], device: str | None, devices_file: Path | None,
                 no_device: bool, as_json: bool, markdown: bool) -> int:
    """The catalogue: every flow's app, control, private state, platforms, confidence and
    source, and whether the app is installed on the chosen device (alias: catalog).

    PATHS are flow files or folders, or built-in flows by name (default: every built-in
    flow), from any folder."""
    import os

    from mobile_optout.catalogue import KIND_WORDS, entries, flows_dir, resolve, source_urls
    from mobile_optout.catalogue import markdown as catalogue_markdown
    from mobile_optout.flow import load_flows

    found = entries(load_flows([resolve(p) for p in paths] or [flows_dir()]))
    if markdown:
        console.raw(catalogue_markdown(found).rstrip("\n"))
        return 0
    installed: dict[str, bool] = {}
    where = ""
    if not no_device:
        installed, where = _installed_on(device, devices_file, found, os.environ)
    if as_json:
        rows = [e.as_dict() | ({"installed": installed.get(e.flow)} if where else {})
                for e in found]
        console.raw(json.dumps({"device": where or None, "apps": rows}, indent=2))
        return 0
    def is_installed(flow: str) -> str:
        if not where:
            return "-"
        return {True: "yes", False: "no"}.get(installed[flow], "?") if flow in installed else (
            "n/a")  # not written for this device's platform

    console.table(
        ("app", "flow", "control", "kind", "want", "platforms", "conf.", "installed",
         "routes", "languages", "source"),
        [(e.title, e.flow, "unsupported" if e.unsupported else e.control, KIND_WORDS[e.kind],
          e.desired, ", ".join(e.platforms), e.confidence, is_installed(e.flow),
          " > ".join(e.routes) or "-", ", ".join(e.languages),
          e.page or source_urls(e.sources)) for e in found],
        title=f"{len(found)} flows" + (f"; installed on {where}" if where else ""))
    return 0


def _installed_on(device: str | None, devices_file: Path | None, found: list[Any],
                  environ: Any) -> tuple[dict[str, bool], str]:
    """flow name -> whether its app is on the device (for the flows of its platform)."""
    from mobile_optout.errors import DeviceError
    from mobile_optout.flow.model import AppId
    from mobile_optout.job import RunRequest, choose_devices, endpoint
    from mobile_optout.runner import installed_apps

    (profile,) = choose_devices(RunRequest(devices=(device,) if device else (),
                                           devices_file=devices_file, environ=environ))
    plat = profile.platform
    apps = {e.flow: AppId(plat, dict(e.ids)[plat.value]) for e in found
            if plat.value in e.platforms}
    try:
        with endpoint(profile, environ) as served:
            present = installed_apps(served.url, profile, list(apps.values()))
    except DeviceError as exc:
        console.error(f"{profile.name}: cannot tell what is installed ({exc})")
        return {}, ""
    return {flow: app in present for flow, app in apps.items()}, profile.name


cli.add_command(apps_command, "catalog")


# --------------------------------------------------------------------------- report / history

_OUTPUT_OPTION = click.option(
    "--output", "-o", type=click.Path(path_type=Path, file_okay=False), default=DEFAULT_OUTPUT,
    show_default=True, help="Where runs and history.db are kept.")


@cli.command("report")
@click.argument("run_id", required=False)
@_OUTPUT_OPTION
def report_command(run_id: str | None, output: Path) -> int:
    """Show where a run's reports are (default: the latest run) and what it found.

    A run that was killed before it wrote its reports gets them now, from history.db.
    """
    from mobile_optout.results import finish_run
    from mobile_optout.results.report_json import REPORT_JSON, read_report_json
    from mobile_optout.results.store import DB_NAME, Store, find_run, report_rows

    store = Store.open(output) if (output / DB_NAME).exists() else None
    try:
        run_dir = find_run(output, run_id, store)
        if (run_dir / REPORT_JSON).exists():
            run = read_report_json(run_dir / REPORT_JSON)
        else:
            record = store.run_record(run_dir.name) if store else None
            if record is None:
                raise UsageError(f"{run_dir}: no report.json and no record in history")
            finish_run(record, run_dir, store)
            run = record
            console.say(f"wrote the missing reports of {run.run_id} from history")
    finally:
        if store is not None:
            store.close()
    console.say(f"run {run.run_id} ({run.mode}) {run.started_at} - {run.finished_at or '?'}")
    for name in ("report.html", "junit.xml", "report.json", "debug.log", "evidence"):
        if (run_dir / name).exists():
            console.say(f"  {run_dir / name}")
    console.table(["device", "flow", "outcome", "setting", "detail"], report_rows(run))
    return 0


@cli.command("history")
@_OUTPUT_OPTION
@click.option("--device", metavar="NAME", help="Only runs on this device.")
@click.option("--flow", metavar="NAME", help="Only runs of this flow.")
@click.option("--limit", "-n", default=20, show_default=True, type=click.IntRange(1),
              help="How many runs, newest first.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
@click.option("--drift", is_flag=True, help="List settings that drifted from their last "
              "verified state; exit 1 when any did.")
def history_command(*, output: Path, device: str | None, flow: str | None, limit: int,
                    as_json: bool, drift: bool) -> int:
    """Past runs, newest first (from OUTPUT/history.db)."""
    from mobile_optout.results.store import DB_NAME, Store, device_key, summarize
    from mobile_optout.values import on_off

    if not (output / DB_NAME).exists():
        if as_json:
            console.raw("[]")
        else:
            console.say(f"no history in {output} yet")
        return 0
    with Store.open(output) as store:
        if drift:
            found = [d for d in store.drift()
                     if (device is None or d.device == device_key(device))
                     and (flow is None or d.flow == flow)]
            if as_json:
                console.raw(json.dumps([d.to_dict() for d in found], indent=2))
            elif found:
                console.table(
                    ["device", "setting", "verified", "since", "now", "seen", "run"],
                    [(d.device, d.setting, on_off(d.verified), d.verified_at,
                      on_off(d.observed), d.observed_at, d.observed_run)
                     for d in found],
                    title="Drift: settings no longer as last verified")
            else:
                console.say("no drift: every setting is as it was last verified")
            return 1 if found else 0
        runs = store.runs(limit, device=device, flow=flow)
    if as_json:
        console.raw(json.dumps([r.to_dict() for r in runs], indent=2))
    elif runs:
        console.table(
            ["run", "mode", "status", "started", "devices", "outcomes"],
            [(r.run_id, r.mode, r.status, r.started_at, ", ".join(r.devices),
              summarize(r.outcomes)) for r in runs])
    else:
        console.say("no runs match")
    return 0


# ------------------------------------------------------------ validate / schema / devices


@cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate_command(paths: tuple[Path, ...]) -> int:
    """Check flow files, devices files and simulated app files without running anything.

    PATHS are files or folders (default: flows), or built-in flows by name. Prints
    `ok  PATH` for each valid file and every problem as PATH:LINE:COL. Exit 0 when all
    are valid, 2 otherwise.
    """
    from mobile_optout.catalogue import resolve_all
    from mobile_optout.validate import check_files

    # no PATHS: this folder's flows/ (a project's own), never the built-in ones
    checks = check_files(resolve_all(paths) if paths else [Path("flows")])
    paths = paths or (Path("flows"),)
    if not checks:
        console.error(f"no flow files found in {', '.join(map(str, paths))}")
        return 2
    for check in checks:
        if check.ok:
            console.say(f"ok  {check.path}")
        for problem in check.errors:
            console.error(problem.render())
    bad = sum(1 for c in checks if not c.ok)
    if bad:
        problems = sum(len(c.errors) for c in checks)
        console.error(f"{problems} problem(s) in {bad} of {len(checks)} file(s)")
        return 2
    return 0


@cli.command("flows")
def flows_command() -> int:
    """List the built-in flows: `mobile-optout run NAME` runs one from any folder."""
    from mobile_optout import catalogue
    from mobile_optout.flow import load_flows

    root = catalogue.flows_dir()
    rows = []
    for name in catalogue.names():
        for flow in load_flows([root / name]):
            rows.append((name, flow.name, ", ".join(str(p) for p in flow.platforms),
                         str(flow.path.relative_to(root))))
    console.table(("name", "flow", "platforms", "file"), rows, title=str(root))
    return 0


@cli.command("init")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
def init_command(force: bool) -> int:
    """Start a project here: a devices.yaml and an example flow (flows/example.yaml)."""
    from mobile_optout.scaffold import init

    for path in init(Path.cwd(), force=force):
        console.say(f"wrote {path.relative_to(Path.cwd())}")
    console.say("next: mobile-optout check flows/example.yaml   "
                "(then `mobile-optout studio` to write your own)")
    return 0


@cli.command("schema")
def schema_command() -> int:
    """Print the JSON Schema of flow files (for editors: yaml-language-server)."""
    from mobile_optout.flow import flow_json_schema

    console.raw(json.dumps(flow_json_schema(), indent=2, ensure_ascii=False))
    return 0


@cli.command("devices")
@click.option("--devices", "devices_file", type=click.Path(path_type=Path),
              help="The devices file (default: ./devices.yaml, else the built-in one).")
def devices_command(devices_file: Path | None) -> int:
    """List the devices file and the phones connected: Android phones and emulators
    (`adb devices -l`) and, on macOS, iPhones. A connected phone runs with
    `run --device usb` (or `--device usb:SERIAL`) on a managed Appium."""
    import os

    from mobile_optout import discover
    from mobile_optout.devices import load_devices_or_builtin

    file = load_devices_or_builtin(devices_file or DEFAULT_DEVICES,
                                   explicit=devices_file is not None)
    rows = [
        (d.name, d.platform.value, d.endpoint, "yes" if d.default else "", d.description)
        for d in file.devices.values()
    ]
    console.table(("name", "platform", "where", "default", "description"), rows,
                  title=file.path)
    phones = discover.connected(os.environ)
    if not phones:
        console.say("No phone connected. Plug one in with USB debugging on (Android: "
                    "Developer options > USB debugging) and run this again."
                    if discover.has_adb(os.environ) else f"No phone seen: {discover.NO_ADB}.")
        return 0
    console.table(("serial", "kind", "model", "state", "to use it / what to do"),
                  [p.row() for p in phones], title="Connected phones")
    return 0


def _print_checks(checks: Sequence[Check]) -> None:
    from mobile_optout import doctor

    styles = {"ok": "green", "warn": "yellow", "fail": "red"}
    for check in checks:
        console.say(f"{check.status.value:<4}  {check.name}: {check.detail}",
                    style=styles[check.status.value])
        if check.fix and check.status is not doctor.Status.OK:
            console.say(f"      -> {check.fix}")


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
    _print_checks(checks)
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
    from mobile_optout.errors import UsageError, Where
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

        from mobile_optout.job import default_device, named_device

        file = load_devices_or_builtin(devices_file or DEFAULT_DEVICES,
                                       explicit=devices_file is not None)
        profile = (named_device(file, device, os.environ) if device
                   else default_device(file, os.environ))
    checks = doctor.diagnose(profile, doctor.gather(profile, file))
    _print_checks(checks)
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
    import signal
    import threading
    from contextlib import ExitStack

    from mobile_optout.errors import DeviceError, UsageError
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

        def on_term(signum: int, frame: object) -> None:
            raise KeyboardInterrupt  # `kill` stops the Grid as cleanly as Ctrl-C

        signal.signal(signal.SIGTERM, on_term)
        try:
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
def sim_command(*, platform: str, variants: tuple[str, ...], list_variants: bool,
                apps: tuple[str, ...], port: int, latency_ms: int, seed: int, cost_model: bool,
                state_file: Path | None, source_file: Path | None) -> int:
    """Serve a simulated phone (Appium protocol) on 127.0.0.1 until Ctrl-C; with
    --platform web, the simulated LinkedIn website instead.

    Check a flow before pointing it at a real phone: give the printed URL as a
    device's server in devices.yaml (a web device's base_url), or use a ``sim:`` device."""
    import signal
    import threading

    from mobile_optout.errors import UsageError
    from mobile_optout.sim import VARIANTS, SimPhone
    from mobile_optout.sim.site import WEB_VARIANTS, SimSite

    if source_file is not None:
        from mobile_optout.sim.replay import serve

        return serve(source_file, port, console.say)
    if list_variants:
        listed = WEB_VARIANTS if platform == "web" else VARIANTS
        console.table(["variant", "what it does"], listed.items())
        return 0
    if port in range(5554, 5586):
        raise UsageError(f"--port {port} is one of adb's emulator ports (5554-5585)")
    phone: SimPhone | SimSite
    try:
        if platform == "web":
            phone = SimSite(variants=variants, seed=seed, state_file=state_file, port=port)
        else:
            phone = SimPhone(platform=platform, variants=variants, seed=seed,
                             latency_ms=latency_ms, state_file=state_file, port=port,
                             apps=apps, cost_model=cost_model)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    try:
        phone.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from exc

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops the phone as cleanly as Ctrl-C

    signal.signal(signal.SIGTERM, on_term)
    what = "LinkedIn website" if platform == "web" else f"{platform} phone"
    with phone:
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
                        + (f"; state in {state_file}" if state_file else ""))
            console.say(f"its screen: mobile-optout inspect --server {phone.url} "
                        f"--platform {platform}  (or: mobile-optout studio --server ...)")
            console.say(f"its state: {phone.url}/sim/state  {phone.url}/sim/events  "
                        "(Ctrl-C stops)")
            threading.Event().wait()
        except KeyboardInterrupt:
            console.say(f"stopping the simulated {what}")
    return 0


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

    from mobile_optout.job import RunRequest, choose_devices, parse_pairs

    capabilities = {k: _cap_value(v) for k, v in parse_pairs(caps, "--cap").items()}
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
    import signal
    import tempfile
    import threading

    from mobile_optout.flow.model import AppId
    from mobile_optout.inspection import default_app
    from mobile_optout.job import endpoint
    from mobile_optout.studio import Studio
    from mobile_optout.studio.server import StudioServer

    profile = _one_device(device, devices_file, server, platform, caps)
    if app_id is None:
        app_id = default_app(profile)
    app = AppId(profile.platform, app_id) if app_id else None

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # `kill` stops the studio as cleanly as Ctrl-C

    signal.signal(signal.SIGTERM, on_term)
    with (tempfile.TemporaryDirectory(prefix="mobile-optout-studio-") as tmp,
          endpoint(profile, os.environ) as served):
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
