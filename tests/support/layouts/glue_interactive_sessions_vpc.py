"""AWS Glue interactive sessions (and Glue ETL jobs) running in a VPC without NAT through a Glue
``NETWORK`` connection: the session's interfaces in a private subnet, the S3 gateway endpoint and
the ``glue``, ``logs``, ``monitoring``, ``sts`` and ``kms`` interface endpoints (us-east-1).

Sources (current pages, read 2026-12-07, unless a commit is named):

- the AWS Glue Developer Guide's "Setting up network access to data stores"
  (https://docs.aws.amazon.com/glue/latest/dg/start-connecting.html): Glue "sets up elastic network
  interfaces" in the subnet the connection names, each with a private address of that subnet and
  "No public IP addresses"; "Security groups specified in the AWS Glue connection are applied on
  each of the elastic network interfaces"; a VPC endpoint is required to reach Amazon S3 from
  within the VPC, a NAT gateway only for jobs that also need the public internet;
- "Amazon VPC endpoints for Amazon S3" (https://docs.aws.amazon.com/glue/latest/dg/vpc-endpoints-s3.html):
  a gateway endpoint for S3, and with it no internet gateway or NAT device is needed;
- "Connecting to a JDBC data store in a VPC" (https://docs.aws.amazon.com/glue/latest/dg/connection-JDBC-VPC.html),
  whose network requirements a NETWORK connection shares: Glue creates its interfaces "with the
  prefix ``Glue_``" in the account; "specify a security group with a self-referencing inbound rule
  for all TCP ports"; "When using encryption in Data Catalog, create the KMS interface endpoint";
- "Configuring interface VPC endpoints (AWS PrivateLink) for AWS Glue"
  (https://docs.aws.amazon.com/glue/latest/dg/vpc-interface-endpoints.html): service name
  ``com.amazonaws.<region>.glue``, all API actions supported from the VPC, private DNS making
  ``glue.us-east-1.amazonaws.com`` resolve to the endpoint;
- "Configuring AWS calls to go through your VPC" (https://docs.aws.amazon.com/glue/latest/dg/connection-VPC-disable-proxy.html):
  by default Glue proxies a run's calls to S3 (scripts, libraries), CloudWatch (metrics) and Glue
  (the Data Catalog) through Glue's own VPC; ``--disable-proxy-v2`` sends them through the
  customer's VPC instead, while CloudWatch Logs keeps Glue's proxy;
- "Configuring AWS Glue interactive sessions for Jupyter and AWS Glue Studio notebooks"
  (https://docs.aws.amazon.com/glue/latest/dg/interactive-sessions-magics.html): the
  ``%connections`` magic names the connections a session uses, ``%%configure`` passes its default
  arguments, and a session starts with 5 ``G.1X`` workers unless ``%number_of_workers`` says
  otherwise. The guide has no page of its own on sessions in a VPC: a session with a connection is
  placed as a job run is (assumed from the guide's treatment of sessions as jobs: "the same IAM
  permissions as AWS Glue Jobs");
- the published template: awslabs/aws-serverless-data-lake-framework at
  b7fc83cbfdc26bb13e37465c634554639cad30b6 (2025-01-30), ``sdlf-cicd/template-glue-job.part`` (one
  ``AWS::Glue::Connection`` per AZ, ``ConnectionType: NETWORK``, ``ConnectionProperties: {}``,
  ``PhysicalConnectionRequirements`` the AZ, its subnet and the deployment's security groups) and
  ``docs/constructs/index.md`` ("VPC Networking"): SDLF creates no VPC; the interface endpoints it
  needs, "with DNS name enabled", include ``glue``, ``kms``, ``logs`` and ``sts`` beside the ``s3``
  gateway endpoint; "The security groups used for interface endpoints must allow inbound access from
  the security groups provided to SDLF constructs".

Built (``build()``): VPC 10.0.0.0/16 ``glue-sessions``, DNS support and hostnames on, no internet
gateway, NAT gateway or flow log; private subnets 10.0.1.0/24 (us-east-1a, use1-az1) and
10.0.2.0/24 (us-east-1b, use1-az2; AZ IDs assumed), each on a route table of its own (local route,
the S3 prefix-list route); the default NACL. ``glue-connection-sg``: Type All TCP (TCP 0-65535)
from itself, AWS's default all-traffic egress. ``glue-endpoints-sg``: TCP 443 from
``glue-connection-sg`` (SDLF's rule for endpoint groups), default egress. The S3 gateway endpoint on
both private tables, AWS's default full-access policy; the ``glue``, ``logs``, ``monitoring``,
``sts`` and ``kms`` interface endpoints in both subnets, private DNS on, no policy (AWS's default),
behind ``glue-endpoints-sg``. Data Catalog metadata, recorded by no snapshot part: the connection
``glue-network-connection`` (``ConnectionType`` NETWORK, ``SubnetId`` the us-east-1a subnet,
``AvailabilityZone`` us-east-1a, ``SecurityGroupIdList`` ``glue-connection-sg``). Why each endpoint
(the pages above): ``glue`` and ``monitoring`` for a session run with ``--disable-proxy-v2`` (passed
through ``%%configure``; assumed to act in a session as in a job), ``kms`` for a Data Catalog
encrypted with a KMS key, ``sts`` and ``logs`` as SDLF lists them (what in a run calls STS or
CloudWatch Logs through the VPC is not documented: assumed the session code's own SDK clients).

``session_running=True`` adds what a running session puts into the VPC: one interface per worker
(5, the default; one per worker assumed, as one per DPU for jobs), in the connection's subnet with
the connection's group. What DescribeNetworkInterfaces reports for them is not documented; assumed,
as for the Glue jobs' interfaces of ``glue_jdbc_vpc``: InterfaceType ``interface`` (botocore's
``NetworkInterfaceType``; the type CreateNetworkInterface gives without an ``InterfaceType``),
RequesterManaged false and no RequesterId (the session's role creates them with
``ec2:CreateNetworkInterface``, which AWSGlueServiceRole grants), Description ``Attached to Glue
using role: <role ARN>`` (role ``AWSGlueServiceRole-sessions``, name assumed), no tags, Status
``in-use``, no Attachment.InstanceId (attached to Glue's workers, not to an instance of this
account). The network model counts them as workloads. Between sessions the VPC holds none: no
interface carries ``glue-connection-sg``.

Near misses: ``self_reference=False`` (``glue-connection-sg`` without its All TCP rule: Glue
refuses the connection's use, "Inbound rule in security group required", the guide's
``glue-troubleshooting-errors.md`` as last published in its source repository,
https://github.com/awsdocs/aws-glue-developer-guide/tree/c4620efebace335848b16d6990339cfbb0df48bf/doc_source);
``left_out`` (one interface endpoint missing with no NAT, e.g. ``glue``);
``s3_route_tables="other"`` (the S3 gateway endpoint on the second subnet's table only, not the
connection subnet's: "Could not find S3 endpoint or NAT gateway for subnetId in VPC", same page).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "glue-sessions"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
HTTPS = 443
SESSION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/AWSGlueServiceRole-sessions"  # assumed name
WORKERS = 5  # the interactive sessions' default number of workers
# The interface endpoints a session needs without NAT (module docstring), in that order.
INTERFACE_ENDPOINTS = ("glue", "logs", "monitoring", "sts", "kms")
ALL_TCP = ("tcp", 0, 65535, "self")  # the guide's rule: Type All TCP, Source the group itself


def build(*, session_running: bool = False, self_reference: bool = True, left_out: str | None = None,
          s3_route_tables: str = "both") -> tuple[Snapshot, dict[str, str]]:
    """``s3_route_tables``: "both" (the S3 endpoint on both private tables) or "other" (the
    second subnet's table only); ``left_out``: an interface endpoint key not created."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=NAME, dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    tables: list[str] = []
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        az_name = b.azs[az - 1][0]
        subnet = b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az_name}")
        table = b.route_table(vpc, subnets=[subnet], name=f"{NAME}-private-{az_name}")
        tables.append(table)
        ids |= {f"private{az}": subnet, f"private_rt{az}": table}
    # DescribeVpcEndpoints: VpcEndpointType Gateway, RouteTableIds the chosen tables (each gets the
    # com.amazonaws.us-east-1.s3 prefix-list route), PolicyDocument AWS's default full access.
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables if s3_route_tables == "both" else tables[1:])

    # DescribeSecurityGroupRules: the guide's rule is IpProtocol "tcp", FromPort 0, ToPort 65535,
    # ReferencedGroupInfo the group itself; CreateSecurityGroup adds the all-traffic egress rule.
    connection_sg = ids["connection_sg"] = b.security_group(
        vpc, name="glue-connection-sg", ingress=[ALL_TCP] if self_reference else [])
    ids["endpoints_sg"] = b.security_group(vpc, name="glue-endpoints-sg",
                                           ingress=[("tcp", HTTPS, HTTPS, connection_sg)])
    subnets = [ids["private1"], ids["private2"]]
    for key in INTERFACE_ENDPOINTS:
        if key == left_out:
            continue
        # DescribeVpcEndpoints: VpcEndpointType Interface, PrivateDnsEnabled true, one ENI per
        # subnet (InterfaceType vpc_endpoint, requester-managed), Groups glue-endpoints-sg.
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[ids["endpoints_sg"]])
    if session_running:
        for n in range(1, WORKERS + 1):
            # DescribeNetworkInterfaces (assumed, module docstring): InterfaceType "interface",
            # RequesterManaged false, no RequesterId, Description naming the session's role, the
            # connection's SecurityGroupIdList, a private address of the connection's subnet.
            ids[f"session_eni{n}"] = b.workload(ids["private1"], groups=[connection_sg],
                                                description=f"Attached to Glue using role: {SESSION_ROLE}")
    return b.snapshot(), ids
