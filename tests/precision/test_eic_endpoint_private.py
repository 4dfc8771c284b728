"""EC2 instances in private subnets reached through an EC2 Instance Connect Endpoint (the EC2 User
Guide's Instance Connect Endpoint pages), with Systems Manager and S3 endpoints beside it: every
finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, region_view, severities
from layouts import eic_endpoint_private
from layouts.eic_endpoint_private import EICE_INTERFACE_TYPE, REQUESTER_ID, SSH, VPC_CIDR

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Ids = dict[str, str]


@cache
def _built(**variant: str) -> tuple[Snapshot, Ids]:
    return eic_endpoint_private.build(**variant)


def _flow_log(ids: Ids) -> Triples:
    """Right, medium: none of the guide's pages creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: Ids) -> Triples:
    """Right (advice), medium: the ssm and S3 endpoints keep AWS's default full access (ssmmessages
    and ec2messages take no policy)."""
    return {("POL001", ids["ssm"], "fail"), ("POL001", ids["s3"], "fail")}


def _session_manager_optional(ids: Ids) -> Triples:
    """Right (advice), info: Session Manager's optional ``kms`` and ``logs`` endpoints are absent,
    needed only for KMS-encrypted sessions and session logs to CloudWatch Logs."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: Ids) -> Triples:
    return _flow_log(ids) | _default_endpoint_policies(ids) | _session_manager_optional(ids)


def test_the_snapshot_is_the_guides_layout() -> None:
    """The builder against the guide: no internet or NAT gateway; the endpoint's group sends TCP 22
    to the instances' group and nothing else, admits nothing; the instances' group admits TCP 22
    from the endpoint's group; the endpoint's interface as DescribeNetworkInterfaces reports it."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert not region.internet_gateways and not region.nat_gateways
    groups = {g.group_id: g for g in region.security_groups}
    assert [(x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id)
            for x in groups[ids["endpoint_sg"]].rules] == [(True, "tcp", SSH, SSH, ids["instance_sg"])]
    assert [(x.ip_protocol, x.from_port, x.referenced_group_id) for x in groups[ids["instance_sg"]].rules
            if not x.is_egress] == [("tcp", SSH, ids["endpoint_sg"])]
    eni = region_view(snapshot).interfaces[ids["eice_eni"]]
    assert (eni.interface_type, eni.requester_managed, eni.requester_id, eni.description, eni.group_ids,
            eni.instance_id) == (EICE_INTERFACE_TYPE, True, REQUESTER_ID,
                                 f"Instance Connect Endpoint (id: {ids['eice']})", (ids["endpoint_sg"],), None)
    assert [(t.key, t.value) for t in eni.tags] == [("InstanceConnectEndpointId", ids["eice"])]


def test_the_endpoints_interface_is_no_workload() -> None:
    """The precision question: the Instance Connect Endpoint's interface is a TCP proxy's, which
    "establishes a private tunnel" to the instances and calls no AWS service from the VPC. Right: the
    network model's workloads are the two instances' interfaces only (its type is outside
    ``WORKLOAD_INTERFACE_TYPES``), so it is no client for SG003, SG005, SG006, IFE002, ACL001 or
    IFE003."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] \
        == sorted([ids["instance1_eni"], ids["instance2_eni"]])
    assert not view.is_workload(view.interfaces[ids["eice_eni"]])


def test_findings_and_verdicts_of_the_guides_layout() -> None:
    """MON001, POL001 × 2 (medium), IFE003 info. Silent, rightly: SG005 on ``eice-endpoint`` (its
    only egress is TCP 22 to the instances: the guide's own rule, and the interface is no client of
    the endpoints), SG003/SG006 (443 from the VPC's block), IFE001/IFE002 (endpoints in both AZs;
    the Instance Connect Endpoint in one AZ serves both — one per VPC), GWE001 (the S3 route on the
    subnets' table), NAT, DNS and ACL rules."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert {levels[("POL001", ids[k], "")] for k in ("ssm", "s3")} == {"medium"}
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"


def test_the_interface_type_is_what_keeps_the_group_out_of_sg005() -> None:
    """The same interface recorded as an ordinary ``interface`` would be a workload, and SG005 would
    call ``eice-endpoint`` (TCP 22 out only) a client cut off from the endpoints. Pinned: the network
    model recognises the Instance Connect Endpoint's interface by its type alone, which EC2 reports;
    its description and tag are not consulted (see "Noticed and left alone")."""
    snapshot, ids = _built()
    account = snapshot.accounts[0]
    region = account.regions[0]
    enis = tuple(replace(e, interface_type="interface") if e.network_interface_id == ids["eice_eni"] else e
                 for e in region.network_interfaces)
    retyped = replace(snapshot, accounts=(replace(account, regions=(replace(region, network_interfaces=enis),)),))
    assert audit(retyped) == _baseline(ids) | {("SG005", ids["endpoint_sg"], "fail")}


def test_near_miss_endpoint_group_without_egress_goes_unreported() -> None:
    """The endpoint's group with AWS's default egress removed and the rule to the instances never
    added: every SSH connection through the endpoint fails (its rules "must allow outbound traffic
    destined for the target instances to leave the endpoint"). A gap, pinned: no rule judges an
    Instance Connect Endpoint's group, though its interface and groups are in the snapshot."""
    snapshot, ids = _built(endpoint_egress="none")
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["endpoint_sg"])
    assert not [x for x in group.rules if x.is_egress]
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_instances_admitting_ssh_from_the_vpc_block() -> None:
    """The instances' group admitting TCP 22 from 10.0.0.0/16 instead of the endpoint's group:
    nothing. Right with client IP preservation off, as built (the source is then the endpoint's
    interface address, in the VPC; the guide gives the IPv4 range as an alternative). With it on the
    source is the client's address and every connection is refused: a gap, pinned — PreserveClientIp
    lives on the endpoint, which the snapshot does not collect."""
    snapshot, ids = _built(instance_source="vpc-cidr")
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["instance_sg"])
    assert [(x.from_port, x.cidr_ipv4) for x in group.rules if not x.is_egress] == [(SSH, VPC_CIDR)]
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_endpoint_created_with_the_default_group_goes_unreported() -> None:
    """The endpoint created without a group carries the VPC's default group, while the instances
    admit TCP 22 only from ``eice-endpoint``, which no interface carries: every connection is
    refused. A gap, pinned: no rule compares an Instance Connect Endpoint's groups with what its
    targets admit; the default group's interface stays no workload (no SG005, no client AZ)."""
    snapshot, ids = _built(endpoint_group="default")
    assert region_view(snapshot).interfaces[ids["eice_eni"]].group_ids == (ids["default_sg"],)
    assert audit(snapshot) == _baseline(ids)
