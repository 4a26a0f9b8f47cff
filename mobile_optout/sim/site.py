"""The simulated LinkedIn website: the pages of the website route, served on 127.0.0.1.

    from mobile_optout.sim.site import SimSite
    with SimSite(variants=("renamed",)) as site:
        print(site.url)                   # http://127.0.0.1:<port>
        site.state()["settings"]          # == GET /sim/state "value"

Pages (all server-rendered HTML with a little script, like the real site's):
feed (a global nav with the "Me" menu), settings with a left rail
(/mypreferences/d/categories/<category>), Data privacy, and each setting's page
(/mypreferences/d/settings/<slug>). A switch is saved by a request, as the real site does:
the page POSTs to /mypreferences/api/settings/<setting>; the switch is disabled while the
request is out and flips back when it fails. ``/sim/state`` and ``/sim/events`` answer as
the simulated phone's do: page views, saves, and the clicks the page reports.

Variants use the phones' names: ``logged-out`` (every page goes to the sign-in page),
``not-offered`` (no Data for Generative AI Improvement row or page), ``renamed`` (other
wording; the switch is a ``role=switch`` button with ``aria-checked`` instead of a checkbox),
``save-fails`` (the save answers 500; the page shows an error and flips the switch back),
``slow`` (a page shows a spinner before its content; saves take a while), ``popups`` (a
cookie consent banner over the bottom of each page until answered), ``already-off``.
"""

from __future__ import annotations

import contextlib
import html
import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mobile_optout.sim.locale import check_locale
from mobile_optout.sim.model import SettingValue, translations
from mobile_optout.sim.statefile import load_settings, save_settings

WEB_VARIANTS: dict[str, str] = {
    "default": "Signed in; the generative-AI switch is on.",
    "already-off": "The generative-AI switch starts off.",
    "not-offered": "No 'Data for Generative AI Improvement' row or page (region).",
    "renamed": "Other wording ('Settings', 'Data Privacy', '... creation models'); the switch "
               "is a role=switch button with aria-checked.",
    "save-fails": "Saving a switch answers 500: the page shows an error and flips it back.",
    "slow": "Each page shows a spinner for 0.5-2 s before its content; saves take 0.5 s.",
    "logged-out": "Every page sends you to the sign-in page.",
    "popups": "A cookie consent banner (Accept / Reject) over the bottom of every page until "
              "answered.",
    # -- routes (issue 24) --
    "decorated": "Names carry icons and arrows, as on the real site: the member's photo and "
                 "'Me ▾' in the Me button, '⚙ Settings & Privacy', 'Data privacy \u203a'.",
    "new-ai-switch": "Data privacy gains an 'AI-powered features' row (On) whose page has a "
                     "switch no flow knows.",
}

NAME = "Alex Example"
ARROW = " \u203a"  # what decorated rail links end with
SETTINGS_PAGE = "/mypreferences/d/categories/account"
GENAI_PATH = "/mypreferences/d/settings/data-for-ai-improvement"


