"""report.html: one run, readable by a person, in one self-contained file.

Inline CSS, no JavaScript, no network (a Content-Security-Policy forbids scripts and
remote loads, as a second line of defence behind escaping). Screenshots are *referenced*
from ``evidence/`` beside the report, not embedded: the report stays small, and moving it
means moving the run folder with it. Redacted page sources are embedded as text.

Every string that came from a device or a flow goes through ``_e`` (HTML escaping):
a page source may contain ``<script>``.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from pathlib import Path
from urllib.parse import quote

from mobile_optout.results.evidence import write_atomic
from mobile_optout.results.junit import result_seconds
from mobile_optout.results.record import FlowResult, Outcome, RunRecord, StepRecord, StepStatus
from mobile_optout.values import on_off

REPORT_HTML = "report.html"
MAX_SOURCE_CHARS = 200_000

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
    Outcome.RUNNING: ("…", "info", "running"),
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
section.result { background:#fff; border:1px solid var(--line);
  border-left:6px solid var(--info); border-radius:8px; padding:16px 20px; margin-top:16px; }
section.result-ok { border-left-color:var(--ok); }
section.result-warn { border-left-color:var(--warn); }
section.result-bad { border-left-color:var(--bad); }
section.result-err { border-left-color:var(--err); }
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


def _result(index: int, r: FlowResult, run_dir: Path) -> str:
    css = OUTCOME_LOOK[r.outcome][1]
    facts = [("platform", r.platform), ("device", r.device_info), ("app", r.app_version),
             ("server", r.server),
              ("flow file", r.flow_path), ("attempts", str(r.attempts))]
    meta = "".join(f"<div><dt>{k}</dt><dd>{_e(v)}</dd></div>" for k, v in facts if v)
    note = f"<p>{_e(r.note)}</p>" if r.note else ""
    shots = ""
    before, after = _named(r, "before"), _named(r, "after")
    if before or after:
        flips = [f for f in (r.setting.evidence if r.setting else []) if f.endswith(".png")]
        shots = ('<h3>Setting before and after</h3><div class="shots">'
                 + _figure(before, "before") + _figure(after, "after")
                 + "".join(_figure(f, "did not hold") for f in flips) + "</div>")
    return (
        f'<section class="result result-{css}" id="r{index}"><div class="result-head">'
        f"<h2>{_e(r.device)} · {_e(r.flow)}</h2>{_badge(r.outcome)}</div>"
        f'<dl class="meta">{meta}</dl>{note}'
        f"<h3>Setting</h3><p>{_setting_text(r)}</p>"
        f"{_failure(r, run_dir)}{shots}<h3>Steps</h3>{_timeline(r)}</section>"
    )


def render_html(run: RunRecord, run_dir: Path, *, screenshots_kept: bool | None = None) -> str:
    """The report as a string; ``run_dir`` is where evidence files are read from."""
    if screenshots_kept is None:
        screenshots_kept = any(_pngs(r) for r in run.results)
    counts = Counter(r.outcome for r in run.results)
    chips = " ".join(f"{_badge(o)} <b>{n}</b>" for o in Outcome if (n := counts[o]))
    facts = [("mode", run.mode), ("started", run.started_at), ("finished", run.finished_at),
             ("tool", run.tool_version), ("results", str(len(run.results)))]
    meta = "".join(f"<div><dt>{k}</dt><dd>{_e(v)}</dd></div>" for k, v in facts if v)
    notice = "" if screenshots_kept else (
        '<p class="notice">No screenshots were kept for this run (--no-screenshots, or none '
        "taken). Screenshots are pixels and cannot be redacted; page sources are.</p>")
    rows = "".join(
        f'<tr><td>{_e(r.device)}</td><td><a href="#r{i}">{_e(r.flow)}</a></td>'
        f"<td>{_badge(r.outcome)}</td><td>{_setting_text(r)}</td>"
        f'<td class="num">{result_seconds(r):.1f} s</td></tr>'
        for i, r in enumerate(run.results, 1)
    )
    summary = ('<table class="summary"><thead><tr><th>Device</th><th>Flow</th><th>Outcome</th>'
               f'<th>Setting before → after</th><th class="num">Time</th></tr></thead>'
               f"<tbody>{rows}</tbody></table>")
    results = "".join(_result(i, r, run_dir) for i, r in enumerate(run.results, 1))
    csp = ("default-src 'none'; img-src 'self' file: data:; style-src 'unsafe-inline'; "
           "form-action 'none'; base-uri 'none'")
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>mobile-optout report {_e(run.run_id)}</title><style>{CSS}</style></head>"
        f"<body><main><header><h1>mobile-optout · run {_e(run.run_id)}</h1>"
        f'<dl class="meta">{meta}</dl><div class="counts">{chips}</div>{notice}</header>'
        f"{summary}{results}</main></body></html>\n"
    )


def write_html(run: RunRecord, run_dir: Path) -> Path:
    """Write ``run_dir/report.html`` atomically; its path."""
    return write_atomic(run_dir / REPORT_HTML, render_html(run, run_dir))
