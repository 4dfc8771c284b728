"""A moto HTTP server on loopback, for tests that reach "AWS" over the network as vpcaudit does.

The server runs in a thread of the test process and shares moto's in-process backends with
``mock_aws``: it is reset when it starts, so it begins with empty accounts whatever ran before in
the same process, and when it stops, so it leaves nothing behind for what runs next.
"""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from moto.server import ThreadedMotoServer


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def moto_control(url: str, path: str, body: bytes = b"") -> bytes:
    """POST to the server's control API: ``reset``, or ``reset-auth`` with ``b"0"`` to enforce IAM from
    now on and ``b"inf"`` to stop enforcing it."""
    request = urllib.request.Request(f"{url}/moto-api/{path}", data=body, method="POST",
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return bytes(answer.read())


@contextmanager
def running_moto() -> Iterator[str]:
    """A moto server on a free loopback port, empty when it starts; yields its URL."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    moto_control(url, "reset")
    try:
        yield url
    finally:
        moto_control(url, "reset")
        server.stop()
