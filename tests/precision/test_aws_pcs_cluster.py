"""An AWS PCS Slurm cluster as the HPC Recipes' getting-started stack builds it, and the AWS PCS
User Guide's private form with the ``pcs`` interface endpoint: every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, region_view
from layouts import aws_pcs_cluster
from layouts.aws_pcs_cluster import REQUESTER_ID, SLURMCTLD, SLURMD

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
RESTRICTIVE = {"slurm_ports": "restrictive"}
NO_SLURMCTLD_PORT = {"slurm_ports": "no-6817"}
PRIVATE = {"private": True}
NO_PCS_ENDPOINT = {"private": True, "pcs_endpoint": False}
HARDENED = {"private": True, "slurm_ports": "restrictive", "cluster_egress": "self"}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return aws_pcs_cluster.build(**options)  # type: ignore[arg-type]


def _eni(snapshot: Snapshot, eni_id: str) -> r.NetworkInterface:
    return next(e for e in snapshot.accounts[0].regions[0].network_interfaces if e.network_interface_id == eni_id)


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the recipe creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _gateway_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the recipe's S3 and DynamoDB gateway endpoints carry an explicit
    allow-everything policy (``Principal: '*'``, ``Action: '*'``, ``Resource: '*'``)."""
    return {("POL001", ids["s3"], "fail"), ("POL001", ids["dynamodb"], "fail")}


def _pcs_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``pcs`` endpoint keeps AWS's default full access; the guide's
    "Create an endpoint policy" offers one granting PCS actions on the one cluster."""
    return {("POL001", ids["pcs"], "fail")}


def test_the_controller_interface_as_describe_network_interfaces_reports_it() -> None:
    """One cross-account interface in the cluster's subnet, in the cluster's group, typed
    ``interface`` (botocore has no PCS type), requester-managed, on no instance of the account
    (the rest assumed, module docstring). The network model counts it a workload, as it counts any
    undescribed ``interface``: harmless in the recipe's forms, wrong in the hardened one below."""
    snapshot, ids = _built()
    eni = _eni(snapshot, ids["controller"])
    assert (eni.subnet_id, eni.group_ids, eni.interface_type) == (ids["private1"], (ids["cluster_sg"],), "interface")
    assert (eni.requester_managed, eni.requester_id, eni.instance_id, eni.description) == (True, REQUESTER_ID, None, "")
    assert region_view(snapshot).is_workload(eni)


def test_findings_and_verdicts() -> None:
    """The recipe (NAT form, permissive cluster group): MON001, POL001 × 2. Silent, rightly:
    NAT001-NAT005 (a NAT gateway per AZ, each private table on its own AZ's), GWE001-GWE003 (both
    gateway endpoints on every table), IFE and SG001-SG006 (no interface endpoint), DNS001/DNS002
    (both on, as the guide requires), ACL001 (default NACL), RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids) | _gateway_policies(ids)


def test_restrictive_cluster_group() -> None:
    """The guide's restrictive group, TCP 6817 and 6818 from itself: the same audit."""
    snapshot, ids = _built(**RESTRICTIVE)
    assert audit(snapshot) == _flow_logs(ids) | _gateway_policies(ids)


def test_near_miss_cluster_group_without_slurmctld_port() -> None:
    """The restrictive group admitting TCP 6818 only: the controller reaches slurmd, but no node
    reaches slurmctld on 6817, so none registers and no job runs. A gap, pinned: the audit is the
    canonical one. No rule judges traffic between workloads, and the snapshot holds no PCS cluster:
    pcs:GetCluster's ``endpoints[]`` (type ``SLURMCTLD``, ``privateIpAddress``, ``port``) would say
    which interface must admit which port from the node groups' groups."""
    snapshot, ids = _built(**NO_SLURMCTLD_PORT)
    assert audit(snapshot) == _flow_logs(ids) | _gateway_policies(ids)
    group = next(g for g in snapshot.accounts[0].regions[0].security_groups if g.group_id == ids["cluster_sg"])
    ingress = {(x.from_port, x.referenced_group_id) for x in group.rules if not x.is_egress}
    assert ingress == {(SLURMD, ids["cluster_sg"])}
    assert SLURMCTLD not in {x.from_port for x in group.rules}


def test_private_form() -> None:
    """No internet gateway or NAT; the ``pcs`` endpoint in both private subnets, TCP 443 from the
    VPC: MON001, POL001 × 3. Silent, rightly: SG003/SG005 (every node and the controller reach
    443 through the cluster group's all-traffic egress), IFE001/IFE002 (two AZs, clients in one),
    DNS003 (private DNS on), GWE and NAT rules."""
    snapshot, ids = _built(**PRIVATE)
    assert audit(snapshot) == _flow_logs(ids) | _gateway_policies(ids) | _pcs_policy(ids)


def test_near_miss_private_form_without_pcs_endpoint() -> None:
    """No ``pcs`` endpoint and no internet path: instances cannot call
    RegisterComputeNodeGroupInstance ("you must configure a VPC endpoint"), so no node joins. A
    gap, pinned: only the endpoint's POL001 goes. Nothing in the snapshot says the instances are
    PCS nodes (no PCS record is collected), and IFE003's bundles know no PCS service."""
    snapshot, ids = _built(**NO_PCS_ENDPOINT)
    assert audit(snapshot) == _flow_logs(ids) | _gateway_policies(ids)
    assert "pcs" not in ids


def _hardened(ids: dict[str, str]) -> Triples:
    """Right, medium: with the cluster group's egress cut to itself, the compute node's other
    group lets out 10.3.0.0/16 only, so its S3 and DynamoDB traffic cannot take the gateway
    endpoints (SG005 on both of its groups)."""
    return {("SG005", ids["cluster_sg"], "fail"), ("SG005", ids["vpc_sg"], "fail")}


def test_hardened_cluster_group() -> None:
    """The private, restrictive form with the cluster group letting out to itself only."""
    snapshot, ids = _built(**HARDENED)
    assert audit(snapshot) == _flow_logs(ids) | _gateway_policies(ids) | _pcs_policy(ids) | _hardened(ids)


@pytest.mark.xfail(strict=True, reason="rule wrong: the PCS controller's interface is counted an endpoint client")
def test_controller_interface_should_not_be_an_endpoint_client() -> None:
    """SG005 on the cluster group names the controller's interface among the clients that cannot
    reach ``pcs``, S3 and DynamoDB. It calls none of them from the VPC: slurmctld and the
    components that launch instances and ship logs "run in an account managed by AWS", and the
    interface gives "connectivity from the scheduler software to Amazon EC2 instances". Only the
    compute node should be named."""
    snapshot, ids = _built(**HARDENED)
    finding = next(f for f in audit_result(snapshot).findings
                   if f.rule_id == "SG005" and f.resource.resource_id == ids["cluster_sg"])
    assert finding.evidence["workload_enis"] == [ids["compute"]]
