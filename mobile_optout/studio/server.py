"""The studio's web server: 127.0.0.1 only, one page and a small JSON API.

    GET  /                      the page (static/index.html with the session's token)
    GET  /static/<file>         studio.js, studio.css (the only scripts and styles)
    GET  /api/screen            the screen now: elements, suggestions, the flow so far
    GET  /api/screenshot.png    the screenshot of the last /api/screen
    POST /api/step              {"kind", "locator", "setting"}: run one step on the device

Only this page may use the API: every /api request carries the token the page was served
with (a header, or ``token=`` for the screenshot), and the Host must be this server, so a
web site open in another tab can neither drive the phone nor read its screen. Every
response has a Content-Security-Policy that allows nothing from elsewhere.
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mobile_optout.studio import Studio

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


class StudioServer:
    """Serves ``studio`` on 127.0.0.1:``port`` (0: a free one) in a background thread."""

    def __init__(self, studio: Studio, port: int = 0) -> None:
        self.studio = studio
        self.token = secrets.token_urlsafe(24)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/"
        self._thread: threading.Thread | None = None

    def start(self) -> StudioServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                        name="studio")
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.studio.close()

    def __enter__(self) -> StudioServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def page(self) -> bytes:
        html = (STATIC / "index.html").read_text(encoding="utf-8")
        return html.replace("{{token}}", self.token).encode("utf-8")


def _handler(server: StudioServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "mobile-optout-studio"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the terminal stays quiet; the page shows what happened

        def _send(self, status: int, body: bytes, ctype: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", CSP)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, value: object, status: int = 200) -> None:
            self._send(status, json.dumps(value).encode("utf-8"), "application/json")

        def _host_ok(self) -> bool:
            return self.headers.get("Host") in (f"127.0.0.1:{server.port}",
                                                 f"localhost:{server.port}")

        def _allowed(self, query: dict[str, list[str]]) -> bool:
            if not self._host_ok():
                return False
            given = self.headers.get("X-Studio-Token") or (query.get("token") or [""])[0]
            return hmac.compare_digest(given.encode(), server.token.encode())

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if parts.path == "/":
                if not self._host_ok():
                    self._send(HTTPStatus.FORBIDDEN, b"forbidden", "text/plain")
                    return
                self._send(200, server.page(), "text/html; charset=utf-8")
            elif parts.path.startswith("/static/"):
                name = parts.path.removeprefix("/static/")
                path = STATIC / name
                if name not in ("studio.js", "studio.css"):
                    self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
                    return
                self._send(200, path.read_bytes(), TYPES[path.suffix])
            elif not self._allowed(query):
                self._json({"error": "forbidden"}, HTTPStatus.FORBIDDEN)
            elif parts.path == "/api/screen":
                self._api(server.studio.look)
            elif parts.path == "/api/screenshot.png":
                self._send(200, server.studio.screenshot, "image/png")
            else:
                self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            if not self._allowed({}) or parts.path != "/api/step":
                self._json({"error": "forbidden"}, HTTPStatus.FORBIDDEN)
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(min(length, 65536)) or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self._json({"ok": False, "message": "expected a JSON object"}, 400)
                return
            self._api(lambda: server.studio.step(
                str(body.get("kind", "")), str(body.get("locator", "")),
                str(body.get("setting", ""))))

        def _api(self, call: Any) -> None:
            from mobile_optout.errors import OptoutError

            try:
                self._json(call())
            except OptoutError as exc:  # the device went away: say so on the page
                self._json({"ok": False, "message": str(exc)}, HTTPStatus.BAD_GATEWAY)

    return Handler
