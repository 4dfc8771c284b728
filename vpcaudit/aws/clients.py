"""The one place vpcaudit creates AWS clients: retries, timeouts, the read-only guard, accounting.

Why a factory: every client must carry the same safety net (the read-only guard, allowing
exactly the operations the factory was given), the same accounting hooks and the same botocore
``Config``. Collectors receive clients from here and never see the boto3 session, so none can
forget the guard.

Retries use botocore's ``adaptive`` mode: standard retries (exponential backoff with jitter on
throttling, 5xx and connection errors) plus client-side rate limiting that slows a client down
once AWS starts throttling it — which is what the per-VPC ``DescribeVpcAttribute`` burst needs.
Clients are cached per (service, region) and shared by threads (botocore clients are
thread-safe; creating them from one session is not, hence the lock). EC2's XML answers are
parsed by :mod:`vpcaudit.aws.parsing`: botocore's parser, minus work it repeats on every element.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from botocore.config import Config

from vpcaudit import __version__
from vpcaudit.aws import guard, parsing
from vpcaudit.aws.accounting import CallCounter
from vpcaudit.aws.budget import CallBudget
from vpcaudit.errors import CollectionError

if TYPE_CHECKING:
    import boto3

DEFAULT_MAX_ATTEMPTS = 5  # 1 call + 4 retries: up to ~15 s of backoff before a part is "throttled"
CONNECT_TIMEOUT_S = 10
_INVALID_ENDPOINT = "Invalid endpoint: "  # botocore's ValueError for an endpoint URL it cannot use
READ_TIMEOUT_S = 60


class ClientFactory:
    """Guarded, counted botocore clients for one session (one account)."""

    def __init__(self, session: boto3.session.Session, *, operations: frozenset[str],
                 endpoint_url: str | None = None, max_attempts: int = DEFAULT_MAX_ATTEMPTS, pool_size: int = 10,
                 counter: CallCounter | None = None, budget: CallBudget | None = None) -> None:
        """``operations``: every ``service:Operation`` the clients may call (the guard refuses the
        rest); for collectors, :func:`vpcaudit.collectors.catalog.collector_operations`."""
        self._session = session
        self._operations = guard.check_allow_list(operations)
        parsing.install(session._session)  # boto3's botocore session, where botocore finds the parser factory
        self._endpoint_url = endpoint_url
        self._config = Config(
            retries={"mode": "adaptive", "total_max_attempts": max_attempts},
            connect_timeout=CONNECT_TIMEOUT_S, read_timeout=READ_TIMEOUT_S,
            max_pool_connections=pool_size, user_agent_extra=f"vpcaudit/{__version__}",
        )
        self.counter = counter or CallCounter()
        self.budget = budget  # None: unbounded (a single quick call, e.g. the identity check of a writer)
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        """A guarded client for ``service`` (botocore name: ``ec2``, ``route53``…) in ``region``."""
        key = (service, region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._create(service, region)
                # Load the service's paginator model here, under the lock: asked first by many
                # threads at once, botocore's loader misses its cache in each and lists every
                # service's data directory again (42 listings, ~1 s of CPU for 24 Regions).
                found.can_paginate(next(iter(found.meta.method_to_api_mapping)))
                guard.install(found.meta.events, service, self._operations)
                self.counter.install(found.meta.events, service)
                if self.budget is not None:  # one factory is one account: its id keys the account-Region bound
                    self.budget.install(found.meta.events, id(self), region)
                self._clients[key] = found
            return found

    def after_fork(self, counter: CallCounter | None = None) -> None:
        """Start afresh in a forked child: new clients (the inherited ones hold pooled sockets the
        parent still reads), a new lock (the parent's may have been held by another thread), and
        ``counter`` (default: a new one) for the child's own calls, which the child reports back."""
        self._clients = {}
        self._lock = threading.Lock()
        self.counter = counter or CallCounter()

    def _create(self, service: str, region: str) -> Any:
        try:
            return self._session.client(service, region_name=region, endpoint_url=self._endpoint_url,
                                        config=self._config)
        except ValueError as exc:  # botocore's check of an endpoint URL (ours, or AWS_ENDPOINT_URL's)
            if not str(exc).startswith(_INVALID_ENDPOINT):
                raise
            endpoint = str(exc).removeprefix(_INVALID_ENDPOINT)
            raise CollectionError(f"invalid AWS endpoint {endpoint!r}: an endpoint URL needs http:// or https:// "
                                  "and a host, e.g. http://127.0.0.1:5000") from None

    def partition(self, region: str) -> str:
        """The AWS partition of ``region`` (``aws``, ``aws-cn``, ``aws-us-gov``…)."""
        return self._session.get_partition_for_region(region)
