"""AWS Verified Access in front of an internal application: a Verified Access instance, group and
load-balancer endpoint whose interfaces sit in the application's private subnets, forwarding to an
internal Application Load Balancer before an ECS on Fargate service (us-west-2).

Sources:

- the published proof of concept awslabs/aws-verified-access-poc-terraform at commit
  74de5253132c9b57bfff1170d00992fdc692eea2
  (https://github.com/awslabs/aws-verified-access-poc-terraform/tree/74de5253132c9b57bfff1170d00992fdc692eea2):
  ``example_terraform.tfvars`` (us-west-2, app ``ava-app1``, environment ``dev``, VPC 10.0.0.0/24,
  AZs us-west-2a and b, public subnets 10.0.0.0/28 and 10.0.0.16/28, private 10.0.0.32/28 and
  10.0.0.48/28), ``modules/vpc/vpc.tf`` (terraform-aws-modules/vpc ~> 5.8.1, DNS support and
  hostnames on) with ``app_resources.tf`` (``enable_nat_gateway = true``, ``single_nat_gateway =
  false``), ``verified_access.tf`` and ``modules/va_endpoint/main.tf`` (``endpoint_type =
  "load-balancer"``, ``attachment_type = "vpc"``, ``load_balancer_options`` with the ALB's ARN, port
  443, protocol ``https``, ``subnet_ids`` = the private subnets; ``security_group_ids`` = the group
  ``ava-app1-endpoint-sg``: TCP 443 from 0.0.0.0/0, all traffic out), ``modules/ecs/alb.tf``
  (``internal = true`` in the private subnets, HTTPS:443 listener, ``ip`` targets on HTTP:80),
  ``modules/ecs/sg.tf`` (``ava-app1-alb-sg``: TCP 443 from the VPC's block, all out;
  ``ava-app1-app-ecs-service-sg``: TCP 80 from the ALB's group, all out), ``modules/ecs/ecs.tf``
  and ``locals.tf`` (Fargate 1.4.0 in the private subnets, no public IP, ECS Exec on,
  ``service_desired_count = 1``) and ``containers.tf`` (``nginx:latest`` from Docker Hub, awslogs to
  us-east-1);
- the AWS Verified Access User Guide (current pages, read 2026-12-06): "Verified Access endpoints"
  (https://docs.aws.amazon.com/verified-access/latest/ug/verified-access-endpoints.html), "Create a
  load balancer endpoint for Verified Access" (create-load-balancer-endpoint.html: the load balancer
  "must be an internal load balancer", the load balancer and subnets in one VPC, "only one subnet per
  Availability Zone"; the endpoint's groups "control the inbound and outbound traffic" of the
  endpoint), "Create a network interface endpoint for Verified Access"
  (create-network-interface-endpoint.html: "We use the private IP on the network interface to
  forward the traffic"; the target interface and the groups in one VPC), and "Use service-linked
  roles for Verified Access": the role AWSServiceRoleForVPCVerifiedAccess may call
  ``ec2:CreateNetworkInterface`` on any subnet and group, ``ec2:CreateTags`` on interfaces at
  creation, and ``ec2:DeleteNetworkInterface`` / ``ec2:ModifyNetworkInterfaceAttribute`` only on
  interfaces tagged ``VerifiedAccessManaged=true`` (the policy itself:
  https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSVPCVerifiedAccessServiceRolePolicy.html, v3);
- botocore's ec2 service model (2016-11-15): ``NetworkInterfaceType`` has no Verified Access value
  (interface, natGateway, efa, efa-only, trunk, load_balancer, network_load_balancer, vpc_endpoint,
  branch, transit_gateway, lambda, quicksight, global_accelerator_managed, api_gateway_managed,
  gateway_load_balancer, gateway_load_balancer_endpoint, iot_rules_managed,
  aws_codestar_connections_managed); ``VerifiedAccessEndpointEniOptions.NetworkInterfaceId`` names
  the target's interface, not one of Verified Access's.

What DescribeNetworkInterfaces shows of Verified Access's own interfaces AWS does not document.
Assumed: one per endpoint subnet; ``InterfaceType`` ``interface`` (EC2's default, no enum value
being Verified Access's); not requester-managed and no RequesterId (the account's service-linked
role creates them, as the layouts of Global Accelerator and CloudFront VPC origins assume of their
services' interfaces); an empty description; tag ``VerifiedAccessManaged: true`` (the only
interfaces the role may delete or modify carry it, so it sets it at creation: inferred from the
policy, not shown by AWS); carrying the endpoint's groups; attached to no instance; ``in-use``.
The ALB's nodes as other layouts model them (``interface``, requester-managed, RequesterId
``amazon-elb``, Description ``ELB app/<name>/<id>``); the Fargate task's interface as
``ecs_fargate_private`` models it (requester-managed, described by its ECS attachment ARN).

Built: VPC ``ava-app1-dev`` 10.0.0.0/24 (us-west-2a/b as usw2-az1/az2, assumed), DNS on, an
internet gateway; the public subnets on one table to it, one NAT gateway in each (the module's
``nat_gateway_count`` is the larger subnet count, 2, with ``single_nat_gateway`` off); each
private subnet on its own table to its AZ's NAT gateway; the default NACL. The module also
manages the default group, left without rules (assumed: its v5 defaults). Groups as the PoC has
them, except one rule the brief of this layout fixes: ``ava-app1-alb-sg`` admits TCP 443 from
``ava-app1-endpoint-sg`` (``alb_source="endpoint-group"``), the tight form; the PoC's own rule, TCP
443 from 10.0.0.0/24, is ``alb_source="vpc-cidr"``. The application: the internal ALB's two nodes,
the one task in ``private1`` (desired count 1), Verified Access's interface in each endpoint subnet.
Interface addresses are numbered inside each /28 from its fifth address (AWS reserves four).

Variants: ``alb_source="vpc-cidr"`` (the PoC verbatim); ``endpoint_azs=(1,)`` (near miss: the
endpoint given only the first private subnet, while the ALB spans two); ``task_endpoints=True``
(companions the PoC lacks: interface endpoints ``ecr.api``, ``ecr.dkr`` and ``ssmmessages`` (ECS
Exec) in both private subnets, private DNS on, group ``ava-app1-vpce-sg`` admitting TCP 443 from the
tasks' group only, and the S3 gateway endpoint on both private tables — the question being whether
Verified Access's interfaces are then counted as clients cut off from the endpoints);
``endpoint_egress="alb"`` (the endpoint's group sending TCP 443 to the ALB's group only, AWS's
default egress replaced: the least a load-balancer endpoint needs, with the endpoints above the
question of SG005).
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-west-2"
APP = "ava-app1"
VPC_CIDR = "10.0.0.0/24"
PUBLIC_CIDRS = ("10.0.0.0/28", "10.0.0.16/28")
PRIVATE_CIDRS = ("10.0.0.32/28", "10.0.0.48/28")
HTTPS, HTTP = 443, 80
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
ALB = f"app/alb-{APP}/5c1e9a7f3b2d4e60"  # id assumed
VA_MANAGED_TAG = {"VerifiedAccessManaged": "true"}
TASK_ATTACHMENT = f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/3f9c2a71-6b4e-4d0a-9e85-1c7d2b6f4a90"  # assumed
TASK_ENDPOINTS = ("ecr.api", "ecr.dkr", "ssmmessages")


def build(*, alb_source: str = "endpoint-group", endpoint_azs: tuple[int, ...] = (1, 2),
          task_endpoints: bool = False, endpoint_egress: str = "all") -> tuple[Snapshot, dict[str, str]]:
    """``alb_source``: "endpoint-group" or "vpc-cidr" (what the ALB's group admits on 443);
    ``endpoint_azs``: the Verified Access endpoint's private subnets by AZ; ``task_endpoints``:
    the companion endpoints; ``endpoint_egress``: "all" (the PoC) or "alb" (TCP 443 to the ALB's
    group only) for the endpoint's group (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("usw2-az1", "usw2-az2"))
    vpc = b.vpc(VPC_CIDR, name=f"{APP}-dev", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    default = b.groups[ids["default_sg"]]
    b.groups[ids["default_sg"]] = replace(default, rules=())
    ids["igw"] = b.igw(vpc)
    for az, cidr in enumerate(PUBLIC_CIDRS, start=1):
        ids[f"public{az}"] = b.subnet(vpc, cidr, az=az, name=f"{APP}-dev-public-{REGION}{'ab'[az - 1]}")
        ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
    ids["public_rt"] = b.route_table(vpc, subnets=[ids["public1"], ids["public2"]],
                                     routes={"0.0.0.0/0": ids["igw"]}, name=f"{APP}-dev-public")
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        suffix = f"{REGION}{'ab'[az - 1]}"
        ids[f"private{az}"] = b.subnet(vpc, cidr, az=az, name=f"{APP}-dev-private-{suffix}")
        routes = {"0.0.0.0/0": ids[f"nat{az}"]}
        ids[f"private_rt{az}"] = b.route_table(vpc, subnets=[ids[f"private{az}"]], routes=routes,
                                               name=f"{APP}-dev-private-{suffix}")
    private = [ids["private1"], ids["private2"]]

    # The endpoint's and the ALB's groups may reference each other: created, then authorised.
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name=f"{APP}-endpoint-sg", ingress=[("tcp", HTTPS, HTTPS, "0.0.0.0/0")],
        egress=[ALL_OUT] if endpoint_egress == "all" else [])
    source = endpoint_sg if alb_source == "endpoint-group" else VPC_CIDR
    alb_sg = ids["alb_sg"] = b.security_group(vpc, name=f"{APP}-alb-sg", ingress=[("tcp", HTTPS, HTTPS, source)],
                                              egress=[ALL_OUT])
    if endpoint_egress == "alb":
        b.authorize(endpoint_sg, egress=[("tcp", HTTPS, HTTPS, alb_sg)])
    task_sg = ids["task_sg"] = b.security_group(vpc, name=f"{APP}-app-ecs-service-sg",
                                                ingress=[("tcp", HTTP, HTTP, alb_sg)], egress=[ALL_OUT])

    for az, subnet in enumerate(private, start=1):
        ids[f"alb_eni{az}"] = b.workload(subnet, groups=[alb_sg], requester_managed=True,
                                         requester_id="amazon-elb", description=f"ELB {ALB}")
    ids["task_eni"] = b.workload(ids["private1"], groups=[task_sg], requester_managed=True,
                                 description=TASK_ATTACHMENT)
    ids["va_endpoint"] = b.new_id("vae")  # not in the snapshot: DescribeVerifiedAccessEndpoints is not collected
    for az in endpoint_azs:
        eni = ids[f"va_eni{az}"] = b.workload(ids[f"private{az}"], groups=[endpoint_sg])
        b.tag(eni, VA_MANAGED_TAG)

    if task_endpoints:
        vpce_sg = ids["vpce_sg"] = b.security_group(vpc, name=f"{APP}-vpce-sg",
                                                    ingress=[("tcp", HTTPS, HTTPS, task_sg)], egress=[ALL_OUT])
        for key in TASK_ENDPOINTS:
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[vpce_sg])
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt1"], ids["private_rt2"]])

    _number_addresses(b)
    return b.snapshot(), ids


def _number_addresses(b: AwsRegionBuilder) -> None:
    """Give every interface an address inside its /28 (the rule-test builder numbers from the
    first three octets), in creation order from the subnet's fifth address; a NAT gateway's
    recorded private address follows its interface's."""
    used: dict[str, int] = {}
    for eni_id, eni in b.enis.items():
        network = ipaddress.ip_network(b.subnets[eni.subnet_id].cidr_block)
        used[eni.subnet_id] = used.get(eni.subnet_id, 3) + 1
        b.enis[eni_id] = replace(eni, private_ip_addresses=(str(network[used[eni.subnet_id]]),))
    for nat_id, nat in b.nats.items():
        address = nat.addresses[0]
        ip = b.enis[address.network_interface_id].private_ip_addresses[0]
        b.nats[nat_id] = replace(nat, addresses=(replace(address, private_ip=ip),))
