"""An AWS CloudShell VPC environment in a private subnet, reaching AWS through NAT gateways or
through VPC endpoints (the CloudShell User Guide's VPC pages): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import cloudshell_vpc_environment
from layouts.cloudshell_vpc_environment import CLOUDSHELL_TAG, INTERFACE_SERVICES, REQUESTER_ID

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Ids = dict[str, str]
SESSIONS = pytest.mark.parametrize("environment", [False, True], ids=["between sessions", "with a session running"])
ENDPOINTS = {"form": "endpoints"}
ISOLATED = {"form": "isolated"}
NO_EGRESS = {"env_egress": "none"}
NO_HOSTNAMES = {"dns_hostnames": False}
PUBLIC_SUBNET = {"subnet": "public"}


@cache
def _built(**options: object) -> tuple[Snapshot, Ids]:
    """One snapshot per variant: several tests read the same one."""
    return cloudshell_vpc_environment.build(**options)  # type: ignore[arg-type]


def _flow_log(ids: Ids) -> Triples:
    """Right, medium: none of the guide's pages creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _nat_processing(ids: Ids) -> Triples:
    """Right (advice), medium and low: what the shell sends to S3 (``aws s3 cp``) and DynamoDB
    leaves through the NAT gateways and pays their processing; no gateway endpoint, which is free.
    Fired between sessions as well: the private subnets stand in for the sessions they serve."""
    return {("GWE002", ids["vpc"], "fail"), ("GWE003", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: Ids) -> Triples:
    """Right (advice), medium: the sts, ec2 and S3 endpoints keep AWS's default full access."""
    return {("POL001", ids[key], "fail") for key in (*INTERFACE_SERVICES, "s3")}


def _nat_form(ids: Ids) -> Triples:
    return _flow_log(ids) | _nat_processing(ids)


def _endpoint_form(ids: Ids) -> Triples:
    return _flow_log(ids) | _default_endpoint_policies(ids)


def test_the_environments_interface_as_describe_network_interfaces_reports_it() -> None:
    """The interface (fields: the builder's docstring; the tag documented, the rest assumed):
    ``interface``, not requester-managed, created by the signed-in role, no description, tagged
    ``ManagedByCloudShell`` with the empty value, on no instance of the account, no public address,
    in the environment's group, in the private subnet. A workload, rightly: the AWS CLI in the shell
    calls AWS from it, while the host's own traffic (ssmmessages, logs, ECR…) does not depend on the
    VPC ("You cannot restrict access to these endpoints by modifying your VPC configuration")."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    eni = view.interfaces[ids["env_eni"]]
    assert (eni.interface_type, eni.requester_managed, eni.requester_id, eni.description, eni.instance_id,
            eni.public_ip_addresses, eni.group_ids, eni.subnet_id) \
        == ("interface", False, REQUESTER_ID, "", None, (), (ids["env_sg"],), ids["private1"])
    assert [(t.key, t.value) for t in eni.tags] == [(CLOUDSHELL_TAG, "")]
    assert view.workload_enis(ids["vpc"]) == (eni,)


def test_the_snapshot_is_the_nat_form() -> None:
    """A NAT gateway in each public subnet, each private subnet on its AZ's; ``cloudshell-env`` with
    no ingress and AWS's default egress; no endpoint."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    (vpc,) = region.vpcs
    assert (vpc.enable_dns_support, vpc.enable_dns_hostnames) == (True, True)
    tables = {t.route_table_id: t for t in region.route_tables}
    for az in (1, 2):
        table = tables[ids[f"private_rt{az}"]]
        assert [a.subnet_id for a in table.associations] == [ids[f"private{az}"]]
        assert [(x.destination, x.target_id) for x in table.routes if x.target_kind != "local"] \
            == [("0.0.0.0/0", ids[f"nat{az}"])]
    group = next(g for g in region.security_groups if g.group_id == ids["env_sg"])
    assert [(x.is_egress, x.ip_protocol, x.cidr_ipv4) for x in group.rules] == [(True, "-1", "0.0.0.0/0")]
    assert not region.vpc_endpoints


@SESSIONS
def test_findings_and_verdicts_of_the_nat_form(environment: bool) -> None:
    """The guide's "private subnets configured with NAT": MON001, GWE002 (medium), GWE003 (low),
    with a session or without. Silent, rightly: NAT001-NAT005 (a NAT gateway per AZ, in public
    subnets, each private table on its own AZ's), every endpoint rule (no endpoint), DNS001/DNS002
    (both on), ACL001 (default NACL), RT001; nothing asks for ssmmessages, logs or ECR endpoints
    (IFE003): those are the host's, outside the VPC."""
    snapshot, ids = _built(environment=environment)
    assert audit(snapshot) == _nat_form(ids)
    levels = severities(snapshot)
    assert (levels[("GWE002", ids["vpc"], "")], levels[("GWE003", ids["vpc"], "")]) == ("medium", "low")


@SESSIONS
def test_findings_and_verdicts_of_the_endpoint_form(environment: bool) -> None:
    """No internet or NAT gateway; sts and ec2 interface endpoints in both private subnets, the S3
    gateway endpoint on the private table: MON001 and POL001 × 3 (medium). Silent, rightly: SG003
    and SG006 (443 from the VPC's block, where the shell is), SG005 (the environment's group sends
    all traffic), IFE001/IFE002 (interfaces in both AZs), GWE001 (the S3 route on the private
    table), IFE003 (no bundle triggered), DNS002 (hostnames on), NAT rules."""
    snapshot, ids = _built(environment=environment, **ENDPOINTS)
    assert audit(snapshot) == _endpoint_form(ids)
    assert {level for key, level in severities(snapshot).items() if key[0] == "POL001"} == {"medium"}


@SESSIONS
def test_near_miss_no_nat_and_no_endpoint_goes_unreported(environment: bool) -> None:
    """No NAT gateway and no endpoint: every ``aws`` command in the shell times out (the public
    service names resolve, nothing routes to them), though the shell still reaches resources in the
    VPC. Only MON001 fires. A gap, pinned: no rule judges a workload with neither a way out nor an
    endpoint, and a finding could be advice at most, since a shell kept for ``psql`` or ``ssh`` to
    private hosts is a use the guide names ("connect to them")."""
    snapshot, ids = _built(environment=environment, **ISOLATED)
    region = snapshot.accounts[0].regions[0]
    assert not (region.nat_gateways or region.internet_gateways or region.vpc_endpoints)
    assert audit(snapshot) == _flow_log(ids)


def test_near_miss_environment_group_without_egress_in_the_endpoint_form() -> None:
    """``cloudshell-env`` with AWS's default egress removed, endpoint form, a session running: SG005
    on the group, medium — right: the shell's interface cannot reach the sts, ec2 or S3 endpoints;
    the fix lets TCP 443 out to them."""
    snapshot, ids = _built(**ENDPOINTS, **NO_EGRESS)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["env_sg"])
    assert not [x for x in group.rules if x.is_egress]
    assert audit(snapshot) == _endpoint_form(ids) | {("SG005", ids["env_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["env_sg"], "")] == "medium"


def test_near_miss_environment_group_without_egress_behind_nat_goes_unreported() -> None:
    """The same group in the NAT form: the shell reaches neither AWS nor the internet, and nothing
    says so. A gap, pinned: no rule judges a workload's egress towards a NAT gateway (SG005 concerns
    VPC endpoints), as on the CodeBuild layout."""
    snapshot, ids = _built(**NO_EGRESS)
    assert audit(snapshot) == _nat_form(ids)


def test_near_miss_dns_hostnames_off_in_the_endpoint_form() -> None:
    """DNS hostnames off beside the private-DNS sts and ec2 endpoints: DNS002, high — right:
    CreateVpcEndpoint's ``PrivateDnsEnabled`` requires ``enableDnsHostnames`` and
    ``enableDnsSupport`` both true, and without NAT a public answer for ``sts.us-east-1.amazonaws.com``
    leaves the shell with nothing to reach."""
    snapshot, ids = _built(**ENDPOINTS, **NO_HOSTNAMES)
    assert audit(snapshot) == _endpoint_form(ids) | {("DNS002", ids["vpc"], "fail")}
    assert severities(snapshot)[("DNS002", ids["vpc"], "")] == "high"


def test_near_miss_dns_hostnames_off_in_the_nat_form() -> None:
    """DNS hostnames off in the NAT form: nothing new — right: no endpoint has private DNS and no
    private zone is associated, and the Amazon-provided resolver (DNS support on) still answers the
    public service names the shell sends through the NAT gateways."""
    snapshot, ids = _built(**NO_HOSTNAMES)
    assert snapshot.accounts[0].regions[0].vpcs[0].enable_dns_hostnames is False
    assert audit(snapshot) == _nat_form(ids)


def test_near_miss_environment_in_a_public_subnet_goes_unreported() -> None:
    """The environment in a public subnet routed to the internet gateway: no public address is
    allocated to it, so it has "no access to public internet" (the guide's own warning) and, with no
    endpoint, reaches no AWS API either. A gap, pinned: the audit is the NAT form's. The snapshot
    holds what a rule would need — a workload interface with no public address, in a subnet whose
    0.0.0.0/0 goes to an internet gateway — but no rule judges it."""
    snapshot, ids = _built(**PUBLIC_SUBNET)
    eni = region_view(snapshot).interfaces[ids["env_eni"]]
    assert (eni.subnet_id, eni.public_ip_addresses) == (ids["public1"], ())
    assert audit(snapshot) == _nat_form(ids)
