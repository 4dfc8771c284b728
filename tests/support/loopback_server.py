"""Serving a stand-in for AWS on a loopback port, for as long as a test needs it.

Stand-ins answer what moto cannot: pages that are not AWS at all, redirects, slow answers, injected
faults. Each is a ``ThreadingHTTPServer`` on port 0 (the kernel picks a free one) whose handler
derives from ``QuietHandler``; ``serving`` runs it on a daemon thread and frees the port afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

Server = TypeVar("Server", bound=ThreadingHTTPServer)


def url_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    """Serve ``server`` on a daemon thread until the block ends, then stop it and free its port."""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that logs nothing (the test's own output is the point) and answers whole bodies."""

    def log_message(self, format: str, *args: object) -> None:
        return

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def answer(self, status: int, body: bytes = b"", headers: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
