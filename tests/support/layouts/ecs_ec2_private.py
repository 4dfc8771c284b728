"""ECS on EC2 container instances in an isolated VPC, reaching AWS through endpoints only (us-east-1).

Sources, the VPC first. aws-samples/container-patterns (containersonaws.com, Nathan Peck, AWS),
commit 2694e51bac931b63e957144b6bfc8898ece252b7 (2025-03-11): the pattern "Amazon ECS cluster with
isolated VPC and no NAT Gateway", ``pattern/ecs-cluster-isolated-vpc-no-nat-gateway/files/isolated-vpc.yml``
(last changed in 9bd5f3d, 2024-03-05), deployed with ``DeployingToEC2 = true`` — "Set value to
"true" in order to create additional ECS endpoints to enable ECS on EC2 usage"; the pattern's page:
"The following optional endpoints are also included, but disabled by default as they are not
needed for an AWS Fargate based deployment. You can enable these endpoints if you intend to deploy
ECS tasks on EC2 capacity". As declared: VPC 10.0.0.0/16 with DNS support and hostnames; private
subnets 10.0.128.0/18 and 10.0.192.0/18 in the Region's first two AZs, on one route table with no
route beyond the VPC, no internet gateway, no NAT; one shared PrivateLink group ("Shared security
group.", Name tag ``<stack>-shared``) admitting all traffic from itself, CloudFormation's default
egress; the S3 gateway endpoint on the route table; interface endpoints for logs, ssm,
ssmmessages ("This allows you to use Amazon ECS Exec"), ecr.api, ecr.dkr, secretsmanager and,
with the parameter, ecs-agent, ecs-telemetry and ecs — each in both subnets, in the shared group,
private DNS on, no policy (AWS's default full access).

The cluster: the same repository's "Amazon ECS Capacity Provider for EC2 instances" pattern,
``pattern/ecs-ec2-capacity-provider-scaling/files/cluster-capacity-provider.yml`` (last changed in
feb3d63, 2024-03-13) and ``service-capacity-provider.yml`` (0d1881e, 2024-01-24), for the EC2 side
the isolated pattern leaves to the reader ("The ECS services and/or EC2 instances that host those
services must have permission to talk to this security group", its
``PrivateLinkEndpointSecurityGroup`` output): an Auto Scaling group of ECS-optimized Amazon Linux 2
instances over the subnets in ``ContainerHostSecurityGroup`` (no ingress, default egress), ENI
trunking turned on for the instance role (its ``CustomEniTrunking`` resource), and an ``awsvpc``
service in its own ``ServiceSecurityGroup`` (no ingress, default egress), spread over the AZs,
logging with ``awslogs``. Access to the endpoints as the isolated pattern's
``private-service.yml`` (9bd5f3d, 2024-03-05) grants it to its Fargate service —
``PrivateLinkIngressFromService``, ``IpProtocol: -1`` from the service's group into the shared
one — and the same rule for the host group, whose instances run the agent. Stack names as the
patterns' ``sam deploy`` commands give them (the suffixes CloudFormation adds are made up).

What AWS asks of the VPC. The Amazon ECS Developer Guide, "Amazon ECS interface VPC endpoints
(AWS PrivateLink)" (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html,
and as archived in https://github.com/awsdocs/amazon-ecs-developer-guide at
021abe8ca185a054dea7bab21e631f9461e05bd6): for the EC2 launch type, agent 1.25.1 or later; "Creating
the VPC Endpoints for Amazon ECS" lists ``ecs-agent``, ``ecs-telemetry`` and ``ecs`` (the current
page adds, for Regions introduced from 2023-12-23, "If you do not configure all of the endpoints,
your traffic will go over the public endpoints"; us-east-1, the Region here, predates them, and
from isolated subnets no public endpoint is reachable anyway); a logs endpoint when "your VPC
doesn't have an internet gateway and your tasks use the awslogs log driver", Secrets Manager for
secrets, "The security group attached to the VPC endpoint must allow incoming connections on TCP
port 443 from the private subnet of the VPC"; the ECR User Guide's "Amazon ECR interface VPC
endpoints (AWS PrivateLink)" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html,
archived in awsdocs/amazon-ecr-user-guide at 04735f3f469d6918b08daff211ecceac9b582fc2): "If your
Amazon ECS tasks are using the EC2 launch type, both endpoints are required" (ecr.api, ecr.dkr),
"A gateway endpoint for Amazon S3 is required for all Amazon ECS tasks to pull private images
from Amazon ECR"; "Using Amazon ECS Exec": "If you are
using interface Amazon VPC endpoints with Amazon ECS, you must create the interface Amazon VPC
endpoints for Systems Manager Session Manager" (the current page names ``ssmmessages``), the task
role needing only ``ssmmessages:*`` actions.

The interfaces, as DescribeNetworkInterfaces would report them (``instances`` container instances,
one per subnet in turn; ``tasks`` service tasks, spread over the instances):

- each instance's primary interface: ``interface``, not requester-managed, no description,
  attached to its instance, in ``ContainerHostSecurityGroup``;
- with ENI trunking (``trunking=True``, the cluster template's setting): a trunk interface per
  instance that ECS creates and attaches — ``InterfaceType`` ``trunk``, described
  ``arn:aws:ecs:<region>:<account>:attachment/<uuid>``, in the VPC's default group (both as a
  public DescribeInstances dump of a trunking container instance shows them, ap-southeast-2,
  2019; AWS documents only that "The trunk network interface is fully managed by Amazon ECS"),
  assumed requester-managed; each task's interface a ``branch`` interface in the service's group,
  described like the trunk, attached to no instance (as EKS's branch interfaces are reported; AWS
  does not document whether ECS's appear in the account's DescribeNetworkInterfaces — assumed
  they do);
- without trunking: each task's interface ``interface``, described as above, attached to its
  instance, requester-managed ("These ENIs are visible in the Amazon EC2 console for your
  account, but they cannot be detached manually or modified by your account", "Task networking
  with the awsvpc network mode").

The cluster template's ``healthiness-daemon`` (bridge mode) has no interface of its own.

Near misses (all the EC2 launch type's): ``telemetry=False`` (the ecs-telemetry endpoint left
out of the three); ``host_admitted=False`` (the shared group admits the service's group only, as
``private-service.yml`` does for its Fargate service, while the agent, the image pulls and the
awslogs driver run on the instances) — with ``registered=False`` the instances as they then stay:
never registered with the cluster, so no trunk interface and no task; ``s3_gateway=False`` (ECR
without the S3 gateway endpoint); ``endpoint_azs=1`` (the interface endpoints in the first subnet
only, the instances in both). ``exec_endpoints`` chooses the Systems Manager endpoints: the
pattern's ``("ssm", "ssmmessages")`` or the ECS Exec page's ``("ssmmessages",)``.
``default_group_emptied=True`` strips the VPC's default group of its rules, as Security Hub's
EC2.2 ("VPC default security groups should not allow inbound or outbound traffic") asks.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
# Nested stacks of the patterns' `sam deploy` (the suffixes CloudFormation adds are made up).
VPC_STACK = "isolated-vpc-environment-VpcStack-1N0ZK5J2V8QXR"
CLUSTER_STACK = "isolated-vpc-environment-ClusterStack-0P7WQ3M9D2HXE"
SERVICE_STACK = "isolated-vpc-environment-ServiceStack-1C4TG8V6K0RJA"
SUBNET_CIDRS = ("10.0.128.0/18", "10.0.192.0/18")  # PrivateOne, PrivateTwo
# The interface endpoints the template always creates, besides ssm and ssmmessages (``exec_endpoints``),
BASE_ENDPOINTS = ("logs", "ecr.api", "ecr.dkr", "secretsmanager")
# and those it adds with ``DeployingToEC2 = true``.
ECS_ENDPOINTS = ("ecs-agent", "ecs-telemetry", "ecs")
ALL_TRAFFIC = ("-1", None, None)


def _attachment(n: int) -> str:
    """The description ECS gives the interfaces it creates: its attachment's ARN."""
    return f"arn:aws:ecs:{REGION}:{ACCOUNT}:attachment/5b7e2c1d-3f4a-4e6b-9c8d-0a1b2c3d4e{n:02d}"


