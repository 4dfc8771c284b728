"""An Amazon OpenSearch Service domain with VPC access and Lambda functions indexing into it
(aws-samples opensearch-vpc-cdk), a second VPC reaching it through an OpenSearch Service-managed
VPC endpoint (the Developer Guide), and terraform-aws-opensearch's complete example: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view, severities
from layouts import opensearch_vpc_domain
from layouts.opensearch_vpc_domain import DOMAIN, ES_REQUESTER_ID, EXAMPLE

from vpcaudit.network.policy import policy_scope
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
READINGS = pytest.mark.parametrize("requester", [ES_REQUESTER_ID, None],
                                   ids=["requester-managed by amazon-elasticsearch", "not requester-managed"])


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return opensearch_vpc_domain.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str], vpc: str = "vpc") -> Triples:
    """Right, medium: neither the sample nor the guide creates a flow log."""
    return {("MON001", ids[vpc], "fail")}


def _nat_processing(ids: dict[str, str], vpc: str = "vpc") -> Triples:
    """Right (advice), medium and low: the private subnets' S3 traffic (the bastion's Amazon Linux
    2023 repositories are S3 buckets) and DynamoDB traffic pass the NAT gateways and pay their
    processing; CDK's ``Vpc`` adds no gateway endpoint unless asked (``gatewayEndpoints``)."""
    return {("GWE002", ids[vpc], "fail"), ("GWE003", ids[vpc], "fail")}


def _sample(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _nat_processing(ids)


def _consumer_vpc(ids: dict[str, str]) -> Triples:
    """The second VPC, the same CDK ``Vpc``: the same verdicts as the first's."""
    return _flow_log(ids, "consumer_vpc") | _nat_processing(ids, "consumer_vpc")


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: ``addInterfaceEndpoint`` sets no policy, so AWS's full access."""
    return {("POL001", ids["logs"], "fail"), ("POL001", ids["sts"], "fail")}


def _endpoint_in_the_default_group(ids: dict[str, str]) -> Triples:
    """Right. SG003, high: the endpoint created without ``SecurityGroupIds`` takes the consumer
    VPC's default group ("If you do not provide a security group ID, OpenSearch Service uses the
    default security group for the VPC", VPCOptions), which admits only its own members; the
    function carries CDK's automatic group, so every search times out. SG002, medium (advice): the
    default group admits all traffic from itself where an interface endpoint takes TCP only; its fix
    gives the endpoint a group of its own and leaves the default group alone."""
    return {("SG003", ids["managed_endpoint"], "fail"), ("SG002", ids["consumer_default_sg"], "fail")}


def _endpoints_in_one_az(ids: dict[str, str]) -> Triples:
    """Right, medium. IFE001: one interface each. IFE002: the functions' interface in us-east-1b
    (use1-az4) sends its logs and STS calls to us-east-1a, paying cross-AZ transfer and depending
    on that AZ."""
    return {(rule, ids[key], "fail") for rule in ("IFE001", "IFE002") for key in ("logs", "sts")}


def test_the_snapshot_is_the_sample() -> None:
    """The builder against the stack: two AZs, /18 subnets, a NAT gateway per AZ, the domain's
    group admitting TCP 443 from the bastion's and the function's groups, one interface per data
    node described after the domain, the function's Hyperplane interfaces and the bastion."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    assert sorted((s.cidr_block, s.availability_zone, s.map_public_ip_on_launch) for s in region.subnets) == [
        ("10.0.0.0/18", "us-east-1a", True), ("10.0.128.0/18", "us-east-1a", False),
        ("10.0.192.0/18", "us-east-1b", False), ("10.0.64.0/18", "us-east-1b", True)]
    groups = {g.group_id: g for g in region.security_groups}
    assert sorted((x.is_egress, x.ip_protocol, x.from_port, x.referenced_group_id, x.cidr_ipv4)
                  for x in groups[ids["domain_sg"]].rules) == [
        (False, "tcp", 443, ids["bastion_sg"], None), (False, "tcp", 443, ids["function_sg"], None),
        (True, "-1", None, None, "0.0.0.0/0")]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    domain = [enis[ids[f"domain_eni{az}"]] for az in (1, 2)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids) for e in domain} \
        == {("interface", True, ES_REQUESTER_ID, f"ES {DOMAIN}", (ids["domain_sg"],))}
    assert [e.subnet_id for e in domain] == [ids["private1"], ids["private2"]]
    assert {enis[ids[f"index_eni{az}"]].interface_type for az in (1, 2)} == {"lambda"}
    assert enis[ids["bastion"]].instance_id is not None
    assert not region.vpc_endpoints


@READINGS
def test_findings_and_verdicts_of_the_sample(requester: str | None) -> None:
    """The sample: MON001, GWE002 (medium), GWE003 (low), either reading of the domain's
    interfaces. Silent, rightly: NAT001-NAT003 (a NAT gateway per AZ, in the public subnets),
    every endpoint rule (no endpoint), DNS001/DNS002, ACL001, and SG001/SG002/SG004 on the domain's
    group, which no endpoint carries."""
    snapshot, ids = _built(domain_requester=requester)
    assert audit(snapshot) == _sample(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


@READINGS
def test_the_domains_interfaces_are_no_clients(requester: str | None) -> None:
    """Rule wrong, fixed (they counted as workloads). The domain's interfaces are not workloads,
    like a load balancer's nodes or an EKS control plane's: "Domain ENIs. Created and managed by
    OpenSearch Service for inbound traffic to the domain"; "By default, egress from a VPC domain
    to custom endpoints leaves over the public internet" (routing domain egress through your
    VPC). The workloads are the bastion and the function's interfaces."""
    snapshot, ids = _built(domain_requester=requester)
    workloads = {e.network_interface_id for e in region_view(snapshot).workload_enis(ids["vpc"])}
    assert workloads == {ids["bastion"], ids["index_eni1"], ids["index_eni2"]}


