"""Amazon ElastiCache Serverless (Redis OSS) in private subnets used by AWS Lambda functions in the
same VPC (terraform-aws-elasticache ``examples/serverless-cache`` and the ElastiCache guide's
getting-started ports): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view
from layouts import elasticache_serverless
from layouts.elasticache_serverless import NAME, REDIS_PORT, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
CACHE_PORTS = (6379, 6380)  # what an operator passes as --service-port for the cache's endpoint service


@cache
def _built(**kwargs: object) -> tuple[Snapshot, dict[str, str]]:
    return elasticache_serverless.build(**kwargs)  # type: ignore[arg-type]


def _service_ports(snapshot: Snapshot) -> dict[str, tuple[int, ...]]:
    """The cache's endpoint service named with its ports, as ``--service-port`` configures it."""
    (endpoint,) = snapshot.accounts[0].regions[0].vpc_endpoints
    return {endpoint.service_name: CACHE_PORTS}


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the guide creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _ports_unknown(ids: dict[str, str]) -> Triples:
    """Right, not evaluated: the endpoint's service is ElastiCache's ``vpce-svc-…``, which publishes
    no port in this account, and nothing EC2 reports says it is a cache (6379/6380, not 443). SG003
    says it cannot tell whether clients reach it, SG002 that 6379 "may be" its port; configuring
    the service's ports (``--service-port``) settles both."""
    return {("SG003", ids["cache_endpoint"], "not_evaluated"), ("SG002", ids["cache_sg"], "not_evaluated")}


def _ports_unknown_without_clients(ids: dict[str, str]) -> Triples:
    """Right, not evaluated: SG002 as above. SG003 silent, rightly, while no function runs: the
    group admits the VPC's block, which holds no client yet (the cache's own interfaces are none),
    so nobody can be refused on any port."""
    return {("SG002", ids["cache_sg"], "not_evaluated")}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: public and private /24s in three AZs, the cache's group
    (6379 from the VPC, no egress), the cache's endpoint (requester-managed, ElastiCache's
    ``vpce-svc-…``, private DNS off, no policy, one interface per private subnet), the functions'
    Hyperplane ENIs. The network model: the endpoint's interfaces are no workloads, the functions'
    are, and they may call the endpoint (a PrivateLink service: any workload may)."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    cache_sg = next(g for g in region.security_groups if g.group_id == ids["cache_sg"])
    assert cache_sg.group_name.startswith(f"{NAME}-")
    assert [(x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4) for x in cache_sg.rules] \
        == [(False, "tcp", REDIS_PORT, REDIS_PORT, VPC_CIDR)]
    (endpoint,) = region.vpc_endpoints
    assert endpoint.service_name.startswith("com.amazonaws.vpce.eu-west-1.vpce-svc-")
    assert (endpoint.endpoint_type, endpoint.requester_managed, endpoint.private_dns_enabled,
            endpoint.policy_document, endpoint.group_ids) == ("Interface", True, False, None, (ids["cache_sg"],))
    assert len(endpoint.subnet_ids) == 3
    view = region_view(snapshot)
    assert not view.is_aws_service_endpoint(endpoint)
    caches = [view.interfaces[ids[f"cache_eni{n}"]] for n in (1, 2, 3)]
    functions = [view.interfaces[ids[f"lambda_eni{n}"]] for n in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed) for e in caches} == {("vpc_endpoint", True)}
    assert not any(view.is_workload(e) for e in caches)
    assert all(view.is_workload(e) and view.calls_through(e, endpoint) for e in functions)


def test_findings_and_verdicts_as_published() -> None:
    """The example alone (no client): MON001, SG002 not evaluated (right: the port is unknown),
    SG003 silent (nobody to refuse yet). Silent, rightly: POL001/POL002 (no policy document: the
    endpoint is ElastiCache's, requester-managed, not the account's to write a policy on), DNS003
    (private DNS off: clients use the name ElastiCache returns, which it resolves), IFE001 (three
    AZs), IFE004 (available), IFE006 (no ``BytesProcessed`` metric recorded), SG005 (no client), ACL001 (the module's
    allow-all NACL)."""
    snapshot, ids = _built(functions=False)
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown_without_clients(ids)


