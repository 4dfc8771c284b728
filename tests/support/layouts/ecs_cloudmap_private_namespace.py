"""Amazon ECS service discovery through an AWS Cloud Map private DNS namespace, for Fargate tasks in
private subnets without NAT, us-east-1.

Sources:

- the Amazon ECS Developer Guide, "Service Discovery" (awsdocs/amazon-ecs-developer-guide,
  ``doc_source/service-discovery.md`` at commit 024df00cd4eb3c9f6dbad546fa239ff4e9d826c8; current
  page https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-discovery.html, read
  2026-12-06): creating a Cloud Map private DNS namespace creates a Route 53 private hosted zone;
  "The VPC DNS attributes must be configured for successful DNS resolution"; the records always
  hold the task's private address; with ``awsvpc`` a service may have A or SRV records (SRV
  needs a port); names are ``<service discovery service>.<namespace>``, queried within the VPC;
  ECS-managed health (``HealthCheckCustomConfig``) takes an unhealthy task out of DNS;
- its tutorial "Creating a service using Service Discovery" (same repository,
  ``doc_source/create-service-discovery.md`` at commit 02824f062cc5fb004314ee7a90b36533f7f77f80):
  ``create-private-dns-namespace --name tutorial --vpc …``, a Cloud Map service ``myapplication``
  with ``DnsRecords=[{Type="A",TTL="300"}]`` and ``--health-check-custom-config
  FailureThreshold=1``, a Fargate service of the ``awsvpc`` task definition ``tutorial-task-def``
  (``httpd:2.4`` on TCP 80), and the zone's records as ``list-resource-record-sets`` shows them:
  NS and SOA at the apex, one multivalue-answer A record per task (``SetIdentifier`` the Cloud Map
  instance id, TTL 300, the task's private IPv4 address);
- the Terraform AWS provider's ``aws_service_discovery_private_dns_namespace`` page
  (hashicorp/terraform-provider-aws ``website/docs/r/service_discovery_private_dns_namespace.html.markdown``
  at commit 1707539c027654bf989a37358d17d829d4d17289): ``name = "hoge.example.local"``, ``vpc =
  aws_vpc.example.id``, its ``aws_vpc`` declaring ``cidr_block`` only — and the ``aws_vpc`` page
  (``website/docs/r/vpc.html.markdown`` at 0148137dc6fb802b97b74036846777ab15c0f9ad):
  ``enable_dns_support`` "Defaults true", ``enable_dns_hostnames`` "Defaults false";
- the network around the tasks: the ECS on Fargate layout without NAT (``ecs_fargate_private``,
  the ECS and ECR guides' VPC endpoints pages), which the tutorial leaves to the reader ("You have
  a VPC and security group created to use");
- botocore's route53 model: ``HostedZone.Config.PrivateZone``; ``HostedZone.LinkedService``
  (``ServicePrincipal``, ``Description``: "If the … hosted zone was created by another service");
  ``HostedZoneOwner.OwningAccount``: "when you use Cloud Map to create a hosted zone, Cloud Map
  creates the hosted zone using the current Amazon Web Services account";
- the Route 53 Developer Guide, "Considerations when working with a private hosted zone" (current
  page, read 2026-12-06): ``enableDnsHostnames`` and ``enableDnsSupport`` must both be true to use
  private hosted zones; with a matching private zone that has no record for a name, Resolver does
  not forward the query to public DNS but returns NXDOMAIN (the split-view section).

What Route 53 shows of the namespace's zone: a private zone (``Config.PrivateZone`` true) named
after the namespace, owned by this account (``OwningAccount``), associated with the namespace's
VPC, ``LinkedService.ServicePrincipal`` ``servicediscovery.amazonaws.com`` (assumed: botocore
documents the field, no page shows Cloud Map's value; its ``Description`` unknown). vpcaudit's
snapshot records none of ``Config``, ``LinkedService`` or the owner: a ``HostedZone`` is its id,
normalised name and VPC associations, and its record sets only when the account owns it and its
name can answer for AWS service hostnames (``collectors/route53.py``). ``tutorial`` cannot, so the
zone is recorded as the collector records it: ``record_sets=()``, ``record_sets_collected=False``
— the NS/SOA and the tasks' A records exist in Route 53 but not in the snapshot.

The tasks' interfaces as DescribeNetworkInterfaces shows them, as the ECS on Fargate layout models
them: ``InterfaceType`` ``interface`` (botocore's ``NetworkInterfaceType`` has no ECS value),
``RequesterManaged`` true, described ``arn:aws:ecs:us-east-1:<account>:attachment/<uuid>``, in
the service's group, ``in-use``, on no instance of the account, no public address
(``assignPublicIp`` ``DISABLED`` in private subnets; the tutorial's ``ENABLED`` was for a public
subnet), no tags (assumed, as there).

Built (``build()``): VPC 10.0.0.0/16 with DNS support and hostnames on; private subnets
10.0.1.0/24 and 10.0.2.0/24 (use1-az1, use1-az2) on one table without a default route; interface
endpoints with private DNS for ``ecr.dkr``, ``ecr.api`` and ``logs`` in both subnets behind
``vpc-endpoints`` (TCP 443 from the tasks' group), an S3 gateway endpoint on the table (all with
AWS's default policy); the tasks' group ``myapplication`` admitting TCP 80 from itself (the
callers are other tasks of the group: assumed, the tutorial's group is the reader's), all traffic
out; the namespace's private zone ``tutorial`` associated with the VPC; two tasks of the
``ecs-service-discovery`` service (``desiredCount`` 2, one per subnet: assumed, the tutorial runs
one in one subnet), each registered by ECS as an A record ``myapplication.tutorial``.

Near misses:

- ``dns_support=False``: the VPC's ``enableDnsSupport`` off (turned off after the endpoints and
  the namespace were created; assumed that ModifyVpcAttribute accepts it then): the zone and the
  endpoints' private names stop resolving;
- ``dns_hostnames=False``: the VPC as the Terraform example declares it (``aws_vpc`` with
  ``cidr_block`` only, so ``enable_dns_hostnames`` false) — e.g. the VPC imported into that
  configuration and the attribute reverted on apply, the endpoints already in place (assumed);
- ``stale_task=True``: the second task stopped and its interface deleted while its A record stays
  in the zone (a Cloud Map instance left registered — ECS deregisters the tasks it stops, so
  assumed: a registration made outside ECS or a deregistration that failed). The snapshot
  differs only by the missing interface: the record was never collected;
- ``namespace="example.com"``: the namespace named after the company's public domain (the
  CloudFormation ``AWS::ServiceDiscovery::PrivateDnsNamespace`` reference's example name): from
  the VPC, every public name under it without a record in the private zone gets NXDOMAIN.

Left out: the ECS cluster, task definition, Cloud Map service and IAM roles (no network
resources), tags other than names.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAMESPACE = "tutorial"
SERVICE = "myapplication"
HTTP = 80
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
# Task attachments (uuids assumed).
ATTACHMENT = f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/7e3b9c1d-4a2f-4d6e-8b0c-5f1a2e3d4c{{n:02d}}"


def build(*, dns_support: bool = True, dns_hostnames: bool = True, stale_task: bool = False,
          namespace: str = NAMESPACE) -> tuple[Snapshot, dict[str, str]]:
    """The layout; the keyword arguments are the near misses of the module docstring."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc("10.0.0.0/16", name="service-discovery", dns_support=dns_support, dns_hostnames=dns_hostnames)
    subnets = [b.subnet(vpc, f"10.0.{az}.0/24", az=az, name=f"private-{az}") for az in (1, 2)]
    ids = {"vpc": vpc, "private1": subnets[0], "private2": subnets[1]}
    route_table = ids["private_rt"] = b.route_table(vpc, subnets=subnets, name="private")
    task_sg = ids["task_sg"] = b.security_group(vpc, name=SERVICE, ingress=[("tcp", HTTP, HTTP, "self")],
                                                egress=[ALL_OUT])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="vpc-endpoints",
                                                        ingress=[("tcp", 443, 443, task_sg)])
    for key in ("ecr.dkr", "ecr.api", "logs"):
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table])

    for n, subnet in enumerate(subnets, start=1):
        ids[f"task{n}"] = b.workload(subnet, groups=[task_sg], requester_managed=True,
                                     description=ATTACHMENT.format(n=n))
        # The address ECS registers as the task's A record (AWS_INSTANCE_IPV4).
        ids[f"task{n}_ip"] = b.enis[ids[f"task{n}"]].private_ip_addresses[0]
    ids["zone"] = b.hosted_zone(namespace, [vpc])
    # As the collector records a zone whose name cannot answer for AWS service hostnames.
    b.zones[-1] = replace(b.zones[-1], record_sets=(), record_sets_collected=False)
    if stale_task:
        del b.enis[ids["task2"]]
    return b.snapshot(), ids

