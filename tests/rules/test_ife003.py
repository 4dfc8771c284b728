"""IFE003 endpoint-bundle-incomplete."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace

import pytest
from builders import REGION, RegionBuilder, standard_vpc
from policy_eval import allows
from rulecheck import findings, fix_of, triples

from vpcaudit.engine.rule import Status
from vpcaudit.rules.ife.ife003_endpoint_bundle_incomplete import endpoint_bundle_incomplete as rule
from vpcaudit.snapshot.model import Part, Snapshot

ID = "IFE003"
SSM_ALL = ("ssm", "ssmmessages", "ec2messages", "kms", "logs")


def _isolated(keys: Iterable[str], *, s3_gateway_tables: int | None = None) -> tuple[RegionBuilder, str]:
    """A VPC of three private subnets with workloads and no default route (isolated)."""
    b = RegionBuilder()
    vpc = b.vpc(name="isolated")
    subnets, tables = [], []
    for az in (1, 2, 3):
        subnet = b.subnet(vpc, f"10.0.{az}.0/24", az=az)
        tables.append(b.route_table(vpc, subnets=[subnet]))
        b.workload(subnet)
        subnets.append(subnet)
    for key in keys:
        b.interface_endpoint(vpc, key, subnets=subnets)
    if s3_gateway_tables is not None:
        b.gateway_endpoint(vpc, "s3", route_tables=tables[:s3_gateway_tables])
    return b, vpc


def _with_nat(keys: Iterable[str]) -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    ids = standard_vpc(b)
    for key in keys:
        b.interface_endpoint(ids["vpc"], key, subnets=ids["private"])
    return b, str(ids["vpc"])


Case = Callable[[], tuple[RegionBuilder, str]]


def _ssm_alone() -> tuple[RegionBuilder, str]:
    return _isolated(["ssm"])  # ssm alone (Parameter Store) does not trigger the bundle


def _ssmmessages_without_ssm_isolated() -> tuple[RegionBuilder, str]:
    return _isolated(["ssmmessages", "ec2messages", "kms", "logs"])


def _ssmmessages_without_ssm_nat() -> tuple[RegionBuilder, str]:
    return _with_nat(["ssmmessages", "ec2messages", "kms", "logs"])


def _ssm_complete() -> tuple[RegionBuilder, str]:
    return _isolated(SSM_ALL)


def _ssm_without_optionals() -> tuple[RegionBuilder, str]:
    return _isolated(["ssm", "ssmmessages"])


def _ssm_region_mismatch() -> tuple[RegionBuilder, str]:
    b, vpc = _isolated(["ssmmessages", "ec2messages", "kms", "logs"])
    subnet = min(s for s in b.subnets)
    # A cross-Region ssm endpoint does not serve this Region's agents.
    b.service("ssm", name="com.amazonaws.us-west-2.ssm")
    b.interface_endpoint(vpc, "ssm", subnets=[subnet], service_name="com.amazonaws.us-west-2.ssm")
    return b, vpc


def _ecr_complete() -> tuple[RegionBuilder, str]:
    return _isolated(["ecr.dkr", "ecr.api", "logs"], s3_gateway_tables=3)


def _ecr_with_s3_interface_only() -> tuple[RegionBuilder, str]:
    return _isolated(["ecr.dkr", "ecr.api", "logs", "s3"])


def _ecr_gateway_on_two_of_three_tables() -> tuple[RegionBuilder, str]:
    return _isolated(["ecr.dkr", "ecr.api", "logs"], s3_gateway_tables=2)


def _ecr_dkr_only() -> tuple[RegionBuilder, str]:
    return _isolated(["ecr.dkr", "logs"], s3_gateway_tables=3)


def _ecs_fargate_only() -> tuple[RegionBuilder, str]:
    return _isolated(["ecs"])


def _ecs_agent_without_ecs_nat() -> tuple[RegionBuilder, str]:
    return _with_nat(["ecs-agent", "ecs-telemetry"])


def _shared_client_subnet() -> tuple[RegionBuilder, str]:
    b, vpc = _with_nat(["ssmmessages", "ec2messages", "kms", "logs"])
    shared = b.subnet(vpc, "10.0.50.0/24", az=1, owner_id="222222222222")
    b.workload(shared)
    return b, vpc


def _no_workloads_isolated() -> tuple[RegionBuilder, str]:
    b, vpc = _isolated(["ssmmessages", "ec2messages", "kms", "logs"])
    for eni_id in [e for e, eni in b.enis.items() if eni.interface_type == "interface"]:
        del b.enis[eni_id]
    return b, vpc


def _tgw_egress() -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    vpc = b.vpc()
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": "tgw-0001"})
    b.workload(subnet)
    for key in ("ssmmessages", "ec2messages", "kms", "logs"):
        b.interface_endpoint(vpc, key, subnets=[subnet])
    return b, vpc


def _behind_private_nat(onward: str | None) -> tuple[RegionBuilder, str]:
    """Workloads in a non-routable CIDR behind a private NAT gateway, whose subnet routes to ``onward``."""
    b = RegionBuilder()
    vpc = b.vpc("10.0.0.0/16", extra_cidrs=["100.64.0.0/16"])
    nat_subnet = b.subnet(vpc, "10.0.0.0/24")
    b.route_table(vpc, subnets=[nat_subnet], routes={"0.0.0.0/0": onward} if onward else {})
    subnet = b.subnet(vpc, "100.64.1.0/24")
    b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": b.nat(nat_subnet, connectivity="private")})
    b.workload(subnet)
    for key in ("ssmmessages", "ec2messages", "kms", "logs"):
        b.interface_endpoint(vpc, key, subnets=[subnet])
    return b, vpc


def _ipv6_egress_only(*, ipv6_native: bool) -> tuple[RegionBuilder, str]:
    # An egress-only IGW carries IPv6 only: it is internet egress for IPv6-only subnets alone.
    b = RegionBuilder()
    vpc = b.vpc(ipv6_cidrs=["2600:1f18:1:100::/56"])
    subnet = b.subnet(vpc, "10.0.1.0/24", ipv6_cidrs=["2600:1f18:1:101::/64"])
    b.subnets[subnet] = replace(b.subnets[subnet], ipv6_native=ipv6_native)
    b.route_table(vpc, subnets=[subnet], routes={"::/0": b.eigw(vpc)})
    b.workload(subnet)
    for key in ("ssmmessages", "ec2messages", "kms", "logs"):
        b.interface_endpoint(vpc, key, subnets=[subnet])
    return b, vpc


NE = "not_evaluated"
CASES: list[tuple[str, Case, set[tuple[str, str]]]] = [
    ("ssm alone does not trigger", _ssm_alone, set()),
    ("isolated, ssm missing: high", _ssmmessages_without_ssm_isolated, {("session-manager:required", "high")}),
    ("NAT egress, ssm missing: medium", _ssmmessages_without_ssm_nat, {("session-manager:required", "medium")}),
    ("complete SSM bundle", _ssm_complete, set()),
    ("optional members missing: info", _ssm_without_optionals, {("session-manager:optional", "info")}),
    ("cross-Region ssm does not count", _ssm_region_mismatch, {("session-manager:required", "high")}),
    ("complete ECR bundle", _ecr_complete, set()),
    ("S3 interface endpoint does not serve ECR layers", _ecr_with_s3_interface_only, {("ecr:required", "high")}),
    ("S3 gateway not routed for one client subnet", _ecr_gateway_on_two_of_three_tables,
     {("ecr:required", "high")}),
    ("ecr.dkr without ecr.api", _ecr_dkr_only, {("ecr:required", "high")}),
    ("ecs alone (Fargate) does not trigger", _ecs_fargate_only, set()),
    ("ECS agent endpoints without ecs", _ecs_agent_without_ecs_nat, {("ecs:required", "medium")}),
    ("RAM-shared client subnet cannot be classified", _shared_client_subnet, {("session-manager:required", NE)}),
    ("no workloads yet: private subnets stand in, nobody is broken yet", _no_workloads_isolated,
     {("session-manager:required", "medium")}),
    ("TGW egress counts as internet egress", _tgw_egress, {("session-manager:required", "medium")}),
    ("behind a private NAT gateway routed on to a TGW: not isolated", lambda: _behind_private_nat("tgw-0001"),
     {("session-manager:required", "medium")}),
    ("behind a private NAT gateway routed nowhere: isolated", lambda: _behind_private_nat(None),
     {("session-manager:required", "high")}),
    ("IPv4 clients behind an egress-only IGW are isolated", lambda: _ipv6_egress_only(ipv6_native=False),
     {("session-manager:required", "high")}),
    ("IPv6-only clients reach out through the egress-only IGW", lambda: _ipv6_egress_only(ipv6_native=True),
     {("session-manager:required", "medium")}),
]


@pytest.mark.parametrize(("build", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_cases(build: Case, expected: set[tuple[str, str]]) -> None:
    b, vpc = build()
    snapshot = b.snapshot()
    statuses = {"not_evaluated" if sev == NE else "fail" for _, sev in expected}
    assert triples(rule, snapshot) == {(ID, vpc, s) for s in statuses}
    got = {(f.discriminator, NE if f.status is Status.NOT_EVALUATED else f.severity.value)
           for f in findings(rule, snapshot)}
    assert got == expected


def test_not_evaluated_without_network_interfaces() -> None:
    b, _ = _ssmmessages_without_ssm_isolated()
    snapshot: Snapshot = b.snapshot(missing=[Part.NETWORK_INTERFACES])
    assert triples(rule, snapshot) == {(ID, REGION, "not_evaluated")}


def test_messages_name_members_subnets_and_caveats() -> None:
    b, vpc = _ssmmessages_without_ssm_isolated()
    (finding,) = findings(rule, b.snapshot())
    assert finding.message.startswith(f"VPC {vpc} has Session Manager / Run Command endpoints (ec2messages, "
                                      "ssmmessages) but is missing ssm")
    assert "isolated (no internet egress)" in finding.message
    assert finding.evidence["missing"] == ["ssm"]
    assert len(finding.evidence["isolated_subnet_ids"]) == 3

    b, _ = _ssm_without_optionals()
    (info,) = findings(rule, b.snapshot())
    assert "ec2messages: required only for SSM Agent older than 3.3.40.0" in info.message

    b, _ = _ecr_dkr_only()
    (ecr,) = findings(rule, b.snapshot())
    assert "ecr.api (Fargate platform version 1.3.0 or earlier needs only ecr.dkr)" in ecr.message

    b, _ = _ecr_gateway_on_two_of_three_tables()
    (gw,) = findings(rule, b.snapshot())
    third = max(s for s in b.subnets)
    assert gw.evidence["affected_subnet_ids"] == [third]
    assert "an S3 interface endpoint does not serve them" in gw.message

    b, _ = _no_workloads_isolated()
    (assumed,) = findings(rule, b.snapshot())
    assert "no workload ENIs found" in assumed.message and assumed.evidence["clients_assumed"] is True
    assert "will be broken for the first workload placed there" in assumed.message

    b, _ = _tgw_egress()
    (tgw,) = [f for f in findings(rule, b.snapshot()) if f.severity.value == "medium"]
    assert "transit gateway" in tgw.message



def test_attachment_subnets_do_not_stand_in_for_clients() -> None:
    b, vpc = _with_nat(["ssmmessages", "ec2messages", "kms", "logs"])
    b.enis = {k: v for k, v in b.enis.items() if v.interface_type != "interface"}  # no workload yet
    attach = [b.subnet(vpc, f"10.0.{240 + az}.0/28", az=az) for az in (1, 2)]
    b.route_table(vpc, subnets=attach)  # isolated: the attachment only forwards
    b.tgw_attachment(vpc, "tgw-0abc", attach)
    (finding,) = [f for f in findings(rule, b.snapshot()) if f.discriminator == "session-manager:required"]
    assert not set(attach) & set(finding.evidence["affected_subnet_ids"])
    assert finding.evidence["isolated_subnet_ids"] == []


def test_fix_creates_the_missing_member_beside_its_sibling() -> None:
    b, vpc = _ssmmessages_without_ssm_isolated()
    b.service("ssm")  # AWS lists every service of the Region, used or not: policy support is known
    sibling = next(e for e in b.endpoints.values() if e.service_name.endswith(".ec2messages"))
    [(action, parameters, phase, ready)] = fix_of(rule, b.snapshot(), vpc)
    assert (action, phase, ready) == ("ec2:CreateVpcEndpoint", "create", True)
    assert {k: v for k, v in parameters.items() if k != "PolicyDocument"} == {
        "VpcId": vpc, "VpcEndpointType": "Interface", "ServiceName": f"com.amazonaws.{REGION}.ssm",
        "SubnetIds": list(sibling.subnet_ids), "SecurityGroupIds": list(sibling.group_ids), "PrivateDnsEnabled": True}
    assert "aws:PrincipalAccount" in parameters["PolicyDocument"]


def test_fix_routes_the_s3_gateway_for_ecr_and_asks_about_optional_members() -> None:
    b, vpc = _isolated(["ecr.dkr", "ecr.api"], s3_gateway_tables=2)
    gateway = next(e for e in b.endpoints.values() if e.endpoint_type == "Gateway")
    missing_table = sorted(t.route_table_id for t in b.route_tables.values() if t.vpc_id == vpc and not t.is_main
                           and t.route_table_id not in gateway.route_table_ids)
    [finding] = [f for f in findings(rule, b.snapshot()) if f.discriminator == "ecr:required"]
    assert [(s.action, s.parameters, s.ready) for s in finding.fix] == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": gateway.vpc_endpoint_id, "AddRouteTableIds": missing_table},
         True)]
    [optional] = [f for f in findings(rule, b.snapshot()) if f.discriminator == "ecr:optional"]
    assert [(s.parameters["ServiceName"], s.ready) for s in optional.fix] == [(f"com.amazonaws.{REGION}.logs", False)]


def test_ecr_fix_creates_an_s3_gateway_whose_policy_admits_the_layer_downloads() -> None:
    """The S3 gateway endpoint "which serves ECR image layers": ECR hands out layer URLs presigned
    by an ECR account, so the policy must let another account's principal read the layer bucket
    of this Region (read only), or the first pull through the new route fails."""
    b, _ = _isolated(["ecr.dkr", "ecr.api"])
    [finding] = [f for f in findings(rule, b.snapshot()) if f.discriminator == "ecr:required"]
    [create] = [s for s in finding.fix if s.parameters.get("VpcEndpointType") == "Gateway"]
    document = create.parameters["PolicyDocument"]
    ecr_account = {"aws:PrincipalAccount": "222222222222"}
    layer = f"arn:aws:s3:::prod-{REGION}-starport-layer-bucket/sha256/0a1b2c"
    assert allows(document, "s3:GetObject", layer, ecr_account)
    assert not allows(document, "s3:PutObject", layer, ecr_account)
    assert not allows(document, "s3:GetObject", "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/x", ecr_account)
    assert not allows(document, "s3:GetObject", "arn:aws:s3:::someone-elses-bucket/x", ecr_account)


def test_missing_interface_member_keeps_the_one_statement_policy() -> None:
    b, vpc = _ssmmessages_without_ssm_isolated()
    b.service("ssm")
    [(_, parameters, _, _)] = fix_of(rule, b.snapshot(), vpc)
    assert [s["Sid"] for s in json.loads(parameters["PolicyDocument"])["Statement"]] == ["ThisAccountOnly"]


# A DB instance's ENI as DescribeNetworkInterfaces reports it (RDS, Aurora).
DB_INSTANCE = {"requester_managed": True, "requester_id": "amazon-rds", "description": "RDSNetworkInterface"}


def test_db_instances_are_no_clients_of_session_manager() -> None:
    """The isolated VPC's only workloads are DB instances, which open no session: the private
    subnets stand in for clients and nobody is broken yet (medium), as before any workload."""
    b, vpc = _ssmmessages_without_ssm_isolated()
    for eni_id, eni in list(b.enis.items()):
        if eni.interface_type == "interface" and not eni.requester_managed:
            b.enis[eni_id] = replace(eni, **DB_INSTANCE)  # type: ignore[arg-type]
    (finding,) = findings(rule, b.snapshot())
    assert (finding.resource.resource_id, finding.discriminator, finding.severity.value) \
        == (vpc, "session-manager:required", "medium")
    assert finding.evidence["clients_assumed"] is True
    assert "no workload ENI that may use it" in finding.message


# -- ECS Exec: Session Manager started with ssmmessages alone in a VPC running ECS -----------------

ECS_TASK = "arn:aws:ecs:us-east-1:123456789012:attachment/0f2e4c6a-8b1d-4e3f-9a5c-7d6b8e9f0a01"


def _levels(b: RegionBuilder) -> dict[str, str]:
    return {f.discriminator: f.severity.value for f in findings(rule, b.snapshot())
            if f.discriminator.startswith("session-manager")}


@pytest.mark.parametrize("keys", [("ssmmessages", "ecs-agent", "ecs-telemetry", "ecs"), ("ssmmessages",)],
                         ids=["ECS endpoints", "Fargate task interfaces"])
@pytest.mark.parametrize("instance", [False, True], ids=["no EC2 instance", "an EC2 instance"])
def test_ecs_exec_needs_ssmmessages_only(keys: tuple[str, ...], instance: bool) -> None:
    """The ECS Exec page's task role calls the ssmmessages channel actions alone: a missing ssm is
    info there, not a broken feature — and offered only where an EC2 instance runs (it may be a
    managed node); with none, neither ssm nor ec2messages is (only kms and logs)."""
    b, _ = _isolated(keys)
    if keys == ("ssmmessages",):
        b.workload(next(iter(b.subnets)), requester_managed=True, description=ECS_TASK)
    if instance:
        eni = b.workload(next(iter(b.subnets)))
        b.enis[eni] = replace(b.enis[eni], instance_id="i-0a1b2c3d4e5f60718")
    assert _levels(b) == {"session-manager:optional": "info"}
    (finding,) = [f for f in findings(rule, b.snapshot()) if f.discriminator == "session-manager:optional"]
    assert "ECS Exec / Session Manager" in finding.message
    missing = set(finding.evidence["missing"])  # type: ignore[arg-type]
    assert missing == ({"ssm", "ec2messages", "kms", "logs"} if instance else {"kms", "logs"})


def test_ssmmessages_alone_without_ecs_is_still_a_broken_session_manager() -> None:
    b, _ = _isolated(["ssmmessages"])
    assert _levels(b)["session-manager:required"] == "high"


def test_ec2messages_beside_ecs_means_managed_instances_need_ssm() -> None:
    b, _ = _isolated(["ssmmessages", "ec2messages", "ecs-agent", "ecs-telemetry", "ecs"])
    assert _levels(b)["session-manager:required"] == "high"


def test_image_pulls_are_judged_where_the_node_pulls_not_where_its_pods_sit() -> None:
    """EKS custom networking: the node's primary interface in a subnet routed to the S3 gateway
    endpoint, the VPC CNI's secondary interface (``aws-K8S-<instance>``) in a pod subnet without
    the route. The container runtime pulls from the node's interface: the bundle is complete."""
    b = RegionBuilder()
    vpc = b.vpc(name="isolated")
    node_subnet, pod_subnet = b.subnet(vpc, "10.0.1.0/24", az=1), b.subnet(vpc, "10.0.2.0/24", az=1)
    node_table = b.route_table(vpc, subnets=[node_subnet])
    b.route_table(vpc, subnets=[pod_subnet])
    node = b.workload(node_subnet)
    pod = b.workload(pod_subnet, description="aws-K8S-i-0123456789abcdef0")
    for eni in (node, pod):
        b.enis[eni] = replace(b.enis[eni], instance_id="i-0123456789abcdef0")
    for key in ("ecr.dkr", "ecr.api"):
        b.interface_endpoint(vpc, key, subnets=[node_subnet, pod_subnet])
    b.gateway_endpoint(vpc, "s3", route_tables=[node_table])
    assert not [f for f in findings(rule, b.snapshot()) if f.discriminator == "ecr:required"]
    # Without the node's own interface in the snapshot, the pod's subnet is the only client: judged.
    del b.enis[node]
    assert [f.severity.value for f in findings(rule, b.snapshot()) if f.discriminator == "ecr:required"] == ["high"]