@pytest.mark.parametrize("ports", [(REDIS_PORT,), CACHE_PORTS], ids=["6379 (published)", "6379 and 6380"])
def test_findings_and_verdicts_put_to_use(ports: tuple[int, ...]) -> None:
    """The functions in the private subnets: the same findings, whether the group admits 6379
    alone (the example) or the reader port 6380 too (the getting-started script). With the
    service's ports configured, SG002 and SG003 pass: 6379 is admitted from the VPC, and 6380 is
    only the reader port of an optional read-from-replica connection, so its absence is rightly
    no finding."""
    snapshot, ids = _built(ports=ports)
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown(ids)
    assert audit(snapshot, _service_ports(snapshot)) == _flow_log(ids)


def test_endpoint_not_listed() -> None:
    """The other reading of what EC2 shows: the endpoint absent from DescribeVpcEndpoints, only its
    three requester-managed ``vpc_endpoint`` interfaces in the account. MON001 alone; the cache's
    group is judged by no rule (no endpoint to attach it to, and its interfaces are no workloads).
    A gap, pinned: which way AWS lists it decides whether SG002/SG003 see the cache at all."""
    snapshot, ids = _built(endpoint_listed=False)
    assert audit(snapshot) == _flow_log(ids)
    assert not snapshot.accounts[0].regions[0].vpc_endpoints


def test_near_miss_cache_group_admitting_https() -> None:
    """The cache's group admits TCP 443 from the VPC (an interface endpoint's usual rule) instead of
    6379: the functions are refused. Unconfigured, SG002 and SG003 stay not evaluated, as on the
    correct layout: a gap, pinned (DescribeServerlessCaches, whose ``Endpoint.Port`` would name
    the port, is not collected). Configured with 6379/6380: SG003 fails, high (right: nothing
    admits the cache's ports), and SG002 fails on the group's 443 (right: the service uses only
    6379/6380)."""
    snapshot, ids = _built(cache_ingress="https")
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown(ids)
    assert audit(snapshot, _service_ports(snapshot)) == _flow_log(ids) | {
        ("SG003", ids["cache_endpoint"], "fail"), ("SG002", ids["cache_sg"], "fail")}


def test_near_miss_functions_allowed_only_https_out() -> None:
    """The functions' group allows only TCP 443 out: they cannot open 6379 to the cache. No rule
    reports it, even with the service's ports configured: SG005 judges only clients of AWS
    services' endpoints, and which workloads call a PrivateLink service no snapshot says. A gap,
    pinned."""
    snapshot, ids = _built(function_egress="https")
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown(ids)
    assert audit(snapshot, _service_ports(snapshot)) == _flow_log(ids)


def test_idle_cache_endpoint() -> None:
    """The cache unused for 14 days (``BytesProcessed`` 0). Rule wrong, fixed: IFE006 fired, low, on
    the cache's endpoint, pricing it as the account's interface endpoint (~$21.90/month) and
    proposing ``ec2:DeleteVpcEndpoints``: the endpoint is requester-managed, "being managed by
    its service" (EC2 API, ``VpcEndpoint.RequesterManaged``), whose VPC endpoints the VPC endpoint
    API may not manage ("Management of the service VPC endpoints using the VPC endpoint API is
    restricted", ``ServiceDetail.ManagesVpcEndpoints``); it goes with the cache
    (``DeleteServerlessCache``), which is the owner's call, not an endpoint clean-up. IFE006 no
    longer judges a requester-managed endpoint."""
    snapshot, ids = _built(functions=False, idle=True)
    assert audit(snapshot) == _flow_log(ids) | _ports_unknown_without_clients(ids)
