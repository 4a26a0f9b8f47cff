"""`run` and `check`: flows on devices, through ``job.perform``; the exit code is the
run's verdict."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mobile_optout import console
from mobile_optout.results import DEFAULT_OUTPUT

if TYPE_CHECKING:
    from mobile_optout.job import RunRequest


from mobile_optout.commands.group import cap_value, cli

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
        click.option("--verify", type=click.Choice(["reopen", "relaunch", "none"]),
                     help="How a change is proven after it held: read again on the page "
                          "re-opened by the flow's route (reopen, the default), after "
                          "restarting the app (relaunch), or not at all (none: the result "
                          "says 'not re-verified')."),
        click.option("--locale", default="", metavar="LANG",
                     help="The language of the app's texts, e.g. de (default: the "
                          "device's, confirmed on screen)."),
        click.option("--only-installed", is_flag=True,
                     help="Leave out flows whose app is not on the device (instead of "
                          "reporting them not_installed)."),
        click.option("--exclude-tag", "exclude_tags", multiple=True, metavar="TAG",
                     help="Skip flows with this tag (repeatable)."),
        click.option("--sim-variant", "sim_variants", multiple=True, metavar="NAME",
                     help="Variants for simulated phones (see `mobile-optout sim --help`)."),
        click.option("--keep-state", is_flag=True, help="With --sim-variant: start from "
                     "the simulated phone saved by earlier runs, not a fresh one."),
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
    A folder here wins over a built-in flow of the same name (the run says so);
    `builtin:NAME` and `builtin:` (the whole catalogue) always mean the built-in ones.
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
         exclude_tags: tuple[str, ...], sim_variants: tuple[str, ...], keep_state: bool,
         seed: int | None, cost_model: bool, output: Path, no_screenshots: bool, verbose: int,
         quiet: bool, as_json: bool, only_installed: bool, locale: str = "",
         verify: str | None = None) -> int:
    from mobile_optout.job import RunRequest, parse_pairs, perform
    from mobile_optout.results.redact import Redactor
    from mobile_optout.signals import stop_on_signals
    from mobile_optout.values import Mode

    verbosity = -1 if quiet or as_json else verbose
    redactor = Redactor()  # the terminal redacts what the run's files redact
    console.setup_logging(verbosity, redact=redactor.text)
    capabilities: dict[str, object] = {
        k: cap_value(v) for k, v in parse_pairs(caps, "--cap").items()
    }
    request = RunRequest(
        mode=Mode(mode), paths=paths, devices=device, all_devices=all_devices,
        devices_file=devices_file, server=server, platform=platform,
        capabilities=capabilities, sim_variants=sim_variants, keep_state=keep_state,
        sim_seed=seed,
        sim_cost_model=cost_model,
        params=parse_pairs(params, "--param"), tags=tags, exclude_tags=exclude_tags,
        parallel=parallel, output=output, only_installed=only_installed, locale=locale,
        verify=verify or "",
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

    from mobile_optout.choose import choose_devices
    from mobile_optout.discover import USB, SeveralPhones

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
