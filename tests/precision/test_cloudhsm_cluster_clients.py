"""An AWS CloudHSM cluster with HSMs in private subnets of two AZs, a client instance carrying the
cluster's security group and a KMS custom key store connected to the cluster (AWS CloudHSM User
Guide, getting started and "Review cluster security group"; AWS KMS Developer Guide, "Connect an
AWS CloudHSM key store"): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from aws_layout import audit, region_view, severities
from layouts import cloudhsm_cluster_clients
from layouts.cloudhsm_cluster_clients import (
    CLUSTER_GROUP,
    HSM_IDS,
    HSM_PORTS,
    KMS_DESCRIPTION,
    KMS_GROUP,
    hsm_description,
)

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
CLIENT_WITHOUT_CLUSTER_GROUP = {"client_in_cluster_group": False}
ONE_HSM = {"hsm_azs": (1,)}
API_ENDPOINT = {"api_endpoint": True}
API_ENDPOINT_ONE_AZ = {"api_endpoint": True, "endpoint_azs": (1,)}


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return cloudhsm_cluster_clients.build(**options)  # type: ignore[arg-type]


def _service_interfaces(snapshot: Snapshot) -> dict[str, list[str]]:
    """The HSMs' and KMS's interfaces by kind, as their descriptions name them."""
    enis = snapshot.accounts[0].regions[0].network_interfaces
    return {"hsm": sorted(e.network_interface_id for e in enis if e.description.startswith("CloudHsm ENI ")),
            "kms": sorted(e.network_interface_id for e in enis if e.description == KMS_DESCRIPTION)}


def _flow_logs(ids: dict[str, str]) -> Triples:
    """Right, medium: neither guide creates a flow log."""
    return {("MON001", ids["vpc"], "fail")}


def _default_endpoint_policy(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the ``cloudhsmv2`` endpoint keeps AWS's default full access; the
    guide supports endpoint policies and gives one listing ``cloudhsm:`` actions."""
    return {("POL001", ids["cloudhsmv2"], "fail")}


def _endpoint_single_az(ids: dict[str, str]) -> Triples:
    """Right (advice), medium: the endpoint in us-east-1a only while the VPC has subnets in two AZs;
    the management API goes with that AZ (IFE001 judges the VPC's AZs, not its clients)."""
    return {("IFE001", ids["cloudhsmv2"], "fail")}


def _hsms_as_endpoint_clients(ids: dict[str, str]) -> Triples:
    """What SG005 said when the HSMs' interfaces read as workloads (rule wrong, fixed; now only
    where they are not described as CloudHSM's): the cluster's group, medium, because its only
    members besides the client — the HSMs' interfaces — may send nothing but TCP 2223-2225 to the group; they call no
    AWS API (the HSM "resides in a separate VPC" of CloudHSM's account, its ENI "is the interface
    for interacting with the HSM"). Its ready fix adds TCP 443 egress to a group whose rules the
    KMS guide says not to change."""
    return {("SG005", ids["cluster_sg"], "fail")}


def _b_interfaces_as_endpoint_clients(ids: dict[str, str]) -> Triples:
    """What IFE002 said when they read as workloads (rule wrong, fixed): medium, counting the second
    HSM's and KMS's interfaces in us-east-1b as
    clients in an AZ without the endpoint; the only caller of the API, the instance, is in a."""
    return {("IFE002", ids["cloudhsmv2"], "fail")}


