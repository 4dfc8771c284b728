"""Amazon WorkSpaces Personal in two private subnets with a NAT gateway in a public subnet and an
AWS Managed Microsoft AD beside them (WorkSpaces Administration Guide, "Configure a VPC for
WorkSpaces Personal"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import workspaces_personal_vpc
from layouts.workspaces_personal_vpc import MEMBERS_GROUP, WORKSPACE_DESCRIPTION

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
MEMBERS_WITHOUT_EGRESS = {"members_egress": False}
ONE_AZ = {"one_az": True}
NO_NAT_ROUTE = {"nat_route": False}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return workspaces_personal_vpc.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: the guide's VPC has no flow log, and nothing else creates one."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: dict[str, str]) -> Triples:
    """Right (advice), medium and low: the desktops are workloads whose S3 downloads (and any
    DynamoDB calls) leave through the NAT gateway and pay its per-GB processing; the guide's
    wizard adds no gateway endpoint ("For Service endpoints, do nothing")."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _single_nat_gateway(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the guide builds one public subnet and one NAT gateway for both
    private subnets, so the WorkSpaces in us-east-1b cross AZs for the internet and lose it with
    us-east-1a. NAT002 on Private Subnet 2, NAT003 on the VPC. The guide's accepted cost choice."""
    return {("NAT002", ids["private2"], "fail"), ("NAT003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _nat_processing(ids) | _single_nat_gateway(ids)


def _workspace_enis(snapshot: Snapshot) -> list:
    return [e for e in snapshot.accounts[0].regions[0].network_interfaces if e.description == WORKSPACE_DESCRIPTION]


def test_the_workspaces_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """Each WorkSpace's eth1 — typed ``interface``, not requester-managed, described ``Created By
    Amazon Workspaces for AWS Account ID <account>``, in ``_workspacesMembers``, on no instance of
    the account (assumed, module docstring) — is a workload, and rightly: the guide's eth1
    "provides connectivity to the resources within your VPC and on the internet" and joins the
    desktop to the directory; users' software calls AWS services from it. The model lets it call
    any service. The directory's controllers stay workloads too (as in ``managed_ad_dhcp_dns``)."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = _workspace_enis(snapshot)
    assert sorted(e.network_interface_id for e in enis) == sorted([ids["workspace1"], ids["workspace2"]])
    assert {(e.interface_type, e.requester_managed, e.instance_id, e.group_ids) for e in enis} == {
        ("interface", False, None, (ids["members_sg"],))}
    assert all(view.is_workload(e) and view.may_call(e, "s3") and view.may_call(e, "ssm") for e in enis)
    workloads = {e.network_interface_id for e in view.workload_enis(ids["vpc"])}
    assert workloads == {ids["workspace1"], ids["workspace2"], ids["controller1"], ids["controller2"]}
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert groups[ids["members_sg"]].group_name == MEMBERS_GROUP


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, GWE002/GWE003, NAT002, NAT003. Silent, rightly: NAT001 (the
    gateway in the public subnet), NAT004/NAT005 (routed to), SG001-SG006, ACL001, IFE001-IFE006,
    DNS001-DNS006, POL001-POL006 (no endpoint; DNS support and hostnames on; the default NACL),
    GWE001 (no gateway endpoint), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_members_group_without_egress() -> None:
    """``_workspacesMembers`` stripped of its outbound rule: the desktops reach neither the domain
    controllers (Kerberos, LDAP, DNS) nor the NAT gateway, so logons and the internet fail. A gap,
    pinned: the audit is the canonical one. SG005 judges a client's egress to VPC endpoints only,
    and this VPC has none; no rule judges a workload group that may send nowhere at all while its
    subnets route to a NAT gateway — though the snapshot holds both facts."""
    snapshot, ids = _built(**MEMBERS_WITHOUT_EGRESS)
    assert audit(snapshot) == _baseline(ids)
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    assert not [x for x in groups[ids["members_sg"]].rules if x.is_egress]


def test_near_miss_workspaces_subnets_in_one_az() -> None:
    """Both private subnets in us-east-1a. NAT002/NAT003 fall silent, rightly: the NAT gateway now
    shares the WorkSpaces' only AZ. A gap, pinned, and a small one: no rule reads the directory's
    AZ spread, but Directory Service and RegisterWorkspaceDirectory refuse subnets that are not in
    separate AZs, so a real account cannot show this with a directory in them."""
    snapshot, ids = _built(**ONE_AZ)
    assert audit(snapshot) == _flow_logs(ids) | _nat_processing(ids)
    subnets = {s.subnet_id: s for s in snapshot.accounts[0].regions[0].subnets}
    assert subnets[ids["private1"]].availability_zone == subnets[ids["private2"]].availability_zone


def test_near_miss_private_route_to_nat_missing() -> None:
    """The private table without 0.0.0.0/0 to the NAT gateway: the desktops lose the internet the
    guide says they "must have" (operating-system updates, applications). NAT005 on the gateway,
    low: Right — it names the gateway billed for nothing, and its fix (route or delete) is the
    choice the operator has to make; a deliberate no-internet design would have no NAT gateway.
    GWE002/GWE003, NAT002 and NAT003 fall silent, rightly: nothing leaves through NAT any more."""
    snapshot, ids = _built(**NO_NAT_ROUTE)
    assert audit(snapshot) == _flow_logs(ids) | {("NAT005", ids["nat"], "fail")}