# -- clients in a public subnet without a public IPv4 address --------------------------------------

PUBLIC_IP = ("203.0.113.10",)


def _fargate_tasks_in_a_public_subnet(*addresses: tuple[str, ...] | None,
                                      ipv6_route: bool = False) -> tuple[RegionBuilder, str, str]:
    """ECS tasks on Fargate (one per entry of ``addresses``, their public IPv4 addresses) in a
    subnet sending 0.0.0.0/0 to an internet gateway, with ecr.api, ecr.dkr and logs but no S3
    gateway endpoint: the image layers leave through the internet gateway, or nowhere."""
    b = RegionBuilder()
    vpc = b.vpc(ipv6_cidrs=["2600:1f18:1:100::/56"] if ipv6_route else ())
    subnet = b.subnet(vpc, "10.0.1.0/24", ipv6_cidrs=["2600:1f18:1:101::/64"] if ipv6_route else ())
    igw = b.igw(vpc)
    b.route_table(vpc, subnets=[subnet], routes={"0.0.0.0/0": igw, **({"::/0": igw} if ipv6_route else {})})
    for public in addresses:
        task = b.workload(subnet, requester_managed=True, description=ECS_TASK)
        b.enis[task] = replace(b.enis[task], public_ip_addresses=public)
    for key in ("ecr.dkr", "ecr.api", "logs"):
        b.interface_endpoint(vpc, key, subnets=[subnet])
    return b, vpc, subnet


