"""An Amazon RDS Custom for Oracle DB instance in a VPC without internet access, its dependent AWS
services reached through VPC endpoints (Amazon RDS User Guide, "Configuring your VPC manually"):
every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, region_view, severities
from layouts import rds_custom_private
from layouts.rds_custom_private import HTTPS, INTERFACE_SERVICES, OTHER_HALF

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
NO_SSMMESSAGES = {"omit": ("ssmmessages",)}
SECOND_TABLE = {"second_table": True}
OTHER_HALF_ADMITTED = {"endpoint_source": "other-half"}
# Endpoints whose service supports no endpoint policy (DescribeVpcEndpointServices).
NO_POLICY = ("ssmmessages", "ec2messages")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return rds_custom_private.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the guide or its template creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: every endpoint whose service supports a policy keeps AWS's default
    full access, which the guide leaves as is ("The default policy allows all requests to pass
    through the endpoint"; a custom one must let the DB instance's requests through). It can be
    narrowed to the account's principals; ssmmessages and ec2messages support no policy."""
    keys = [k for k in (*INTERFACE_SERVICES, "s3") if k in ids and k not in NO_POLICY]
    return {("POL001", ids[k], "fail") for k in keys}


def _session_manager_optional(ids: dict[str, str]) -> Triples:
    """Right (advice), info: the Systems Manager endpoints without ``kms``, which only Session
    Manager connections encrypted with a KMS key need. The RDS guide lists no KMS endpoint, and
    RDS Custom's own use of Systems Manager (Run Command on the host) encrypts nothing with a key
    of the account; the advice matters only to someone who turns KMS encryption on for their
    Session Manager connections to the host."""
    return {("IFE003", ids["vpc"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _full_access(ids) | _session_manager_optional(ids)


def test_the_db_instance_host_as_describe_network_interfaces_reports_it() -> None:
    """The DB instance runs on an EC2 instance of the account, so its interface is that instance's
    primary one: typed ``interface``, attached to the instance, not requester-managed, no
    description (module docstring). Not an RDS DB instance's ``amazon-rds`` interface, so the
    network model counts it as an ordinary workload that may call any service — rightly: the RDS
    Custom agent on the host calls Systems Manager, CloudWatch, EventBridge, Secrets Manager, S3 and
    EC2 from it."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    (eni,) = [e for e in snapshot.accounts[0].regions[0].network_interfaces
              if e.network_interface_id == ids["db_eni"]]
    assert (eni.interface_type, eni.instance_id, eni.requester_managed, eni.requester_id, eni.description) == (
        "interface", ids["db_instance"], False, None, "")
    assert eni.group_ids == (ids["db_sg"],)
    assert view.is_workload(eni)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["db_eni"]]


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 on eight endpoints, IFE003 (info). Silent, rightly:
    DNS001/DNS002 (both attributes on), DNS003 (private DNS on every interface endpoint),
    SG001-SG006 (443 from the DB instance's group into the endpoints, 443 out to anywhere from it),
    IFE001/IFE002 (every interface endpoint in both AZs of the DB subnet group), IFE003's required
    members (ssm and ssmmessages present), GWE001 (the one table carries the S3 route), GWE002
    (the S3 gateway endpoint exists), GWE003 (no DynamoDB use and no NAT gateway to pay), NAT rules
    (none), ACL001 (the default NACL), RT001 (no blackhole)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "session-manager:optional")] == "info"
    assert ("IFE003", ids["vpc"], "session-manager:required") not in levels


def test_near_miss_ssmmessages_endpoint_left_out() -> None:
    """Right, high: without ``ssmmessages`` the ``ec2messages`` endpoint starts IFE003's Session
    Manager / Run Command bundle and its required member is missing, with the DB subnet isolated.
    The instance profile's policy grants ``ssmmessages:CreateControlChannel`` and
    ``OpenControlChannel`` (the control channel SSM Agent 3.3.40.0 and later uses in place of
    ec2messages), and Systems Manager is how RDS Custom runs its automation on the host ("RDS
    Custom automation uses credentials from the service-linked role to run commands using AWS
    Systems Manager", "Security in Amazon RDS Custom"); the guide's template creates the
    endpoint. High is right: the subnet has no other way to the service."""
    snapshot, ids = _built(**NO_SSMMESSAGES)
    assert "ssmmessages" not in ids
    assert audit(snapshot) == _baseline(ids)
    levels = severities(snapshot)
    assert levels[("IFE003", ids["vpc"], "session-manager:required")] == "high"


@pytest.mark.parametrize("missing", ["secretsmanager", "sqs"])
def test_near_miss_rds_custom_endpoint_left_out(missing: str) -> None:
    """A gap, pinned: the audit is the canonical one less the missing endpoint's POL001. The guide
    lists Secrets Manager among the services the DB instance "communicates with" (the instance
    profile reads its ``do-not-delete-rds-custom-*`` secrets), and the instance profile's managed
    policy grants SQS actions (assumed needed without internet access); with neither a NAT gateway
    nor the endpoint, those calls time out and RDS Custom's automation fails or the instance
    leaves its support perimeter. IFE003 knows no RDS Custom bundle, and nothing in the snapshot
    marks the host as RDS Custom's (its ``AWSRDSCustom`` tag is on the instance, which is not
    collected): a bundle would need a trigger the network shows. Left to the catalogue."""
    snapshot, ids = _built(omit=(missing,))
    assert missing not in ids
    assert audit(snapshot) == _baseline(ids)
    assert ("IFE003", ids["vpc"], "session-manager:required") not in severities(snapshot)


def test_near_miss_second_subnet_without_the_s3_route() -> None:
    """Right, medium: the second DB subnet on its own table, which the S3 gateway endpoint was not
    given. A host placed there (the DB subnet group offers both subnets: a restore, a replica, a
    host replacement) cannot reach S3 at all — RDS Custom's backups and logs in the
    ``do-not-delete-rds-custom-*`` bucket, which the template routes through the gateway
    endpoint "associated with the PrivateSubnets". GWE001 names that subnet alone."""
    snapshot, ids = _built(**SECOND_TABLE)
    assert audit(snapshot) == _baseline(ids) | {("GWE001", ids["private2"], "fail")}
    assert severities(snapshot)[("GWE001", ids["private2"], "s3")] == "medium"


def test_near_miss_endpoints_admit_the_other_half_of_the_vpc() -> None:
    """Right, high: the endpoints' group admits TCP 443 from 10.0.0.0/17 only, where no subnet of
    the DB instance lies, instead of the DB instance's group. The guide: "If incoming connections
    aren't allowed, the RDS Custom instance can't connect to the AWS Systems Manager and Amazon EC2
    endpoints". SG003 on each of the nine interface endpoints; the S3 gateway endpoint has no
    group."""
    snapshot, ids = _built(**OTHER_HALF_ADMITTED)
    sg003 = {("SG003", ids[k], "fail") for k in INTERFACE_SERVICES}
    assert audit(snapshot) == _baseline(ids) | sg003
    groups = {g.group_id: g for g in snapshot.accounts[0].regions[0].security_groups}
    sources = {(x.cidr_ipv4, x.referenced_group_id) for x in groups[ids["endpoints_sg"]].rules
               if not x.is_egress and x.from_port == HTTPS}
    assert sources == {(OTHER_HALF, None)}
    assert {severities(snapshot)[("SG003", ids[k], "")] for k in INTERFACE_SERVICES} == {"high"}
