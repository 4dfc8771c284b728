"""An AWS ParallelCluster 3 Slurm cluster in a single subnet with no internet access, reaching AWS
through the VPC endpoints the user guide lists (AWS ParallelCluster User Guide, "AWS
ParallelCluster in a single subnet with no internet access"): every finding and its verdict
(docs/precision.md)."""

from __future__ import annotations

from functools import cache

from aws_layout import audit, region_view
from layouts import parallelcluster_no_internet
from layouts.parallelcluster_no_internet import EFA, HEAD_NODE_DESCRIPTION

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
LOGS_DROPPED = {"dropped": "logs"}
S3_DROPPED = {"dropped": "s3"}
HOSTNAMES_OFF = {"dns_hostnames": False}
DEFAULT_GROUP_NOT_GIVEN = {"additional_default_group": False}
POLICY_ENDPOINTS = ("logs", "ec2", "s3", "dynamodb")


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return parallelcluster_no_internet.build(**options)  # type: ignore[arg-type]


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: nothing in the layout creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _full_access_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: every endpoint keeps AWS's default full-access policy. The guide
    makes endpoint policies optional ("When you use IAM policies to restrict access to VPC
    endpoints", then the S3 endpoint must allow ``s3:PutObject`` on
    ``cloudformation-waitcondition-<region>/*``). The ``cloudformation`` endpoint is not judged:
    the fixtures' service catalogue records its service without endpoint-policy support."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS if key in ids}


def _shared_default_group(ids: dict[str, str]) -> Triples:
    """Right (advice), low: the endpoints carry the VPC's default group, whose self-referencing
    rule admits all traffic, where the services use TCP 443 only. It is the guide's own recipe
    (endpoints created without a group, the default group given to the head node and the queue as
    ``AdditionalSecurityGroups``); the rule rightly names the group as shared with workloads and
    does not narrow it (its members talk through that rule). A dedicated endpoint group admitting
    443 from ``HeadNodeSecurityGroup`` and ``ComputeSecurityGroup`` — the guide's other option,
    "custom security groups … enable communication between the cluster and the VPC endpoints" —
    is tighter."""
    return {("SG002", ids["default_sg"], "fail")}


def _baseline(ids: dict[str, str]) -> Triples:
    return _flow_logs(ids) | _full_access_policies(ids) | _shared_default_group(ids)


def test_the_cluster_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """The head node's interface (CloudFormation's ``HeadNodeENI``, described "AWS ParallelCluster
    head node interface") and two compute nodes', one typed ``efa`` (botocore's enum), all on
    instances and not requester-managed; the network model counts all three as workloads, so the
    endpoint and security group rules judge them as the endpoints' clients."""
    snapshot, ids = _built()
    view = region_view(snapshot)
    enis = {e.network_interface_id: e for e in snapshot.accounts[0].regions[0].network_interfaces}
    head, efa, std = (enis[ids[key]] for key in ("head_eni", "efa_eni", "std_eni"))
    assert head.description == HEAD_NODE_DESCRIPTION
    assert (efa.interface_type, std.interface_type, head.interface_type) == (EFA, "interface", "interface")
    assert all(e.instance_id and not e.requester_managed for e in (head, efa, std))
    assert head.group_ids == tuple(sorted((ids["head_sg"], ids["default_sg"])))
    assert efa.group_ids == tuple(sorted((ids["compute_sg"], ids["default_sg"])))
    assert sorted(e.network_interface_id for e in view.workload_enis(ids["vpc"])) == sorted(
        ids[key] for key in ("head_eni", "efa_eni", "std_eni"))


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001, POL001 ×4, SG002 on the default group. Silent, rightly: SG003
    (the default group admits its own members, the head node and compute nodes among them),
    SG005 (``ComputeSecurityGroupNormalEgress`` and the head node's default egress send all
    traffic anywhere), GWE001 (the subnet's table routes both prefix lists to the gateway
    endpoints), GWE002/GWE003 (no NAT path: both gateway endpoints exist), DNS001-DNS003 (both
    attributes and private DNS on), IFE001/IFE002 (the VPC has one AZ, the endpoints' and the
    nodes'), IFE003 (no bundle of its list is started), NAT and RT rules (no gateway, no
    blackhole)."""
    snapshot, ids = _built()
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_logs_endpoint_dropped() -> None:
    """The guide's table followed except the ``logs`` interface endpoint: in a subnet without a
    route beyond the VPC the nodes' CloudWatch agent cannot deliver the cluster's logs. A gap,
    pinned: the audit is the canonical one less that endpoint's POL001. IFE003's bundles
    (Session Manager, ECR, ECS, Synthetics) hold none for ParallelCluster, though the head node's
    interface is recognisable by its description; leaving out ``cloudformation`` or ``ec2`` is
    equally silent."""
    snapshot, ids = _built(**LOGS_DROPPED)
    assert "logs" not in ids
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_s3_gateway_endpoint_dropped() -> None:
    """The ``s3`` gateway endpoint left out: the subnet has no route to S3 at all, so the nodes'
    S3 calls (the cluster's configuration in its S3 bucket, the ``cloudformation-waitcondition``
    bucket the guide's policy note names) fail. A gap, pinned: GWE001 judges only routes to an
    existing gateway endpoint, and GWE002 counts subnets whose S3 traffic leaves through NAT or a
    transit gateway (the cost case), not isolated ones."""
    snapshot, ids = _built(**S3_DROPPED)
    assert "s3" not in ids
    assert audit(snapshot) == _baseline(ids)


def test_near_miss_dns_hostnames_off() -> None:
    """``enableDnsHostnames`` off. Right, high: DNS002 on the VPC. The guide requires "DNS
    Resolution = yes, DNS Hostnames = yes", and private DNS of the interface endpoints needs both
    attributes: the service names may resolve to public addresses the subnet cannot reach."""
    snapshot, ids = _built(**HOSTNAMES_OFF)
    assert audit(snapshot) == _baseline(ids) | {("DNS002", ids["vpc"], "fail")}


def test_near_miss_cluster_not_given_the_default_group() -> None:
    """The endpoints created without a group (the default group), but the default group not given
    to the cluster as ``AdditionalSecurityGroups``. Right, high: SG003 on the three interface
    endpoints — reachable only from members of the default group, which no workload carries, so
    the head node and compute nodes (ParallelCluster's managed groups only) are refused on 443.
    SG002 stays (now medium: no workload shares the group)."""
    snapshot, ids = _built(**DEFAULT_GROUP_NOT_GIVEN)
    refused = {("SG003", ids[key], "fail") for key in ("logs", "cloudformation", "ec2")}
    assert audit(snapshot) == _baseline(ids) | refused