def _ecr_required(b: RegionBuilder) -> list[tuple[str, str]]:
    return [(f.severity.value, f.message) for f in findings(rule, b.snapshot()) if f.discriminator == "ecr:required"]


def test_tasks_without_a_public_address_in_a_public_subnet_are_isolated() -> None:
    """``assignPublicIp`` DISABLED in a public subnet: the internet gateway carries IPv4 only for
    an interface with a public IPv4 address, so the layers' S3 traffic goes nowhere and every pull
    fails (ECS: "When using a public subnet, you can assign a public IP address to the task ENI")."""
    b, _, subnet = _fargate_tasks_in_a_public_subnet((), ())
    [(severity, message)] = _ecr_required(b)
    assert severity == "high"
    assert f"no public IPv4 address on the clients in public subnet(s) {subnet}" in message
    [finding] = [f for f in findings(rule, b.snapshot()) if f.discriminator == "ecr:required"]
    assert finding.evidence["no_public_address_subnet_ids"] == [subnet]


@pytest.mark.parametrize("addresses", [(PUBLIC_IP,), (None,), ((), PUBLIC_IP), ((), None)],
                         ids=["with a public IP", "not recorded", "one of two with a public IP",
                              "one of two not recorded"])
def test_tasks_that_may_have_a_public_address_keep_the_internet_gateway(
        addresses: tuple[tuple[str, ...] | None, ...]) -> None:
    """A public address on a client (or one not recorded, conservatively): traffic may leave
    through the internet gateway, as before — medium, "silently leave the VPC that way (igw)"."""
    b, _, _ = _fargate_tasks_in_a_public_subnet(*addresses)
    [(severity, message)] = _ecr_required(b)
    assert severity == "medium"
    assert "have internet egress (igw)" in message and "no public IPv4 address" not in message


