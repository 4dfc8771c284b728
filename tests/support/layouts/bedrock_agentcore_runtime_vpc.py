"""An Amazon Bedrock AgentCore Runtime agent in VPC network mode: private subnets in two
Availability Zones, one security group, the agent reaching Amazon Bedrock, Amazon ECR, CloudWatch
Logs and Amazon S3 through interface endpoints and an S3 gateway endpoint, with or without a NAT
gateway per AZ (us-east-1).

Sources:

- the Amazon Bedrock AgentCore Developer Guide, "Configure Amazon Bedrock AgentCore Runtime and
  tools for VPC" (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/agentcore-vpc.html,
  current page, read 2026-12-07): AgentCore "creates elastic network interfaces (ENIs) in your VPC
  using the service-linked role ``AWSServiceRoleForBedrockAgentCoreNetwork``"; each ENI takes a
  private address from the subnets given; "Security groups attached to the ENIs control which
  resources your runtime and tools can communicate with"; the ENIs are shared by the agents with
  the same subnets and groups and may stay up to 8 hours after an agent is deleted; the
  prerequisites ask for subnets "located in supported Availability Zones for your region" (a table
  of AZ IDs per Region) and point to "Internet access considerations" for subnets that need the
  internet (a private subnet routed to a NAT gateway). Only excerpts of the page could be read: its
  AZ table and any list of endpoints it gives were not, and nothing here rests on them;
- the same guide's "Use interface VPC endpoints (AWS PrivateLink) …"
  (https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/vpc-interface-endpoints.html,
  current page, read 2026-12-07): three endpoint services, ``com.amazonaws.region.bedrock-agentcore``
  (data plane), ``…bedrock-agentcore-control`` and ``…bedrock-agentcore.gateway``, for callers *in*
  a VPC reaching AgentCore; an endpoint policy restricts IAM principals only (an OAuth caller needs
  ``Principal *``). None is needed for the agent's own calls, so none is built;
- the AgentCore Control API reference, ``VpcConfig``
  (https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_VpcConfig.html,
  current page, read 2026-12-07): ``securityGroups`` and ``subnets``, 1 to 16 each (one subnet is
  accepted); ``requireServiceS3Endpoint``: runtimes created from the rollout that began on
  5 May 2026 "no longer include the service-managed Amazon S3 gateway", "all network access,
  including to Amazon S3, is governed exclusively by your VPC configuration", and the customer must
  "ensure your VPC provides the Amazon S3 access required for agent startup" (code and container
  images are downloaded at startup);
- the published sample, awslabs/amazon-bedrock-agentcore-samples
  ``01-tutorials/01-AgentCore-runtime/03-advanced-concepts/07-connect-to-vpc-resources/agentcore-runtime-in-vpc-access.ipynb``
  (commit af75926b29421b74871688e21934dbee01cfb822): a CDK stack (not in the stored copy) creates
  "the VPC, subnets, security groups, Cloud Map and the Fargate service"; the runtime is configured
  with ``vpc_enabled=True``, one security group and two subnets (``SUBNETS='subnet-,subnet-'``), "in
  the same subnets in which the resource is deployed", a container agent built into ECR; its role
  may call ``bedrock:InvokeModel`` and CloudWatch Logs. The sample's VPC itself is therefore not
  reproduced: the network below is the guide's, with the endpoints the ECR User Guide names for
  image pulls (``ecr.api``, ``ecr.dkr``, the S3 gateway endpoint for the layers), ``logs`` and
  ``bedrock-runtime`` (the Bedrock User Guide's runtime endpoint, the agent's model calls).

Built (``build()``), in us-east-1 with AZ IDs use1-az2 and use1-az4 (assumed among the guide's
supported AZ IDs): VPC 10.0.0.0/16, DNS support and hostnames on; public subnets 10.0.1.0/24 and
10.0.2.0/24 on one table to the internet gateway, a NAT gateway in each; private subnets
10.0.11.0/24 and 10.0.12.0/24, each on its own table to its AZ's NAT gateway; the default NACL, no
flow log. ``agentcore-runtime-sg`` (the runtime's group): no ingress, AWS's default egress
(assumed; the sample's stack is not stored). ``agentcore-vpc-endpoints``: TCP 443 from the
runtime's group. Interface endpoints ``ecr.api``, ``ecr.dkr``, ``logs`` and ``bedrock-runtime`` in
both private subnets, private DNS on, AWS's default policy; an S3 gateway endpoint on both private
tables, default policy. ``nat=False``: the same without public subnets, internet gateway and NAT
gateways (the private tables keep the local and S3 prefix-list routes).

The runtime's interfaces as DescribeNetworkInterfaces would report them (``agent=True``). AWS
documents that the service-linked role creates them in the customer's subnets with the runtime's
groups, nothing more. Assumed: one per configured subnet (the guide: shared by agents of the same
subnets and groups), ``InterfaceType`` ``interface`` (botocore 1.44.18's ``NetworkInterfaceType``
has no AgentCore value), not requester-managed (the account's service-linked role calls
``CreateNetworkInterface``), no RequesterId, an empty description, no tags, attached to no
instance of the account, ``in-use``, no public address. The network model counts them as workloads.

Near misses: ``bedrock_endpoint=False`` with ``nat=False`` (no NAT and no ``bedrock-runtime``
endpoint); ``endpoints_admit="self"`` (the endpoints' group admits 443 only from itself, not from
the runtime's group); ``agent_azs=(1,)`` (the runtime given the use1-az2 subnet only).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "agentcore-vpc"  # the stack's resource prefix (assumed)
VPC_CIDR = "10.0.0.0/16"
PUBLIC_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
PRIVATE_CIDRS = ("10.0.11.0/24", "10.0.12.0/24")
INTERFACE_KEYS = ("ecr.api", "ecr.dkr", "logs", "bedrock-runtime")


def build(*, nat: bool = True, agent: bool = True, agent_azs: tuple[int, ...] = (1, 2),
          bedrock_endpoint: bool = True, endpoints_admit: str = "runtime") -> tuple[Snapshot, dict[str, str]]:
    """``nat``: a NAT gateway per AZ (True) or none. ``agent``: the runtime created (its ENIs).
    ``agent_azs``: the AZs of the subnets given to the runtime. ``bedrock_endpoint``: the
    ``bedrock-runtime`` endpoint present. ``endpoints_admit``: "runtime" (443 from the runtime's
    group) or "self" (443 from the endpoints' own group)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az2", "use1-az4"))
    b.service("bedrock-runtime")  # PrivateDnsNames bedrock-runtime.us-east-1.amazonaws.com
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    if nat:
        igw = ids["igw"] = b.igw(vpc)
        ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name=f"{NAME}-public")
    for az in (1, 2):
        routes = {}
        if nat:
            public = ids[f"public{az}"] = b.subnet(vpc, PUBLIC_CIDRS[az - 1], az=az, name=f"{NAME}-public-{az}")
            b.associate(ids["public_rt"], public)
            ids[f"nat{az}"] = b.nat(public)
            routes = {"0.0.0.0/0": ids[f"nat{az}"]}
        private = ids[f"private{az}"] = b.subnet(vpc, PRIVATE_CIDRS[az - 1], az=az, name=f"{NAME}-private-{az}")
        ids[f"private{az}_rt"] = b.route_table(vpc, subnets=[private], routes=routes, name=f"{NAME}-private-{az}")

    runtime_sg = ids["runtime_sg"] = b.security_group(vpc, name="agentcore-runtime-sg")
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="agentcore-vpc-endpoints")
    source = runtime_sg if endpoints_admit == "runtime" else endpoint_sg
    b.authorize(endpoint_sg, ingress=[("tcp", 443, 443, source)])

    private_subnets = [ids["private1"], ids["private2"]]
    for key in INTERFACE_KEYS:
        if key == "bedrock-runtime" and not bedrock_endpoint:
            continue
        ids[key] = b.interface_endpoint(vpc, key, subnets=private_subnets, groups=[endpoint_sg])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private1_rt"], ids["private2_rt"]])

    if agent:
        for az in agent_azs:
            # The runtime's interface in this subnet (assumed fields: see the module docstring).
            ids[f"agent_eni{az}"] = b.workload(ids[f"private{az}"], groups=[runtime_sg])
    return b.snapshot(), ids
