"""Two Amazon ECS services on Fargate talking through ECS Service Connect, in private subnets of
three AZs without internet access, us-east-1.

Sources:

- the Amazon ECS Developer Guide, "Service Connect" (awsdocs/amazon-ecs-developer-guide,
  ``doc_source/service-connect.md`` at commit 49232cf2ab3bbe78781a45fb1a4c4cf7eee8790a, the last
  commit before the repository was archived; current page
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect.html, read
  2026-12-06): ECS adds a Service Connect proxy container to each task of a service with a
  ``serviceConnectConfiguration`` (not in the task definition); a cluster created with a namespace
  name gets a Cloud Map HTTP namespace, and Service Connect "doesn't use or create DNS hosted zones
  in Amazon Route 53" (the guide recommends the "API calls" instance-discovery type); a client
  service's tasks reach every endpoint of the namespace through their proxy; a client-server
  service names a port mapping, its proxy listens on that ``containerPort`` and "the proxy in the
  client service connects to the proxy in the client-server service using the containerPort";
  security groups, route tables and network ACLs must allow that port (or ``ingressPortOverride``);
  Fargate tasks need platform version 1.4.0 or later;
- the same guide's "Amazon ECS interface VPC endpoints" (``doc_source/vpc-endpoints.md`` at the
  same commit; current page https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html,
  read 2026-12-06), its Fargate considerations: Fargate tasks "don't require the interface VPC
  endpoints for Amazon ECS"; ECR's interface endpoints and, without an internet gateway, the S3
  gateway endpoint for private images; a CloudWatch Logs endpoint for the ``awslogs`` driver
  without an internet gateway; the endpoints' group must admit TCP 443; and "Service Connect
  management of the Envoy proxy uses the com.amazonaws.region.ecs-agent VPC endpoint. When you
  don't use the VPC endpoints, Service Connect management of the Envoy proxy uses the ecs-sc
  endpoint in that Region" — so the one ECS endpoint a Service Connect task needs is
  ``ecs-agent``; ``ecs-sc`` is a public Regional endpoint, not an endpoint service. (The current
  page adds that Regions introduced from December 23, 2023 need all three of ``ecs-agent``,
  ``ecs-telemetry``, ``ecs``; us-east-1 is not one of them);
- aws-ia/ecs-blueprints at commit 5c2b302de602f8c9f9b42df8ba33fc82104eb8c3 (its HEAD
  9c87b66843044d8c9f77ed68690c0e1d6aa09a87 holds the same files): ``terraform/fargate-examples/core-infra/main.tf``
  (VPC 10.0.0.0/16, private subnets ``cidrsubnet(…, 8, k + 10)`` in three AZs, the cluster's
  ``service_connect_defaults`` namespace), ``backend-service/main.tf`` (``ecsdemo-backend``,
  ``containerPort`` 3000, three tasks in the private subnets) and ``vpc-endpoints/main.tf`` (the
  private subnets' interface endpoints with private DNS, among them ``ecr.api``, ``ecr.dkr``,
  ``ecs-agent`` and ``logs``, and the S3 gateway endpoint on the private table). The blueprint's
  core network keeps a NAT gateway and a Route 53 private DNS namespace; here, after the guide, no
  NAT and an HTTP namespace, and of its endpoint list only what the guide asks of these tasks.

What DescribeNetworkInterfaces shows of the tasks, as the ECS on Fargate layouts model it: one
interface per task (the proxy container shares the task's ``awsvpc`` network), ``InterfaceType``
``interface`` (botocore's ``NetworkInterfaceType`` has no ECS value), ``RequesterManaged`` true,
described ``arn:aws:ecs:us-east-1:<account>:attachment/<uuid>``, in the service's group,
``in-use``, on no instance of the account, no public address (``assignPublicIp`` ``DISABLED``), no
tags (assumed, as there). The HTTP namespace has no Route 53 zone, so the snapshot holds nothing
of it; the endpoints' configuration reaches the proxies from ECS (through ``ecs-agent``), and no
AWS page says the tasks call Cloud Map themselves, so no ``servicediscovery`` or
``data-servicediscovery`` endpoint is built (assumed). Where Fargate fetches the proxy's own image
from is not documented either (assumed: not through the task's interface, which the guide's
endpoint list would then name).

Built (``build()``): VPC 10.0.0.0/16 ``core-infra``, DNS support and hostnames on; private subnets
10.0.10-12.0/24 in us-east-1a, b, c (AZ IDs use1-az1, az2, az4 assumed: Fargate is not offered in
use1-az3) on one table ``core-infra-private`` with no route beyond the VPC; the default NACL.
Interface endpoints ``ecr.api``, ``ecr.dkr``, ``logs`` and ``ecs-agent`` in the three subnets,
private DNS on, AWS's default policy, behind ``core-infra-vpc-endpoints`` (TCP 443 from both
task groups); the S3 gateway endpoint on the table. Groups (assumed, after the guide):
``ecsdemo-frontend`` — the client service's, no ingress (its load balancer left out), all traffic
out; ``ecsdemo-backend`` — the client-server service's, TCP 3000 from ``ecsdemo-frontend``, all
traffic out. Three tasks per service, one per subnet.

Near misses:

- ``service_connect_endpoint=False``: the ``ecs-agent`` endpoint left out (the ECR/Logs/S3 set of
  the plain Fargate layouts): the proxies' management goes to the public ``ecs-sc`` endpoint, which
  isolated subnets cannot reach;
- ``backend_admits_frontend=False``: the backend's group without the frontend's rule (no ingress
  at all): the frontend proxies' connections to port 3000 time out;
- ``logs_endpoint=False``: the CloudWatch Logs endpoint left out while the task definitions use
  ``awslogs`` (every ECS example's does; task definitions are not in the snapshot).

Left out: the cluster, task definitions, namespace and IAM roles (no network resources), the
frontend's load balancer, tags other than names.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2", "use1-az4")  # this account's us-east-1a, b, c (assumed)
NAME = "core-infra"
SERVICE_PORT = 3000  # the backend's containerPort, where its Service Connect proxy listens
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
SERVICES = ("frontend", "backend")
# Task attachments (uuids assumed).
ATTACHMENT = f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/4c1e8a2f-7b3d-4f9e-a6c5-2d8b0e1f3a{{n:02d}}"


def build(*, service_connect_endpoint: bool = True, backend_admits_frontend: bool = True,
          logs_endpoint: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The layout; the keyword arguments are the near misses of the module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc("10.0.0.0/16", name=NAME, dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc}
    subnets = [b.subnet(vpc, f"10.0.{10 + k}.0/24", az=k + 1, name=f"{NAME}-private-{REGION}{'abc'[k]}")
               for k in range(3)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(subnets, start=1)}
    route_table = ids["private_rt"] = b.route_table(vpc, subnets=subnets, name=f"{NAME}-private")

    frontend_sg = ids["frontend_sg"] = b.security_group(vpc, name="ecsdemo-frontend", egress=[ALL_OUT])
    admitted = [("tcp", SERVICE_PORT, SERVICE_PORT, frontend_sg)] if backend_admits_frontend else []
    backend_sg = ids["backend_sg"] = b.security_group(vpc, name="ecsdemo-backend", ingress=admitted,
                                                      egress=[ALL_OUT])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(
        vpc, name=f"{NAME}-vpc-endpoints", ingress=[("tcp", 443, 443, g) for g in (frontend_sg, backend_sg)])

    keys = ["ecr.api", "ecr.dkr"] + (["logs"] if logs_endpoint else []) \
        + (["ecs-agent"] if service_connect_endpoint else [])
    for key in keys:
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table])

    n = 0
    for service, group in zip(SERVICES, (frontend_sg, backend_sg), strict=True):
        for k, subnet in enumerate(subnets, start=1):
            n += 1
            ids[f"{service}{k}"] = b.workload(subnet, groups=[group], requester_managed=True,
                                              description=ATTACHMENT.format(n=n))
    return b.snapshot(), ids
