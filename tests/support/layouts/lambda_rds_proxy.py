"""AWS Lambda functions reaching an Amazon Aurora MySQL cluster through RDS Proxy, in private
subnets, with the proxy's credentials in AWS Secrets Manager (us-east-1).

The sample: https://github.com/aws-samples/serverless-rds-proxy-demo (commit
2686ff51232f98256f013a73593dd141bc1d6bd5, 2021-08-27, the repository's head), whose
``rds-with-proxy.yaml`` builds the network, the cluster and the proxy, and whose ``template.yaml``
(SAM) adds two functions in that VPC: ``RdsFunction``, which reads the cluster's secret and
connects to the cluster, and ``RdsProxyFunction``, which connects to the proxy with an IAM
token (``rds-db:connect``; the token is signed locally, no network call). Read with:

- the Amazon RDS User Guide, "Getting started with RDS Proxy" / "Setting up network
  prerequisites" (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy-setup.html,
  rds-proxy-network-prereqs.html; as last published in the guide's source repository,
  https://github.com/awsdocs/amazon-rds-user-guide/blob/50e7617a861617feb57905ab25adb629c31cb98e/doc_source/rds-proxy-setup.md,
  2023-06-09, the last commit before the repository was emptied and archived): "This VPC should
  have a minimum of two subnets that are in different Availability Zones"; the console's
  **Subnets**: "You must leave at least two subnets"; **VPC security group**: "You must configure
  the Inbound rules to allow your applications to access the proxy. You must also configure the
  Outbound rules to allow traffic from your DB targets", and "suppose that you use the same
  security group for your database and your proxy. In this case, make sure that you specify that
  resources in that security group can communicate with other resources in the same security
  group" — which is what the sample does;
- "Setting up database credentials in AWS Secrets Manager" (same file): the proxy's role gets
  ``secretsmanager:GetSecretValue`` on the secrets and ``kms:Decrypt`` only with
  ``kms:ViaService`` ``secretsmanager.<region>.amazonaws.com``: the proxy calls Secrets Manager,
  which decrypts with KMS on its behalf, so the proxy needs no path of its own to KMS;
- the Lambda Developer Guide's "Configuring database access for a Lambda function"
  (https://github.com/awsdocs/aws-lambda-developer-guide/blob/4c88540480b84a2d2938ba64bca1827791664b66/doc_source/configuration-database.md):
  the console's proxy takes a "Secrets Manager secret with the database user name and password"
  and "An IAM role with permission to use the secret, and a trust policy that allows Amazon RDS
  to assume the role"; with **Execution role** authentication the function uses ``rds-db:connect``.

Neither guide says how the proxy reaches Secrets Manager from private subnets. The sample is the
one that says it in resources: no internet gateway, no NAT gateway, and a ``secretsmanager``
interface endpoint in the three private subnets with private DNS on, behind the database's group
— the proxy's group too, whose self-reference admits the proxy — with a policy allowing
``secretsmanager:GetSecretValue`` on the cluster's secret only. That is the canonical form here.
(A NAT gateway to Secrets Manager's public endpoint would serve as well; neither guide names
either route.)

Built as the sample declares it (stack names assumed: ``rds-with-proxy`` for the database stack,
``sam-app`` for the functions, SAM's guided default): VPC 172.31.0.0/16 with DNS support and
hostnames on; private subnets 172.31.0.0/24, 172.31.1.0/24, 172.31.2.0/24 in ``<region>a``-``c``
(here AZ IDs use1-az2, use1-az4, use1-az6: not use1-az3, where RDS Proxy silently leaves a
subnet out, hashicorp/terraform-provider-aws#17781), no route table declared, so all three on
the main route table (local route only); no flow log; the default NACL. Security groups
(DescribeSecurityGroupRules; CloudFormation's ``SecurityGroupEgress`` replaces the egress rule
AWS adds): ``lambda-sg`` — TCP 0-65535 in from 0.0.0.0/0 and out to 0.0.0.0/0; and
``rds-with-proxy-database-sg`` — TCP 3306 and all traffic from ``lambda-sg``, all traffic from
itself (``ruleDbClusterSecGroupIngressSelf``), AWS's default egress. ``template.yaml`` would
create another ``lambda-sg`` in the same VPC, which fails on the duplicate name, so the functions
take the first stack's (its output ``lambdaSgGroupId``, "Security group id to use on lambda";
``CreateFunctionSecurityGroup`` False).

Network interfaces as DescribeNetworkInterfaces reports them (botocore's ec2 model,
``NetworkInterface``):

- the cluster's two instances (``rds-with-proxy-mysql-node-1`` and ``-2``), placed by RDS in the
  first two AZs (assumed): InterfaceType ``interface``, RequesterManaged true, RequesterId
  ``amazon-rds``, Description ``RDSNetworkInterface``, the cluster's group;
- the proxy ``rds-proxy``: one interface per subnet (assumed: the count follows the proxy's
  capacity, "your proxy might need more IP addresses to provision the extra capacity"),
  InterfaceType ``interface``, Description ``Network interface for DBProxy rds-proxy`` (what
  public ENI inventories match proxies on, and what an account's export shows:
  ``Network interface for DBProxy proxy-1734138353499-…``), the proxy's group. Whether it is
  requester-managed, and by whom, is not documented: assumed RequesterManaged true and RequesterId
  ``amazon-rds`` (the proxy is RDS's), with ``proxy_requester=None`` for the other reading (not
  requester-managed, no RequesterId); the network model tells the proxy from a DB instance by the
  description either way;
- the functions' Hyperplane ENIs, created with the function (not at its first invocation), one per
  subnet for the subnet and group pair both functions share: InterfaceType ``lambda``,
  RequesterManaged true, Description ``AWS Lambda VPC ENI-<function>-<uuid>``, ``lambda-sg``;
- the endpoint's, one per subnet (InterfaceType ``vpc_endpoint``).

Stages: ``functions=False`` is the database stack alone (the proxy running, no function yet);
``functions=True`` adds the functions. Near misses: ``endpoint="lambda-only"`` (the endpoint on a
group of its own admitting TCP 443 from ``lambda-sg`` only, not from the proxy's group: the proxy
cannot read its secret and its targets stay unavailable), ``endpoint=None`` (no endpoint and no
NAT: the same, for the proxy and ``RdsFunction``), ``proxy_azs=1`` (the proxy's interfaces in one
AZ: subnets elsewhere dropped, as #17781 shows RDS does without a word, or two subnets of one AZ).
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "rds-with-proxy"  # the database stack's name (assumed)
FUNCTIONS_STACK = "sam-app"  # SAM's guided default stack name
PROXY = "rds-proxy"  # DBProxyName
MYSQL_PORT = 3306  # ClusterSettings.port
RDS_REQUESTER_ID = "amazon-rds"
# Ref secretClusterMasterUser: the secret's ARN (CloudFormation names it after the logical id).
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:secretClusterMasterUser-Xq2vTbLk9dWe-p4Q7sZ"
# Per AZ: the sample's private subnet CIDRs (NetworkSettings).
PRIVATE_CIDRS = ("172.31.0.0/24", "172.31.1.0/24", "172.31.2.0/24")
DB_NODES = (f"{STACK}-mysql-node-1", f"{STACK}-mysql-node-2")
FUNCTION = f"{FUNCTIONS_STACK}-RdsProxyFunction-3kWq9ZbXy1Lm"  # SAM's generated name (assumed)


def endpoint_policy() -> str:
    """``secretManagerVpcEndpoint``'s PolicyDocument, as DescribeVpcEndpoints returns it (a JSON
    string): GetSecretValue on the cluster's secret, for any principal."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Principal": "*", "Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
         "Resource": [SECRET_ARN]}]})


