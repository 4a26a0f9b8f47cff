"""`apps` (the catalogue, with what a device has installed), `report` and `history`
(what runs recorded)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from mobile_optout import console
from mobile_optout.commands.group import cli
from mobile_optout.errors import UsageError
from mobile_optout.results import DEFAULT_OUTPUT

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

    from mobile_optout.catalogue import (
        KIND_WORDS,
        entries,
        flows_dir,
        resolve,
        shadowing,
        source_urls,
    )
    from mobile_optout.catalogue import markdown as catalogue_markdown
    from mobile_optout.flow import load_flows

    for remark in shadowing(paths) if paths else ():  # `apps flows` reads what `run flows` runs
        console.note(remark)
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
          " > ".join(e.routes) or "-", " ".join(e.languages),
          e.page or source_urls(e.sources)) for e in found],
        title=f"{len(found)} flow{'' if len(found) == 1 else 's'} "
        + (f"in {', '.join(p.as_posix() for p in paths)}" if paths else "built in")
        + (f"; installed on {where}" if where else ""))
    return 0


def _installed_on(device: str | None, devices_file: Path | None, found: list[Any],
                  environ: Any) -> tuple[dict[str, bool], str]:
    """flow name -> whether its app is on the device (for the flows of its platform)."""
    from mobile_optout.choose import choose_devices
    from mobile_optout.errors import DeviceError
    from mobile_optout.flow.model import AppId
    from mobile_optout.job import RunRequest, endpoint
    from mobile_optout.session import installed_apps

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
