"""IFE003 endpoint-bundle-incomplete."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from vpcaudit.engine.controls import security_hub
from vpcaudit.engine.remedy import FixStep, Phase, step
from vpcaudit.engine.rule import Finding, Severity, evidence_dict, rule
from vpcaudit.network.canaries import canary_interfaces
from vpcaudit.network.containers import ECS_SERVICES, container_instance_interfaces, image_pullers, runs_ecs_tasks
from vpcaudit.network.dns import vpcs_served_through_zones
from vpcaudit.network.paths import resolve_service
from vpcaudit.rules._fixes import (
    account_scoped_policy,
    create_gateway_endpoint,
    endpoint_az_month,
    endpoint_context,
    interface_service_name,
    new_endpoint_policy_note,
)
from vpcaudit.snapshot.model import Part

if TYPE_CHECKING:
    from vpcaudit.engine.context import RuleContext
    from vpcaudit.engine.rule import ResourceRef
    from vpcaudit.network.view import NetworkView
    from vpcaudit.pricing import CostModel
    from vpcaudit.snapshot import resources as r

S3_GATEWAY = "s3 (gateway)"
# The interfaces of a VPC whose workload uses a feature (a bundle started by workloads).
WorkloadTrigger = Callable[["NetworkView", str], "tuple[r.NetworkInterface, ...]"]


@dataclass(frozen=True)
class Bundle:
    """The endpoints one feature needs. Only a trigger member makes the VPC "use" the feature, or,
    for a feature whose workload the snapshot recognises, that workload's interfaces in the VPC
    (``started_by_workloads``), which are then the bundle's clients."""

    name: str
    slug: str
    triggers: frozenset[str]
    required: tuple[str, ...]
    optional: Mapping[str, str] = field(default_factory=dict)  # member → when it is needed
    notes: Mapping[str, str] = field(default_factory=dict)  # member → caveat when it is missing
    started_by_workloads: WorkloadTrigger | None = None
    s3_traffic: str = ""  # what the S3 gateway endpoint carries for the feature (named in its fix)


BUNDLES = (
    Bundle("Session Manager / Run Command", "session-manager", frozenset({"ssmmessages", "ec2messages"}),
           ("ssm", "ssmmessages"),
           {"ec2messages": "required only for SSM Agent older than 3.3.40.0",
            "kms": "needed when sessions are encrypted with a KMS key",
            "logs": "needed to send session logs to CloudWatch Logs"}),
    Bundle("ECR image pulls", "ecr", frozenset({"ecr.dkr"}), ("ecr.dkr", "ecr.api", S3_GATEWAY),
           {"logs": "needed by the awslogs log driver"},
           {"ecr.api": "Fargate platform version 1.3.0 or earlier needs only ecr.dkr",
            S3_GATEWAY: "image layers are downloaded from S3, and an S3 interface endpoint does not serve them"},
           s3_traffic="ECR image layers"),
    Bundle("ECS container instances (EC2 launch type)", "ecs", frozenset({"ecs-agent", "ecs-telemetry"}),
           ("ecs", "ecs-agent", "ecs-telemetry"), started_by_workloads=container_instance_interfaces),
    Bundle("CloudWatch Synthetics canaries", "synthetics", frozenset(), ("monitoring", S3_GATEWAY),
           notes={"monitoring": "the canary publishes its metrics to CloudWatch",
                  S3_GATEWAY: "the canary uploads its artifacts to S3"},
           started_by_workloads=canary_interfaces, s3_traffic="the canaries' artifacts"),
)


