"""An EC2 endpoint on loopback that answers every call with an empty ``DescribeVpcs`` and counts the calls.

Tests of what reaches AWS (the read-only guard: nothing; the call budget: no more than its bound at
once) need the calls' count and concurrency seen from the server's side, which moto does not keep.
Each request's SigV4 credential scope names its access key and Region, so concurrency is kept per
account-Region as well as in total.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from http.server import ThreadingHTTPServer

from loopback_server import QuietHandler, url_of

EMPTY = b'<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><vpcSet/></DescribeVpcsResponse>'
FAILURE = (b'<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>no</Message></Error></Errors>'
           b'<RequestID>x</RequestID></Response>')
_SCOPE = re.compile(r"Credential=([A-Z0-9]+)/\d{8}/([a-z0-9-]+)/")


class CountingEc2(ThreadingHTTPServer):
    """Answers after ``delay_s``; the next ``fail_next`` calls fail with InvalidParameterValue."""

    daemon_threads = True

    def __init__(self, delay_s: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay_s = delay_s
        self.lock = threading.Lock()
        self.requests = 0
        self.now: Counter[tuple[str, str]] = Counter()  # (access key, Region) → calls in flight
        self.peak: Counter[tuple[str, str]] = Counter()
        self.total_now = 0
        self.total_peak = 0
        self.fail_next = 0

    @property
    def url(self) -> str:
        return url_of(self)


class _Handler(QuietHandler):
    server: CountingEc2
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.read_body()
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        key = (scope.group(1), scope.group(2)) if scope else ("?", "?")
        with self.server.lock:
            self.server.requests += 1
            self.server.now[key] += 1
            self.server.peak[key] = max(self.server.peak[key], self.server.now[key])
            self.server.total_now += 1
            self.server.total_peak = max(self.server.total_peak, self.server.total_now)
            fail = self.server.fail_next > 0
            self.server.fail_next -= fail
        time.sleep(self.server.delay_s)
        with self.server.lock:
            self.server.now[key] -= 1
            self.server.total_now -= 1
        body, status = (FAILURE, 400) if fail else (EMPTY, 200)
        self.answer(status, body, {"Content-Type": "text/xml"})
