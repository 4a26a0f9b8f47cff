"""The HTTP side shared by the simulated phone (``server.py``) and a saved screen's phone
(``replay.py``): a request's body in, one JSON answer out, nothing written to the terminal."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from http.server import BaseHTTPRequestHandler
from typing import Any


class JsonHandler(BaseHTTPRequestHandler, ABC):
    """Answers GET, POST and DELETE through ``serve(method)``, which a subclass writes."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: a simulated phone never writes to the terminal."""

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @abstractmethod
    def serve(self, method: str) -> None:
        """Answer one request (``send_json`` once)."""

    def do_GET(self) -> None:
        self.serve("GET")

    def do_POST(self) -> None:
        self.serve("POST")

    def do_DELETE(self) -> None:
        self.serve("DELETE")