@rule(id="IFE003", name="endpoint-bundle-incomplete", severity=Severity.HIGH,
      needs=(Part.VPCS, Part.SUBNETS, Part.ROUTE_TABLES, Part.NAT_GATEWAYS, Part.VPC_ENDPOINTS,
             Part.PREFIX_LISTS, Part.NETWORK_INTERFACES),
      references=(
          "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
          "https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html",
          "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
          "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
          "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html",
          "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-igw-internet-access.html",
          "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_VPC.html",
      ),
      seeds=("000", "002"),
      controls=(
          security_hub("EC2.55", "VPCs should be configured with an interface endpoint for ECR API"),
          security_hub("EC2.56", "VPCs should be configured with an interface endpoint for Docker Registry"),
          security_hub("EC2.57", "VPCs should be configured with an interface endpoint for Systems Manager"),
      ))
def endpoint_bundle_incomplete(ctx: RuleContext) -> Iterator[Finding]:
    """A VPC has some but not all of the endpoints a feature needs. A bundle is triggered only
    by its trigger members: Session Manager / Run Command (`ssmmessages` or `ec2messages`;
    requires `ssm`, `ssmmessages`), ECR image pulls (`ecr.dkr`, or `ecr.api` in a VPC that runs
    ECS — ECS endpoints, or task interfaces described with an ECS attachment ARN; requires
    `ecr.dkr`, `ecr.api` and an S3 gateway endpoint routed for the client subnets) and ECS container instances
    (`ecs-agent` or `ecs-telemetry`; requires `ecs`, `ecs-agent`, `ecs-telemetry`). Session
    Manager started with `ssmmessages` alone in a VPC that runs ECS (ECS endpoints, or task
    interfaces described with an ECS attachment ARN) is ECS Exec, which needs `ssmmessages` only:
    there `ssm` is optional where EC2 instances run, and neither `ssm` nor `ec2messages` is offered
    where none does (Fargate tasks' agents call `ssmmessages` alone).

    Without its trigger endpoints, the ECS bundle is also started by the VPC's ECS container
    instances (instances holding an ECS task's or trunk's interface), whose agents poll ECS and
    report telemetry from the instance ("You must have the following Region-specific VPC
    endpoints: ecs-agent, ecs-telemetry, ecs … If you do not configure all of the endpoints, your
    traffic will go over the public endpoints", ECS guide); their own interfaces are its clients.
    A VPC with only the `ecs` endpoint and container instances is missing two of them. An
    `ecs-agent` endpoint alone in a VPC whose ECS tasks all run on Fargate (no container instance)
    starts nothing: Fargate tasks need no ECS endpoint but for ECS Service Connect, whose proxy "is
    managed through the com.amazonaws.region.ecs-agent endpoint" (ECS guide).

    One bundle is started by its workload instead: CloudWatch Synthetics canaries, by a canary's
    Lambda interfaces in the VPC (requester-managed, described `AWS Lambda VPC ENI-cwsyn-…`:
    Synthetics names a canary's function `cwsyn-<canary>-<id>`), which are its clients. It
    requires `monitoring` (the canary's metrics) and an S3 gateway endpoint routed for the
    canary's subnets (its artifacts), as "Running a canary on a VPC" asks of a VPC without
    internet access: "you must create a VPC endpoint for CloudWatch
    (com.amazonaws.region.monitoring) and a gateway endpoint for Amazon S3". The `synthetics`
    endpoint is not required: it serves the Synthetics API (`synthetics.<region>.amazonaws.com`,
    which manages canaries), while the page asks of a running canary only "a way for it to send
    its metrics to CloudWatch and its artifacts to Amazon S3".

    A VPC without workloads whose trigger endpoints answer other VPCs through private hosted zones
    (a centralized-endpoint hub: records aliasing their DNS names, in zones associated with the
    spokes) is not asked for the S3 gateway member: a gateway endpoint serves only its own VPC's
    route tables, so the spokes reaching the hub through a transit gateway or peering need their
    own; its interface members are still required.

    A missing required member is **high** when a client subnet is isolated (the feature is
    broken there), **medium** when every client subnet has internet egress (traffic silently
    leaves through NAT / TGW instead), and not evaluated when a client subnet cannot be
    classified. With internet egress, a workload-started bundle of which the VPC holds no member
    is not reported: the workload takes the internet path AWS offers beside the endpoints ("If
    the VPC is already enabled for internet access, there's nothing more for you to do"). A
    public subnet is isolated for clients whose interfaces are all recorded without
    a public IPv4 address (ECS tasks on Fargate with `assignPublicIp` DISABLED): the internet
    gateway carries IPv4 traffic only for an interface with one, so only the subnet's IPv6 egress
    is left to them (IPv4-focused: an IPv6 route to an internet gateway keeps it **medium**
    without asking whether they hold IPv6 addresses), and the finding names the subnet. One client
    with a public address, or addresses not recorded (an older snapshot), keeps the subnet's
    internet egress. A missing optional member (`ec2messages` for SSM Agent < 3.3.40.0, `kms`,
    `logs`) is **info**. Client subnets are those holding workload ENIs that may call a trigger
    member (a DB instance's network interface calls none); a VPC without such workloads (a
    network stack deployed before its workloads) is judged on its private subnets, and the
    finding says so — **medium** at most, since nobody is broken until a workload runs there.

    ## Why it matters
    Each member serves a different hostname. In an isolated subnet, the agent or container
    runtime cannot reach the missing one at all: Session Manager sessions do not open, managed
    nodes go offline, image pulls fail with `CannotPullContainerError`, ECS container instances
    never register, canary runs fail with "No test result returned" or "No artifacts were
    uploaded". With internet egress the feature works, but the missing member's traffic
    bypasses the endpoints through NAT (paid per GB) — usually not what the endpoints were for.

    ## How to fix
    Create the missing interface endpoints (private DNS on) in the client subnets' AZs, with a
    security group that allows TCP 443 from the clients:

    ```
    aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Interface \\
        --service-name com.amazonaws.<region>.<missing-service> \\
        --subnet-ids <subnet-id-per-az> --security-group-ids <endpoint-sg-id> --private-dns-enabled
    ```

    For ECR and canaries, create (or route) the S3 gateway endpoint for the client subnets' route tables:

    ```
    aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Gateway \\
        --service-name com.amazonaws.<region>.s3 --route-table-ids <client-route-table-ids>
    aws ec2 modify-vpc-endpoint --vpc-endpoint-id <s3-gateway-vpce-id> \\
        --add-route-table-ids <client-route-table-id>
    ```

    ## Controls
    Security Hub EC2.55, EC2.56 and EC2.57 fail every VPC that lacks the ECR API, Docker
    Registry or Systems Manager interface endpoint. vpcaudit disagrees: a VPC that sends nothing
    to ECR or Systems Manager does not need those endpoints (each costs about $7.30 per AZ and
    month), and a VPC with internet egress reaches them without one. IFE003 fires only when a
    VPC has started a bundle (a trigger member exists, or a canary runs there) and misses a
    member the feature needs, where the feature breaks or silently bypasses the endpoints.
    """
    view = ctx.view
    # A workload-started bundle may be used in a VPC without any endpoint.
    for vpc_id in sorted(set(view.vpcs) | {e.vpc_id for e in view.endpoints.values()}):
        present = _members(view, vpc_id)
        ref: ResourceRef | None = None  # built once a bundle is in use: most VPCs use none
        for listed in BUNDLES:
            start = _start(view, vpc_id, listed, present)
            if start is None:
                continue
            if ref is None:
                vpc = view.vpcs.get(vpc_id)
                ref = ctx.ref("vpc", vpc_id, vpc_id, view.name_of(vpc.tags) if vpc else None)
            bundle = _as_ecs_exec(listed, view, vpc_id) if _is_ecs_exec(view, vpc_id, listed, start) else listed
            yield from _required(ctx, view, vpc_id, ref, bundle, present, start)
            missing_optional = [m for m in bundle.optional if m not in present]
            if missing_optional:
                details = "; ".join(f"{m}: {bundle.optional[m]}" for m in missing_optional)
                yield ctx.finding(
                    ref, f"VPC {vpc_id} uses {start.label(bundle)} without the "
                         f"optional {', '.join(missing_optional)} endpoint(s) — {details}.",
                    severity=Severity.INFO, discriminator=f"{bundle.slug}:optional",
                    evidence=evidence_dict(bundle=bundle.name, present=sorted(present), missing=missing_optional),
                    fix=[s for m in missing_optional for s in _create_member(
                        view, vpc_id, start.siblings, m, ctx.cost,
                        decision=f"create it only if {bundle.optional[m]}")])