def test_a_second_vpc_through_the_managed_endpoint() -> None:
    """The guide's managed endpoint in a second VPC, behind a group admitting TCP 443 from that
    VPC: its own MON001, GWE002 and GWE003, and nothing on the endpoint. Silent, rightly: POL001 to
    POL006 (not an AWS service's endpoint; "VPC endpoint policies are not supported for OpenSearch
    Service"), DNS003 (private DNS off: the name is OpenSearch's), IFE001/IFE002 (both AZs), SG005
    (the function sends all traffic). Rule wrong, fixed: SG003 and SG002 were not evaluated, the
    endpoint taken for a PrivateLink service publishing no port, though its tag ``OpenSearchManaged``
    (which OpenSearch's service-linked role must put on it) names OpenSearch, whose endpoints take
    HTTPS only."""
    snapshot, ids = _built(consumer=True)
    assert audit(snapshot) == _sample(ids) | _consumer_vpc(ids)


def test_the_managed_endpoint_as_describe_vpc_endpoints_reports_it() -> None:
    """An Interface endpoint of this account, not requester-managed, to an endpoint service
    OpenSearch owns, tagged ``OpenSearchManaged``, private DNS off, no policy, one interface per
    consumer subnet; the POL rules leave it out of scope (not an AWS service's endpoint), rightly."""
    snapshot, ids = _built(consumer=True)
    endpoint = next(e for e in snapshot.accounts[0].regions[0].vpc_endpoints
                    if e.vpc_endpoint_id == ids["managed_endpoint"])
    assert (endpoint.endpoint_type, endpoint.owner_id, endpoint.requester_managed, endpoint.private_dns_enabled,
            endpoint.policy_document, endpoint.vpc_id) \
        == ("Interface", opensearch_vpc_domain.ACCOUNT, False, False, None, ids["consumer_vpc"])
    assert endpoint.service_name.startswith("com.amazonaws.vpce.us-east-1.vpce-svc-")
    assert {(t.key, t.value) for t in endpoint.tags} == {("OpenSearchManaged", "true")}
    assert endpoint.subnet_ids == tuple(sorted([ids["consumer_private1"], ids["consumer_private2"]]))
    assert len(endpoint.network_interface_ids) == 2
    assert policy_scope(region_view(snapshot), endpoint) == (False, "")


def test_near_miss_managed_endpoint_in_the_default_group() -> None:
    """The managed endpoint created without security groups: SG003 (high) and SG002 (medium)."""
    snapshot, ids = _built(consumer=True, endpoint_group="default")
    assert audit(snapshot) == _sample(ids) | _consumer_vpc(ids) | _endpoint_in_the_default_group(ids)
    levels = severities(snapshot)
    assert (levels[("SG003", ids["managed_endpoint"], "")], levels[("SG002", ids["consumer_default_sg"], "")]) \
        == ("high", "medium")


