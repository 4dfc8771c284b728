"""An EKS cluster with private-only API access in cn-northwest-1, its nodes in isolated subnets behind
the interface and gateway endpoints the EKS User Guide's private-cluster page asks for, under the
China Region's endpoint service names: every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest
from aws_layout import audit, audit_result, severities
from layouts import china_eks_private_cluster as layout

from vpcaudit.snapshot.model import Snapshot

Triples = set[tuple[str, str, str]]
Built = tuple[Snapshot, dict[str, str]]
S3_ON_TWO_TABLES = {"s3_route_tables": 2}
CLUSTER_GROUP_ONLY = {"endpoint_source": "cluster_sg"}
LOGS_UNDER_CHINA_PREFIX = {"wrong_prefix": "logs"}
POLICY_ENDPOINTS = ("s3", *layout.INTERFACE_SERVICES)  # every service here supports endpoint policies


@cache
def _built(**options: object) -> Built:
    """One snapshot per variant: several tests read the same one."""
    return layout.build(**options)  # type: ignore[arg-type]


def _advice(ids: dict[str, str], *, absent: tuple[str, ...] = ()) -> Triples:
    """Right (advice), medium. POL001 on the S3 gateway endpoint and the seven interface endpoints:
    none is given a policy, so each keeps AWS's default full access (the fix's S3 statement names
    ``arn:aws-cn:`` buckets). MON001: no flow log."""
    return {("POL001", ids[key], "fail") for key in POLICY_ENDPOINTS if key not in absent} | {
        ("MON001", ids["vpc"], "fail")}


def test_the_region_lists_its_services_under_the_china_names() -> None:
    """The catalogue and the endpoints as DescribeVpcEndpointServices and DescribeVpcEndpoints list
    them in cn-northwest-1: ``cn.com.amazonaws.`` for ec2, ecr.api, ecr.dkr, sts and autoscaling,
    ``com.amazonaws.`` for logs, elasticloadbalancing and the S3 gateway; private DNS names and vpce
    names in ``amazonaws.com.cn``; no service left under a commercial-style name it does not carry."""
    snapshot, ids = _built()
    region = snapshot.accounts[0].regions[0]
    assert region.region == "cn-northwest-1"
    services = {s.service_name: s for s in region.endpoint_services}
    endpoints = {e.vpc_endpoint_id: e for e in region.vpc_endpoints}
    names = {key: endpoints[ids[key]].service_name for key in POLICY_ENDPOINTS}
    assert names == {
        "s3": "com.amazonaws.cn-northwest-1.s3",
        "ec2": "cn.com.amazonaws.cn-northwest-1.ec2",
        "ecr.api": "cn.com.amazonaws.cn-northwest-1.ecr.api",
        "ecr.dkr": "cn.com.amazonaws.cn-northwest-1.ecr.dkr",
        "sts": "cn.com.amazonaws.cn-northwest-1.sts",
        "autoscaling": "cn.com.amazonaws.cn-northwest-1.autoscaling",
        "logs": "com.amazonaws.cn-northwest-1.logs",
        "elasticloadbalancing": "com.amazonaws.cn-northwest-1.elasticloadbalancing",
    }
    assert set(names.values()) <= set(services)
    assert not {f"com.amazonaws.cn-northwest-1.{key}" for key in layout.CHINA_PREFIXED} & set(services)
    assert services[names["ecr.dkr"]].private_dns_names == ("*.dkr.ecr.cn-northwest-1.amazonaws.com.cn",)
    assert all(n.endswith(".amazonaws.com.cn") for s in services.values() for n in
               (*s.private_dns_names, *s.base_endpoint_dns_names))
    assert all(d.dns_name.endswith(".vpce.amazonaws.com.cn") for e in endpoints.values() for d in e.dns_entries)
    assert {p.prefix_list_name for p in region.prefix_lists} == {"com.amazonaws.cn-northwest-1.s3",
                                                                 "com.amazonaws.cn-northwest-1.dynamodb"}
    enis = [e for e in region.network_interfaces if e.interface_type == "vpc_endpoint"]
    assert len(enis) == 3 * len(layout.INTERFACE_SERVICES)
    assert {(e.requester_managed, e.group_ids, e.instance_id) for e in enis} == {(True, (ids["endpoint_sg"],), None)}


def test_findings_and_verdicts() -> None:
    """The canonical form: POL001 ×8 and MON001, advice. Silent, rightly: IFE003 (the ECR bundle
    complete under its China names, S3 routed on all three tables), SG001-SG006 (TCP 443 from the
    VPC's block, which holds every node; the nodes send everything), IFE001/IFE002 (three AZs),
    DNS001-DNS003, GWE001-GWE003 and NAT001-NAT003 (no route out, nothing pays NAT processing),
    ACL001, RT001. No finding carries a cost figure, so no CNY amount is printed."""
    snapshot, ids = _built()
    assert audit(snapshot) == _advice(ids)
    assert set(severities(snapshot).values()) == {"medium"}
    assert all(f.monthly_cost_usd is None for f in audit_result(snapshot).findings)


def test_near_miss_s3_gateway_route_missing_on_one_node_table() -> None:
    """The S3 gateway endpoint associated with the first two node tables only. Right: the third
    subnet's nodes get ECR manifests through ``cn.com.amazonaws.cn-northwest-1.ecr.dkr`` but the
    layers are S3 objects and the subnet has no route to S3 at all, so image pulls fail there
    (IFE003, high, that subnet alone); GWE001 (medium) names the same table. Both fixes add that
    route table to the existing endpoint."""
    snapshot, ids = _built(**S3_ON_TWO_TABLES)
    assert audit(snapshot) == _advice(ids) | {("GWE001", ids["private3"], "fail"), ("IFE003", ids["vpc"], "fail")}
    levels = severities(snapshot)
    assert (levels[("IFE003", ids["vpc"], "ecr:required")], levels[("GWE001", ids["private3"], "s3")]) == (
        "high", "medium")
    findings = {f.rule_id: f for f in audit_result(snapshot).findings if f.rule_id in ("IFE003", "GWE001")}
    assert findings["IFE003"].evidence["affected_subnet_ids"] == [ids["private3"]]
    for finding in findings.values():
        (step,) = finding.fix
        assert step.parameters == {"VpcEndpointId": ids["s3"], "AddRouteTableIds": [ids["private3_rt"]]}


def test_near_miss_endpoints_admit_only_the_cluster_group() -> None:
    """The endpoints' group admitting TCP 443 from EKS's cluster security group only, while the nodes,
    launched from a launch template naming ``private-cn-nodes``, do not carry it. Right: SG003, high,
    on all seven interface endpoints — the only members of the admitted group are the control plane's
    cross-account interfaces, which call no endpoint; the page asks for the subnets' CIDR or the node
    group. The fix admits 443 from the VPC's block, the page's first option."""
    snapshot, ids = _built(**CLUSTER_GROUP_ONLY)
    blocked = {("SG003", ids[key], "fail") for key in layout.INTERFACE_SERVICES}
    assert audit(snapshot) == _advice(ids) | blocked
    assert {severities(snapshot)[("SG003", ids[key], "")] for key in layout.INTERFACE_SERVICES} == {"high"}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "SG003")
    assert finding.evidence["member_only_sources"] == [ids["eks_sg"]]
    (step,) = finding.fix
    assert step.parameters["IpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]


def test_near_miss_ecr_dkr_requested_under_the_commercial_prefix() -> None:
    """``com.amazonaws.cn-northwest-1.ecr.dkr`` requested: CreateVpcEndpoint answers InvalidServiceName
    (eksctl#2568), so the account holds every endpoint but ecr.dkr. Right: IFE003, high, on all three
    isolated node subnets, and its fix creates the endpoint under the name the Region lists,
    ``cn.com.amazonaws.cn-northwest-1.ecr.dkr``, with the endpoints' group and private DNS."""
    options = {"wrong_prefix": "ecr.dkr"}
    snapshot, ids = _built(**options)
    assert audit(snapshot) == _advice(ids, absent=("ecr.dkr",)) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:required")] == "high"
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE003")
    assert finding.evidence["missing"] == ["ecr.dkr"]
    (step,) = finding.fix
    assert (step.action, step.parameters["ServiceName"], step.parameters["SecurityGroupIds"],
            step.parameters["PrivateDnsEnabled"]) == (
        "ec2:CreateVpcEndpoint", "cn.com.amazonaws.cn-northwest-1.ecr.dkr", [ids["endpoint_sg"]], True)


@pytest.mark.parametrize("key", ["ec2", "sts"])
def test_near_miss_ec2_or_sts_requested_under_the_commercial_prefix(key: str) -> None:
    """``com.amazonaws.cn-northwest-1.ec2`` (or ``.sts``) requested: that endpoint is never created.
    A gap, pinned: without ec2 the EKS optimized AMI cannot set the node's DNS name and the VPC CNI
    cannot attach interfaces, so the nodes do not become ready; without sts, IRSA and Cluster
    Autoscaler (which the page pairs with the autoscaling endpoint) get no credentials. IFE003 knows
    no EKS bundle, and the snapshot does not say whether IRSA is in use."""
    snapshot, ids = _built(wrong_prefix=key)
    assert key not in ids
    assert audit(snapshot) == _advice(ids, absent=(key,))


def test_near_miss_logs_requested_under_the_china_prefix() -> None:
    """``cn.com.amazonaws.cn-northwest-1.logs`` requested (every name given the China prefix): logs
    keeps ``com.amazonaws.`` in this Region, so CreateVpcEndpoint answers InvalidServiceName and the
    account holds every endpoint but logs. Right (advice): IFE003, info — the ECR bundle's optional
    logs endpoint, which the page asks for node and pod logs sent to CloudWatch Logs; the nodes'
    agents fail only on that."""
    snapshot, ids = _built(**LOGS_UNDER_CHINA_PREFIX)
    assert audit(snapshot) == _advice(ids, absent=("logs",)) | {("IFE003", ids["vpc"], "fail")}
    assert severities(snapshot)[("IFE003", ids["vpc"], "ecr:optional")] == "info"


def test_the_fix_for_the_missing_logs_endpoint_names_the_service_the_region_lists() -> None:
    """Rule was wrong, fixed. IFE003's fix created the missing member "beside a sibling endpoint"
    under "the same service-name form": it took the ecr.api endpoint's prefix and proposed
    ``cn.com.amazonaws.cn-northwest-1.logs`` — the very name the near miss failed with. The China
    Regions prefix some services only, and the Region's catalogue, which the snapshot holds, lists
    ``com.amazonaws.cn-northwest-1.logs``: the fix now takes that name."""
    snapshot, _ = _built(**LOGS_UNDER_CHINA_PREFIX)
    catalogue = {s.service_name for s in snapshot.accounts[0].regions[0].endpoint_services}
    finding = next(f for f in audit_result(snapshot).findings if f.rule_id == "IFE003")
    (step,) = finding.fix
    assert step.parameters["ServiceName"] == "com.amazonaws.cn-northwest-1.logs"
    assert step.parameters["ServiceName"] in catalogue
    assert "not in the Region's endpoint-service list" not in step.description


def test_without_the_catalogue_the_fix_builds_the_name_from_its_sibling_and_says_so() -> None:
    """The other side: a snapshot without the Region's endpoint-service list (the part denied, an
    older file) gives no name to take. The fix then builds one in the sibling's form, as before, and
    says it is unverified, rather than presenting a guess as the Region's name."""
    snapshot, _ = _built(**LOGS_UNDER_CHINA_PREFIX)
    region = snapshot.accounts[0].regions[0]
    account = replace(snapshot.accounts[0], regions=(replace(region, endpoint_services=()),))
    bare = replace(snapshot, accounts=(account,))
    finding = next(f for f in audit_result(bare).findings if f.rule_id == "IFE003")
    (step,) = finding.fix
    assert step.parameters["ServiceName"] == "cn.com.amazonaws.cn-northwest-1.logs"
    assert step.description.endswith("cn.com.amazonaws.cn-northwest-1.logs is unverified (the Region's "
                                      "endpoint-service list was not collected): check the name before applying")


def test_a_service_the_catalogue_does_not_list_is_said_to_be_missing_from_it() -> None:
    """And with the list collected but no ``logs`` interface service in it, the sibling's form is
    proposed with the list's own word against it."""
    snapshot, _ = _built(**LOGS_UNDER_CHINA_PREFIX)
    region = snapshot.accounts[0].regions[0]
    kept = tuple(s for s in region.endpoint_services if not s.service_name.endswith(".logs"))
    account = replace(snapshot.accounts[0], regions=(replace(region, endpoint_services=kept),))
    finding = next(f for f in audit_result(replace(snapshot, accounts=(account,))).findings if f.rule_id == "IFE003")
    (step,) = finding.fix
    assert step.parameters["ServiceName"] == "cn.com.amazonaws.cn-northwest-1.logs"
    assert step.description.endswith("cn.com.amazonaws.cn-northwest-1.logs is not in the Region's endpoint-service "
                                      "list: check the name before applying")