def test_an_ipv6_route_to_the_internet_gateway_keeps_it_medium() -> None:
    """IPv4-focused: the subnet's IPv6 egress through the internet gateway is left to the clients,
    whether or not they hold IPv6 addresses."""
    b, _, _ = _fargate_tasks_in_a_public_subnet((), ipv6_route=True)
    assert [severity for severity, _ in _ecr_required(b)] == ["medium"]


# -- CloudWatch Synthetics canaries: a bundle started by the canary's Lambda interfaces ------------

# Lambda's description of a canary function's interface: Synthetics names the function cwsyn-<canary>-<id>.
CANARY_ENI = "AWS Lambda VPC ENI-cwsyn-orders-api-check-3f6b1c2e-8d4a-4e7b-9c1f-2a5d7e9b0c14-b2d4f6a8"


def _with_canary(b: RegionBuilder, subnets: Iterable[str], *, description: str = CANARY_ENI,
                 requester_managed: bool = True) -> list[str]:
    """A canary's Lambda interfaces (InterfaceType ``lambda``), one per subnet."""
    return [b.workload(s, interface_type="lambda", requester_managed=requester_managed, description=description)
            for s in subnets]


def _canary_isolated(keys: Iterable[str], *, s3_gateway_tables: int | None = 3, **canary: object) -> Case:
    def build() -> tuple[RegionBuilder, str]:
        b, vpc = _isolated(keys, s3_gateway_tables=s3_gateway_tables)
        _with_canary(b, [s for s in b.subnets if b.subnets[s].vpc_id == vpc], **canary)  # type: ignore[arg-type]
        return b, vpc
    return build