@dataclass(frozen=True)
class _Start:
    """What makes a VPC use a bundle: its trigger endpoints, or the interfaces of the workload that
    uses the feature (then its clients)."""

    endpoints: tuple[str, ...]  # the trigger members present
    workloads: tuple[r.NetworkInterface, ...]
    siblings: tuple[str, ...]  # endpoints whose subnets and groups a missing interface member copies

    def label(self, bundle: Bundle) -> str:
        if self.workloads:
            return f"{bundle.name} (interfaces {', '.join(e.network_interface_id for e in self.workloads)})"
        return f"{bundle.name} endpoints ({', '.join(self.endpoints)})"


def _start(view: NetworkView, vpc_id: str, bundle: Bundle, present: set[str]) -> _Start | None:
    """Whether and why the VPC uses ``bundle``: its trigger endpoints, else the workload that uses
    it. A workload-started bundle's new interface member goes beside any interface endpoint of the
    VPC (no trigger endpoint exists to copy)."""
    triggered = tuple(_triggered_by(view, vpc_id, bundle, present))
    if triggered:
        return _Start(triggered, (), triggered)
    workloads = bundle.started_by_workloads(view, vpc_id) if bundle.started_by_workloads is not None else ()
    return _Start((), workloads, tuple(sorted(present - {S3_GATEWAY}))) if workloads else None


