"""report.html: one run, readable by a person (a QA lead), in one self-contained file.

Failures first; results that went well are collapsed. Filters by outcome, device and app
are checkboxes and CSS (``:has()``), so the page needs no JavaScript at all: inline CSS,
no scripts, no network (a Content-Security-Policy forbids scripts and remote loads, as a
second line of defence behind escaping). Each setting shows its recent history and drift
from history.db; the header shows the environment (tool, Appium, automation, device model
and OS) and links to report.json, junit.xml and debug.log. Screenshots are *referenced*
from ``evidence/`` beside the report, not embedded (the header says so): the report stays
small, and moving it means moving the run folder with it. Redacted page sources are
embedded as text.

Every string that came from a device or a flow goes through ``_e`` (HTML escaping):
a page source may contain ``<script>``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from mobile_optout.results.evidence import write_atomic
from mobile_optout.results.junit import result_seconds
from mobile_optout.results.record import FlowResult, Outcome, RunRecord, StepRecord, StepStatus
from mobile_optout.results.switches_html import switches_section
from mobile_optout.values import on_off

if TYPE_CHECKING:
    from mobile_optout.results.store import Drift, Seen

REPORT_HTML = "report.html"
MAX_SOURCE_CHARS = 200_000
LINKED_FILES = ("report.json", "junit.xml", "debug.log")


@dataclass(frozen=True, slots=True)
class SettingHistory:
    """A setting on a device: its latest looks (newest first) and its drift, if any."""

    device: str
    setting: str
    seen: list[Seen] = field(default_factory=list)
    drift: Drift | None = None


# The order a QA lead reads results in: what needs a person first.
SEVERITY = (Outcome.ERROR, Outcome.FAILED, Outcome.BLOCKED, Outcome.INTERRUPTED,
            Outcome.WOULD_CHANGE, Outcome.RUNNING, Outcome.NOT_OFFERED, Outcome.UNSUPPORTED,
            Outcome.NOT_INSTALLED,
            Outcome.CHANGED, Outcome.ALREADY_SET, Outcome.PASSED)
assert set(SEVERITY) == set(Outcome), "every outcome has its place in the report's order"
# The outcome filter has one checkbox per outcome the run has, in SEVERITY order, worded
# as OUTCOME_LOOK words it: "unsupported" is never filed under "not offered".

# outcome -> (symbol, css class, words for a person)
OUTCOME_LOOK: dict[Outcome, tuple[str, str, str]] = {
    Outcome.CHANGED: ("✓", "ok", "changed"),
    Outcome.ALREADY_SET: ("✓", "ok", "already set"),
    Outcome.PASSED: ("✓", "ok", "passed"),
    Outcome.NOT_OFFERED: ("-", "info", "not offered"),
    Outcome.UNSUPPORTED: ("-", "info", "unsupported (no switch)"),
    Outcome.NOT_INSTALLED: ("-", "info", "app not installed"),
    Outcome.WOULD_CHANGE: ("!", "warn", "would change"),
    Outcome.BLOCKED: ("⛔", "bad", "blocked"),
    Outcome.FAILED: ("✗", "bad", "failed"),
    Outcome.ERROR: ("⚠", "err", "error"),
    Outcome.INTERRUPTED: ("■", "err", "interrupted"),
    Outcome.RUNNING: ("…", "err", "running"),  # unfinished, as interrupted
}
STEP_LOOK: dict[StepStatus, tuple[str, str]] = {
    StepStatus.PASSED: ("✓", "ok"),
    StepStatus.SKIPPED: ("-", "info"),
    StepStatus.FAILED: ("✗", "bad"),
    StepStatus.ERROR: ("⚠", "err"),
}

CSS = """
:root { --ok:#1a7f37; --ok-bg:#dafbe1; --warn:#9a6700; --warn-bg:#fff8c5; --bad:#cf222e;
  --bad-bg:#ffebe9; --err:#8250df; --err-bg:#fbefff; --info:#57606a; --info-bg:#eaeef2;
  --line:#d0d7de; --muted:#57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif;
  color:#1f2328; margin:0; background:#f6f8fa; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
header { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 20px; }
h1 { font-size: 20px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 0; }
h3 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
dl.meta { display:flex; flex-wrap:wrap; gap:4px 24px; margin:0; }
dl.meta div { display:flex; gap:6px; } dt { color:var(--muted); } dd { margin:0; }
.counts { margin-top:10px; display:flex; gap:8px; flex-wrap:wrap; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-weight:600;
  border:1px solid currentColor; white-space:nowrap; }
.ok { color:var(--ok); background:var(--ok-bg); }
.warn { color:var(--warn); background:var(--warn-bg); }
.bad { color:var(--bad); background:var(--bad-bg); }
.err { color:var(--err); background:var(--err-bg); }
.info { color:var(--info); background:var(--info-bg); }
table { border-collapse: collapse; width:100%; background:#fff; }
th, td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line);
   vertical-align:top; }