def _canary_behind_nat(keys: Iterable[str], *, s3_gateway: bool) -> Case:
    def build() -> tuple[RegionBuilder, str]:
        b = RegionBuilder()
        ids = standard_vpc(b)
        vpc = str(ids["vpc"])
        for key in keys:
            b.interface_endpoint(vpc, key, subnets=ids["private"])
        if s3_gateway:
            b.gateway_endpoint(vpc, "s3", route_tables=ids["private_rt"])
        _with_canary(b, ids["private"])
        return b, vpc
    return build


def _canary_without_any_endpoint() -> tuple[RegionBuilder, str]:
    b = RegionBuilder()
    vpc = b.vpc(name="isolated")
    subnet = b.subnet(vpc, "10.0.1.0/24")
    b.route_table(vpc, subnets=[subnet])
    _with_canary(b, [subnet])
    return b, vpc


CANARY_CASES: list[tuple[str, Case, set[tuple[str, str]]]] = [
    ("isolated canary without monitoring: high", _canary_isolated(["synthetics"]), {("synthetics:required", "high")}),
    ("isolated canary with monitoring and the S3 gateway (no synthetics endpoint)", _canary_isolated(["monitoring"]),
     set()),
    ("S3 gateway routed for two of three canary subnets: high", _canary_isolated(["monitoring"], s3_gateway_tables=2),
     {("synthetics:required", "high")}),
    ("S3 interface endpoint instead of the gateway: high",
     _canary_isolated(["monitoring", "s3"], s3_gateway_tables=None), {("synthetics:required", "high")}),
    ("canary behind NAT without monitoring: medium", _canary_behind_nat([], s3_gateway=True),
     {("synthetics:required", "medium")}),
    ("canary behind NAT with none of its endpoints: the internet path", _canary_behind_nat(["ssm"], s3_gateway=False),
     set()),
    ("isolated canary in a VPC without any endpoint: high", _canary_without_any_endpoint,
     {("synthetics:required", "high")}),
    ("a Lambda function that is no canary",
     _canary_isolated(["synthetics"], description="AWS Lambda VPC ENI-orders-fn-5f0c2a7e-1b3d-4c8e-9a6f-0d2e4b6c8a11"),
     set()),
    ("a canary's description on an interface created by hand",
     _canary_isolated(["synthetics"], requester_managed=False), set()),
]