def _triggered_by(view: NetworkView, vpc_id: str, bundle: Bundle, present: set[str]) -> list[str]:
    """The members that make the VPC use ``bundle``: its triggers, and, for ECR image pulls in a
    VPC that runs ECS or an EKS cluster, `ecr.api` too — ECS pulls every task's image from ECR
    through both ECR endpoints ("Amazon ECS tasks hosted on Fargate using platform version 1.4.0 or
    later require both the com.amazonaws.region.ecr.dkr and com.amazonaws.region.ecr.api Amazon
    ECR VPC endpoints", ECR User Guide, interface VPC endpoints), and an EKS cluster's nodes and
    Fargate pods pull EKS's add-on images from its ECR repositories ("your nodes can pull the
    image over Amazon's network if you created an interface VPC endpoint for Amazon ECR", EKS
    User Guide, add-on images) and, in a private cluster, every image from a registry in the VPC
    (its table lists "ecr.api, ecr.dkr, and s3 ... for pulling container images"; EKS Auto Mode
    nodes, whose own components need no add-on image, are held to that too), so ecr.api without
    ecr.dkr there is a bundle begun and left incomplete, not a tool listing repositories."""
    triggered = sorted(bundle.triggers & present)
    if (bundle.slug == "ecr" and not triggered and "ecr.api" in present
            and (_runs_ecs(view, vpc_id) or vpc_id in view.eks_cluster_vpc_ids)):
        triggered = ["ecr.api"]
    if bundle.slug == "ecs" and triggered == ["ecs-agent"] and _service_connect_on_fargate(view, vpc_id):
        return []
    return triggered


def _service_connect_on_fargate(view: NetworkView, vpc_id: str) -> bool:
    """ECS tasks run in the VPC and no container instance does: its ECS tasks are Fargate's, which
    need no ECS endpoint but for ECS Service Connect, whose proxy "is managed through the
    com.amazonaws.region.ecs-agent endpoint" (ECS guide, interface VPC endpoints) — an `ecs-agent`
    endpoint alone there is Service Connect's, not container instances' begun and left incomplete."""
    return runs_ecs_tasks(view, vpc_id) and not container_instance_interfaces(view, vpc_id)


