"""`validate`, `flows`, `init`, `schema` and `devices`: the input files and what they
hold."""

from __future__ import annotations

import json
from pathlib import Path

import click

from mobile_optout import console
from mobile_optout.commands.group import DEFAULT_DEVICES, cli

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
    from mobile_optout.located import display_path
    from mobile_optout.validate import check_files

    # no PATHS: this folder's flows/ (a project's own), never the built-in ones
    checks = check_files(resolve_all(paths) if paths else [Path("flows")])
    paths = paths or (Path("flows"),)
    if not checks:
        console.error(f"no flow files found in {', '.join(map(str, paths))}")
        return 2
    for check in checks:
        if check.ok:
            console.say(f"ok  {display_path(check.path)}")
        for warning in check.warnings:
            console.note(warning)
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
                         " ".join(flow.languages), str(flow.path.relative_to(root))))
    console.table(("name", "flow", "platforms", "languages", "file"), rows,
                  title="Built-in flows: `mobile-optout run NAME` (all of them: `builtin:`)")
    console.note(f"(installed in {root})")
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