@pytest.mark.parametrize(("build", "expected"), [(c[1], c[2]) for c in CANARY_CASES], ids=[c[0] for c in CANARY_CASES])
def test_canary_cases(build: Case, expected: set[tuple[str, str]]) -> None:
    b, _ = build()
    got = {(f.discriminator, f.severity.value) for f in findings(rule, b.snapshot())
           if f.discriminator.startswith("synthetics")}
    assert got == expected


def test_canary_clients_are_its_interfaces_not_the_vpcs_other_workloads() -> None:
    """The S3 gateway routed for the canary's subnet only: the other isolated subnets hold
    workloads, not the canary, and do not count — the bundle is complete."""
    b, vpc = _isolated(["monitoring"], s3_gateway_tables=1)
    first = min(s for s in b.subnets if b.subnets[s].vpc_id == vpc)
    _with_canary(b, [first])
    assert not [f for f in findings(rule, b.snapshot()) if f.discriminator.startswith("synthetics")]


def test_canary_finding_names_the_interfaces_and_creates_monitoring_beside_an_endpoint() -> None:
    b, vpc = _isolated(["synthetics"], s3_gateway_tables=3)
    subnets = [s for s in b.subnets if b.subnets[s].vpc_id == vpc]
    canary = _with_canary(b, subnets)
    sibling = next(e for e in b.endpoints.values() if e.service_name.endswith(".synthetics"))
    (finding,) = [f for f in findings(rule, b.snapshot()) if f.discriminator == "synthetics:required"]
    assert finding.message.startswith(f"VPC {vpc} has CloudWatch Synthetics canaries (interfaces "
                                      f"{', '.join(sorted(canary))}) but is missing monitoring (the canary "
                                      "publishes its metrics to CloudWatch)")
    assert finding.evidence["workload_interface_ids"] == sorted(canary)
    assert sorted(finding.evidence["affected_subnet_ids"]) == sorted(subnets)
    [step] = finding.fix
    assert (step.action, step.parameters["ServiceName"], step.parameters["SubnetIds"],
            step.parameters["SecurityGroupIds"]) \
        == ("ec2:CreateVpcEndpoint", f"com.amazonaws.{REGION}.monitoring", list(sibling.subnet_ids),
            list(sibling.group_ids))


