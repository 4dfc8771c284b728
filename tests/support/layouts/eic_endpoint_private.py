"""EC2 instances in private subnets reached through an EC2 Instance Connect Endpoint (us-east-1).

The Amazon EC2 User Guide, "Connect to your instances using a private IP address and EC2 Instance
Connect Endpoint"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/connect-with-ec2-instance-connect-endpoint.html),
"Security groups for EC2 Instance Connect Endpoint" (eice-security-groups.html) and "Create an EC2
Instance Connect Endpoint" (create-ec2-instance-connect-endpoints.html), as published in 2025 (the
guide's GitHub source, awsdocs/amazon-ec2-user-guide, was archived in 2023 before these pages
existed); the AWS Compute Blog's launch post of 2023-06-13 ("Secure Connectivity from Public to
Private: Introducing EC2 Instance Connect Endpoint") walks through the same set-up. What they say:
"EC2 Instance Connect Endpoint is an identity-aware TCP proxy"; "You can connect to your instances
from the internet without requiring that your VPC has direct internet connectivity through an
internet gateway"; "You can configure route table rules to allow the endpoint to connect to any
instance in any subnet of the VPC"; connecting to an instance "in a different Availability Zone"
costs cross-AZ data transfer; and AWS::EC2::InstanceConnectEndpoint: "you can create only one EC2
Instance Connect Endpoint per VPC". Security groups: the endpoint's rules "must allow outbound
traffic destined for the target instances to leave the endpoint" — the example, TCP 22 to the
instance security group's ID; "Traffic to the endpoint originates from the EC2 Instance Connect
Endpoint Service, and it is allowed regardless of the inbound rules for the endpoint security
group"; the instances' rules "must allow inbound traffic from the EC2 Instance Connect Endpoint" —
the example, TCP 22 from the endpoint security group's ID, which works "regardless of whether client
IP preservation is on or off". An IPv4 range as the source depends on client IP preservation: off,
the source is the endpoint's network interface address; on, the client's. If no group is given,
"the default security group for your VPC is associated with the endpoint"
(CreateInstanceConnectEndpoint).

The guide gives no template; built as its pages ask, with these assumptions: a VPC 10.0.0.0/16 named
``eice``, DNS support and hostnames on; no internet gateway and no NAT gateway; private subnets
10.0.1.0/24 (use1-az1) and 10.0.2.0/24 (use1-az2) on one route table ``eice-private`` (local route
only); one instance per subnet in ``eice-instances`` (TCP 22 from ``eice-endpoint``, AWS's default
egress); the endpoint in the first subnet with ``eice-endpoint`` (no ingress, TCP 22 out to
``eice-instances`` only: the default all-traffic egress replaced, as the guide's example has it);
client IP preservation off (not recorded: the snapshot has no Instance Connect Endpoint records).
The companions a private instance of this kind is usually given, so that the instances are clients
of AWS services: the Systems Manager interface endpoints ``ssm``, ``ssmmessages``, ``ec2messages``
in both subnets, private DNS on, behind ``eice-vpc-endpoints`` admitting TCP 443 from 10.0.0.0/16,
and the S3 gateway endpoint on the private table (package repositories of Amazon Linux are S3
buckets), all with AWS's default full access.

The network interfaces, as DescribeNetworkInterfaces reports them. An instance's primary interface:
typed ``interface``, not requester-managed, no RequesterId, an empty description, attached to its
instance. The endpoint's interface, as an account's inventory shows it (a Terraformer export in a
public repository, aws_network_interface ``eni-09c6135c2e641f3cf``): InterfaceType
``ec2_instance_connect_endpoint``, Description ``Instance Connect Endpoint (id: eice-<id>)``, tag
``InstanceConnectEndpointId: eice-<id>``, attached to no instance, carrying the endpoint's groups.
The type is not among botocore's ``NetworkInterfaceType`` values (1.44.18), which EC2 does not keep
to. Assumed: requester-managed, as the EC2 User Guide's "Requester-managed network interfaces"
defines them ("a network interface that an AWS service creates in your VPC on your behalf"), the
interface being created by the service-linked role whose managed policy Ec2InstanceConnectEndpoint
allows ``ec2:CreateNetworkInterface`` only with the ``InstanceConnectEndpointId`` tag key; its
RequesterId, which AWS does not document, that role's session (``REQUESTER_ID``).

Near misses: ``endpoint_egress="none"`` (the endpoint's group with AWS's default egress removed and
the rule to the instances never added); ``instance_source="vpc-cidr"`` (the instances admitting
TCP 22 from 10.0.0.0/16 instead of the endpoint's group); ``endpoint_group="default"`` (the endpoint
created without a group, so it carries the VPC's default group, while the instances admit TCP 22
from ``eice-endpoint``).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "eice"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
SSH = 22
INTERFACE_SERVICES = ("ssm", "ssmmessages", "ec2messages")
EICE_INTERFACE_TYPE = "ec2_instance_connect_endpoint"
# Assumed (see the module docstring): the session of the service-linked role
# AWSServiceRoleForEC2InstanceConnect that creates the interface.
REQUESTER_ID = "AROAEXAMPLEEICEROLE01:EC2InstanceConnectEndpoint"


def build(*, endpoint_egress: str = "instances", instance_source: str = "endpoint-group",
          endpoint_group: str = "own") -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_egress``: "instances" (TCP 22 to the instances' group) or "none".
    ``instance_source``: "endpoint-group" (TCP 22 from ``eice-endpoint``) or "vpc-cidr".
    ``endpoint_group``: "own" (``eice-endpoint``) or "default" (the VPC's default group)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")

    # The two groups reference each other: created empty, then authorised.
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-endpoint", egress=[])
    instance_sg = ids["instance_sg"] = b.security_group(vpc, name=f"{NAME}-instances")
    if endpoint_egress == "instances":
        b.authorize(endpoint_sg, egress=[("tcp", SSH, SSH, instance_sg)])
    source = endpoint_sg if instance_source == "endpoint-group" else VPC_CIDR
    b.authorize(instance_sg, ingress=[("tcp", SSH, SSH, source)])

    ids["endpoints_sg"] = b.security_group(vpc, name=f"{NAME}-vpc-endpoints", ingress=[("tcp", 443, 443, VPC_CIDR)])
    for key in INTERFACE_SERVICES:
        ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[ids["endpoints_sg"]])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])

    for az, subnet in enumerate(private, start=1):
        eni = ids[f"instance{az}_eni"] = b.workload(subnet, groups=[instance_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))

    # The endpoint's interface (fields: see the module docstring).
    eice = ids["eice"] = b.new_id("eice")
    group = endpoint_sg if endpoint_group == "own" else ids["default_sg"]
    eni = ids["eice_eni"] = b.workload(private[0], groups=[group], interface_type=EICE_INTERFACE_TYPE,
                                       requester_managed=True, requester_id=REQUESTER_ID,
                                       description=f"Instance Connect Endpoint (id: {eice})")
    b.enis[eni] = replace(b.enis[eni], tags=(r.Tag("InstanceConnectEndpointId", eice),))
    return b.snapshot(), ids