def _runs_ecs(view: NetworkView, vpc_id: str) -> bool:
    """ECS endpoints in the VPC, or task interfaces described with an ECS attachment ARN."""
    return bool(ECS_SERVICES & _members(view, vpc_id)) or runs_ecs_tasks(view, vpc_id)


def _is_ecs_exec(view: NetworkView, vpc_id: str, bundle: Bundle, start: _Start) -> bool:
    """Session Manager started with ``ssmmessages`` alone in a VPC that runs ECS: ECS Exec, whose
    agent runs in the task and calls ssmmessages only (the ECS Exec page's task role grants the four
    ``ssmmessages:`` channel actions and nothing else, and asks for the Session Manager endpoint,
    ssmmessages). Managed instances would have started with ec2messages beside it."""
    if bundle.slug != "session-manager" or start.endpoints != ("ssmmessages",):
        return False
    return _runs_ecs(view, vpc_id)


def _as_ecs_exec(bundle: Bundle, view: NetworkView, vpc_id: str) -> Bundle:
    """The Session Manager bundle as ECS Exec needs it: ssmmessages; ssm (and ec2messages, for old
    agents) only for managed instances — so neither where no interface of the VPC is on an EC2
    instance (Fargate tasks alone: their agent holds the four ``ssmmessages:`` actions only)."""
    if any(eni.instance_id for eni in view.workload_enis(vpc_id)):
        optional = {"ssm": "needed only if EC2 instances of this VPC are managed by Systems Manager (ECS "
                           "Exec calls ssmmessages alone)", **bundle.optional}
    else:
        optional = {m: when for m, when in bundle.optional.items() if m not in INSTANCE_ONLY}
    return replace(bundle, name="ECS Exec / Session Manager", required=("ssmmessages",), optional=optional)


# Session Manager members that serve managed instances only (ECS Exec's agent calls neither).
INSTANCE_ONLY = frozenset({"ssm", "ec2messages"})


def _members(view: NetworkView, vpc_id: str) -> set[str]:
    """Service keys of the VPC's live same-Region AWS-service interface endpoints (+ "s3 (gateway)")."""
    keys: set[str] = set()
    for endpoint in view.endpoints_of(vpc_id):
        if view.endpoint_ended(endpoint):
            continue
        info = view.service(endpoint)
        if not info.is_aws_service or info.region != view.region_name:
            continue
        if endpoint.endpoint_type == "Interface":
            keys.add(info.key)
        elif endpoint.endpoint_type == "Gateway" and info.key == "s3":
            keys.add(S3_GATEWAY)
    return keys


@dataclass(frozen=True)
class _Clients:
    subnets: tuple[r.Subnet, ...]
    assumed: bool  # no workload ENIs: the VPC's private subnets stand in for clients
    interfaces: tuple[r.NetworkInterface, ...] = ()  # the calling interfaces; none when assumed


def _clients(view: NetworkView, vpc_id: str, bundle: Bundle, start: _Start) -> _Clients:
    """Subnets holding workload ENIs that may call one of the bundle's triggers (a DB instance's
    interface calls none), else the private subnets standing in for them; for a workload-started
    bundle, its workload's interfaces. For ECR image pulls, the subnets of the interfaces that
    pull (:func:`~vpcaudit.network.containers.image_pullers`: a node's own, not its pods' or tasks')."""
    enis = {e.network_interface_id: e for key in sorted(bundle.triggers) for e in view.client_enis(vpc_id, key)}
    callers = start.workloads or tuple(enis.values())
    if bundle.slug == "ecr":
        callers = tuple(e for e in image_pullers(view, callers) if e.vpc_id == vpc_id)
    ids = {e.subnet_id for e in callers}
    found = tuple(s for s in view.subnets_of(vpc_id) if s.subnet_id in ids)
    if found:
        return _Clients(found, False, callers)
    return _Clients(view.private_source_subnets(vpc_id) or view.subnets_of(vpc_id), True)