def build(instances: int = 2, tasks: int = 2, *, trunking: bool = True, registered: bool = True,
          telemetry: bool = True, host_admitted: bool = True, s3_gateway: bool = True, endpoint_azs: int = 2,
          exec_endpoints: tuple[str, ...] = ("ssm", "ssmmessages"),
          default_group_emptied: bool = False) -> tuple[Snapshot, dict[str, str]]:
    """The isolated VPC with the ECS on EC2 endpoints, ``instances`` container instances (one per
    subnet in turn) and ``tasks`` service tasks (one per instance in turn); the keyword arguments
    are the variants of the module docstring. Returns the snapshot and the ids by role."""
    if tasks and not registered:
        raise ValueError("ECS places tasks on registered container instances only")
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc("10.0.0.0/16")
    subnets = [b.subnet(vpc, cidr, az=az) for az, cidr in enumerate(SUBNET_CIDRS, start=1)]
    route_table = b.route_table(vpc, subnets=subnets)
    default_sg = b.default_group(vpc)
    if default_group_emptied:
        b.groups[default_sg] = replace(b.groups[default_sg], rules=())
    shared = b.security_group(vpc, name=f"{VPC_STACK}-SecurityGroup-9QW2E4R6T8Y0", ingress=[(*ALL_TRAFFIC, "self")])
    b.tag(shared, {"Name": f"{VPC_STACK}-shared"})
    host_sg = b.security_group(vpc, name=f"{CLUSTER_STACK}-ContainerHostSecurityGroup-3KD8F2M1P0ZL")
    task_sg = b.security_group(vpc, name=f"{SERVICE_STACK}-ServiceSecurityGroup-7HJ3N5B9C1XV")
    admitted = [task_sg, host_sg] if host_admitted else [task_sg]
    b.authorize(shared, ingress=[(*ALL_TRAFFIC, group) for group in admitted])
    ids = {"vpc": vpc, "route_table": route_table, "default_sg": default_sg, "shared_sg": shared,
           "host_sg": host_sg, "task_sg": task_sg, "subnet1": subnets[0], "subnet2": subnets[1]}
    if s3_gateway:
        ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table])
    ecs = tuple(key for key in ECS_ENDPOINTS if telemetry or key != "ecs-telemetry")
    for key in (*BASE_ENDPOINTS, *exec_endpoints, *ecs):
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets[:endpoint_azs], groups=[shared])
    attachments = 0
    for n in range(instances):
        instance = ids[f"instance{n}"] = b.new_id("i")
        subnet = subnets[n % len(subnets)]
        host = ids[f"host{n}"] = b.workload(subnet, groups=[host_sg])
        b.enis[host] = replace(b.enis[host], instance_id=instance)
        if trunking and registered:
            attachments += 1
            trunk = ids[f"trunk{n}"] = b.workload(subnet, groups=[default_sg], interface_type="trunk",
                                                  requester_managed=True, description=_attachment(attachments))
            b.enis[trunk] = replace(b.enis[trunk], instance_id=instance)
    for n in range(tasks):
        host = b.enis[ids[f"host{n % instances}"]]
        attachments += 1
        task = ids[f"task{n}"] = b.workload(host.subnet_id, groups=[task_sg],
                                            interface_type="branch" if trunking else "interface",
                                            requester_managed=True, description=_attachment(attachments))
        if not trunking:
            b.enis[task] = replace(b.enis[task], instance_id=host.instance_id)
    return b.snapshot(), ids
