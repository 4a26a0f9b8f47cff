"""The ``mobile-optout scan`` command: argv to a ``Scanner``, its report to the console.

Exit codes come from ``results.record.verdict`` (through ``ScanReport.exit_code``): 1 when
a flagged switch is on or a page could not be reached or read, 3 on a device error, 2 for
bad input (no flow declares a privacy page); 0 only when every declared page was read
settled and nothing flagged is on.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from mobile_optout import console
from mobile_optout.commands.group import cli
from mobile_optout.errors import UsageError
from mobile_optout.results import DEFAULT_OUTPUT
from mobile_optout.values import on_off

DEFAULT_FLOWS = (Path("linkedin"), Path("linkedin-more"))


@cli.command("scan")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--device", "-d", "devices", multiple=True, metavar="NAME",
              help="A device from the devices file (repeatable). Default: the one marked "
                   "default, else the simulated Android phone.")
@click.option("--devices", "devices_file", type=click.Path(path_type=Path),
              help="The devices file (default: ./devices.yaml, else the built-in one).")
@click.option("--server", metavar="URL", help="Any Appium endpoint (needs --platform).")
@click.option("--platform", type=click.Choice(["android", "ios", "web"]),
              help="The platform of --server.")
@click.option("--sim-variant", "sim_variants", multiple=True, metavar="NAME",
              help="Variants for simulated phones (see `mobile-optout sim --help`).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Set a flow parameter for the routes to the pages (repeatable).")
@click.option("--settle", type=click.FloatRange(0), metavar="SECONDS",
              help="How long a page must read the same (default: the device's settle).")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=DEFAULT_OUTPUT,
              show_default=True, help="Where history.db is kept (first sightings).")
@click.option("--json", "as_json", is_flag=True, help="Everything the scan saw, as JSON.")
@click.option("--suggest", is_flag=True,
              help="Print a ready flow for each flagged switch (save, validate, run).")
@click.option("--verbose", "-v", count=True, help="More detail (-vv: debug).")
def scan_command(paths: tuple[Path, ...], devices: tuple[str, ...], devices_file: Path | None,
                 server: str | None, platform: str | None, sim_variants: tuple[str, ...],
                 params: tuple[str, ...], settle: float | None, output: Path, as_json: bool,
                 suggest: bool, verbose: int) -> int:
    """Read-only: list every switch on the privacy pages the flows declare (privacy_pages:),
    opening the rows that show On/Off, and flag the ones no flow covers that look like AI
    training or data sharing. Taps no switch.

    PATHS are flow files or folders, or built-in flows by name (default: linkedin and
    linkedin-more). Exit 0 only when every declared page was read settled and no flagged
    switch is on; 1 when a flagged switch is on or a page could not be reached or read;
    3 on device errors; 2 for invalid input.
    """
    from mobile_optout.choose import choose_devices
    from mobile_optout.flow import load_flows
    from mobile_optout.job import RunRequest, endpoint, flow_paths, parse_pairs
    from mobile_optout.results.store import Store
    from mobile_optout.scan.scanner import Scanner, ScanOptions, by_app
    from mobile_optout.scan.suggest import suggest_flow

    console.setup_logging(-1 if as_json or suggest else verbose)
    flows = load_flows(flow_paths(list(paths or DEFAULT_FLOWS)))
    request = RunRequest(devices=devices, devices_file=devices_file, server=server,
                         platform=platform, sim_variants=sim_variants, environ=os.environ)
    profiles = choose_devices(request)
    work = [(p, by_app(flows, p)) for p in profiles]
    if not any(app.pages() for _, apps in work for app in apps):
        raise UsageError("no flow there declares a privacy page (privacy_pages:) for "
                         f"{', '.join(sorted({p.platform.value for p in profiles}))}; "
                         "see docs/flow-format.md")
    output.mkdir(parents=True, exist_ok=True)
    with Store.open(output) as store:
        scanner = Scanner(ScanOptions(os.environ, settle, parse_pairs(params, "--param")),
                          store)
        for profile, apps in work:
            if not any(app.pages() for app in apps):
                continue
            with endpoint(profile, os.environ) as served:
                scanner.scan_device(profile, served.url, apps)
        scanner.record()
    report = scanner.report
    if as_json:
        console.raw(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    elif suggest:
        flagged = report.flagged
        if not flagged:
            console.error("nothing flagged: no flow to suggest")
        console.raw("\n".join(suggest_flow(s) for s in flagged) if flagged else "")
    else:
        _print(report)
    return report.exit_code


def _print(report: object) -> None:
    from mobile_optout.scan.model import ScanReport

    assert isinstance(report, ScanReport)
    console.table(
        ("app", "device", "page", "switch", "state", "covered by", "flag"),
        [(s.app, s.device, s.page, s.label or "(no label)",
          on_off(s.state) if s.state is not None else "?", s.covered_by or "-",
          f"FLAGGED ({s.resembles})" if s.flagged else "") for s in report.switches],
        title=f"{len(report.switches)} switches on {len(report.pages)} privacy pages, "
              f"{len(report.flagged)} flagged")
    for s in report.flagged:
        where = f"{s.via} > {s.page}" if s.via else s.page
        state = on_off(s.state) if s.state is not None else "state unknown"
        console.say(f"flagged: {s.label!r} ({state}) on {where} [{s.app}, {s.device}]: "
                    f"{s.seen_note()}; no flow covers it (mobile-optout scan --suggest "
                    f"writes one)")
    for p in report.pages:
        for note in p.notes:
            console.say(f"{p.page} [{p.app}, {p.device}]: {note}")
        if not p.read:
            console.error(f"{p.page} [{p.app}, {p.device}]: not read ({p.outcome.value}: "
                          f"{p.problem})")
