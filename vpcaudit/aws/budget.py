"""How many AWS calls may be in flight: per account and Region, and across the whole run.

Why two bounds: AWS throttles EC2 (and most services) per account *and Region* — each pair has
its own token bucket — so what must never grow with the number of worker threads is the number
of calls one account-Region sees at once. The run as a whole (one machine, one Lambda) has a
second, global bound, the ``concurrency`` setting, which decides how many accounts make progress
together. Threads are cheap; permits are what reach AWS.

Left unset, the global bound is fitted to the run: a lone account may keep every one of its
Regions at its own bound (8 calls per Region — 136 for 17 Regions, as many as the account-Region
buckets allow and no more), since nothing else shares the run; several accounts share
:data:`DEFAULT_CONCURRENCY`. A fixed 32 held an all-Region scan to four Regions' worth of calls
at a time, and under 100 ms of latency per call that alone cost more than a Region's whole scan.

A permit is taken in ``before-call`` (registered last, so a handler that answers the call itself
— botocore's Stubber, a test — takes none) and given back in ``after-call`` or
``after-call-error``. It is held across botocore's retries and their backoff sleeps: an
account-Region that AWS is throttling keeps its permits while it waits, so it does not let more
calls through while the bucket refills. The permits taken are kept in the call's own context, so
a call that never took one gives nothing back.
"""

from __future__ import annotations

import threading
from typing import Any

CALLS_PER_ACCOUNT_REGION = 8  # in flight at once for one account in one Region, however many threads
DEFAULT_CONCURRENCY = 32  # in flight at once across a run of several accounts, and at least for a lone one
MAX_FITTED_CONCURRENCY = 512  # the most a fitted bound grows to (64 Regions): threads and sockets stay reasonable
_PERMITS = "vpcaudit_permits"


class CallBudget:
    """The two bounds of one run, shared by every client factory of that run."""

    def __init__(self, concurrency: int | None = DEFAULT_CONCURRENCY,
                 per_region: int = CALLS_PER_ACCOUNT_REGION) -> None:
        """``concurrency`` None: fitted by :meth:`fit_regions`, :data:`DEFAULT_CONCURRENCY` until then."""
        if (concurrency is not None and concurrency < 1) or per_region < 1:
            raise ValueError("a call budget needs at least one call in flight")
        self._to_fit = concurrency is None  # left unset: fitted once the run is known
        self.concurrency = DEFAULT_CONCURRENCY if concurrency is None else concurrency
        self.per_region = min(per_region, self.concurrency)
        self._global = threading.BoundedSemaphore(self.concurrency)
        self._regions: dict[tuple[int, str], threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    @property
    def accounts_at_once(self) -> int:
        """Accounts worth collecting together: enough to fill the global bound when each account
        keeps one Region's worth of calls in flight."""
        return max(1, self.concurrency // self.per_region)

    def fit_regions(self, regions: int) -> None:
        """A budget left unset, now that the run is known to be one account of ``regions``
        Regions: let every Region keep its own bound in flight (at least the default, at most
        :data:`MAX_FITTED_CONCURRENCY`). A set budget, or one already fitted, stays as it is.
        Call it between calls, with no permit taken."""
        if self._to_fit:
            self._to_fit = False
            self.concurrency = min(MAX_FITTED_CONCURRENCY, max(self.concurrency, self.per_region * regions))
            self._global = threading.BoundedSemaphore(self.concurrency)

    def keep(self) -> None:
        """Keep the bound as it is, fitted or not: the run is several accounts, which share it."""
        self._to_fit = False

    def share(self, processes: int) -> None:
        """Keep this process to its share of the run's calls in flight, the run being split over
        ``processes`` processes that each collect Regions of their own (each account-Region
        keeps its own bound in the one process that collects it). Call it between calls, with no
        permit taken: a forked child inherits the shared-down bound."""
        self.concurrency = max(1, self.concurrency // processes)
        self._global = threading.BoundedSemaphore(self.concurrency)

    def _region(self, account_key: int, region: str) -> threading.BoundedSemaphore:
        with self._lock:
            return self._regions.setdefault((account_key, region), threading.BoundedSemaphore(self.per_region))

    def install(self, events: Any, account_key: int, region: str) -> None:
        """Bound the calls of one client (``client.meta.events``) of account ``account_key`` in ``region``."""
        region_permits = self._region(account_key, region)

        def take(context: dict[str, Any], **_: Any) -> None:
            region_permits.acquire()  # always the account-Region first, then the run: no lock-order cycle
            self._global.acquire()
            context[_PERMITS] = region_permits

        def give_back(context: dict[str, Any], **_: Any) -> None:
            taken = context.pop(_PERMITS, None)
            if taken is not None:
                self._global.release()
                taken.release()

        events.register_last("before-call", take, unique_id="vpcaudit-budget-take")
        events.register("after-call", give_back, unique_id="vpcaudit-budget-give-back")
        events.register("after-call-error", give_back, unique_id="vpcaudit-budget-give-back-error")