def test_near_miss_function_not_admitted_goes_unreported() -> None:
    """The stack without ``domain.connections.allowFrom(dataIndexFunction, Port.tcp(443))``: the
    domain's group admits the bastion alone and every indexing call times out. A gap, pinned: no
    rule judges whether a resource's group that no endpoint carries admits its clients."""
    snapshot, ids = _built(domain_sources=("bastion",))
    assert audit(snapshot) == _sample(ids)


def test_near_miss_domain_open_to_anywhere() -> None:
    """TCP 443 from 0.0.0.0/0 added to the domain's group. Silent, rightly: SG001 and SG004 judge
    interface endpoints' groups, and the domain's interfaces are not an endpoint's; they have no
    public address ("You can't directly access your domains from outside the VPC")."""
    snapshot, ids = _built(domain_sources=("bastion", "function", "anywhere"))
    assert audit(snapshot) == _sample(ids)


def test_with_logs_and_sts_endpoints() -> None:
    """The VPC put to use with logs and sts interface endpoints: POL001 × 2 (medium). Silent,
    rightly: SG003 (443 from the VPC's block), SG005 (every group sends all traffic), IFE001/IFE002
    (both AZs), IFE003 (no bundle starts with logs or sts)."""
    snapshot, ids = _built(endpoints=True)
    assert audit(snapshot) == _sample(ids) | _default_endpoint_policies(ids)


def test_near_miss_endpoints_in_one_az() -> None:
    """The logs and sts endpoints in us-east-1a only: IFE001 and IFE002 on each, medium; IFE002
    names the function's subnet in us-east-1b."""
    snapshot, ids = _built(endpoints=True, endpoint_azs=1)
    assert audit(snapshot) == _sample(ids) | _default_endpoint_policies(ids) | _endpoints_in_one_az(ids)
    assert {level for (rule, _, _), level in severities(snapshot).items() if rule in ("IFE001", "IFE002")} \
        == {"medium"}
    finding = next(f for f in audit_result(snapshot).findings
                   if (f.rule_id, f.resource.resource_id) == ("IFE002", ids["logs"]))
    assert finding.evidence["client_subnet_ids"] == [ids["private2"]]


def test_domain_group_without_egress() -> None:
    """``OpensearchSecurityGroup`` with ``allowAllOutbound: false`` beside the logs and sts
    endpoints: nothing new (rule wrong, fixed: SG005 called the group a client cut off). The
    domain's interfaces carry the domain's inbound traffic only (see above); its egress goes out
    on OpenSearch Service's side. terraform-aws-opensearch builds every
    domain group so (no egress rule), and its example has no AWS service endpoint to trip over."""
    snapshot, ids = _built(endpoints=True, domain_egress="none")
    assert audit(snapshot) == _sample(ids) | _default_endpoint_policies(ids)


def test_the_module_example() -> None:
    """terraform-aws-opensearch ``examples/complete`` as published: MON001 (medium) and SG003 on
    the managed endpoint, high. Right: the endpoint has no ``security_group_ids``, so OpenSearch
    gives it the VPC's default group, which terraform-aws-vpc strips of every rule
    (``manage_default_security_group``): the endpoint admits nobody on any port; the fix opens a
    port into that group. Silent, rightly: GWE002/GWE003 (no NAT gateway: the private subnets send
    IPv6 only, to the egress-only internet gateway), SG005 (the domain's group has no egress, but
    no AWS service endpoint is in the VPC), POL and DNS003 on the managed endpoint."""
    snapshot, ids = opensearch_vpc_domain.build_module_example()
    assert audit(snapshot) == {("MON001", ids["vpc"], "fail"), ("SG003", ids["managed_endpoint"], "fail")}
    assert severities(snapshot)[("SG003", ids["managed_endpoint"], "")] == "high"
    (step,) = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003").fix
    assert (step.action, step.parameters["GroupId"]) == ("ec2:AuthorizeSecurityGroupIngress", ids["default_sg"])
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    assert {enis[ids[f"domain_eni{k}"]].description for k in (1, 2, 3)} == {f"ES {EXAMPLE}"}