th { font-size:12px; color:var(--muted); font-weight:600; }
table.summary { margin-top:16px; border:1px solid var(--line); border-radius:8px; }
.result { background:#fff; border:1px solid var(--line);
  border-left:6px solid var(--info); border-radius:8px; padding:16px 20px; margin-top:16px; }
.result-ok { border-left-color:var(--ok); }
.result-warn { border-left-color:var(--warn); }
.result-bad { border-left-color:var(--bad); }
.result-err { border-left-color:var(--err); }
.result-head { display:flex; gap:12px; align-items:center; flex-wrap:wrap; }
.muted { color:var(--muted); } .nowrap { white-space:nowrap; }
code, pre { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size:12px; }
.failure { border:1px solid var(--bad); background:var(--bad-bg); border-radius:6px;
   padding:10px 14px; margin-top:12px; }
.failure dl { display:grid; grid-template-columns: max-content 1fr; gap:2px 12px; margin:0; }
.shots { display:flex; gap:16px; flex-wrap:wrap; }
figure { margin:0; }
figure img { max-width:220px; max-height:440px; border:1px solid var(--line); border-radius:6px;
   display:block; }
figcaption { font-size:12px; color:var(--muted); margin-top:4px; }
.timeline td.bar { width:32%; }
.bar span { display:block; height:10px; border-radius:3px; background:#54aeff; min-width:2px; }
.bar span.bad { background:var(--bad); }
.bar span.err { background:var(--err); }
.bar span.info { background:#afb8c1; }
.num { text-align:right; white-space:nowrap; font-variant-numeric: tabular-nums; }
.screen-text { white-space:pre-wrap; font-family:ui-monospace,monospace; font-size:12px; }
details { margin-top:8px; } summary { cursor:pointer; color:#0969da; }
pre.source { max-height:420px; overflow:auto; background:#f6f8fa; border:1px solid var(--line);
  padding:10px; white-space:pre-wrap; word-break:break-all; }
.notice { margin-top:10px; padding:8px 12px; border-radius:6px; background:var(--warn-bg);
   color:var(--warn); }
a { color:#0969da; }
.filters { margin-top:16px; background:#fff; border:1px solid var(--line); border-radius:8px;
  padding:8px 14px; display:flex; flex-wrap:wrap; gap:6px 18px; align-items:center; }
.filters fieldset { border:0; margin:0; padding:0; display:flex; gap:4px 12px; flex-wrap:wrap; }
.filters legend { float:left; font-weight:600; margin-right:8px; color:var(--muted); }
.filters label { white-space:nowrap; cursor:pointer; }
details.result > summary { list-style:none; cursor:pointer; color:inherit; }
details.result > summary::-webkit-details-marker { display:none; }
details.result > summary::before { content:"▸ "; color:var(--muted); }
details.result[open] > summary::before { content:"▾ "; }
.drift { margin-top:10px; padding:8px 12px; border-radius:6px; background:var(--bad-bg);
  color:var(--bad); font-weight:600; }
table.env, table.history { margin-top:6px; border:1px solid var(--line); }
.links a { margin-right:14px; }
"""

_SAFE_PATH = re.compile(r"^[A-Za-z0-9._/-]+$")


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _src(path: str) -> str | None:
    """A relative link into the run folder, or None for anything else (no URLs, no ..)."""
    if not path or not _SAFE_PATH.match(path) or path.startswith("/") or ".." in path.split("/"):
        return None
    return _e(quote(path))


def _badge(outcome: Outcome) -> str:
    symbol, css, words = OUTCOME_LOOK[outcome]
    return f'<span class="badge {css}">{symbol} {_e(words)}</span>'


def _setting_text(r: FlowResult) -> str:
    s = r.setting
    if s is None:
        return '<span class="muted">—</span>'
    hold = f'<br><span class="muted">holding check: {_e(s.holding())}</span>' \
        if s.holding() else ""
    return (f"<code>{_e(s.id)}</code> {_e(on_off(s.before))} → <b>{_e(on_off(s.after))}</b>"
            f' <span class="muted">(want {_e(on_off(s.desired))})</span>{hold}')


def _pngs(r: FlowResult) -> list[tuple[StepRecord, str]]:
    return [(s, f) for s in r.steps for f in s.evidence if f.endswith(".png")]


def _named(r: FlowResult, word: str) -> str | None:
    for _, f in _pngs(r):
        if word in f.rsplit("/", 1)[-1].lower():
            return f
    return None


def _figure(path: str | None, caption: str) -> str:
    src = _src(path or "")
    if src is None:
        return ""
    return (f'<figure><a href="{src}"><img src="{src}" alt="{_e(caption)}" loading="lazy"></a>'
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _page_source(run_dir: Path, screen: str) -> str:
    if _src(screen) is None:
        return ""
    path = run_dir / screen
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return f'<p class="muted">page source {_e(screen)} is missing</p>'
    cut = ""
    if len(text) > MAX_SOURCE_CHARS:
        text, cut = text[:MAX_SOURCE_CHARS], " (cut)"
    return (f"<details><summary>Page source at that moment (redacted){cut}: "
            f'{_e(screen)}</summary><pre class="source">{_e(text)}</pre></details>')


def _failure(r: FlowResult, run_dir: Path) -> str:
    e = r.error
    if e is None:
        return ""
    rows = [("Error", f"<code>{_e(e.type)}</code>"), ("Message", _e(e.message))]
    if e.step:
        file = e.file or r.flow_path
        where = f' <span class="muted">{_e(file)}:{e.line}</span>' if e.line else ""
        rows.insert(0, ("Step", f"{_e(e.step)}{where}"))
    if e.expected:
        rows.append(("Expected", _e(e.expected)))
    if e.actual:
        rows.append(("Actual", f'<span class="screen-text">{_e(e.actual)}</span>'))
    body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    failing = [f for s, f in _pngs(r) if s.status in (StepStatus.FAILED, StepStatus.ERROR)]
    shot = failing[-1] if failing else (_named(r, "fail") or _named(r, "error"))
    screen = _figure(shot, "the screen at that moment") if shot else ""
    return (f'<div class="failure"><dl>{body}</dl>'
            f'<div class="shots">{screen}</div>{_page_source(run_dir, e.screen)}</div>')


def _timeline(r: FlowResult) -> str:
    if not r.steps:
        return '<p class="muted">No steps were recorded.</p>'
    longest = max(1, *(s.duration_ms for s in r.steps))
    rows = []
    for i, s in enumerate(r.steps, 1):
        symbol, css = STEP_LOOK[s.status]
        width = 100 * s.duration_ms / longest
        path = s.file or r.flow_path
        where = f"{path.rsplit('/', 1)[-1]}:{s.line}" if s.line else ""
        links = " ".join(
            f'<a href="{src}">{_e(f.rsplit("/", 1)[-1])}</a>'
            for f in s.evidence if (src := _src(f)) is not None
        )
        message = f'<div class="muted">{_e(s.message)}</div>' if s.message else ""
        rows.append(
            f'<tr><td class="num">{i}</td><td><span class="badge {css}">{symbol} {_e(s.status)}'
            f"</span></td><td>{_e(s.label)}{message}</td>"
            f'<td class="muted nowrap" title="{_e(path)}"><code>{_e(where)}</code></td>'
            f'<td class="bar"><span class="{css}" style="width:{width:.1f}%"></span></td>'
            f'<td class="num">{s.duration_ms} ms</td><td>{links}</td></tr>'
        )
    return ('<table class="timeline"><thead><tr><th>#</th><th>Status</th><th>Step</th>'
            "<th>Where</th><th>Time</th><th></th><th>Evidence</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def _history(h: SettingHistory | None) -> str:
    if h is None:
        return ""
    drift = ""
    if h.drift is not None:
        d = h.drift
        drift = (f'<p class="drift">Drift: verified {_e(on_off(d.verified))} at '
                 f"{_e(d.verified_at)} (run {_e(d.verified_run)}), since seen "
                 f"{_e(on_off(d.observed))} at {_e(d.observed_at)} (run {_e(d.observed_run)})"
                 "</p>")
    if not h.seen:
        return drift
    rows = "".join(
        f"<tr><td>{_e(s.when)}</td><td><code>{_e(s.run_id)}</code></td>"
        f"<td>{_badge(Outcome(s.outcome))}</td><td>{_e(on_off(s.value))}</td></tr>"
        for s in h.seen
    )
    return (f"{drift}<h3>Recent history of this setting on this device</h3>"
            '<table class="history"><thead><tr><th>When</th><th>Run</th><th>Outcome</th>'
            f"<th>Seen</th></tr></thead><tbody>{rows}</tbody></table>")


def _result(index: int, r: FlowResult, run_dir: Path, classes: str,
            history: SettingHistory | None) -> str:
    css = OUTCOME_LOOK[r.outcome][1]
    facts = [("platform", r.platform), ("app name", r.app_name), ("app", r.app),
             ("device", r.device_info),
             ("app version", r.app_version), ("server", r.server),
             ("flow file", r.flow_path), ("flow attempts", str(r.attempts)),
             ("taps on the switch", str(r.setting.taps) if r.setting and r.setting.taps
              else ""),
             ("language", r.language + (" (English texts: the flow has none for the "
                                        "device's language)" if r.language_fallback else "")),
             ("routes tried", " → ".join(r.routes)),
             ("proof", f"{r.setting.proof}: read {r.setting.proof_read}"
              if r.setting and r.setting.proof else "")]
    meta = "".join(f"<div><dt>{k}</dt><dd>{_e(v)}</dd></div>" for k, v in facts if v)
    note = f"<p>{_e(r.note)}</p>" if r.note else ""
    shots = ""
    before, after = _named(r, "before"), _named(r, "after")
    if before or after:
        flips = [f for f in (r.setting.evidence if r.setting else []) if f.endswith(".png")]
        shots = ('<h3>Setting before and after</h3><div class="shots">'
                 + _figure(before, "before") + _figure(after, "after")
                 + "".join(_figure(f, "did not hold") for f in flips) + "</div>")
    opened = "" if css in ("ok", "info") else " open"  # what went well is collapsed
    return (
        f'<details class="result result-{css} {classes}" id="r{index}"{opened}>'
        f'<summary class="result-head"><h2>{_e(r.device)} · {_e(r.flow)}</h2>'
        f"{_badge(r.outcome)}</summary>"
        f'<dl class="meta">{meta}</dl>{note}'
        f"<h3>Setting</h3><p>{_setting_text(r)}</p>{_history(history)}"
        f"{_failure(r, run_dir)}{shots}<h3>Steps</h3>{_timeline(r)}</details>"
    )


def _environment(run: RunRecord) -> str:
    """One row per device: model and OS, the server's version, the automation."""
    rows: dict[str, tuple[str, ...]] = {}
    for r in run.results:
        rows.setdefault(r.device, (r.device_info or "not reported", r.server_version or
                                   "not reported", r.automation or "not reported", r.server))
    body = "".join(f"<tr><td>{_e(d)}</td>" + "".join(f"<td>{_e(v)}</td>" for v in row)
                   + "</tr>" for d, row in rows.items())
    return ('<h3>Environment</h3><table class="env"><thead><tr><th>Device</th>'
            "<th>Model and OS</th><th>Appium (server)</th><th>Automation (driver)</th>"
            f"<th>Server</th></tr></thead><tbody>{body}</tbody></table>"
            '<p class="muted">Appium does not report its drivers\' versions over HTTP: '
            "<code>appium driver list --installed</code> where it runs shows them.</p>")


def _app_group(r: FlowResult) -> str:
    """The app filter's group: the catalogue name (one box for an app's Android and iOS
    flows), else the package or bundle id."""
    return r.app_name or r.app


def _filters(groups: dict[str, list[str]]) -> tuple[str, str]:
    """Checkboxes (outcome, device, app) and the CSS that hides what is unticked. Only
    generated ids and classes go into the CSS, never a device's or an app's name."""
    boxes, rules = [], []
    for kind, legend in (("o", "Outcome"), ("d", "Device"), ("a", "App")):
        values = groups[kind]
        if kind != "o" and len(values) < 2:
            continue  # one device, one app: nothing to filter
        labels = []
        for i, value in enumerate(values):
            ident = f"f{kind}{i}"
            words = (OUTCOME_LOOK[Outcome(value)][2] if kind == "o"
                     else (value or "(not recorded)"))
            labels.append(f'<label><input type="checkbox" id="{ident}" checked> '
                          f"{_e(words)}</label>")
            rules.append(f"body:has(#{ident}:not(:checked)) .{kind}-{i} {{ display:none; }}")
        boxes.append(f"<fieldset><legend>{legend}</legend>{''.join(labels)}</fieldset>")
    html = f'<div class="filters" role="group" aria-label="Filters">{"".join(boxes)}</div>'
    return html, "\n".join(rules)


def render_html(run: RunRecord, run_dir: Path, *, screenshots_kept: bool | None = None,
                history: list[SettingHistory] | None = None) -> str:
    """The report as a string; ``run_dir`` is where evidence files are read from;
    ``history``: each setting's recent history and drift (from history.db)."""
    if screenshots_kept is None:
        screenshots_kept = any(_pngs(r) for r in run.results)
    counts = Counter(r.outcome for r in run.results)
    chips = " ".join(f"{_badge(o)} <b>{n}</b>" for o in Outcome if (n := counts[o]))
    facts = [("mode", run.mode), ("started", run.started_at), ("finished", run.finished_at),
             ("tool", f"mobile-optout {run.tool_version}" if run.tool_version else ""),
             ("results", str(len(run.results)))]
    meta = "".join(f"<div><dt>{k}</dt><dd>{_e(v)}</dd></div>" for k, v in facts if v)
    links = "".join(f'<a href="{name}">{name}</a>' for name in LINKED_FILES
                    if (run_dir / name).exists() or name != "debug.log")
    if screenshots_kept:
        notice = ('<p class="muted">Screenshots are files in <code>evidence/</code> beside '
                  "this report, not embedded in it: keep or send the whole run folder.</p>")
    else:
        notice = (
            '<p class="notice">No screenshots were kept for this run (--no-screenshots, or '
            "none taken). Screenshots are pixels and cannot be redacted; page sources are.</p>")
    by_setting = {(h.device, h.setting): h for h in history or []}
    drift_banner = "".join(
        f'<p class="drift">Drift: {_e(h.setting)} on {_e(h.device)} was verified '
        f"{_e(on_off(h.drift.verified))} and is now seen {_e(on_off(h.drift.observed))}</p>"
        for h in history or [] if h.drift is not None)

    numbered = list(enumerate(run.results, 1))
    numbered.sort(key=lambda ir: SEVERITY.index(ir[1].outcome))  # failures first
    groups: dict[str, list[str]] = {
        "o": [str(o) for o in SEVERITY if counts[o]],
        "d": list(dict.fromkeys(r.device for _, r in numbered)),
        "a": list(dict.fromkeys(_app_group(r) for _, r in numbered)),
    }

    def classes(r: FlowResult) -> str:
        return (f"o-{groups['o'].index(str(r.outcome))} "
                f"d-{groups['d'].index(r.device)} a-{groups['a'].index(_app_group(r))}")

    filters, filter_css = _filters(groups)
    rows = "".join(
        f'<tr class="{classes(r)}"><td>{_e(r.device)}</td><td><a href="#r{i}">{_e(r.flow)}'
        f"</a></td><td>{_badge(r.outcome)}</td><td>{_setting_text(r)}</td>"
        f'<td class="num">{result_seconds(r):.1f} s</td></tr>'
        for i, r in numbered
    )
    summary = ('<table class="summary"><thead><tr><th>Device</th><th>Flow</th><th>Outcome</th>'
               f'<th>Setting before → after</th><th class="num">Time</th></tr></thead>'
               f"<tbody>{rows}</tbody></table>")
    results = "".join(
        _result(i, r, run_dir, classes(r),
                by_setting.get((r.device, r.setting.id)) if r.setting else None)
        for i, r in numbered)
    csp = ("default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; "
           "form-action 'none'; base-uri 'none'")
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>mobile-optout report {_e(run.run_id)}</title>"
        f"<style>{CSS}{filter_css}</style></head>"
        f"<body><main><header><h1>mobile-optout · run {_e(run.run_id)}</h1>"
        f'<dl class="meta">{meta}</dl><div class="counts">{chips}</div>{drift_banner}'
        f'<p class="links">{links}</p>{notice}{_environment(run)}</header>'
        f"{filters}{summary}{results}{switches_section(run.results)}</main></body></html>\n"
    )


def write_html(run: RunRecord, run_dir: Path,
               history: list[SettingHistory] | None = None) -> Path:
    """Write ``run_dir/report.html`` atomically; its path."""
    return write_atomic(run_dir / REPORT_HTML, render_html(run, run_dir, history=history))