def _serves_other_vpcs(view: NetworkView, vpc_id: str, start: _Start) -> bool:
    """The VPC's trigger endpoints answer other VPCs' calls through private hosted zones (the
    centralized-endpoint pattern: a hub VPC without workloads of its own). Its subnets then stand
    in for no client of the S3 gateway member: a gateway endpoint serves only the route tables of
    its own VPC ("You can't extend a gateway endpoint out of the VPC in which it was created",
    PrivateLink guide, gateway endpoints), so the spokes' traffic to S3 — reaching the hub through a
    transit gateway or peering — could never use one here; the spokes need their own."""
    return any(view.service(e).key in start.endpoints and vpcs_served_through_zones(view, e)
               for e in view.endpoints_of(vpc_id, "Interface") if not view.endpoint_ended(e))


def _egress(view: NetworkView, subnet: r.Subnet, clients: _Clients) -> str | None:
    """'isolated', an internet egress class, or None when the subnet cannot be classified. The
    class the clients' interfaces can use: a public subnet whose clients all lack a public IPv4
    address is no way out for them (:meth:`~vpcaudit.network.view.NetworkView.interfaces_internet_egress`)."""
    if view.is_shared_from_other_account(subnet) or view.effective_route_table(subnet.subnet_id) is None:
        return None
    klass = view.interfaces_internet_egress(subnet.subnet_id, clients.interfaces)
    # An egress-only IGW carries IPv6 only; SDKs reach AWS services over IPv4 unless the subnet has no IPv4.
    if klass is None or (klass == "eigw" and not subnet.ipv6_native):
        return "isolated"
    return klass


def _s3_gateway_missing_for(view: NetworkView, subnets: tuple[r.Subnet, ...]) -> tuple[list[str], list[str]]:
    """(subnets whose S3 traffic does not reach an S3 gateway endpoint of the VPC, subnets unknown)."""
    missing: list[str] = []
    unknown: list[str] = []
    for subnet in subnets:
        if view.is_shared_from_other_account(subnet):
            unknown.append(subnet.subnet_id)
            continue
        outcomes, error = resolve_service(view, subnet, "s3")
        if error:
            unknown.append(subnet.subnet_id)
            continue
        if not all(o.delivers and o.kind == "vpce" and _is_s3_gateway(view, o.target_id, subnet.vpc_id)
                   for o in outcomes):
            missing.append(subnet.subnet_id)
    return missing, unknown


def _is_s3_gateway(view: NetworkView, endpoint_id: str | None, vpc_id: str) -> bool:
    endpoint = view.endpoints.get(endpoint_id or "")
    return (endpoint is not None and endpoint.vpc_id == vpc_id and endpoint.endpoint_type == "Gateway"
            and view.service(endpoint).key == "s3")