def build(*, functions: bool = True, endpoint: str | None = "as-published", proxy_azs: int = 3,
          proxy_requester: str | None = RDS_REQUESTER_ID) -> tuple[Snapshot, dict[str, str]]:
    """``endpoint``: "as-published" (on the database's group), "lambda-only" (on a group admitting
    443 from ``lambda-sg`` only) or None (no endpoint)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az2", "use1-az4", "use1-az6"))
    # DescribeVpcAttribute: EnableDnsSupport and EnableDnsHostnames true, as the template sets them.
    vpc = b.vpc("172.31.0.0/16", name=f"{STACK}-vpc", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    subnets = []
    for az, cidr in enumerate(PRIVATE_CIDRS, start=1):
        # MapPublicIpOnLaunch false; no SubnetRouteTableAssociation: the main route table.
        subnets.append(b.subnet(vpc, cidr, az=az, name=f"{STACK}-prv-sub-{az}"))
        ids[f"private{az}"] = subnets[-1]
    ids["main_rt"] = next(t for t, table in b.route_tables.items() if table.vpc_id == vpc)

    # lambdaSg: SecurityGroupIngress and SecurityGroupEgress both IpProtocol tcp, 0-65535, 0.0.0.0/0.
    lambda_sg = ids["lambda_sg"] = b.security_group(vpc, name="lambda-sg",
                                                    ingress=[("tcp", 0, 65535, "0.0.0.0/0")],
                                                    egress=[("tcp", 0, 65535, "0.0.0.0/0")])
    # dbClusterSecGroup: TCP 3306 and all traffic from lambdaSg; AWS's default egress rule;
    # ruleDbClusterSecGroupIngressSelf adds all traffic from the group itself.
    db_sg = ids["db_sg"] = b.security_group(vpc, name=f"{STACK}-database-sg", ingress=[
        ("tcp", MYSQL_PORT, MYSQL_PORT, lambda_sg), ("-1", None, None, lambda_sg)])
    b.authorize(db_sg, ingress=[("-1", None, None, "self")])
    b.tag(db_sg, {"Name": f"{STACK}-database-sg"})

    if endpoint is not None:
        endpoint_groups = [db_sg]
        if endpoint == "lambda-only":
            endpoint_groups = [b.security_group(vpc, name="secretsmanager-endpoint-sg",
                                                ingress=[("tcp", 443, 443, lambda_sg)])]
            ids["endpoint_sg"] = endpoint_groups[0]
        # DescribeVpcEndpoints: VpcEndpointType Interface, PrivateDnsEnabled true, SubnetIds the
        # three subnets (one vpc_endpoint ENI each), Groups, PolicyDocument the template's.
        ids["secretsmanager"] = b.interface_endpoint(vpc, "secretsmanager", subnets=subnets,
                                                     groups=endpoint_groups, policy=endpoint_policy())

    # The cluster's two DB instances (VpcSecurityGroupIds: the database group).
    for n, node in enumerate(DB_NODES, start=1):
        ids[f"db_eni{n}"] = b.workload(subnets[n - 1], groups=[db_sg], requester_managed=True,
                                       requester_id=RDS_REQUESTER_ID, description="RDSNetworkInterface")
        ids[f"db_node{n}"] = node
    # The proxy (VpcSubnetIds the three subnets, VpcSecurityGroupIds the database group).
    for n in range(1, proxy_azs + 1):
        ids[f"proxy_eni{n}"] = b.workload(subnets[n - 1], groups=[db_sg],
                                          requester_managed=proxy_requester is not None,
                                          requester_id=proxy_requester,
                                          description=f"Network interface for DBProxy {PROXY}")
    if functions:
        for n, subnet in enumerate(subnets, start=1):
            ids[f"lambda_eni{n}"] = b.workload(
                subnet, groups=[lambda_sg], interface_type="lambda", requester_managed=True,
                description=f"AWS Lambda VPC ENI-{FUNCTION}-8c1e4f2a-6b3d-4a7e-9f05-2d7c9b1e3a6{n}")
    return b.snapshot(), ids
