"""Shared by the scenario and end-to-end tests of the demo estate: the findings the rule catalogue
says the estate must produce."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import boto3

from vpcaudit.demo.estate import Estate

REGION = "us-east-1"


@dataclass(frozen=True)
class MotoEstate:
    """The estate plus a session and EC2 client on the same moto backend."""

    session: boto3.Session
    ec2: Any
    estate: Estate


@dataclass(frozen=True)
class Expected:
    """One failing finding the rule catalogue says the estate must produce, and the clause that says so."""

    rule_id: str
    resource_id: str
    severity: str
    because: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.rule_id, self.resource_id, "fail")


def expected_failures(estate: Estate, *, opt_in: bool = False) -> list[Expected]:
    """Every failing finding of the estate, derived from the rule catalogue (not from what the code prints).

    ``opt_in``: the scan also collected metrics and bucket policies (``--with metrics,s3-policies``,
    as the demo does). A list, not a set: NAT003 reports once per VPC *and AZ*, so the same
    (rule, VPC) appears once for each AZ without a NAT gateway. Nothing here names the good VPC.
    """
    prod, dev = estate.prod, estate.dev
    ifaces = prod.interface_endpoint_ids
    with_opt_in = [
        # prod: sts endpoint with no BytesProcessed over the window (private DNS off: unused).
        Expected("IFE006", ifaces["sts"], "low", "interface endpoint processed 0 bytes in 14 days"),
        # prod: Deny … NotIpAddress aws:SourceIp while the account has S3 endpoints → high.
        Expected("POL004", estate.artifacts_bucket, "high", "SourceIp deny matches all endpoint traffic"),
    ]
    return [*(with_opt_in if opt_in else ()),
        # prod: one NAT gateway (AZ a) for three AZs.
        *(Expected("NAT002", subnet, "medium", "private subnet's default route → zonal NAT in another AZ")
          for subnet in prod.private_subnet_ids[1:]),
        *(Expected("NAT003", prod.vpc_id, "medium", f"AZ {az} holds NAT-routed private subnets, no NAT of its own")
          for az in estate.azs[1:]),
        # prod: S3 gateway endpoint on two of three private route tables; no DynamoDB endpoint.
        Expected("GWE001", prod.private_subnet_ids[2], "medium", "S3 prefix-list CIDRs resolve to the NAT"),
        Expected("GWE003", prod.vpc_id, "low", "NAT-egress private subnets, no DynamoDB gateway endpoint"),
        # prod: ssmmessages/ec2messages without ssm, clients with NAT egress → medium.
        Expected("IFE003", prod.vpc_id, "medium", "Session Manager bundle triggered, required ssm missing"),
        # prod: sts interface endpoint with private DNS off, no PHZ or Resolver rule.
        Expected("DNS003", ifaces["sts"], "medium", "private DNS off on an AWS-service endpoint"),
        # prod: endpoint SG open to the world on all ports, no TGW/peering/VPN routes → medium.
        Expected("SG001", prod.security_group_ids["endpoints-open"], "medium", "inbound from 0.0.0.0/0"),
        Expected("SG002", prod.security_group_ids["endpoints-open"], "medium", "all traffic, not only 443"),
        # prod: ec2messages endpoint's only SG has no inbound rule at all.
        Expected("SG003", ifaces["ec2messages"], "high", "no SG allows TCP 443 from a client"),
        # prod and dev: full-access default policies (every service here supports policies).
        *(Expected("POL001", endpoint, "medium", "full-access endpoint policy")
          for endpoint in (prod.gateway_endpoint_ids["s3"], *ifaces.values(),
                           *dev.interface_endpoint_ids.values())),
        # prod and dev: no flow log.
        *(Expected("MON001", vpc.vpc_id, "medium", "no active flow log") for vpc in (prod, dev)),
        # dev: enableDnsHostnames off beside an endpoint with private DNS on.
        Expected("DNS002", dev.vpc_id, "high", "private DNS endpoint while enableDnsHostnames = false"),
        # dev: NAT gateway in the private subnet (its subnet's egress class is nat, not igw).
        Expected("NAT001", dev.nat_gateway_ids[0], "high", "zonal public NAT whose subnet is not public"),
        # dev: NAT-egress private subnet, no gateway endpoints at all.
        Expected("GWE002", dev.vpc_id, "medium", "NAT-egress private subnets, no S3 gateway endpoint"),
        Expected("GWE003", dev.vpc_id, "low", "NAT-egress private subnets, no DynamoDB gateway endpoint"),
    ]


def mismatch(actual: Counter[tuple[str, str, str]], expected: Counter[tuple[str, str, str]]) -> str:
    """A readable account of how two multisets of (rule, resource, status) differ."""
    missing, unexpected = expected - actual, actual - expected
    lines = [f"missing    {k} x{n}" for k, n in sorted(missing.items())]
    lines += [f"unexpected {k} x{n}" for k, n in sorted(unexpected.items())]
    return "\n".join(lines)


def good_vpc_ids(estate: Estate) -> set[str]:
    """Every id the good VPC was built with: no finding may name one of them."""
    good = estate.good
    return {good.vpc_id, good.internet_gateway_id, good.public_route_table_id, *good.public_subnet_ids,
            *good.private_subnet_ids, *good.private_route_table_ids, *good.nat_gateway_ids,
            *good.gateway_endpoint_ids.values(), *good.interface_endpoint_ids.values(),
            *good.security_group_ids.values(), *good.instance_ids, *good.flow_log_ids}
