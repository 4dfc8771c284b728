"""Amazon MQ brokers: one paginated ``ListBrokers`` per Region, then ``DescribeBroker`` per broker.

Why: an ActiveMQ broker's network interface sits in the account's VPC, attached to no instance
of the account and described by nothing that names Amazon MQ, yet it is the broker's inbound
side: "The network interface allows your client (producer or consumer) to communicate with the
Amazon MQ broker. The network interface is considered to be within the service scope of Amazon
MQ" (Developer Guide, never modify or delete the Amazon MQ elastic network interface). Only the
broker says which interfaces are its own: its instances' addresses, subnets and security groups.

Why a call per broker: ``ListBrokers`` returns summaries (id, name, state, deployment mode,
engine type, instance type) without subnets, groups or instances, and Amazon MQ has no batch
read of brokers, so each listed broker is described on its own, concurrently and bounded like
every per-resource call (``Scope.map``). A broker deleted between the listing and its
description (``NotFoundException``) is left out. The listing asks for AWS's largest page, 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from vpcaudit.aws.errors import error_code
from vpcaudit.aws.paging import items
from vpcaudit.collectors.base import Collector, Scope
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Part

GONE_CODES = frozenset({"NotFoundException"})


def fetch_mq_brokers(scope: Scope, _: Mapping[Part, Any]) -> tuple[r.MqBroker, ...]:
    client = scope.client("mq")
    summaries = items(client, "ListBrokers", "BrokerSummaries")

    def describe(summary: r.Api) -> r.MqBroker | None:
        try:
            return r.MqBroker.from_api(client.describe_broker(BrokerId=summary["BrokerId"]))
        except ClientError as exc:
            if error_code(exc) in GONE_CODES:  # deleted since ListBrokers
                return None
            raise

    return tuple(b for b in scope.map(describe, summaries) if b is not None)


COLLECTORS = (
    Collector(Part.MQ_BROKERS, ("mq:ListBrokers", "mq:DescribeBroker"), fetch_mq_brokers),
)
