"""A loopback proxy in front of a moto server that answers chosen requests the way AWS would fail them.

moto has no throttling and lets ``sts:AssumeRole`` into any role, existing or not. AWS answers
``RequestLimitExceeded`` (EC2) / ``Throttling`` (STS, query APIs) when a bucket runs dry, and
``AccessDenied`` to an AssumeRole whose role does not exist or does not trust the caller. The
proxy stands in for both. It learns which account each access key belongs to from the
AssumeRole answers passing through, so a fault can target one account: EC2 requests carry only
the access key in their signature.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import ThreadingHTTPServer

from loopback_server import QuietHandler, serving, url_of

QUERY_ERROR = ('<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>'
               '<Message>{message}</Message></Error><RequestId>loopback</RequestId></ErrorResponse>')
EC2_ERROR = ('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code>'
             '<Message>{message}</Message></Error></Errors><RequestID>loopback</RequestID></Response>')
_KEY_IN_SIGNATURE = re.compile(r"Credential=([A-Z0-9]+)/")
_ANSWERED_KEY = re.compile(rb"<AccessKeyId>([A-Z0-9]+)</AccessKeyId>")
# Headers of the upstream answer that describe that connection, not the answer relayed on this one.
_HOP_BY_HOP = ("content-length", "transfer-encoding", "connection", "server", "date")


@dataclass(frozen=True)
class Request:
    action: str  # the query API's Action (EC2, STS); "" for REST APIs (S3, Route 53)
    params: dict[str, str]
    account: str | None  # the account of the signing access key, when learnt from an AssumeRole answer


@dataclass(frozen=True)
class Fault:
    status: int
    code: str
    ec2: bool = False  # EC2's error document shape, else the query APIs' (STS)

    def body(self) -> bytes:
        shape = EC2_ERROR if self.ec2 else QUERY_ERROR
        return shape.format(code=self.code, message="injected by the test proxy").encode()


Rule = Callable[[Request], Fault | None]


class FaultProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, rule: Rule) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.rule = rule
        self.lock = threading.Lock()
        self.accounts_by_key: dict[str, str] = {}
        self.faults: Counter[tuple[str | None, str]] = Counter()  # (account, action) → faults injected

    @property
    def url(self) -> str:
        return url_of(self)


class _Handler(QuietHandler):
    server: FaultProxy
    # HTTP/1.1 answers S3's "Expect: 100-continue" at once; without it botocore waits a second per PutObject.
    protocol_version = "HTTP/1.1"

    def _forward(self, body: bytes) -> None:
        params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()} \
            if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded") else {}
        key = _KEY_IN_SIGNATURE.search(self.headers.get("Authorization", ""))
        with self.server.lock:
            account = self.server.accounts_by_key.get(key.group(1)) if key else None
        request = Request(params.get("Action", ""), params, account)
        fault = self.server.rule(request)
        if fault is not None:
            with self.server.lock:
                self.server.faults[(account, request.action)] += 1
            self.answer(fault.status, fault.body(), {"Content-Type": "text/xml"})
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        upstream = urllib.request.Request(self.server.upstream + self.path, data=body or None, method=self.command,
                                          headers=headers)
        try:
            with urllib.request.urlopen(upstream, timeout=60) as answer:
                status, answer_headers, data = answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as exc:
            status, answer_headers, data = exc.code, dict(exc.headers), exc.read()
        if request.action == "AssumeRole" and status == 200:
            learnt = _ANSWERED_KEY.search(data)
            if learnt:
                with self.server.lock:
                    self.server.accounts_by_key[learnt.group(1).decode()] = params["RoleArn"].split(":")[4]
        self.answer(status, data, {k: v for k, v in answer_headers.items() if k.lower() not in _HOP_BY_HOP})

    def do_POST(self) -> None:
        self._forward(self.read_body())

    def do_PUT(self) -> None:
        self._forward(self.read_body())

    def do_GET(self) -> None:
        self._forward(b"")

    def do_HEAD(self) -> None:
        self._forward(b"")

    def do_DELETE(self) -> None:
        self._forward(b"")


@contextmanager
def fault_proxy(upstream: str, rule: Rule) -> Iterator[FaultProxy]:
    """A proxy to ``upstream`` that answers a request with ``rule(request)`` when that is a Fault."""
    with serving(FaultProxy(upstream, rule)) as proxy:
        yield proxy