def test_canary_s3_gateway_fix_routes_the_canary_subnets_tables() -> None:
    b, vpc = _isolated(["monitoring"], s3_gateway_tables=2)
    _with_canary(b, [s for s in b.subnets if b.subnets[s].vpc_id == vpc])
    gateway = next(e for e in b.endpoints.values() if e.endpoint_type == "Gateway")
    missing_table = sorted(t.route_table_id for t in b.route_tables.values() if t.vpc_id == vpc and not t.is_main
                           and t.route_table_id not in gateway.route_table_ids)
    (finding,) = [f for f in findings(rule, b.snapshot()) if f.discriminator == "synthetics:required"]
    assert finding.evidence["missing"] == ["s3 (gateway)"]
    assert [(s.action, s.parameters) for s in finding.fix] == [
        ("ec2:ModifyVpcEndpoint", {"VpcEndpointId": gateway.vpc_endpoint_id, "AddRouteTableIds": missing_table})]
    assert "which serves the canaries' artifacts" in finding.fix[0].description


@pytest.mark.parametrize(("control_plane", "fires"), [(True, True), (False, False)],
                         ids=["an EKS cluster's VPC", "no cluster"])
def test_ecr_api_alone_in_an_eks_clusters_vpc_starts_the_ecr_bundle(control_plane: bool, fires: bool) -> None:
    """``ecr.api`` without ``ecr.dkr`` in a VPC holding an EKS cluster's control-plane interfaces:
    its nodes and pods pull EKS's images through both ECR endpoints (the EKS guide's private
    clusters list "ecr.api, ecr.dkr, and s3 ... for pulling container images"), so the bundle is
    begun and left incomplete. Without a cluster (nor ECS), ecr.api alone may be a tool listing
    repositories."""
    b, _ = _isolated(["ecr.api"], s3_gateway_tables=3)
    if control_plane:
        subnet = next(iter(b.subnets))
        b.workload(subnet, requester_managed=True, description="Amazon EKS demo")
    keys = {f.discriminator for f in findings(rule, b.snapshot()) if f.status.value == "fail"}
    assert ("ecr:required" in keys) is fires


