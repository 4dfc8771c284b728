"""Amazon ElastiCache (Redis OSS, cluster mode) in private subnets used by AWS Lambda functions in
the same VPC, with a ``secretsmanager`` interface endpoint for the cache user's password
(terraform-aws-elasticache ``examples/redis-cluster-mode`` and the ElastiCache User Guide's Lambda
tutorial): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import elasticache_lambda
from layouts.elasticache_lambda import CACHE_REQUESTER_ID, NAME, REDIS_PORT, VPC_CIDR, cache_clusters

from vpcaudit.network.view import managed_kind

Triples = set[tuple[str, str, str]]
Helper = Callable[[dict[str, str]], Triples]
ONE_AZ = {"function_azs": (1,), "endpoint_azs": (1,)}


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the tutorial creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoint keeps AWS's default full access; the functions need
    ``secretsmanager:GetSecretValue`` on one secret."""
    return {("POL001", ids["secretsmanager"], "fail")}


def _sg003_on_the_endpoint(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoint admits TCP 443 from 10.0.0.0/16 (``vpc_cidr_block``, the primary
    block) and the functions, its only clients, run in 10.1.0.0/16: none can read the cache user's
    password, so the endpoint is unreachable. SG006 said it (medium, "some clients stranded") while
    SG003 took the primary block for a source of clients though none has an address in it (rule
    wrong, fixed: found on the AFT layout); SG006 now leaves an endpoint that admits none of the
    VPC's clients to SG003."""
    return {("SG003", ids["secretsmanager"], "fail")}


def _ife001_on_the_endpoint(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: one AZ of the endpoint's three; an impairment of us-east-1a cuts
    the functions off Secrets Manager."""
    return {("IFE001", ids["secretsmanager"], "fail")}


def _ife002_on_the_endpoint(ids: dict[str, str]) -> Triples:
    """The endpoint in us-east-1a only: right where functions run in us-east-1b and c. Where only
    cache nodes run it fired too — rule wrong, fixed (their AZs are no client AZs)."""
    return {("IFE002", ids["secretsmanager"], "fail")}


def _sg003_on_the_endpoint(ids: dict[str, str]) -> Triples:
    """Right, high: the endpoint admits 443 only from the cache's group, whose members call no AWS
    service; the functions are refused. Silent until the cache nodes stopped counting as clients
    (rule wrong, fixed)."""
    return {("SG003", ids["secretsmanager"], "fail")}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example and the tutorial: public and private /24s in three AZs,
    the internet gateway on the public table, three private tables with the local route alone;
    the module's group (6379 from the VPC, no egress); the eight cache nodes' interfaces, each
    node group across the three AZs; the functions' Hyperplane ENIs; the endpoint. How the network
    model reads each: every one a workload; the cache nodes of the managed kind "ElastiCache node",
    clients of no AWS service (they were clients of every one: rule wrong, fixed), the functions
    clients of Secrets Manager."""
    snapshot, ids = elasticache_lambda.build()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == ((VPC_CIDR,), True, True)
    assert sorted((s.cidr_block, s.availability_zone_id) for s in region.subnets) == [
        ("10.0.0.0/24", "use1-az1"), ("10.0.1.0/24", "use1-az2"), ("10.0.10.0/24", "use1-az1"),
        ("10.0.11.0/24", "use1-az2"), ("10.0.12.0/24", "use1-az4"), ("10.0.2.0/24", "use1-az4")]
    assert not region.nat_gateways
    tables = {t.route_table_id: t for t in region.route_tables}
    assert [(x.destination, x.target_id) for x in tables[ids["public_rt"]].routes if x.target_kind != "local"] \
        == [("0.0.0.0/0", ids["igw"])]
    for k in (1, 2, 3):
        assert [x.target_kind for x in tables[ids[f"private_rt{k}"]].routes] == ["local"]
    cache_sg = next(g for g in region.security_groups if g.group_id == ids["cache_sg"])
    assert [(x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.cidr_ipv4) for x in cache_sg.rules] \
        == [(False, "tcp", REDIS_PORT, REDIS_PORT, VPC_CIDR)]
    (endpoint,) = region.vpc_endpoints
    assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.group_ids, len(endpoint.subnet_ids)) \
        == ("com.amazonaws.us-east-1.secretsmanager", True, (ids["endpoint_sg"],), 3)

    view = region_view(snapshot)
    caches = [view.interfaces[ids[f"cache_eni{n}"]] for n in range(1, 9)]
    functions = [view.interfaces[ids[f"lambda_eni{n}"]] for n in (1, 2, 3)]
    assert [e.description for e in caches] == [f"ElastiCache {cluster}" for cluster, _ in cache_clusters()]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.group_ids, e.instance_id) for e in caches} \
        == {("interface", True, CACHE_REQUESTER_ID, (ids["cache_sg"],), None)}
    for group in (f"{NAME}-0001", f"{NAME}-0002"):
        assert {view.az_id_of(e.subnet_id) for e in caches if e.description.startswith(f"ElastiCache {group}")} \
            == {"use1-az1", "use1-az2", "use1-az4"}
    assert {(e.interface_type, e.requester_managed, e.group_ids) for e in functions} \
        == {("lambda", False, (ids["function_sg"],))}
    assert all(e.description.startswith("AWS Lambda VPC ENI-") for e in functions)
    assert all(view.is_workload(e) for e in (*caches, *functions))
    assert {getattr(managed_kind(e), "name", None) for e in caches} == {"ElastiCache node"}
    assert not any(view.may_call(e, "secretsmanager") for e in caches)
    assert all(view.may_call(e, "secretsmanager") for e in functions)


