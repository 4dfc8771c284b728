"""Amazon Data Firehose delivering to an OpenSearch Service domain in a VPC (the Firehose Developer
Guide and terraform-aws-kinesis-firehose's opensearch-in-vpc example): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import botocore.session
from aws_layout import audit, region_view, severities
from botocore.validate import ParamValidator
from layouts import firehose_opensearch_vpc
from layouts.firehose_opensearch_vpc import DELIVERY_ROLE, DOMAIN, HTTPS, STREAM, describe_delivery_stream

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]


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


def test_the_stream_is_recorded_as_describe_delivery_stream_reports_it() -> None:
    """The stream's answer is botocore's ``DescribeDeliveryStreamOutput`` (types, enums, required
    members), and the snapshot keeps its name and its destination's VPC configuration: the VPC,
    the three private subnets, the Firehose group and the delivery role."""
    snapshot, ids = _built()
    model = botocore.session.get_session().get_service_model("firehose")
    answer = describe_delivery_stream(ids)
    report = ParamValidator().validate(answer, model.operation_model("DescribeDeliveryStream").output_shape)
    assert not report.has_errors(), report.generate_report()
    (recorded,) = snapshot.accounts[0].regions[0].firehose_streams
    assert recorded == r.FirehoseStream(STREAM, (r.FirehoseVpcConfiguration(
        ids["vpc"], tuple(sorted(ids[f"private{k}"] for k in (1, 2, 3))), (ids["firehose_sg"],), DELIVERY_ROLE),))


def test_findings_and_verdicts_of_the_example() -> None:
    """The example: MON001 alone. Silent, rightly: GWE002/GWE003 (no NAT gateway: nothing pays
    processing), every endpoint rule (no endpoint), NAT rules, DNS001/DNS002, ACL001 (the module's
    allow-all NACL), SG001-SG004/SG006 (no endpoint's group). The private subnets' lack of any route
    out or S3 endpoint is right too: the S3 backup ("All") and error logging are Firehose's own."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_log(ids)
    assert severities(snapshot)[("MON001", ids["vpc"], "")] == "medium"


def test_the_streams_interfaces_are_no_clients_of_aws_services() -> None:
    """Rule wrong, fixed. The guide gives the stream's group one use, "when it sends data to your
    OpenSearch Service domain", and the subnets one requirement, traffic "to the subnets that have
    the destination Amazon OpenSearch Service endpoints"; the S3 bucket, KMS key and CloudWatch log
    group are reached by Firehose with the delivery role ("Kinesis Data Firehose uses an IAM role to
    access the specified … S3 bucket, AWS KMS key, and CloudWatch log group and streams"). The
    interfaces originate the deliveries (workloads) but call no AWS service. They were taken for
    clients of every service while the snapshot did not say whose they are; the stream's
    ``VpcConfigurationDescription`` (DescribeDeliveryStream) now does: each is in one of its
    subnets with exactly its group, undescribed, on no instance."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    for k in (1, 2, 3):
        eni = view.interfaces[ids[f"firehose_eni{k}"]]
        assert [s.delivery_stream_name for s in view.firehose_streams_of(eni)] == [STREAM]
        assert not any(view.may_call(eni, key) for key in ("s3", "logs", "kms", "lambda"))
        assert view.is_workload(eni) and view.may_call(eni, None)


def test_the_streams_interfaces_stay_clients_while_the_streams_are_not_collected() -> None:
    """DescribeDeliveryStream denied (or an older snapshot): nothing says whose the interfaces are,
    so they stay ordinary workloads, clients of every service, as before."""
    snapshot, ids = _built(streams_collected=False)
    view = region_view(snapshot)
    for k in (1, 2, 3):
        eni = view.interfaces[ids[f"firehose_eni{k}"]]
        assert view.firehose_streams_of(eni) == () and all(view.may_call(eni, key) for key in ("s3", "logs", "kms"))


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


def test_near_miss_endpoints_for_the_stream() -> None:
    """Rule wrong, fixed: SG005 stays silent. S3, logs and kms endpoints added in the belief that
    the backup, the error logs and the encryption leave through the stream's interfaces. The
    Firehose group's one egress rule, TCP 443 to the domain's group, is what the guide asks
    ("ensure that it allows outbound HTTPS traffic to the OpenSearch Service domain's security
    group"); the endpoints have no client in this VPC, and opening the group to them changes
    nothing Firehose does. SG005 fired on the Firehose group while its interfaces counted as
    clients of every service; the stream's VPC configuration now tells them. POL001 × 3 stay:
    right (advice)."""
    snapshot, ids = _built(endpoints=True)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids)


def test_near_miss_endpoints_for_the_stream_not_collected_keeps_sg005() -> None:
    """The same endpoints with DescribeDeliveryStream denied: the snapshot cannot tell the stream's
    interfaces from an application's, so they stay clients of every service — SG005 on the
    Firehose group, medium, with a fix adding egress to the endpoints' group and the S3 prefix
    list, as before, rather than a silent pass on a group that may need the endpoints."""
    snapshot, ids = _built(endpoints=True, streams_collected=False)
    assert audit(snapshot) == _flow_log(ids) | _default_endpoint_policies(ids) | {
        ("SG005", ids["firehose_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["firehose_sg"], "")] == "medium"
