"""The writers' client factory: its own clients, each limited to the few operations a writer needs.

Why not the collectors' :class:`~vpcaudit.aws.clients.ClientFactory`: that factory's guard lets
nothing but reads (and ``sts:AssumeRole`` on one client) through, and must stay that way so no
collector can ever write. A writer needs the opposite — a handful of named write operations —
so it gets clients from here instead, whose guard refuses every operation *not* on the writer's
exact allow-list, before the request is built. Nothing in the collectors imports this module.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from botocore.config import Config

from vpcaudit import __version__

if TYPE_CHECKING:
    import boto3

MAX_ATTEMPTS = 8  # botocore's standard retries: exponential backoff with jitter on throttling and 5xx


class WriteRefused(RuntimeError):
    """A writer tried an operation outside its allow-list: a bug, so never turned into a polite line."""


class WriterClients:
    """Guarded clients for one session, allowed exactly the ``service:Operation`` names in ``allow``."""

    def __init__(self, session: boto3.session.Session, allow: frozenset[str], *, endpoint_url: str | None = None,
                 max_attempts: int = MAX_ATTEMPTS) -> None:
        if not allow:
            raise ValueError("a writer needs at least one allowed operation")
        self.allow = allow
        self._session = session
        self._endpoint_url = endpoint_url
        self._config = Config(retries={"mode": "standard", "total_max_attempts": max_attempts},
                              user_agent_extra=f"vpcaudit/{__version__}")
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._session.client(service, region_name=region, endpoint_url=self._endpoint_url,
                                             config=self._config)
                _install_guard(found.meta.events, service, self.allow)
                self._clients[key] = found
            return found


def _install_guard(events: Any, service: str, allow: frozenset[str]) -> None:
    def refuse_others(model: Any, **_: Any) -> None:
        name = f"{service}:{model.name}"
        if name not in allow:
            raise WriteRefused(f"vpcaudit writer refused {name}: not one of {', '.join(sorted(allow))}")

    events.register_first("before-parameter-build.*.*", refuse_others, unique_id="vpcaudit-writer-guard")
