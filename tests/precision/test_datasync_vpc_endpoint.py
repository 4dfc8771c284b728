"""AWS DataSync with an agent and a DataSync interface VPC endpoint (the DataSync User Guide's
"Using AWS DataSync in a virtual private cloud" and network requirements): every finding and its
verdict (docs/precision.md)."""

from __future__ import annotations

from functools import cache

import pytest
from aws_layout import audit, audit_result, severities
from layouts import datasync_vpc_endpoint
from layouts.datasync_vpc_endpoint import CONTROL_PORTS, DATA_PORT, TASK_ENIS

from vpcaudit.network.view import NetworkView
from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
TASKS = pytest.mark.parametrize("task", [False, True], ids=["no task", "a task created"])


@cache
def _build(task: bool = True, agent_egress: str = "default", endpoint_ingress: str = "guide",
           endpoint_egress: str = "default", tasks_collected: bool = True) -> tuple[Snapshot, dict[str, str]]:
    return datasync_vpc_endpoint.build(task=task, agent_egress=agent_egress, endpoint_ingress=endpoint_ingress,
                                       endpoint_egress=endpoint_egress, tasks_collected=tasks_collected)


def _flow_log(ids: dict[str, str]) -> Triples:
    """Right, medium: the guide creates no flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policies(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: both endpoints keep AWS's default full access. DataSync endpoints
    take policies since 2025-09-30 (the guide's document history, "Support added for VPC endpoint
    policies"); the S3 gateway endpoint always has."""
    return {("POL001", ids["datasync"], "fail"), ("POL001", ids["s3"], "fail")}


def _private_dns_off(ids: dict[str, str]) -> Triples:
    """Right (advice), info: DNS003 on the datasync endpoint, whose guide says "Make sure that you
    clear the Enable Private DNS Name check box"; the agent reaches the endpoint by its address
    (``PrivateLinkConfig.PrivateLinkEndpoint`` is an IPv4 address), never by the service's default
    name. Rule wrong, fixed: it asked for private DNS at medium; now a documented choice (info),
    as for API Gateway — SDK calls to DataSync's API from the VPC still take the public name."""
    return {("DNS003", ids["datasync"], "fail")}


def _usual(ids: dict[str, str]) -> Triples:
    return _flow_log(ids) | _default_endpoint_policies(ids) | _private_dns_off(ids)


def _message(snapshot: Snapshot, rule_id: str, resource_id: str) -> str:
    return next(f.message for f in audit_result(snapshot).findings
                if f.rule_id == rule_id and f.resource.resource_id == resource_id)


def test_the_snapshot_is_the_guide() -> None:
    """The builder against the guide: the endpoint in the agent's AZ, private DNS off, in the
    group admitting TCP 443 and 1024–1064 from the agent's address; four task interfaces in the
    endpoint's subnet with the same group (``PrivateLinkConfig``'s subnet and group), and the task
    as DescribeTask reports it, listing the four. The network model counts the task interfaces
    and the agent as workloads, and only the agent as a client of the datasync endpoint: the
    task's interfaces are DataSync's ("DataSync task", a client of no AWS service)."""
    snapshot, ids = _build()
    region = snapshot.accounts[0].regions[0]
    endpoint = next(e for e in region.vpc_endpoints if e.vpc_endpoint_id == ids["datasync"])
    assert (endpoint.service_name, endpoint.private_dns_enabled, endpoint.subnet_ids, endpoint.group_ids) \
        == ("com.amazonaws.us-east-1.datasync", False, (ids["endpoint_subnet"],), (ids["endpoint_sg"],))
    group = next(g for g in region.security_groups if g.group_id == ids["endpoint_sg"])
    agent_ip = next(i for i in region.network_interfaces if i.network_interface_id == ids["agent_eni"]) \
        .private_ip_addresses[0]
    assert sorted((x.from_port, x.to_port, x.cidr_ipv4) for x in group.rules if not x.is_egress) \
        == sorted([(DATA_PORT, DATA_PORT, f"{agent_ip}/32"), (*CONTROL_PORTS, f"{agent_ip}/32")])
    view = NetworkView.build(snapshot.accounts[0], region)
    tasks = [view.interfaces[ids[f"task_eni{n}"]] for n in range(1, TASK_ENIS + 1)]
    assert {(e.subnet_id, e.group_ids, e.requester_managed) for e in tasks} \
        == {(ids["endpoint_subnet"], (ids["endpoint_sg"],), True)}
    assert {e.network_interface_id for e in view.workload_enis(ids["vpc"])} \
        == {ids["agent_eni"], *(e.network_interface_id for e in tasks)}
    (task,) = region.datasync_tasks
    assert (task.task_arn, task.status) == (ids["task"], "AVAILABLE")
    assert task.network_interface_ids == tuple(sorted(e.network_interface_id for e in tasks))
    assert {view.managed_kind_of(e).name for e in tasks} == {"DataSync task"}  # type: ignore[union-attr]
    assert [e.network_interface_id for e in view.client_enis(ids["vpc"], "datasync")] == [ids["agent_eni"]]