def test_findings_and_verdicts_as_published() -> None:
    """The example alone (no function, no endpoint): MON001. Silent, rightly: every endpoint rule
    (no endpoint), SG005 (no endpoint to send to: the cache group's missing egress blocks
    nothing), GWE001-GWE003 and NAT rules (the private subnets route nothing beyond the VPC, the
    public ones hold no interface), DNS001/DNS002 (both on), ACL001 (the module's allow-all NACL)."""
    snapshot, ids = elasticache_lambda.build(functions=False)
    assert audit(snapshot) == _flow_log(ids)


@pytest.mark.parametrize("requester", [CACHE_REQUESTER_ID, None], ids=["requester-managed", "not requester-managed"])
def test_findings_and_verdicts_put_to_use(requester: str | None) -> None:
    """The functions and the endpoint: MON001 and POL001 (right), whichever way the cache nodes'
    interfaces report their requester. SG005 fired on the cache's group, proposing (ready) 443
    egress for nodes that call no AWS service: rule wrong, fixed — an ElastiCache node's interface
    is a managed kind calling none ("Grant ElastiCache access to your Amazon S3 bucket" for
    exports, logs delivered by the service, IAM authentication validated by it). Silent, rightly:
    SG003 (443 from the VPC, where the functions are), SG005 on the functions' group (all traffic
    out), IFE001/IFE002 (the endpoint in the three AZs), SG002 (443 only), DNS and NAT rules,
    ACL001."""
    snapshot, ids = elasticache_lambda.build(cache_requester=requester)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policy(ids)


def test_near_miss_endpoint_admitting_only_the_cache_group() -> None:
    """The endpoint's group admits 443 only from the cache's group. The functions, the only callers
    of Secrets Manager, are refused and cannot read the password: SG003, high. It was silent while
    the cache nodes, members of the admitted group, counted as clients (rule wrong, fixed)."""
    snapshot, ids = elasticache_lambda.build(endpoint_source="cache-sg")
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policy(ids) | _sg003_on_the_endpoint(ids)
    assert severities(snapshot)[("SG003", ids["secretsmanager"], "")] == "high"


def test_near_miss_functions_in_a_secondary_block() -> None:
    """The functions in intra subnets of a secondary block 10.1.0.0/16: SG003 on the endpoint
    (right: it admits the primary block only, where no client is). The cache's group refuses the
    functions on 6379 just the same, which no rule reports: a gap, pinned (no rule judges a data
    store's group against its clients; see "Noticed and left alone")."""
    snapshot, ids = elasticache_lambda.build(function_tier="secondary")
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policy(ids) | _sg003_on_the_endpoint(ids)
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    assert "TCP 443 is allowed only from 10.0.0.0/16, where no workload of" in finding.message
    view = region_view(snapshot)
    assert {ip.split(".")[1] for n in (1, 2, 3) for ip in view.interfaces[ids[f"lambda_eni{n}"]].private_ip_addresses} \
        == {"1"}


def test_near_miss_functions_and_endpoint_in_one_az() -> None:
    """The functions and the endpoint in us-east-1a, the cache in the three AZs: IFE001 (right,
    advice). IFE002 fired too, its client subnets the cache's alone (rule wrong, fixed)."""
    snapshot, ids = elasticache_lambda.build(**ONE_AZ)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policy(ids) | _ife001_on_the_endpoint(ids)


def test_endpoint_in_one_az_with_functions_in_three() -> None:
    """The endpoint in us-east-1a, the functions in the three AZs: IFE001 and IFE002, both right
    (the functions in us-east-1b and c cross AZs and depend on us-east-1a)."""
    snapshot, ids = elasticache_lambda.build(endpoint_azs=(1,))
    assert audit(snapshot) == (_flow_log(ids) | _default_endpoint_policy(ids) | _ife001_on_the_endpoint(ids)
                               | _ife002_on_the_endpoint(ids))
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE002")
    assert sorted(finding.evidence["client_subnet_ids"]) == sorted([ids["private2"], ids["private3"]])
