"""Call accounting: how many API calls (pages) and HTTP attempts a collection made, per operation.

Why two counters: ``before-call`` fires once per logical call — one page of a paginated
listing — which is what the "fewest calls" budget and ``--stats`` talk about; ``before-send``
fires once per HTTP attempt, so the difference is botocore's retries (throttling, 5xx).
Counts are keyed ``service:Operation`` (``ec2:DescribeVpcs``), the same names the collectors
declare, so a test can compare what was called with what was declared.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class CallCounter:
    """Thread-safe counters fed by botocore events of every client the factory creates."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._attempts: Counter[str] = Counter()

    def install(self, events: Any, service: str) -> None:
        """Register on one client's event emitter; ``service`` is its botocore name (``ec2``)."""

        def on_call(model: Any, **_: Any) -> None:
            with self._lock:
                self._calls[f"{service}:{model.name}"] += 1

        def on_send(event_name: str, **_: Any) -> None:
            operation = event_name.rsplit(".", 1)[-1]
            with self._lock:
                self._attempts[f"{service}:{operation}"] += 1

        # First handler of the most specific node: it runs even when a later handler (botocore's
        # Stubber, say) answers the call itself and stops the event.
        events.register_first("before-call.*.*", on_call, unique_id="vpcaudit-count-calls")
        events.register("before-send", on_send, unique_id="vpcaudit-count-attempts")

    def clear(self) -> None:
        """Forget what was counted: a forked child counts, and reports, its own calls only."""
        with self._lock:
            self._calls.clear()
            self._attempts.clear()

    def add(self, calls: dict[str, int], http_attempts: dict[str, int]) -> None:
        """Count what another process counted for the same run (a forked collection's share)."""
        with self._lock:
            self._calls.update(calls)
            self._attempts.update(http_attempts)

    def calls(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._calls.items()))

    def http_attempts(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._attempts.items()))
