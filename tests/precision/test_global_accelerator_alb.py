"""A Global Accelerator standard accelerator in front of an internal ALB in private subnets, client
IP address preservation on (aws-samples/access-internal-alb-through-aws-global-accelerator and the
Global Accelerator Developer Guide): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import global_accelerator_alb

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
ENDPOINTS = global_accelerator_alb.INTERFACE_ENDPOINTS


@cache
def _built(**variant: object) -> tuple[Snapshot, dict[str, str]]:
    return global_accelerator_alb.build(**variant)  # type: ignore[arg-type]


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: neither the template nor the companions create a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoints that take a policy (ssm, the S3 gateway) keep AWS's
    default full access; ssmmessages and ec2messages take none and are rightly left out."""
    return {("POL001", ids[key], "fail") for key in ("ssm", "s3")}


def _session_manager_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the Session Manager bundle without the optional kms and logs
    endpoints (sessions encrypted with a KMS key, session logs to CloudWatch Logs). Started by the
    instance's endpoints, not by Global Accelerator's interfaces."""
    return {("IFE003", ids["vpc"], "fail")}


def _dynamodb_through_nat(ids: dict[str, str]) -> Triples:
    """Right (advice), low: both private subnets send 0.0.0.0/0 to a NAT gateway and the VPC has
    no DynamoDB gateway endpoint. The rule counts private subnets by their egress, not by what
    sits in them: the second subnet holds no instance today, but the Auto Scaling group spans both
    (VPCZoneIdentifier lists both private subnets) and may launch its instance there."""
    return {("GWE003", ids["vpc"], "fail")}


def _canonical(ids: dict[str, str]) -> Triples:
    return (_flow_log(ids) | _default_endpoint_policies(ids) | _session_manager_optional(ids)
            | _dynamodb_through_nat(ids))


def _private_only(ids: dict[str, str]) -> Triples:
    """Without NAT gateways nothing leaves for DynamoDB through one: GWE003 is rightly silent."""
    return _flow_log(ids) | _default_endpoint_policies(ids) | _session_manager_optional(ids)


def test_the_snapshot_is_the_template() -> None:
    """The builder against the template and the guide: an internet gateway attached and routed by
    the public table alone, each private subnet to its AZ's NAT gateway, the ALB's group admitting
    80 from WebServerPrefixList (0.0.0.0/0), one Global Accelerator interface per subnet of the
    ALB, typed ``global_accelerator_managed``, in the ``GlobalAccelerator`` group alone."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (igw,) = region.internet_gateways
    assert igw.attached_vpc_ids == (ids["vpc"],)
    tables = {t.route_table_id: t for t in region.route_tables}
    assert [x.target_id for x in tables[ids["public_rt"]].routes if x.destination == "0.0.0.0/0"] == [ids["igw"]]
    for az in (1, 2):
        assert [x.target_id for x in tables[ids[f"private_rt{az}"]].routes
                if x.destination == "0.0.0.0/0"] == [ids[f"nat{az}"]]
    groups = {g.group_id: g for g in region.security_groups}
    (alb_in,) = [x for x in groups[ids["alb_sg"]].rules if not x.is_egress]
    assert (alb_in.from_port, alb_in.to_port, alb_in.prefix_list_id) == (80, 80, ids["allowed_pl"])
    (pl,) = [p for p in region.prefix_lists if p.prefix_list_id == ids["allowed_pl"]]
    assert pl.cidrs == ("0.0.0.0/0",)
    assert groups[ids["ga_sg"]].group_name == "GlobalAccelerator"
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    for az in (1, 2):
        eni = enis[ids[f"ga_eni{az}"]]
        assert (eni.interface_type, eni.subnet_id, eni.group_ids, eni.instance_id) == (
            "global_accelerator_managed", ids[f"private{az}"], (ids["ga_sg"],), None)
        assert enis[ids[f"alb_eni{az}"]].subnet_id == ids[f"private{az}"]
    assert enis[ids["app_eni"]].subnet_id == ids["private1"]


def test_the_template() -> None:
    """The template's layout with the instance's companions. Silent, rightly: the internet gateway
    no private table routes to (the guide: "You also don't need an associated internet gateway
    route for the subnet"), the NAT gateways, one per AZ, each serving its own AZ's private subnet,
    the ALB's subnet without an instance, Global Accelerator's interfaces and group."""
    snapshot, ids = _built()
    assert audit(snapshot) == _canonical(ids)


