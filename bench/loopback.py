"""A moto server in its own process, and a loopback proxy in front of it that adds latency and counts.

The proxy waits a fixed delay before relaying each request (AWS API calls take tens of
milliseconds; moto answers in about one), and counts what passes: requests per operation, and
the requests in flight per Region at any moment (from the SigV4 credential scope of each
request), so a benchmark can check a tool's call count and its concurrency per Region from the
outside, the same way for every tool.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_SCOPE = re.compile(r"Credential=([^/]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/")
_TARGET = re.compile(r"^[A-Za-z0-9]+_\d+\.(\w+)$")
_ENTRIES_OF = re.compile(rb"Action=GetManagedPrefixListEntries&.*PrefixListId=(pl-[0-9a-f]+)")
_CIDR = re.compile(r"<cidr>([^<]+)</cidr>")
_LIST_ID = re.compile(r"<prefixListId>(pl-[0-9a-f]+)</prefixListId>")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fake_credentials() -> dict[str, str]:
    """An environment that points every AWS SDK at nothing real (no profile, no instance role)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    nowhere = os.path.join(tempfile.gettempdir(), "vpcaudit-bench-no-such-file")  # a missing file reads as empty
    env.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=nowhere, AWS_SHARED_CREDENTIALS_FILE=nowhere, AWS_EC2_METADATA_DISABLED="true")
    return env


def use_fake_credentials() -> None:
    """Point this process's AWS SDK at the fake credentials too (for seeding moto)."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(fake_credentials())


@contextmanager
def moto_server() -> Iterator[str]:
    """moto in its own process, so it does not compete with the tool for the tool's GIL."""
    with moto_process() as (url, _):
        yield url


def cpu_seconds(pid: int) -> float:
    """User + system CPU a running process (all its threads) has used so far, from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


@contextmanager
def moto_process() -> Iterator[tuple[str, int]]:
    """:func:`moto_server`'s URL and process id, to measure moto's own CPU with :func:`cpu_seconds`."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=fake_credentials())
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield url, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


class CountingProxy(ThreadingHTTPServer):
    """Relays to ``upstream`` after ``delay_s``; counts calls per operation and peak calls in flight."""

    daemon_threads = True

    def __init__(self, upstream: str, delay_s: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.delay_s = delay_s
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        self._now: Counter[str] = Counter()
        self.peak_per_region: Counter[str] = Counter()
        self._now_total = 0
        self.peak_total = 0
        self.recorded: dict[tuple[str, str, str, str, bytes], tuple[int, list[tuple[str, str]], bytes]] = {}
        self.recording = False
        self.replaying = False
        self.replay_misses = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.peak_per_region.clear()
            self.peak_total = 0
            self.replay_misses = 0

    def record(self) -> None:
        """Keep every answer from now on, keyed by its request, for :meth:`replay`."""
        self.recorded.clear()
        self.recording, self.replaying = True, False

    def replay(self) -> None:
        """Answer every request seen while recording with its recorded answer, without asking
        the server: what a tool costs this machine when the server's CPU is somebody else's, as
        AWS's is (a request never recorded is still relayed, and counted in ``replay_misses``)."""
        self.recording, self.replaying = False, True

    def fill_prefix_list_cidrs(self) -> int:
        """Give the recorded ``DescribePrefixLists`` answers the CIDRs AWS puts in them.

        moto leaves each list's ``Cidrs`` out (botocore's model: ``PrefixList.Cidrs``, XML
        ``cidrSet``), so a tool reads them once more per list with
        ``GetManagedPrefixListEntries``, calls AWS never needs. The CIDRs come from the
        recorded entries of the same list, read with the same credentials in the same Region;
        returns the lists filled in.
        """
        entries: dict[tuple[str, str], list[str]] = {}
        for (_, _, access_key, region, body), (_, _, payload) in self.recorded.items():
            listed = _ENTRIES_OF.search(body)
            if listed:
                entries[(access_key, region, listed.group(1).decode())] = _CIDR.findall(payload.decode())
        filled = 0
        for key, (status, headers, payload) in list(self.recorded.items()):
            if b"Action=DescribePrefixLists&" not in key[4]:
                continue

            def with_cidrs(match: re.Match[str], access_key: str = key[2], region: str = key[3]) -> str:
                nonlocal filled
                cidrs = entries.get((access_key, region, match.group(1)))
                if cidrs is None:
                    return match.group(0)
                filled += 1
                return match.group(0) + "<cidrSet>" + "".join(f"<item>{c}</item>" for c in cidrs) + "</cidrSet>"

            self.recorded[key] = (status, headers, _LIST_ID.sub(with_cidrs, payload.decode()).encode())
        return filled

    def relay(self) -> None:
        """Ask the server for every answer again (the default), keeping what was recorded."""
        self.recording = self.replaying = False

    def recorded_answer(self, key: tuple[str, str, str, str, bytes]) -> tuple[int, list[tuple[str, str]], bytes] | None:
        if not self.replaying:
            return None
        answer = self.recorded.get(key)
        if answer is None:
            with self._lock:
                self.replay_misses += 1
        return answer

    def enter(self, region: str, operation: str) -> None:
        with self._lock:
            self.calls[operation] += 1
            self._now[region] += 1
            self._now_total += 1
            self.peak_per_region[region] = max(self.peak_per_region[region], self._now[region])
            self.peak_total = max(self.peak_total, self._now_total)

    def leave(self, region: str) -> None:
        with self._lock:
            self._now[region] -= 1
            self._now_total -= 1


class _Handler(BaseHTTPRequestHandler):
    server: CountingProxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        return

    def _relay(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        access_key, region, service = scope.groups() if scope else ("?", "?", "?")
        self.server.enter(region, f"{service}:{_operation(self.command, self.path, self.headers, body)}")
        key = (self.command, self.path, access_key, region, body)  # the key: one account's request, not another's
        try:
            time.sleep(self.server.delay_s)
            answer = self.server.recorded_answer(key) or self._forward(body)
            if self.server.recording:
                self.server.recorded[key] = answer
        finally:
            self.server.leave(region)
        status, answer_headers, payload = answer
        self.send_response(status)
        for name, value in answer_headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        """The upstream server's answer: status, the headers worth relaying, body."""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        request = urllib.request.Request(self.server.upstream + self.path, data=body or None, method=self.command,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                status, answer_headers, payload = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as exc:
            status, answer_headers, payload = exc.code, exc.headers, exc.read()
        kept = [(k, v) for k, v in answer_headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date")]
        return status, kept, payload

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay


def _operation(method: str, path: str, headers: object, body: bytes) -> str:
    """The API operation of a request: query APIs (EC2, STS) name it in Action, JSON APIs in
    X-Amz-Target, REST APIs (Route 53, S3) by method and path."""
    action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action")
    if action:
        return action[0]
    target = _TARGET.match(getattr(headers, "get", lambda _k, _d=None: None)("X-Amz-Target", "") or "")
    if target:
        return target.group(1)
    return f"{method} {urllib.parse.urlsplit(path).path.split('/')[2] if path.count('/') > 1 else path}"


@contextmanager
def counting_proxy(upstream: str, delay_ms: float = 0) -> Iterator[CountingProxy]:
    proxy = CountingProxy(upstream, delay_ms / 1000)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
