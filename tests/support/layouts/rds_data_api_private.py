"""A Lambda function in private subnets without NAT running SQL on an Amazon Aurora PostgreSQL
cluster through the Amazon RDS Data API, reached through an ``rds-data`` interface VPC endpoint
(us-east-1).

Sources:

- the Amazon Aurora User Guide, "Using the Data API" and its section "Creating an Amazon VPC
  endpoint (AWS PrivateLink) for the Data API", as last published in the guide's source
  repository (https://github.com/awsdocs/amazon-aurora-user-guide/blob/f83c1cce2f8fa9bbb7bc4c72ac2233c381f9bd84/doc_source/data-api.md,
  ``#data-api.vpc-endpoint``; the current pages,
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.html and
  data-api.vpc-endpoint.html, read 2026-12-06, give the same steps): service name ``rds-data``;
  the VPC "that contains the application that makes Data API calls"; a subnet "for each
  Availability Zone (AZ) used by the AWS service that is running your application"; **Enable DNS
  name** on, so that ``rds-data.<region>.amazonaws.com`` resolves to the endpoint with no code
  change; a security group "that allows access to the AWS service that is running your
  application"; **Policy** "Full Access" or a custom one;
- the same guide's "Authorizing access to the Amazon RDS Data API" (current page,
  https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.access.html, read
  2026-12-06): the caller names a Secrets Manager secret and needs ``secretsmanager:GetSecretValue``
  on it, but "Data API transparently calls Secrets Manager": the Data API service fetches the
  secret, not the caller, so a caller that only calls the Data API needs no path of its own to
  Secrets Manager (a permission, not a network path);
- "Limitations for the Amazon RDS Data API" (current page, data-api.limitations.html, read
  2026-12-06): queries run on the writer instance only; T instance classes are not supported —
  hence Aurora Serverless v2 (``db.serverless``) here;
- the AWS PrivateLink Guide, "AWS services that integrate with AWS PrivateLink": Amazon RDS Data
  API, ``com.amazonaws.<region>.rds-data``;
- the Lambda Developer Guide's Hyperplane interfaces as ``lambda_vpc_private`` models them, and
  the DB instances' interfaces as ``lambda_rds_proxy`` models them.

How the Data API reaches the cluster is not documented. It does not come through the customer's
VPC from the caller: the Aurora guide presents the Data API as a way to reach the cluster
"without your needing to configure a Lambda function to access resources in a virtual private
cloud", and users report the cluster's group needs no rule for it
(https://github.com/104corp/terraform-aws-aurora-serverless/issues/3: "redundant when using Data
API and it should work without any ingress/egress rules"). Assumed: the cluster's group admits
nothing and keeps AWS's default egress.

Built (``build()``): VPC 10.0.0.0/16, DNS support and hostnames on (private DNS needs both); AZ IDs
use1-az1, use1-az2 (assumed); app subnets 10.0.1.0/24 and 10.0.2.0/24 and DB subnets
10.0.11.0/24 and 10.0.12.0/24, one per AZ each, all on the main route table (local route only: no
internet gateway, no NAT); the default NACL; no flow log. Groups: ``data-api-fn`` (the function's:
no ingress, AWS's default egress), ``rds-data-endpoint`` (TCP 443 from ``data-api-fn``, AWS's
default egress), ``aurora-data-api`` (the cluster's: no ingress, AWS's default egress). The
``rds-data`` endpoint: VpcEndpointType Interface, the two app subnets, PrivateDnsEnabled true,
``rds-data-endpoint``, the console's "Full Access" policy. Every account's
DescribeVpcEndpointServices lists ``rds-data`` whether or not an endpoint exists.

Network interfaces as DescribeNetworkInterfaces reports them (botocore 1.44.18, ec2 2016-11-15,
``NetworkInterface``, ``NetworkInterfaceType``):

- the cluster ``orders-db`` (Aurora PostgreSQL, Data API on, ``EnableHttpEndpoint``): a writer and
  a reader, one per DB subnet: InterfaceType ``interface``, RequesterManaged true, RequesterId
  ``amazon-rds``, Description ``RDSNetworkInterface``, ``aurora-data-api``, no tags, attached to
  no instance of the account;
- the function ``orders-query``'s Hyperplane interfaces, one per app subnet (the function's
  subnet and group pair): InterfaceType ``lambda``, RequesterManaged true, Description ``AWS
  Lambda VPC ENI-orders-query-<uuid>``, ``data-api-fn``, no tags, attached to no instance;
- the endpoints', one per subnet: InterfaceType ``vpc_endpoint``, requester-managed, described
  ``VPC Endpoint Interface <vpce-id>``.

Near misses: ``data_api_endpoint=False`` (no ``rds-data`` endpoint and no NAT: every Data API
call from the function times out); ``endpoint_source="vpc-cidr"`` (the endpoint's group admits TCP
443 from 10.0.0.0/16 instead of the function's group: fine); ``secretsmanager_endpoint=True``
(a ``secretsmanager`` endpoint beside it, in the same subnets and group, default policy: the
function does not need it, since the Data API reads the secret itself; built with the CloudWatch
metrics a ``--with metrics`` scan collects, ``AWS/PrivateLinkEndpoints`` ``BytesProcessed`` over 14
days: 48 MB through ``rds-data``, none through ``secretsmanager`` — assumed figures);
``function_in_vpc=False`` (the function without a VPC configuration, as the Aurora guide says the
Data API allows: no Hyperplane interface in the VPC, the endpoint unused).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
VPC_CIDR = "10.0.0.0/16"
APP_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
DB_CIDRS = ("10.0.11.0/24", "10.0.12.0/24")
CLUSTER = "orders-db"
DB_NODES = (f"{CLUSTER}-writer", f"{CLUSTER}-reader")
FUNCTION = "orders-query"
RDS_REQUESTER_ID = "amazon-rds"
HTTPS = 443


def build(*, data_api_endpoint: bool = True, endpoint_source: str = "function-group",
          secretsmanager_endpoint: bool = False, function_in_vpc: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint_source``: what the endpoint group admits on 443, "function-group" or "vpc-cidr"
    (module docstring for the rest)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    # DescribeVpcEndpointServices lists every AWS service of the Region, rds-data included.
    b.service("rds-data")
    vpc = b.vpc(VPC_CIDR, name="data-api-vpc", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    app = [b.subnet(vpc, cidr, az=az, name=f"app-{'ab'[az - 1]}") for az, cidr in enumerate(APP_CIDRS, start=1)]
    db = [b.subnet(vpc, cidr, az=az, name=f"db-{'ab'[az - 1]}") for az, cidr in enumerate(DB_CIDRS, start=1)]
    ids |= {"app_a": app[0], "app_b": app[1], "db_a": db[0], "db_b": db[1]}
    ids["main_rt"] = b.main_route_table(vpc)

    fn_sg = ids["fn_sg"] = b.security_group(vpc, name="data-api-fn")
    source = fn_sg if endpoint_source == "function-group" else VPC_CIDR
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="rds-data-endpoint",
                                                        ingress=[("tcp", HTTPS, HTTPS, source)])
    db_sg = ids["db_sg"] = b.security_group(vpc, name="aurora-data-api")

    if data_api_endpoint:
        # The console's "Full Access" policy (the builder's default full-access document).
        ids["rds_data"] = b.interface_endpoint(vpc, "rds-data", subnets=app, groups=[endpoint_sg])
    if secretsmanager_endpoint:
        ids["secretsmanager"] = b.interface_endpoint(vpc, "secretsmanager", subnets=app, groups=[endpoint_sg])
        # Collected with CloudWatch metrics: AWS/PrivateLinkEndpoints BytesProcessed over 14 days,
        # the Data API's endpoint busy, Secrets Manager's idle (the function never calls it).
        if data_api_endpoint:
            b.metric(ids["rds_data"], "AWS/PrivateLinkEndpoints", "BytesProcessed", 48_213_504.0)
        b.metric(ids["secretsmanager"], "AWS/PrivateLinkEndpoints", "BytesProcessed", 0.0)

    for n, (subnet, node) in enumerate(zip(db, DB_NODES, strict=True), start=1):
        ids[f"db_eni{n}"] = b.workload(subnet, groups=[db_sg], requester_managed=True,
                                       requester_id=RDS_REQUESTER_ID, description="RDSNetworkInterface")
        ids[f"db_node{n}"] = node
    for n, subnet in enumerate(app if function_in_vpc else [], start=1):
        ids[f"lambda_eni{n}"] = b.workload(
            subnet, groups=[fn_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{FUNCTION}-3d9a6c1e-52f7-4b08-a1e4-7c2b9f0d5e8{n}")
    return b.snapshot(), ids