def test_the_service_interfaces_as_describe_network_interfaces_reports_them() -> None:
    """One HSM interface per private subnet, in the cluster's group alone, described ``CloudHsm
    ENI <hsm-id>``; one KMS interface per private subnet, in ``kms-<cks-id>`` and the cluster's
    group, described ``KMS managed ENI for cluster <cluster-ID>``; all typed ``interface``,
    requester-managed, on no instance (descriptions: cloud-custodian and the KMS guide; the rest
    assumed, module docstring). The cluster's group admits and sends TCP 2223-2225 to itself only;
    ``kms-<cks-id>`` admits the cluster's group. The client instance carries the default group and
    the cluster's, as the guide has you attach it."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    enis = {e.network_interface_id: e for e in region.network_interfaces}
    hsms, kmss = (ids["hsm1"], ids["hsm2"]), (ids["kms1"], ids["kms2"])
    assert _service_interfaces(snapshot) == {"hsm": sorted(hsms), "kms": sorted(kmss)}
    assert [enis[h].description for h in hsms] == [hsm_description(h) for h in HSM_IDS]
    assert {(enis[e].subnet_id, enis[e].availability_zone_id) for e in (*hsms, *kmss)} == {
        (ids["private1"], "use1-az1"), (ids["private2"], "use1-az2")}
    assert {(e.interface_type, e.requester_managed, e.instance_id)
            for e in (enis[x] for x in (*hsms, *kmss))} == {("interface", True, None)}
    assert {enis[h].group_ids for h in hsms} == {(ids["cluster_sg"],)}
    assert {frozenset(enis[k].group_ids) for k in kmss} == {frozenset((ids["kms_sg"], ids["cluster_sg"]))}
    groups = {g.group_id: g for g in region.security_groups}
    low, high = HSM_PORTS
    assert groups[ids["cluster_sg"]].group_name == CLUSTER_GROUP
    assert {(x.is_egress, x.ip_protocol, x.from_port, x.to_port, x.referenced_group_id)
            for x in groups[ids["cluster_sg"]].rules} == {
        (False, "tcp", low, high, ids["cluster_sg"]), (True, "tcp", low, high, ids["cluster_sg"])}
    assert groups[ids["kms_sg"]].group_name == KMS_GROUP
    assert [x.referenced_group_id for x in groups[ids["kms_sg"]].rules if not x.is_egress] == [ids["cluster_sg"]]
    client = enis[ids["client"]]
    assert set(client.group_ids) == {ids["default_sg"], ids["cluster_sg"]}
    assert client.instance_id is not None and client.subnet_id == ids["public"]


def test_the_service_interfaces_are_not_workloads() -> None:
    """An HSM's interface only answers the HSM's clients on 2223-2225; KMS's interfaces carry KMS's
    own connection to the HSMs ("AWS KMS finds the associated AWS CloudHSM cluster, connects to
    it"). Neither calls an AWS API from the VPC; the one workload is the client instance. (The
    network model counted both as workloads, clients of every AWS service — the root of the two
    rule errors below: fixed, by their descriptions on no instance.)"""
    snapshot, ids = _built()
    view = region_view(snapshot)
    assert [e.network_interface_id for e in view.workload_enis(ids["vpc"])] == [ids["client"]]


def test_findings_and_verdicts() -> None:
    """The canonical form: MON001 only. Silent, rightly: every endpoint, policy and SG rule (no VPC
    endpoint; SG rules judge endpoints' groups and their clients' egress to them); GWE002/GWE003
    and the NAT rules (the client leaves by the internet gateway, which charges no processing;
    the private subnets have no way out and need none); DNS001-DNS005 (attributes on, no
    endpoint); ACL001 (default NACL); RT001."""
    snapshot, ids = _built()
    assert audit(snapshot) == _flow_logs(ids)
    assert severities(snapshot) == {("MON001", ids["vpc"], ""): "medium"}


def test_near_miss_client_without_the_cluster_group() -> None:
    """The cluster's group never attached to the client and no rule admitting the client's group:
    the cluster's group admits TCP 2223-2225 from itself only, so the client reaches no HSM and
    the CloudHSM client cannot connect. A gap, pinned: the audit is the canonical one. No rule
    judges reachability between two workloads' groups; SG003/SG005 judge VPC endpoints and their
    clients only, and the snapshot does not say which instance is meant to be the cluster's
    client."""
    snapshot, ids = _built(**CLIENT_WITHOUT_CLUSTER_GROUP)
    assert audit(snapshot) == _flow_logs(ids)
    region = snapshot.accounts[0].regions[0]
    client = next(e for e in region.network_interfaces if e.network_interface_id == ids["client"])
    assert client.group_ids == (ids["default_sg"],)
    cluster = next(g for g in region.security_groups if g.group_id == ids["cluster_sg"])
    assert {x.referenced_group_id for x in cluster.rules if not x.is_egress} == {ids["cluster_sg"]}


def test_near_miss_hsms_in_one_az() -> None:
    """One HSM, in us-east-1a: the cluster goes with that AZ, and the key store fails
    CreateCustomKeyStore and CreateKey, which need "at least two active HSMs, each in a different
    Availability Zone" (KMS API, CloudHsmClusterInvalidConfigurationException). A gap, pinned: the
    audit is the canonical one. The snapshot holds no CloudHSM cluster; the HSM interfaces' AZ
    spread is in it (by description, which AWS does not document), but no rule judges a managed
    cluster's AZ spread. KMS's interfaces stay in both subnets (one per subnet of the cluster)."""
    snapshot, ids = _built(**ONE_HSM)
    assert audit(snapshot) == _flow_logs(ids)
    view = region_view(snapshot)
    hsms = _service_interfaces(snapshot)["hsm"]
    assert [view.az_id_of(view.interfaces[h].subnet_id) for h in hsms] == ["use1-az1"]
    assert sorted(view.az_id_of(view.interfaces[k].subnet_id)
                  for k in _service_interfaces(snapshot)["kms"]) == ["use1-az1", "use1-az2"]


def test_api_endpoint() -> None:
    """Put to use: the guide's ``cloudhsmv2`` endpoint in both private subnets, admitting 443 from
    the default group, the client's: MON001 and POL001 (advice). SG003 is silent, rightly: the
    default group holds the client. (SG005 named the cluster's group, its HSM interfaces sending
    only 2223-2225, with a ready fix adding 443 egress to a group KMS says not to change: rule
    wrong, fixed.)"""
    snapshot, ids = _built(**API_ENDPOINT)
    assert audit(snapshot) == _flow_logs(ids) | _default_endpoint_policy(ids)


def test_api_endpoint_in_one_az() -> None:
    """The endpoint in us-east-1a's private subnet only: IFE001, advice (the VPC spans two AZs),
    beside MON001 and POL001; no IFE002, since the client instance is in us-east-1a. (IFE002 took
    the second HSM's and KMS's interfaces in us-east-1b for clients: rule wrong, fixed.)"""
    snapshot, ids = _built(**API_ENDPOINT_ONE_AZ)
    assert audit(snapshot) == _flow_logs(ids) | _default_endpoint_policy(ids) | _endpoint_single_az(ids)


def test_without_their_descriptions_they_read_as_workloads() -> None:
    """The other side: the same interfaces described otherwise are plain interfaces on no instance,
    workloads as any the snapshot cannot place, and the one-AZ endpoint's audit names them —
    IFE002 for "clients" in us-east-1b, SG005 on the cluster's group."""
    snapshot, ids = _built(**API_ENDPOINT_ONE_AZ)
    account = snapshot.accounts[0]
    region = account.regions[0]
    plain = replace(snapshot, accounts=(replace(account, regions=(replace(region, network_interfaces=tuple(
        replace(e, description="") if e.instance_id is None else e for e in region.network_interfaces)),)),))
    assert audit(plain) == (_flow_logs(ids) | _default_endpoint_policy(ids) | _endpoint_single_az(ids)
                            | _b_interfaces_as_endpoint_clients(ids) | _hsms_as_endpoint_clients(ids))
    view = region_view(plain)
    in_b = {e.network_interface_id for e in view.workload_enis(ids["vpc"]) if e.subnet_id == ids["private2"]}
    assert in_b == {ids["hsm2"], ids["kms2"]}
