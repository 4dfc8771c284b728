"""Fixtures for collector tests: fake credentials, an in-process moto account, a moto HTTP server,
and a loopback proxy that injects AWS errors moto cannot produce (throttling).

Every test gets a boto3 Session passed in (no module-global patching), and nothing can reach a
real account: credentials are fake, profiles and config files are hidden, IMDS is off.
"""

from __future__ import annotations

import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from moto import mock_aws
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
_AWS_ENV_TO_CLEAR = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                     "AWS_ENDPOINT_URL", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_MAX_ATTEMPTS",
                     "AWS_RETRY_MODE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                     "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "MOTO_ACCOUNT_ID")


def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake keys, no profile, no config file, no instance metadata: nothing reaches a real account."""
    for name in _AWS_ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_credentials(monkeypatch)


@pytest.fixture
def session(aws_env: None) -> Iterator[boto3.session.Session]:
    """A session on an in-process moto account (fresh for each test)."""
    with mock_aws():
        yield boto3.session.Session(region_name=REGION)


@pytest.fixture(scope="module")
def module_session() -> Iterator[boto3.session.Session]:
    """An in-process moto account shared by one test module (for estates that take seconds to build)."""
    with pytest.MonkeyPatch.context() as mp:
        fake_credentials(mp)
        with mock_aws():
            yield boto3.session.Session(region_name=REGION)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _moto_api(url: str, path: str, body: bytes = b"") -> bytes:
    request = urllib.request.Request(f"{url}/moto-api/{path}", data=body, method="POST",
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return bytes(answer.read())


@pytest.fixture
def moto_api() -> Callable[[str, str, bytes], bytes]:
    """``moto_api(url, "reset-auth", b"0")``: POST to the moto server's control API."""
    return _moto_api


@pytest.fixture
def moto_url(aws_env: None) -> Iterator[str]:
    """A moto server on loopback; state and IAM enforcement are reset afterwards (the server shares
    moto's in-process state with mock_aws)."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    try:
        yield url
    finally:
        _moto_api(url, "reset-auth", b"inf")
        _moto_api(url, "reset")
        server.stop()


# -- fault-injecting proxy ---------------------------------------------------------------------
# moto has no throttling or fault injection; this proxy stands in for AWS answering e.g.
# RequestLimitExceeded, so a test can watch botocore retry and give up exactly as on AWS.

EC2_ERROR = ('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code>'
             '<Message>{message}</Message></Error></Errors><RequestID>loopback</RequestID></Response>')


class _Proxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, fail_actions: dict[str, tuple[int, str]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.fail_actions = fail_actions
        self.seen: list[str] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Proxy

    def log_message(self, format: str, *args: object) -> None:  # quiet: the test output is the point
        return

    def _forward(self, body: bytes) -> None:
        action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        with self.server.lock:
            self.server.seen.append(action)
        if action in self.server.fail_actions:
            status, code = self.server.fail_actions[action]
            self._answer(status, {"Content-Type": "text/xml"},
                         EC2_ERROR.format(code=code, message="injected by the test proxy").encode())
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        request = urllib.request.Request(self.server.upstream + self.path, data=body or None,
                                         method=self.command, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                self._answer(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as exc:
            self._answer(exc.code, dict(exc.headers), exc.read())

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self._forward(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def do_GET(self) -> None:
        self._forward(b"")


@contextmanager
def _failing_proxy(upstream: str, fail_actions: dict[str, tuple[int, str]]) -> Iterator[_Proxy]:
    """Proxy to ``upstream``; EC2 actions in ``fail_actions`` get (HTTP status, error code) instead."""
    proxy = _Proxy(upstream, fail_actions)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()


@pytest.fixture
def failing_proxy() -> Callable[[str, dict[str, tuple[int, str]]], AbstractContextManager[_Proxy]]:
    """``failing_proxy(upstream_url, {"DescribeNatGateways": (503, "RequestLimitExceeded")})``."""
    return _failing_proxy