def test_the_guides_alternative_source_group() -> None:
    """The guide's alternative: the ALB's group admits 80 from Global Accelerator's group ("You can
    use the security groups created by Global Accelerator as a source group in other security
    groups that you maintain"). Silent, rightly: the SG rules audit endpoints' groups and their
    clients' egress, and Global Accelerator's group is neither."""
    snapshot, ids = _built(alb_ingress="ga-group")
    assert audit(snapshot) == _canonical(ids)


def test_private_only_with_the_internet_gateway() -> None:
    """The shape the guide describes: no public subnets, no NAT gateway, the instance served by the
    endpoints alone, the internet gateway attached and routed by no table. Silent, rightly, on the
    unrouted internet gateway: it is there "to indicate that the VPC accepts internet traffic"."""
    snapshot, ids = _built(nat=False)
    assert audit(snapshot) == _private_only(ids)


def test_alb_admitting_the_vpc_only_is_a_gap() -> None:
    """Near miss: the ALB's group admits 80 from the VPC's block only, as for an internal ALB. With
    client IP address preservation the packets keep the clients' public addresses, so every client
    is refused (the guide: update security groups "to include the user client IP address on allow
    lists"). A gap, pinned: no rule audits a load balancer's group against its clients, and that
    this ALB is an accelerator's endpoint is in Global Accelerator (ListEndpointGroups), which the
    snapshot does not collect."""
    snapshot, ids = _built(alb_ingress="vpc")
    assert audit(snapshot) == _canonical(ids)


def test_internet_gateway_removed_is_a_gap() -> None:
    """Near miss: the VPC built private-only and the internet gateway removed with the NAT gateways,
    which the guide requires ("The VPC that contains the load balancer or EC2 instance must have an
    internet gateway attached to it"); the accelerator is assumed never to get its interfaces.
    A gap, pinned: a private VPC without an internet gateway is a sound layout of its own; that an
    accelerator's endpoint lives in it is in Global Accelerator, not in the snapshot."""
    snapshot, ids = _built(nat=False, internet_gateway=False)
    assert audit(snapshot) == _private_only(ids)


def test_endpoints_admitting_the_instance_only() -> None:
    """Near miss (the tight form): the endpoints' group admits 443 from the instance's group only.
    Silent, rightly: the instance is admitted; Global Accelerator's interfaces call no AWS service
    and are no workload, so they are not reported stranded."""
    snapshot, ids = _built(endpoint_sources="app")
    assert audit(snapshot) == _canonical(ids)


def _endpoints_in_one_az(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: each interface endpoint sits in one AZ (IFE001), and the Auto
    Scaling group may launch its instance in the other."""
    return {("IFE001", ids[key], "fail") for key in ENDPOINTS}


def test_endpoints_in_the_instances_az_only() -> None:
    """Near miss: the interface endpoints in the instance's subnet alone, while the ALB and Global
    Accelerator's interfaces span both subnets. IFE001 is right. IFE002 is silent, rightly: the
    second AZ holds the ALB's node and Global Accelerator's interface, neither of which calls
    Systems Manager; Global Accelerator "uses these elastic network interfaces to route traffic to
    the endpoints configured behind an accelerator" (the guide)."""
    snapshot, ids = _built(endpoint_azs=1)
    assert audit(snapshot) == _canonical(ids) | _endpoints_in_one_az(ids)


def test_global_accelerator_group_without_egress() -> None:
    """Global Accelerator's group with no egress rule (its rules are assumed; the guide says only
    "you shouldn't edit any of the security group settings for these groups"). Silent, rightly:
    SG005 proposes egress only for the groups of workloads that call an endpoint, and no such
    proposal may touch a group the guide says not to edit."""
    snapshot, ids = _built(ga_group_egress=False)
    assert audit(snapshot) == _canonical(ids)


def test_global_accelerator_interfaces_are_no_workload() -> None:
    """Why the interfaces go unreported: the network model keeps them out of the workloads (IFE002
    client AZs, IFE003 stand-ins, SG005 and SG003/SG006 clients, ACL001 client subnets, GWE client
    subnets) by their InterfaceType, ``global_accelerator_managed``, which is not a workload's; as
    it keeps out the ALB's nodes by their RequesterId ``amazon-elb``. The instance stays one."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    assert not any(view.is_workload(enis[ids[f"{kind}_eni{az}"]]) for kind in ("ga", "alb") for az in (1, 2))
    assert view.is_workload(enis[ids["app_eni"]])