def _required(ctx: RuleContext, view: NetworkView, vpc_id: str, ref: ResourceRef, bundle: Bundle,
              present: set[str], start: _Start) -> Iterator[Finding]:
    clients = _clients(view, vpc_id, bundle, start)
    uses = f"VPC {vpc_id} has {start.label(bundle)}"
    if not clients.subnets:
        yield ctx.not_evaluated(ref, f"{uses} but no subnets were collected", discriminator=f"{bundle.slug}:required")
        return
    affected: dict[str, list[str]] = {}  # missing member → affected subnet ids
    unknown: set[str] = set()
    for member in bundle.required:
        if member == S3_GATEWAY and clients.assumed and _serves_other_vpcs(view, vpc_id, start):
            continue  # a hub: its clients are the spokes, which no gateway endpoint here can serve
        if member == S3_GATEWAY:
            missing, not_known = _s3_gateway_missing_for(view, clients.subnets)
            unknown |= set(not_known)
            if missing:
                affected[member] = missing
        elif member not in present:
            affected[member] = [s.subnet_id for s in clients.subnets]
    if not affected and not unknown:
        return
    classes = {s.subnet_id: _egress(view, s, clients) for s in clients.subnets}
    hit = sorted({sid for ids in affected.values() for sid in ids})
    isolated = [sid for sid in hit if classes[sid] == "isolated"]
    unaddressed = [sid for sid in isolated if view.internet_egress(sid) == "igw"]
    unknown |= {sid for sid in hit if classes[sid] is None}
    none = "no workload ENI that may use it" if view.has_workloads(vpc_id) else "no workload ENIs"
    who = f"private subnets ({none} found, so all are assumed clients)" if clients.assumed \
        else "client subnets"
    missing_text = ", ".join(f"{m} ({bundle.notes[m]})" if m in bundle.notes else m for m in affected)
    head = f"{uses} but is missing {missing_text}" if affected else uses
    fix = [s for member, subnets in affected.items()
           for s in _missing_member(view, vpc_id, bundle, start, member, subnets, ctx.cost)]
    evidence = evidence_dict(bundle=bundle.name, present=sorted(present), missing=list(affected),
                             affected_subnet_ids=hit, isolated_subnet_ids=isolated, clients_assumed=clients.assumed,
                             egress_classes=[f"{sid}={classes[sid] or 'unknown'}" for sid in hit],
                             no_public_address_subnet_ids=unaddressed or None,
                             workload_interface_ids=[e.network_interface_id for e in start.workloads] or None)
    if isolated and clients.assumed:  # nobody is broken yet: the first workload there would be
        yield ctx.finding(ref, f"{head}: {who}; {', '.join(isolated)} are isolated (no internet egress), so the "
                               "feature will be broken for the first workload placed there.",
                          severity=Severity.MEDIUM, discriminator=f"{bundle.slug}:required", evidence=evidence)
    elif isolated:
        yield ctx.finding(ref, f"{head}: {who} {', '.join(isolated)} are isolated (no internet egress"
                               f"{_no_public_address(unaddressed)}), so the feature is broken there.",
                          severity=Severity.HIGH,
                          discriminator=f"{bundle.slug}:required", evidence=evidence, fix=fix)
    elif unknown:
        yield ctx.not_evaluated(ref, f"{head}; cannot classify "
                                     f"{who} {', '.join(sorted(unknown))} (RAM-shared from another account, no "
                                     "route table, or the S3 prefix list was not collected).",
                                discriminator=f"{bundle.slug}:required")
    elif _begun(bundle, present):
        via = sorted({f"{classes[sid]}" for sid in hit})
        assumed = (" (egress beyond the VPC through a transit gateway, Cloud WAN, VGW or Outposts local gateway is "
                   "assumed)" if set(via) & {"tgw", "cloudwan", "vgw", "lgw"} else "")
        yield ctx.finding(ref, f"{head}: {who} {', '.join(hit)} have internet egress ({', '.join(via)}){assumed}, "
                               "so calls to the missing services silently leave the VPC that way instead of "
                               "using an endpoint.", severity=Severity.MEDIUM,
                          discriminator=f"{bundle.slug}:required", evidence=evidence, fix=fix)


def _begun(bundle: Bundle, present: set[str]) -> bool:
    """The VPC holds one of the bundle's endpoints, so traffic leaving through the internet instead
    bypasses what it was built for. A bundle started by its endpoints always has; a workload
    without any of its endpoints, but with internet egress, takes the path AWS offers beside them
    ("If the VPC is already enabled for internet access, there's nothing more for you to do",
    Running a canary on a VPC)."""
    return bool(present & {*bundle.required, *bundle.optional})


