"""The AWS Load Balancer Controller on a private EKS cluster without internet access: EKS Blueprints'
``fully-private-cluster`` with the controller installed for an isolated cluster, and the internal
ALB and NLB it creates (us-west-2).

Sources:

- EKS User Guide, "Deploy private clusters with limited internet access"
  (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html, current page, read
  2026-12-07; awsdocs/amazon-eks-user-guide ``latest/ug/clusters/private-clusters.adoc`` at
  4d52b4d05e3478582e7d10a73cbd9ba9194dd5f7, 2024-12-18). Its endpoint table lists ``ec2``,
  ``ecr.api`` + ``ecr.dkr`` + ``s3`` (pulling images), ``elasticloadbalancing`` ("Application Load
  Balancers and Network Load Balancers"), ``xray``, ``logs`` and ``sts`` ("required when using IAM
  roles for service accounts"); private DNS names recommended; the endpoint group must admit the
  subnets' CIDR or the node security group. Its note on the controller: it can deploy ALBs and NLBs
  to a private cluster, deployed with ``enable-shield``, ``enable-waf`` and ``enable-wafv2`` set to
  false by command-line flags; certificate discovery from Ingress host names is not supported,
  the controller needing AWS Certificate Manager, "which doesn't have a VPC interface endpoint".
- kubernetes-sigs/aws-load-balancer-controller at tag v3.5.0
  (11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4, 2026-08-03):

  - ``docs/deploy/installation.md``, "Additional requirements for isolated cluster": without
    internet access the controller relies on VPC endpoints, and shield, waf and wafv2 are to be
    disabled with ``--enable-shield=false``, ``--enable-waf=false``, ``--enable-wafv2=false``;
    ``--aws-region`` and ``--aws-vpc-id`` may replace the instance metadata look-up; IRSA (the
    layout's choice) gets its credentials from STS.
  - ``docs/deploy/configurations.md``: ``enable-shield``, ``enable-waf``, ``enable-wafv2`` default
    to true, ``default-load-balancer-scheme`` internal. ``helm/aws-load-balancer-controller/values.yaml``
    leaves ``enableShield``/``enableWaf``/``enableWafv2`` empty (the flags then take the
    controller's defaults), ``replicaCount: 2``, image ``public.ecr.aws/eks/aws-load-balancer-controller``.
  - ``pkg/deploy/stack_deployer.go``: with Shield enabled every deployment of a load balancer's
    stack first calls Shield ``GetSubscriptionState`` (cached), logging and skipping Shield when the
    call fails; ``pkg/ingress/model_build_load_balancer_addons.go``: WAF and Shield associations are
    modelled only for Ingresses annotated for them.
  - ``docs/deploy/subnet_discovery.md``: for internal load balancers the controller takes subnets
    tagged ``kubernetes.io/role/internal-elb`` (``1`` or empty); from v2.12.1, when no subnet has a
    role tag, it takes the subnets whose reachability (no route to an internet gateway: private)
    matches the scheme; one subnet per AZ, at least two for an ALB.
  - ``docs/deploy/security_groups.md`` and ``pkg/ingress/model_build_managed_sg.go``,
    ``pkg/networking/backend_sg_provider.go``, ``pkg/networking/networking_manager.go``: a frontend
    group per load balancer (``k8s-<namespace>-<name>-<hash>``, "[k8s] Managed SecurityGroup for
    LoadBalancer", tagged ``elbv2.k8s.aws/cluster`` and ``ingress.k8s.aws/stack``/``resource`` or the
    ``service.k8s.aws`` pair, ``pkg/deploy/tracking/provider.go``; admitting the listener ports
    from ``inbound-cidrs`` / ``load-balancer-source-ranges``, default 0.0.0.0/0 for IPv4), the shared
    backend group ``k8s-traffic-<cluster>-<hash>`` ("[k8s] Shared Backend SecurityGroup for
    LoadBalancer", tags ``elbv2.k8s.aws/cluster`` and ``elbv2.k8s.aws/resource: backend-sg``)
    attached to every load balancer, and an inbound rule on the targets' group (the one tagged
    ``kubernetes.io/cluster/<cluster>``) from the backend group on the target port, labelled
    ``elbv2.k8s.aws/targetGroupBinding=shared``.
  - ``docs/examples/2048/2048_full.yaml``: the ``game-2048`` Ingress (``target-type: ip``), built
    here with ``alb.ingress.kubernetes.io/scheme: internal`` in place of ``internet-facing``, which
    a VPC without an internet gateway cannot have.
- The network and cluster are EKS Blueprints' ``fully-private-cluster`` exactly as
  ``eks_blueprints_private`` builds it (terraform-aws-eks-blueprints 98d0eb4, terraform-aws-vpc
  v5.21.0, terraform-aws-eks v20.37.2; see that module): VPC 10.0.0.0/16, three private /20
  subnets in us-west-2a-c tagged ``kubernetes.io/role/internal-elb = 1``, each on its own table with
  no route out; the endpoint group (TCP 443 from 10.0.0.0/16); the S3 gateway endpoint and interface
  endpoints for autoscaling, ecr.api, ecr.dkr, ec2, ec2messages, elasticloadbalancing, sts, kms,
  logs, ssm and ssmmessages, private DNS on, no policy — the controller's ``elasticloadbalancing``,
  ``ec2`` and ``sts`` among them; the EKS groups, the control plane's interfaces, three nodes in the
  module's node group (tagged ``kubernetes.io/cluster/<name>: owned``). No pattern of that
  repository installs the controller on a private cluster; it is added here as its installation
  page says, with IRSA.

What was added, as DescribeNetworkInterfaces / DescribeSecurityGroups show it (botocore's ec2
model, ``NetworkInterface`` and ``SecurityGroup``):

- The controller's two replicas and the application pods: pods on the nodes' VPC CNI secondary
  interfaces; nothing new in the VPC (no interface, no tag names the controller).
- The shared backend group; a frontend group per load balancer admitting its listener port (TCP
  80) from 0.0.0.0/0 (the default ``inbound-cidrs``); both keep AWS's default egress rule (the
  controller creates them with CreateSecurityGroup and manages ingress only; assumed). The node
  group gains TCP 80 from the backend group (the pods' port, ``target-type: ip``).
- The internal ALB ``k8s-game2048-ingress2-<hash>`` in the three tagged subnets: one node interface
  per subnet, InterfaceType ``interface``, RequesterManaged true, RequesterId ``amazon-elb``,
  Description ``ELB app/<name>/<id>``, the ALB's two groups, attached to no instance of this
  account (as the other layouts with ALBs model them; AWS documents no more).
- An internal NLB for a ``LoadBalancer`` Service ``echoserver/echoserver``
  (``aws-load-balancer-type: external``, ``nlb-target-type: ip``, scheme internal): one interface
  per subnet, InterfaceType ``network_load_balancer`` (botocore's ``NetworkInterfaceType`` enum),
  RequesterManaged true, RequesterId ``amazon-elb``, Description ``ELB net/<name>/<id>``, the NLB's
  two groups (the controller gives NLBs security groups by default).
- The controller image is assumed copied into the account's private ECR (the EKS page: images from a
  registry in the VPC), served by the pattern's ECR endpoints.

Variants: ``load_balancers=False`` (the controller installed, no Ingress or Service yet).
Near misses: ``leave_out`` (the pattern's endpoints dropped: ``elasticloadbalancing``, with the load
balancers built earlier kept or not); ``controller_defaults=True`` (the chart's defaults: WAF, WAFv2
and Shield on; nothing in the network changes, the flags are container arguments);
``role_tags=False`` (the subnets without ``kubernetes.io/role/internal-elb``: the controller's
reachability fallback still picks the three private subnets, so the load balancers are the same).

Left out (no rule reads them): the load balancers' listeners and target groups, the IAM role and
policy, the Helm release, Kubernetes objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts import eks_blueprints_private as eks
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ROLE_TAG = "kubernetes.io/role/internal-elb"
BACKEND_SG = f"k8s-traffic-{eks.NAME}-3b9f1c7a2e"  # k8s-traffic-<cluster>-<hash of the cluster name>
ALB_NAME, ALB_ID = "k8s-game2048-ingress2-8d1e4c2a7b", "4f2a9c6e1b8d3a57"
NLB_NAME, NLB_ID = "k8s-echoserv-echoserv-5c7e2a9d1f", "9e3b6d1a4c7f2e80"
ALB_SG, NLB_SG = "k8s-game2048-ingress2-8d1e4c2a7b", "k8s-echoserv-echoserv-5c7e2a9d1f"
TARGET_PORT = 80  # the pods' port (target-type ip): the 2048 container, and the echoserver's assumed
ELB_REQUESTER = "amazon-elb"


def build(*, load_balancers: bool = True, leave_out: Iterable[str] = (), controller_defaults: bool = False,
          role_tags: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The pattern's network, cluster and endpoints, then what the controller creates.

    ``controller_defaults``: the chart's defaults (WAF, WAFv2, Shield on) instead of the isolated
    cluster's flags; the snapshot cannot differ (module docstring), the option exists so that the
    tests can say so. ``role_tags``: the subnets keep ``kubernetes.io/role/internal-elb``."""
    del controller_defaults  # container arguments of the controller's Deployment: not in the network
    b = AwsRegionBuilder(eks.ACCOUNT, eks.REGION, eks.AZ_IDS)
    ids = eks.network(b)
    vpc = ids["vpc"]
    if not role_tags:
        for k in (1, 2, 3):
            subnet = b.subnets[ids[f"private{k}"]]
            b.subnets[subnet.subnet_id] = replace(subnet, tags=tuple(t for t in subnet.tags if t.key != ROLE_TAG))
    ids |= eks._cluster(b, vpc, ids, 3, False, False)
    ids |= eks._endpoints(b, vpc, ids, leave_out=set(leave_out), private_dns=True, endpoint_source="vpc")
    if load_balancers:
        ids |= _load_balancers(b, vpc, ids)
    return b.snapshot(), ids