@TASKS
def test_findings_and_verdicts_of_the_guide(task: bool) -> None:
    """MON001, POL001 × 2, DNS003 (info). Silent, rightly: SG002 (TCP 443 and 1024–1064 from the
    agent are DataSync's documented ports — rule wrong, fixed: it called the control ports extra,
    "the endpoint service(s) use only TCP 443"), IFE001 (an agent is bound to one endpoint address
    in its own AZ, ``SubnetArns`` "Fixed number of 1 item", and the guide asks for the agent's AZ
    "to avoid charges for network traffic between Availability Zones" — rule wrong, fixed: it asked
    for a second AZ), SG003 (443 from the agent's
    address admits the agent), SG005 (the agent sends all traffic; the task group too), IFE002
    (agent, endpoint and task interfaces in one AZ), GWE001 (the prefix-list route on every
    table), ACL001 (default NACL), IFE003 (no bundle), NAT rules (no NAT)."""
    snapshot, ids = _build(task=task)
    assert audit(snapshot) == _usual(ids)
    assert severities(snapshot)[("DNS003", ids["datasync"], "")] == "info"
    assert "a documented choice for DataSync agents" in _message(snapshot, "DNS003", ids["datasync"])


def test_near_miss_agent_sending_https_only_fires_sg005() -> None:
    """The agent's group sending TCP 443 alone (anywhere): the control connections to the endpoint
    ("DataSync agent → Your DataSync VPC endpoint, TCP 1024–1064") are dropped, activation and
    every task fail. Right: SG005 on the agent's group, naming 1024–1064; it saw TCP 443 reach the
    endpoint and stayed silent before (rule wrong, fixed: DataSync's ports are each required)."""
    snapshot, ids = _build(agent_egress="https")
    assert audit(snapshot) == _usual(ids) | {("SG005", ids["agent_sg"], "fail")}
    assert "no TCP 1024-1064 to interface endpoint" in _message(snapshot, "SG005", ids["agent_sg"])


def test_near_miss_endpoint_admitting_443_only_fires_sg003() -> None:
    """The endpoint's group admitting TCP 443 alone from the agent, as for any other service's
    endpoint: the agent's control connections are refused ("In the security group attached to the
    endpoints, configure inbound rules to allow the agent's private IP address to connect"). Right:
    SG003 (high) on the endpoint, naming 1024–1064; SG002 goes (nothing beyond 443 is admitted). It
    saw 443 open and stayed silent before (rule wrong, fixed)."""
    snapshot, ids = _build(endpoint_ingress="443")
    assert audit(snapshot) == _usual(ids) | {("SG003", ids["datasync"], "fail")}
    assert "on TCP 1024-1064" in _message(snapshot, "SG003", ids["datasync"])
    assert severities(snapshot)[("SG003", ids["datasync"], "")] == "high"


@TASKS
def test_near_miss_task_group_without_egress(task: bool) -> None:
    """The endpoint's and task interfaces' group with its egress rule revoked: the usual findings,
    with or without a task. Right: the task interfaces only answer the agent (security groups are
    stateful) and call no AWS service from the VPC (for an S3 location, "the DataSync service
    communicates directly with the S3 bucket"), so nothing is lost on the endpoint."""
    snapshot, ids = _build(task=task, endpoint_egress="none")
    assert audit(snapshot) == _usual(ids)


def test_task_interfaces_are_no_clients() -> None:
    """The task group without egress, the task recorded: SG005 is silent on it. Rule wrong, fixed:
    it fired (medium), counting the four interfaces as clients of the datasync endpoint; the
    snapshot now records the task as DescribeTask reports it (one paginated
    ``datasync:ListTasks`` per Region, one ``datasync:DescribeTask`` per task), whose
    ``DestinationNetworkInterfaceArns`` name them, and an interface a task lists is a client of no
    AWS service's endpoint."""
    snapshot, ids = _build(endpoint_egress="none")
    assert ("SG005", ids["endpoint_sg"], "fail") not in audit(snapshot)


def test_near_miss_tasks_not_collected_keeps_sg005_on_the_task_group() -> None:
    """ListTasks or DescribeTask denied: the snapshot cannot say whose the four interfaces are, so
    they stay clients of every service — SG005 on the task group without egress, medium, as
    before, rather than a silent pass on a group whose members may call the endpoint."""
    snapshot, ids = _build(endpoint_egress="none", tasks_collected=False)
    assert audit(snapshot) == _usual(ids) | {("SG005", ids["endpoint_sg"], "fail")}
    assert severities(snapshot)[("SG005", ids["endpoint_sg"], "")] == "medium"