def _no_public_address(subnet_ids: list[str]) -> str:
    """Why public subnets are isolated for their clients: an internet gateway carries IPv4 traffic
    only for an interface with a public IPv4 address."""
    if not subnet_ids:
        return ""
    return (f"; no public IPv4 address on the clients in public subnet(s) {', '.join(subnet_ids)}, and the "
            "internet gateway carries IPv4 traffic only for interfaces with one")


def _missing_member(view: NetworkView, vpc_id: str, bundle: Bundle, start: _Start, member: str,
                    subnets: list[str], cost: CostModel) -> list[FixStep]:
    """The interface endpoint that is missing, or the S3 gateway endpoint (created, or routed for
    the client subnets' tables)."""
    if member != S3_GATEWAY:
        return _create_member(view, vpc_id, start.siblings, member, cost, decision=None)
    gateways = sorted((e for e in view.endpoints_of(vpc_id, "Gateway")
                       if not view.endpoint_ended(e) and _is_s3_gateway(view, e.vpc_endpoint_id, vpc_id)),
                      key=lambda e: e.vpc_endpoint_id)
    if not gateways:
        created = create_gateway_endpoint(view, vpc_id, "s3")
        return [created] if created else []
    gateway = gateways[0]
    tables = sorted({t.route_table_id for t in (view.effective_route_table(s) for s in subnets) if t is not None}
                    - set(gateway.route_table_ids))
    if not tables:
        return []
    return [step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": gateway.vpc_endpoint_id, "AddRouteTableIds": tables},
                 gateway.vpc_endpoint_id, Phase.ASSOCIATE,
                 f"Associate route table(s) {', '.join(tables)} with S3 gateway endpoint {gateway.vpc_endpoint_id}, "
                 f"which serves {bundle.s3_traffic}", context=endpoint_context(gateway))]


def _create_member(view: NetworkView, vpc_id: str, siblings: tuple[str, ...], member: str, cost: CostModel, *,
                   decision: str | None) -> list[FixStep]:
    """An interface endpoint for ``member`` beside a sibling endpoint (the bundle's trigger, or any
    interface endpoint of a workload-started bundle's VPC): same subnets, same security groups,
    private DNS on, under the name the Region's endpoint-service list gives it (China Regions
    prefix some services' names and not others', so the sibling's form may not be the member's);
    a name the list does not hold is said to be unverified."""
    sibling = next((e for e in sorted(view.endpoints_of(vpc_id, "Interface"), key=lambda e: e.vpc_endpoint_id)
                    if not view.endpoint_ended(e) and view.service(e).key in siblings), None)
    if sibling is None or not sibling.service_name.endswith(view.service(sibling).key):
        return []
    service, listed = interface_service_name(view, member, view.service(sibling).region, sibling.service_name)
    details = view.services.get(service)
    parameters = {"VpcId": vpc_id, "VpcEndpointType": "Interface", "ServiceName": service,
                  "SubnetIds": list(sibling.subnet_ids), "SecurityGroupIds": list(sibling.group_ids),
                  "PrivateDnsEnabled": True}
    note = ""
    if details is not None and details.vpc_endpoint_policy_supported:
        region = view.service(sibling).region
        parameters["PolicyDocument"] = account_scoped_policy(view.account_id, service=member, region=region)
        note = ", " + new_endpoint_policy_note(view.account_id, member, region)
    unlisted = ("" if listed else
                f"; {service} is not in the Region's endpoint-service list: check the name before applying"
                if view.services else
                f"; {service} is unverified (the Region's endpoint-service list was not collected): check the "
                "name before applying")
    return [step("ec2:CreateVpcEndpoint", parameters, vpc_id, Phase.CREATE,
                 f"Create a {member} interface endpoint in {vpc_id} with private DNS, in the subnets and security "
                 f"groups of {sibling.vpc_endpoint_id} ({endpoint_az_month(cost)}){note}{unlisted}",
                 decision=decision,
                 creates=f"{member}-endpoint-{vpc_id}", output="VpcEndpoint.VpcEndpointId")]