def _controller_group(b: AwsRegionBuilder, vpc: str, name: str, description: str, tags: dict[str, str],
                      ingress: list[tuple[str, int | None, int | None, str]]) -> str:
    """A group the controller creates: CreateSecurityGroup (AWS's default egress rule kept, assumed)
    and AuthorizeSecurityGroupIngress."""
    group = b.security_group(vpc, name=name, ingress=ingress)
    b.groups[group] = replace(b.groups[group], description=description)
    b.tag(group, tags)
    return group


def _load_balancers(b: AwsRegionBuilder, vpc: str, ids: dict[str, str]) -> dict[str, str]:
    """The backend group, the two frontend groups, the node group's rule, and the load balancers'
    interfaces in the three private subnets."""
    cluster = {"elbv2.k8s.aws/cluster": eks.NAME}
    added = {"backend_sg": _controller_group(b, vpc, BACKEND_SG, "[k8s] Shared Backend SecurityGroup for LoadBalancer",
                                             {**cluster, "elbv2.k8s.aws/resource": "backend-sg"}, [])}
    # The tracking tags (pkg/deploy/tracking/provider.go): <kind>.k8s.aws/stack and /resource.
    for key, name, kind, stack in (("alb_sg", ALB_SG, "ingress", "game-2048/ingress-2048"),
                                   ("nlb_sg", NLB_SG, "service", "echoserver/echoserver")):
        tags = {**cluster, f"{kind}.k8s.aws/stack": stack, f"{kind}.k8s.aws/resource": "ManagedLBSecurityGroup"}
        added[key] = _controller_group(b, vpc, name, "[k8s] Managed SecurityGroup for LoadBalancer", tags,
                                       [("tcp", 80, 80, "0.0.0.0/0")])
    # The targets' group (the node group, tagged kubernetes.io/cluster/<name>): TCP 80 from the backend group.
    eks._rules(b, ids["node_sg"], [(False, "tcp", TARGET_PORT, TARGET_PORT, added["backend_sg"],
                                    "elbv2.k8s.aws/targetGroupBinding=shared")])
    for k in (1, 2, 3):
        subnet = ids[f"private{k}"]
        # DescribeNetworkInterfaces (botocore's ec2 model, NetworkInterface): the load balancers' nodes.
        added[f"alb_eni{k}"] = b.workload(subnet, groups=[added["alb_sg"], added["backend_sg"]],
                                          requester_managed=True, requester_id=ELB_REQUESTER,
                                          description=f"ELB app/{ALB_NAME}/{ALB_ID}")
        added[f"nlb_eni{k}"] = b.workload(subnet, groups=[added["nlb_sg"], added["backend_sg"]],
                                          interface_type="network_load_balancer", requester_managed=True,
                                          requester_id=ELB_REQUESTER, description=f"ELB net/{NLB_NAME}/{NLB_ID}")
    return added


def role_tag(snapshot: Snapshot, subnet_id: str) -> str | None:
    """The subnet's ``kubernetes.io/role/internal-elb`` tag, if any."""
    subnet = next(s for s in snapshot.accounts[0].regions[0].subnets if s.subnet_id == subnet_id)
    return r.tag_value(subnet.tags, ROLE_TAG)