def check_web_variants(names: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names:
        if name not in WEB_VARIANTS:
            raise ValueError(f"unknown web variant {name!r}; valid variants: "
                             f"{', '.join(WEB_VARIANTS)}")
        if name not in out:
            out.append(name)
    return tuple(out)


# setting id -> (slug, title, renamed title, question, switch label, renamed label)
SETTINGS: dict[str, tuple[str, str, str, str, str, str]] = {
    "generative_ai_training": (
        "data-for-ai-improvement", "Data for Generative AI Improvement",
        "Data for generative AI improvement",
        "Can LinkedIn use your personal data and content you create on LinkedIn to train "
        "generative AI models that create content?",
        "Use my data for training content creation AI models",
        "Use my data for training content creation models"),
    "social_research": (
        "research-data", "Social, economic, and workplace research",
        "Social, economic, and workplace research",
        "Can LinkedIn make your personal data available to trusted partners for social, "
        "economic, and workplace research?",
        "Make my data available for social, economic, and workplace research",
        "Make my data available for social, economic, and workplace research"),
    "research_invitations": (
        "research-invitations", "Research invitations", "Research invitations",
        "Can LinkedIn invite you to take part in research about its products and services?",
        "Receive invitations to participate in research",
        "Receive invitations to participate in research"),
    "ai_features": (  # the new-ai-switch variant's page
        "ai-powered-features", "AI-powered features", "AI-powered features",
        "Can LinkedIn use your profile and activity to improve the AI models behind its "
        "features?",
        "Use my profile data to improve AI-powered features",
        "Use my profile data to improve AI-powered features"),
}
NEW_ONLY = frozenset({"ai_features"})  # settings whose page only the new-ai-switch variant has
CATEGORIES = (  # left rail: (slug, label, renamed label)
    ("account", "Account preferences", "Account preferences"),
    ("sign-in-and-security", "Sign in & security", "Sign in & security"),
    ("visibility", "Visibility", "Visibility"),
    ("privacy", "Data privacy", "Data Privacy"),
    ("ads", "Advertising data", "Advertising data"),
    ("notifications", "Notifications", "Notifications"),
)

STYLE = """
body{margin:0;font:14px/1.4 sans-serif;background:#f4f2ee;color:#191919}
header{position:fixed;top:0;left:0;right:0;height:52px;background:#fff;display:flex;
 align-items:center;gap:24px;padding:0 24px;border-bottom:1px solid #ddd;z-index:5}
header .logo{font-weight:bold;color:#0a66c2;font-size:22px}
header nav{display:flex;gap:20px;margin-left:auto}
header nav a,header nav button{background:none;border:0;color:#555;font:inherit;
 text-decoration:none;cursor:pointer;display:flex;flex-direction:column;align-items:center}
header img{width:24px;height:24px;border-radius:50%;background:#c8d6e5}
#me-menu{position:absolute;top:52px;right:16px;width:260px;background:#fff;
 border:1px solid #ccc;border-radius:8px;padding:12px;box-shadow:0 4px 12px #0003}
#me-menu a{display:block;padding:6px 4px;color:#333;text-decoration:none}
main{margin:72px auto 24px;max-width:1000px;display:flex;gap:24px}
.rail{width:240px;background:#fff;border-radius:8px;padding:12px}
.rail a{display:block;padding:8px;color:#333;text-decoration:none}
.rail a[aria-current=page]{border-left:3px solid #0a66c2;font-weight:bold}
.content{flex:1;background:#fff;border-radius:8px;padding:16px 24px}
.row{display:flex;justify-content:space-between;align-items:center;padding:12px 0;
 border-bottom:1px solid #eee;color:#191919;text-decoration:none}
.post{background:#fff;border-radius:8px;padding:12px 16px;margin-bottom:12px}
.switch-row{display:flex;justify-content:space-between;align-items:center;gap:16px;
 padding:16px 0}
input.toggle{appearance:none;width:48px;height:24px;border-radius:12px;background:#999;
 cursor:pointer;margin:0}
input.toggle:checked,button.toggle[aria-checked=true]{background:#057642}
button.toggle{width:48px;height:24px;border-radius:12px;background:#999;border:0}
#cookie-banner{position:fixed;bottom:0;left:0;right:0;height:220px;background:#fff;
 border-top:1px solid #ccc;padding:16px 24px;z-index:9}
#toast{position:fixed;bottom:24px;left:24px;background:#b24020;color:#fff;padding:12px;
 border-radius:6px}
.spinner{margin:120px auto;width:40px;height:40px;border-radius:50%;
 border:4px solid #ddd;border-top-color:#0a66c2}
"""

SCRIPT = """
document.addEventListener('click', (e) => {
  const t = e.target.closest('a,button,input,label,[role]') || e.target;
  const text = (t.getAttribute('aria-label') || t.innerText || '').trim().slice(0, 80);
  navigator.sendBeacon('/sim/click', JSON.stringify({text: text, id: t.id || ''}));
}, true);
for (const b of document.querySelectorAll('#cookie-banner button')) {
  b.addEventListener('click', () => {
    fetch('/cookie-consent', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({answer: b.dataset.answer})})
      .then(() => document.getElementById('cookie-banner').remove());
  });
}
const me = document.getElementById('me-button');
if (me) me.addEventListener('click', () => {
  const menu = document.getElementById('me-menu');
  menu.hidden = !menu.hidden;
  me.setAttribute('aria-expanded', String(!menu.hidden));
});
const late = document.getElementById('late-content');
if (late) setTimeout(() => {
  document.getElementById('spinner').remove();
  late.replaceWith(late.content.cloneNode(true));
  wire();
}, Number(late.dataset.delay));
function wire() {
  for (const sw of document.querySelectorAll('[data-setting]')) {
    const isBox = sw.localName === 'input';
    const state = () => isBox ? sw.checked : sw.getAttribute('aria-checked') === 'true';
    const show = (on) => {
      if (isBox) sw.checked = on; else sw.setAttribute('aria-checked', String(on));
      const status = document.getElementById('status');
      if (status) status.textContent = on ? 'On' : 'Off';
    };
    const busy = (yes) => {
      if (isBox) sw.disabled = yes; else sw.setAttribute('aria-disabled', String(yes));
    };
    sw.addEventListener('click', () => {
      if (!isBox) {
        if (sw.getAttribute('aria-disabled') === 'true') return;
        show(!state());
      }
      const want = state();
      busy(true);
      fetch('/mypreferences/api/settings/' + sw.dataset.setting, {method: 'POST',
        headers: {'Content-Type': 'application/json'}, body: JSON.stringify({value: want})})
        .then((r) => { if (!r.ok) throw new Error(r.status); show(want); busy(false); })
        .catch(() => {
          const toast = document.getElementById('toast');
          toast.textContent = "Couldn't save your setting. Please try again.";
          toast.hidden = false;
          setTimeout(() => { show(!want); busy(false); }, 800);
        });
    });
  }
}
if (!late) wire();
"""


class SimSite:
    """The simulated LinkedIn website on 127.0.0.1 (see docs/simulator.md)."""

    def __init__(self, *, variants: Iterable[str] = (), seed: int = 0,
                 state_file: str | Path | None = None, port: int = 0,
                 settings: dict[str, SettingValue] | None = None, lock: Any = None,
                 on_save: Callable[[str, bool], None] | None = None, locale: str = "") -> None:
        """``settings``, ``lock`` and ``on_save``: a store shared with its owner (the
        simulated phone whose WebView shows this site); else the site keeps its own.
        ``locale``: the language it shows (LinkedIn's app file's ``translations:``)."""
        self.variants = check_web_variants(variants)
        self.locale = check_locale(locale)
        self.words = translations("linkedin", self.locale) if self.locale else {}
        self.seed = seed
        self.port = port
        self.state_file = Path(state_file) if state_file is not None else None
        self.lock = lock if lock is not None else threading.Lock()
        self.on_save = on_save
        if settings is not None:
            self.settings = settings
        else:
            self.settings = {k: True for k in SETTINGS}
            if "already-off" in self.variants:
                self.settings["generative_ai_training"] = False
            load_settings(self.state_file, self.settings)
        self.events: list[dict[str, Any]] = []
        self.page = ""
        self.saves = 0
        self.consent: str | None = None  # "accept" / "reject" once the banner is answered
        self._slow = random.Random(f"{seed}:slow")
        self._t0 = time.monotonic()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("SimSite is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> str:
        if self._server is None:
            self._server = _Server(("127.0.0.1", self.port), _Handler)
            self._server.site = self
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name="sim-site", daemon=True)
            self._thread.start()
        return self.url

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=1)

    def __enter__(self) -> SimSite:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ state

    def record(self, kind: str, **extra: Any) -> None:
        self.events.append({"type": kind, "t": int((time.monotonic() - self._t0) * 1000),
                            **extra})

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {"settings": dict(self.settings), "page": self.page, "saves": self.saves,
                    "consent": self.consent,
                    "taps": sum(1 for e in self.events if e["type"] == "click"),
                    "platform": "web", "variants": list(self.variants),
                    "locale": self.locale or "en"}

    def event_log(self) -> list[dict[str, Any]]:
        with self.lock:
            return [dict(e) for e in self.events]

    def has(self, variant: str) -> bool:
        return variant in self.variants

    # ------------------------------------------------------------------ requests
    def get(self, path: str) -> tuple[int, str, str, dict[str, str]]:
        """(status, content type, body, headers) for a GET."""
        if path == "/sim/state":
            return 200, "application/json", json.dumps({"value": self.state()}), {}
        if path == "/sim/events":
            return 200, "application/json", json.dumps({"value": self.event_log()}), {}
        if path == "/favicon.ico":
            return 404, "text/plain", "", {}
        with self.lock:
            self.page = path
            self.record("page", path=path)
        if self.has("logged-out") and path != "/login":
            return 302, "text/plain", "", {"Location": "/login"}
        if path in ("/", "/feed"):
            return 302, "text/plain", "", {"Location": "/feed/"}
        body = self.render(path)
        if body is None:
            return 404, "text/html", self.document("Page not found", self.not_found()), {}
        return 200, "text/html", body, {}

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        prefix = "/mypreferences/api/settings/"
        setting = path[len(prefix):] if path.startswith(prefix) else ""
        if path == "/cookie-consent" and body.get("answer") in ("accept", "reject"):
            with self.lock:
                self.consent = str(body["answer"])
                self.record("consent", answer=self.consent)
            return 200, {}
        if path == "/sim/click":
            with self.lock:
                self.record("click", text=str(body.get("text", "")), id=str(body.get("id", "")))
            return 204, {}
        if setting not in self.settings or not isinstance(body.get("value"), bool):
            return 400, {"error": "bad request"}
        if self.has("logged-out") or (self.has("not-offered") and
                                      setting == "generative_ai_training"):
            return 403, {"error": "forbidden"}
        if self.has("slow"):
            time.sleep(0.5)  # the save's round trip to a slow server
        with self.lock:
            ok = not self.has("save-fails")
            self.record("save", setting=setting, value=body["value"], ok=ok)
            if not ok:
                return 500, {"error": "could not save"}
            self.settings[setting] = bool(body["value"])
            self.saves += 1
            save_settings(self.state_file, self.settings, app="linkedin-web")
            if self.on_save is not None:
                self.on_save(setting, bool(body["value"]))
        return 200, {"setting": setting, "value": body["value"]}

    # ------------------------------------------------------------------ pages
    def t(self, text: str) -> str:
        """``text`` in the site's language (as written where it has no translation)."""
        return self.words.get(text, text)

    def words_of(self, default: str, renamed: str) -> str:
        return self.t(renamed if self.has("renamed") else default)

    def render(self, path: str) -> str | None:
        path = path.rstrip("/") or "/"
        if path == "/login":
            return self.document("Sign in", self.sign_in(), nav=False)
        if path == "/feed":
            return self.document("Feed", self.feed())
        if path.startswith("/mypreferences/d/categories/"):
            slug = path.rsplit("/", 1)[1]
            if slug not in {c[0] for c in CATEGORIES}:
                return None
            return self.document("Settings", self.settings_page(slug))
        if path.startswith("/mypreferences/d/settings/"):
            slug = path.rsplit("/", 1)[1]
            for setting, spec in SETTINGS.items():
                if spec[0] == slug and not (setting == "generative_ai_training"
                                            and self.has("not-offered")) and not (
                        setting in NEW_ONLY and not self.has("new-ai-switch")):
                    return self.document(spec[1], self.setting_page(setting))
        return None

    def document(self, title: str, body: str, *, nav: bool = True) -> str:
        header = self.header() if nav else ""
        return (f"<!DOCTYPE html><html lang={self.locale or 'en'}><head><meta charset=utf-8>"
                f"<title>{html.escape(title)} | LinkedIn</title><style>{STYLE}</style></head>"
                f"<body>{header}{body}{self.cookie_banner()}"
                f"<div id=toast role=alert hidden></div>"
                f"<script>{SCRIPT}</script></body></html>")

    def cookie_banner(self) -> str:
        """``popups``: over the bottom of the page until answered (like the real one)."""
        if not self.has("popups") or self.consent is not None:
            return ""
        return ("<section id=cookie-banner role=dialog aria-label=\"Cookie consent\">"
                "<h2>LinkedIn respects your privacy</h2><p>LinkedIn and 3rd parties use "
                "essential and non-essential cookies to provide, secure, analyze and improve "
                "our Services.</p><button data-answer=accept>Accept</button>"
                "<button data-answer=reject>Reject</button></section>")

    def header(self) -> str:
        settings = self.words_of("Settings & Privacy", "Settings")
        me = self.t("Me")
        if self.has("decorated"):
            settings, me = f"⚙ {settings}", f"{me} ▾"
        return f"""<header><span class=logo aria-label=LinkedIn>in</span>
<input type=search placeholder=Search aria-label=Search>
<nav aria-label="Primary Navigation">
<a href="/feed/">Home</a><a href="#">My Network</a><a href="#">Jobs</a>
<a href="#">Messaging</a><a href="#">Notifications</a>
<button id=me-button aria-expanded=false><img alt="{NAME}" src="data:,"><span>{me}</span></button>
</nav>
<div id=me-menu role=menu hidden>
<div><strong>{NAME}</strong><div>Product designer at Example Corp</div></div>
<a href="#" role=menuitem>View Profile</a>
<h4>Account</h4>
<a href="{SETTINGS_PAGE}" role=menuitem>{settings}</a>
<a href="#" role=menuitem>Help</a><a href="#" role=menuitem>Language</a>
<h4>Manage</h4><a href="#" role=menuitem>Posts &amp; Activity</a>
<a href="#" role=menuitem>Sign Out</a>
</div></header>"""

    def main(self, content: str, rail: str = "") -> str:
        """The page body; ``slow`` shows a spinner before it."""
        inner = f"{rail}<section class=content>{content}</section>"
        if self.has("slow"):
            delay = int(self._slow.uniform(0.5, 2.0) * 1000)
            return (f"<main><div id=spinner class=spinner role=progressbar aria-label=Loading>"
                    f"</div><template id=late-content data-delay={delay}>{inner}</template>"
                    f"</main>")
        return f"<main>{inner}</main>"

    def feed(self) -> str:
        posts = "".join(
            f"<article class=post><strong>{who}</strong><p>{what}</p></article>"
            for who, what in (
                (NAME, f"{NAME} shared a post: reach me at alex.example@example.com"),
                ("Sam Sample", "Five lessons from a year of remote work."),
                ("Jordan Placeholder", "We are hiring: data engineers in Lisbon."),
            ))
        return self.main(f"<h1>Feed</h1>{posts}")

    def rail(self, current: str) -> str:
        links = "".join(
            f'<a href="/mypreferences/d/categories/{slug}"'
            f'{" aria-current=page" if slug == current else ""}>{self.words_of(a, b)}'
            f'{ARROW if self.has("decorated") else ""}</a>'
            for slug, a, b in CATEGORIES)
        title = self.words_of("Settings", "Settings & Privacy")
        return f'<nav class=rail aria-label="{title}"><h2>{title}</h2>{links}</nav>'

    def row(self, text: str, href: str = "#", status: str = "") -> str:
        right = f"<span>{status}</span>" if status else "<span aria-hidden=true>&rarr;</span>"
        return f'<a class=row href="{href}"><span>{self.t(text)}</span>{right}</a>'

    def settings_page(self, slug: str) -> str:
        label = next(self.words_of(a, b) for s, a, b in CATEGORIES if s == slug)
        if slug == "privacy":
            genai = SETTINGS["generative_ai_training"]
            rows = [
                self.row("Manage your data and activity"), self.row("Get a copy of your data"),
                self.row("Search history"), self.row("Personal demographic information"),
                self.row(SETTINGS["social_research"][1],
                         f"/mypreferences/d/settings/{SETTINGS['social_research'][0]}",
                         self.on_off("social_research")),
            ]
            if not self.has("not-offered"):
                rows.append(self.row(self.words_of(genai[1], genai[2]),
                                     f"/mypreferences/d/settings/{genai[0]}",
                                     self.on_off("generative_ai_training")))
            if self.has("new-ai-switch"):
                new = SETTINGS["ai_features"]
                rows.append(self.row(new[1], f"/mypreferences/d/settings/{new[0]}",
                                     self.on_off("ai_features")))
            body = (f"<h1>{label}</h1><h2>{self.t('How LinkedIn uses your data')}</h2>"
                    f"{''.join(rows)}"
                    f"<h2>Who can reach you</h2>{self.row('Invitations to connect')}"
                    + self.row(SETTINGS["research_invitations"][1],
                               f"/mypreferences/d/settings/{SETTINGS['research_invitations'][0]}",
                               self.on_off("research_invitations"))
                    + self.row("Messages"))
        elif slug == "account":
            body = (f"<h1>{label}</h1><h2>Profile information</h2>"
                    + "".join(self.row(t) for t in ("Name, location, and industry",
                                                    "Personal demographic information",
                                                    "Verifications"))
                    + "<h2>General preferences</h2>"
                    + "".join(self.row(t) for t in ("Language", "Content language",
                                                    "Autoplay videos", "Sound effects"))
                    + '<h2>Account management</h2><a class=row href="#">Close account</a>')
        else:
            body = f"<h1>{label}</h1>" + "".join(self.row(t) for t in ("Option one",
                                                                        "Option two"))
        return self.main(body, self.rail(slug))

    def on_off(self, setting: str) -> str:
        return self.t("On") if self.settings[setting] else self.t("Off")

    def setting_page(self, setting: str) -> str:
        _, title, title2, question, label, label2 = SETTINGS[setting]
        on = self.settings[setting]
        label = self.words_of(label, label2)
        if self.has("renamed"):
            switch = (f'<span id=switch-label>{label}</span><button type=button class=toggle '
                      f'id=toggle role=switch aria-checked={str(on).lower()} '
                      f'aria-labelledby=switch-label data-setting={setting}></button>')
        else:
            switch = (f'<label for=toggle>{label}</label><input type=checkbox class=toggle '
                      f'id=toggle role=switch data-setting={setting}{" checked" if on else ""}>')
        body = (f'<a href="/mypreferences/d/categories/privacy">Back</a>'
                f"<h1>{self.words_of(title, title2)}</h1><p>{self.t(question)}</p>"
                f"<div class=switch-row>{switch}</div>"
                f"<p>Status: <span id=status>{self.on_off(setting)}</span></p>"
                "<p>Turning this off stops future training only. It does not affect "
                'training that has already taken place. <a href="#">Learn more</a></p>')
        return self.main(body, self.rail("privacy"))

    def sign_in(self) -> str:
        return """<main><section class=content><span class=logo>LinkedIn</span>
<h1>Sign in</h1><p>Stay updated on your professional world</p>
<form action="#" onsubmit="return false">
<label for=username>Email or phone</label><input id=username type=text autocomplete=username>
<label for=password>Password</label><input id=password type=password>
<button type=submit>Sign in</button></form>
<p>New to LinkedIn? <a href="#">Join now</a></p></section></main>"""

    def not_found(self) -> str:
        return ("<main><section class=content><h1>This page doesn't exist</h1>"
                '<p>Please check your URL or return to <a href="/feed/">LinkedIn home</a>.'
                "</p></section></main>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: SimSite


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the site never writes to the terminal."""

    def _send(self, status: int, ctype: str, body: str, headers: dict[str, str]) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(data)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self._send(*self.server.site.get(path))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError:
            body = None
        if not isinstance(body, dict):
            self._send(400, "application/json", json.dumps({"error": "bad JSON"}), {})
            return
        status, answer = self.server.site.post(urlsplit(self.path).path, body)
        self._send(status, "application/json", json.dumps(answer) if status != 204 else "", {})