# -- ECS container instances start the ECS bundle without its trigger endpoints ----------------------

def _container_instance(b: RegionBuilder, subnet: str | None = None) -> None:
    """An ECS container instance: its own interface and an awsvpc task's, attached to it."""
    subnet = subnet or next(iter(b.subnets))
    for description, requester in (("", False), (ECS_TASK, True)):
        eni = b.workload(subnet, requester_managed=requester, description=description)
        b.enis[eni] = replace(b.enis[eni], instance_id="i-0123456789abcdef0")


@pytest.mark.parametrize(("instance", "expected"), [
    (True, {("ecs:required", "high")}),  # ecs alone: the agents reach neither ecs-agent nor ecs-telemetry
    (False, set()),  # near miss: Fargate tasks hold ecs alone too; nothing says the EC2 launch type
])
def test_container_instances_start_the_ecs_bundle(instance: bool, expected: set[tuple[str, str]]) -> None:
    b, vpc = _isolated(["ecs"])
    if instance:
        _container_instance(b)
    found = {(f.discriminator, f.severity.value) for f in findings(rule, b.snapshot())
             if f.discriminator.startswith("ecs:")}
    assert found == expected
    if instance:
        (finding,) = [f for f in findings(rule, b.snapshot()) if f.discriminator == "ecs:required"]
        assert finding.resource.resource_id == vpc and finding.evidence["missing"] == ["ecs-agent", "ecs-telemetry"]


def test_container_instances_with_internet_egress_and_no_ecs_endpoint_are_not_second_guessed() -> None:
    """The agents take the internet path AWS offers beside the endpoints: no ECS endpoint, no finding."""
    b = RegionBuilder()
    ids = standard_vpc(b)  # private subnets routed to a NAT gateway
    _container_instance(b, ids["private"][0])
    assert not [f for f in findings(rule, b.snapshot()) if f.discriminator.startswith("ecs:")]
