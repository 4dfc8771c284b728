"""Amazon Data Firehose delivering to an OpenSearch Service domain in a VPC (the Firehose Developer
Guide and terraform-aws-kinesis-firehose's opensearch-in-vpc example): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import firehose_opensearch_vpc
from layouts.firehose_opensearch_vpc import DOMAIN, HTTPS

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NOT_CLIENTS = ("rule wrong: Firehose's delivery interfaces are taken for clients of AWS services; Firehose "
               "uses them only to send to the OpenSearch domain (needs the stream's VpcConfiguration)")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return firehose_opensearch_vpc.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the example nor the terraform-aws-vpc module it calls creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: each endpoint keeps AWS's default full-access policy."""
    return {("POL001", ids[key], "fail") for key in ("s3", "logs", "kms")}


def test_the_snapshot_is_the_example() -> None:
    """The builder against the example: three AZs, private subnets with the local route only (no
    NAT gateway), the Firehose group sending TCP 443 to the destination group alone, the
    destination group admitting TCP 443 from the Firehose group alone, the domain's one interface
    in the first private subnet and the stream's in each private subnet."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.cidr_blocks, vpc.enable_dns_support, vpc.enable_dns_hostnames) == (("10.0.0.0/16",), True, True)
    tables = {t.route_table_id: t for t in region.route_tables}
    for k in (1, 2, 3):
        assert [x.target_kind for x in tables[ids[f"private_rt{k}"]].routes] == ["local"]
    assert not region.nat_gateways and not region.vpc_endpoints
    groups = {g.group_id: g for g in region.security_groups}
    rules = {key: [(x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id)
                   for x in groups[ids[key]].rules] for key in ("firehose_sg", "domain_sg")}
    assert rules == {"firehose_sg": [(True, "tcp", HTTPS, HTTPS, ids["domain_sg"])],
                     "domain_sg": [(False, "tcp", HTTPS, HTTPS, ids["firehose_sg"])]}
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    domain = enis[ids["domain_eni"]]
    assert (domain.subnet_id, domain.requester_managed, domain.description, domain.group_ids) \
        == (ids["private1"], True, f"ES {DOMAIN}", (ids["domain_sg"],))
    stream = [enis[ids[f"firehose_eni{k}"]] for k in (1, 2, 3)]
    assert [e.subnet_id for e in stream] == [ids[f"private{k}"] for k in (1, 2, 3)]
    assert {(e.interface_type, e.requester_managed, e.requester_id, e.description, e.group_ids, e.instance_id)
            for e in stream} == {("interface", False, None, "", (ids["firehose_sg"],), None)}


def test_findings_and_verdicts_of_the_example() -> None:
    """The example: MON001 alone. Silent, rightly: GWE002/GWE003 (no NAT gateway: nothing pays
    processing), every endpoint rule (no endpoint), NAT rules, DNS001/DNS002, ACL001 (the module's
    allow-all NACL), SG001-SG004/SG006 (no endpoint's group). The private subnets' lack of any route
    out or S3 endpoint is right too: the S3 backup ("All") and error logging are Firehose's own."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_log(ids)
    assert severities(snapshot)[("MON001", ids["vpc"], "")] == "medium"


@pytest.mark.xfail(strict=True, reason=NOT_CLIENTS)
def test_the_streams_interfaces_are_no_clients_of_aws_services() -> None:
    """Rule wrong. The guide gives the stream's group one use, "when it sends data to your
    OpenSearch Service domain", and the subnets one requirement, traffic "to the subnets that have
    the destination Amazon OpenSearch Service endpoints"; the S3 bucket, KMS key and CloudWatch log
    group are reached by Firehose with the delivery role ("Kinesis Data Firehose uses an IAM role to
    access the specified … S3 bucket, AWS KMS key, and CloudWatch log group and streams"). The
    interfaces originate the deliveries (workloads) but call no AWS service."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for k in (1, 2, 3):
        eni = view.interfaces[ids[f"firehose_eni{k}"]]
        assert not any(view.may_call(eni, key) for key in ("s3", "logs", "kms", "lambda"))


def test_near_miss_firehose_group_without_egress_goes_unreported() -> None:
    """The stream given an existing group without its egress rule (no
    ``vpc_security_group_firehose_configure_existing``): "ensure that it allows outbound HTTPS
    traffic to the OpenSearch Service domain's security group" is broken and every delivery fails
    (then backed up to S3). A gap, pinned: no rule judges a workload group's egress to a resource
    that is no endpoint."""
    snapshot, ids = _built(firehose_egress="none")
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_domain_not_admitting_firehose_goes_unreported() -> None:
    """The domain given an existing group without the ingress rule (no
    ``vpc_security_group_destination_configure_existing``): "ensure that the OpenSearch Service
    domain's security group allows HTTPS traffic from the security group you specified" is broken.
    A gap, pinned, as for the OpenSearch layout's function: no rule judges whether a resource's
    group that no endpoint carries admits its clients."""
    snapshot, ids = _built(domain_admits="nothing")
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_stream_in_one_az() -> None:
    """The stream given the first private subnet only (the domain's). Silent, rightly: AWS asks for
    no more than one subnet ("Firehose creates at least one ENI in each of the subnets that are
    specified here"), and a delivery that fails is retried for the retry duration and then backed up
    to S3; the single-node domain is in that AZ anyway."""
    snapshot, ids = _built(firehose_azs=1)
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_endpoints_for_the_stream_as_audited() -> None:
    """S3, logs and kms endpoints added in the belief that the backup, the error logs and the
    encryption leave through the stream's interfaces: POL001 × 3, and SG005 on the Firehose group,
    which sends TCP 443 to the domain's group only, with a fix adding egress to the endpoints'
    group and the S3 prefix list. The SG005 is the rule wrong pinned below."""
    snapshot, ids = _built(endpoints=True)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids) | {
        ("SG005", ids["firehose_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["firehose_sg"], "")] == "medium"


@pytest.mark.xfail(strict=True, reason=NOT_CLIENTS)
def test_near_miss_endpoints_for_the_stream() -> None:
    """Rule wrong: SG005 should stay silent. The Firehose group's one egress rule, TCP 443 to the
    domain's group, is what the guide asks ("ensure that it allows outbound HTTPS traffic to the
    OpenSearch Service domain's security group"); the endpoints have no client in this VPC, and
    opening the group to them changes nothing Firehose does. POL001 × 3 stay: right (advice)."""
    snapshot, ids = _built(endpoints=True)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids)
