"""AWS Secrets Manager rotating an Amazon RDS for MySQL secret with a Lambda rotation function in
the database's VPC, private subnets without internet access, Secrets Manager reached through a
``secretsmanager`` interface endpoint with private DNS (us-east-1).

The template: the AWS Secrets Manager User Guide's "Create an AWS Secrets Manager secret with
automatic rotation and an Amazon RDS MySQL DB instance with AWS CloudFormation"
(https://docs.aws.amazon.com/secretsmanager/latest/userguide/cfn-example_RDSsecret.html; as
published in the guide's source repository,
https://github.com/awsdocs/aws-secrets-manager-docs/blob/beeefdb81f4717f52b6fc3a2a12b927a5c5ba1e9/doc_source/cfn-example_RDSsecret.md,
2022-10-05; the page dropped the template in 321afe6, 2023-02-07, for RDS-managed master
passwords, and the repository was emptied and archived in da5f282, 2023-06-15). The same
template was the CloudFormation User Guide's ``AWS::SecretsManager::RotationSchedule`` example
"Configuring RDS database secret rotation" (awsdocs/aws-cloudformation-user-guide, 6b9f08c,
2022-04-29, until 7559a42, 2023-02-21); the page's current Redshift and DocumentDB examples keep
its network resource for resource. ``Transform: AWS::SecretsManager-2020-07-23``:
``HostedRotationLambda`` (``RotationType`` ``MySQLSingleUser``, ``RotationLambdaName``
``SecretsManagerRotation``, ``VpcSubnetIds`` both subnets, ``VpcSecurityGroupIds`` the VPC's
default group) becomes a nested stack deploying the ``SecretsManagerRDSMySQLRotationSingleUser``
function (aws-samples/aws-secrets-manager-rotation-lambdas, ``lambda_function.py``, 093fa8c),
whose client is ``boto3.client("secretsmanager",
endpoint_url=os.environ["SECRETS_MANAGER_ENDPOINT"])`` — the Region's public name,
``https://secretsmanager.<region>.amazonaws.com`` (the guide: "Typically, this will be
``https://secretsmanager.region.amazonaws.com``"). Read with the guide's pages at the
repository's last content commit (c3b51cc, 2023-06-15):

- ``rotate-secrets_turn-on-for-db.md``, "Step 4: Set up network access for the rotation
  function" (now https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-function-network-access.html):
  "Your Lambda rotation function must be able to access a Secrets Manager endpoint"; "If your
  Lambda function runs in a VPC that doesn't have internet access, we recommend you configure
  Secrets Manager service private endpoints within your VPC. Your VPC can then intercept
  requests addressed to the public regional endpoint and redirect them to the private
  endpoint"; "make sure that the security groups attached to your Lambda rotation function allow
  outbound connections to the database or service. You must also make sure that the security
  groups attached to your database or service allow inbound connections from the Lambda
  rotation function"; and, of reusing a function, "The rotation functions listed under
  **Recommended VPC configurations** have the same VPC and security group as the database";
- ``vpc-endpoint-overview.md``: "Secrets Manager creates the Lambda function in the same VPC as
  your database. We recommend that you create a Secrets Manager endpoint in the same VPC"; "If
  you enable private DNS for the endpoint, you can make API requests to Secrets Manager using its
  default DNS name for the Region";
- ``troubleshoot_rotation.md``: "No activity after 'Found credentials in environment variables'
  … the Lambda function may be timing out while trying to reach the Secrets Manager endpoint",
  and, after createSecret, "The Secrets Manager VPC endpoint does not allow the VPC CIDRs on
  ingress in the assigned security groups".

Built as the template declares it: VPC 10.0.0.0/16, DNS support and hostnames on; subnets
10.0.96.0/19 and 10.0.128.0/19 in the Region's first two AZs (here use1-az1 and use1-az2,
assumed), no public IP mapping, no route table declared (both on the main table: the local route
only), no internet gateway, no NAT gateway, the default NACL, no flow log. One group for
everything, the VPC's default group (``Fn::GetAtt TestVPC.DefaultSecurityGroup``): all traffic
from itself, all traffic out. ``SecretsManagerVPCEndpoint``: Interface, both subnets, the
default group, ``PrivateDnsEnabled`` true, no ``PolicyDocument`` (AWS's default full access).
``MyDBInstance``: MySQL, db.t3.micro, single-AZ (``MultiAZ`` not set), the default group;
RDS places it in one subnet of ``MyDBSubnetGroup`` (assumed the first).

``groups="own"`` builds the guide's prose instead, the shape CDK's ``HostedRotation`` gives
(a new group for the function, "dbConnections.allowDefaultPortFrom(myHostedRotation)"): the
function on a group of its own (no ingress, AWS's default egress), the DB instance on one
admitting TCP 3306 from it, the endpoint on one admitting TCP 443 from it (names assumed).

Network interfaces as DescribeNetworkInterfaces reports them (botocore's ec2 model,
``NetworkInterface``): the DB instance's — InterfaceType ``interface``, RequesterManaged true,
RequesterId ``amazon-rds``, Description ``RDSNetworkInterface``; the function's Hyperplane ENIs,
one per subnet for its one subnet and group pair — InterfaceType ``lambda``, RequesterManaged
true, Description ``AWS Lambda VPC ENI-SecretsManagerRotation-<uuid>``; the endpoint's, one per
subnet (``vpc_endpoint``).

Near misses, each a small change: ``endpoint=False`` (no ``secretsmanager`` endpoint, no NAT
gateway: the troubleshooting page's timeout); ``endpoint_source="database"`` with
``groups="own"`` (the endpoint's group admitting 443 from the database's group, not the
function's); ``private_dns=False`` (the function's SDK calls the public name);
``endpoint_azs=1`` (the endpoint in the first subnet only).

Left out: the secret, its target attachment and rotation schedule, the nested stack's IAM role
and Lambda permission, the ``aws/secretsmanager`` KMS key (Secrets Manager decrypts on the
function's behalf), the DB subnet group (no network resource of its own).
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
VPC_CIDR = "10.0.0.0/16"
SUBNET_CIDRS = ("10.0.96.0/19", "10.0.128.0/19")
MYSQL_PORT = 3306
FUNCTION = "SecretsManagerRotation"  # HostedRotationLambda.RotationLambdaName
RDS_REQUESTER_ID = "amazon-rds"


def build(*, groups: str = "default", endpoint: bool = True, endpoint_source: str = "function",
          private_dns: bool = True, endpoint_azs: int = 2) -> tuple[Snapshot, dict[str, str]]:
    """``groups``: "default" (the template: everything on the VPC's default group) or "own" (a
    group each for the function, the database and the endpoint); ``endpoint_source``, with "own":
    the group the endpoint admits TCP 443 from, "function" or "database"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="TestVPC", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "default_sg": b.default_group(vpc)}
    subnets = [b.subnet(vpc, cidr, az=az, name=f"TestSubnet0{az}") for az, cidr in enumerate(SUBNET_CIDRS, start=1)]
    ids |= {f"subnet{az}": s for az, s in enumerate(subnets, start=1)}
    ids["main_rt"] = b.main_route_table(vpc)

    if groups == "default":
        function_sg = db_sg = endpoint_sg = ids["default_sg"]
    else:
        function_sg = b.security_group(vpc, name=f"{FUNCTION}-sg")
        db_sg = b.security_group(vpc, name="MyDBInstance-sg", ingress=[("tcp", MYSQL_PORT, MYSQL_PORT, function_sg)])
        source = function_sg if endpoint_source == "function" else db_sg
        endpoint_sg = b.security_group(vpc, name="SecretsManagerVPCEndpoint-sg", ingress=[("tcp", 443, 443, source)])
    ids |= {"function_sg": function_sg, "db_sg": db_sg, "endpoint_sg": endpoint_sg}

    if endpoint:
        # No PolicyDocument: AWS's default full-access policy (the builder's default).
        ids["secretsmanager"] = b.interface_endpoint(vpc, "secretsmanager", subnets=subnets[:endpoint_azs],
                                                     groups=[endpoint_sg], private_dns=private_dns)
    ids["db_eni"] = b.workload(subnets[0], groups=[db_sg], requester_managed=True, requester_id=RDS_REQUESTER_ID,
                               description="RDSNetworkInterface")
    for az, subnet in enumerate(subnets, start=1):
        ids[f"lambda_eni{az}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{FUNCTION}-3f6b1c2e-8a4d-4e7f-b905-6d2c1a7e9b4{az}")
    return b.snapshot(), ids
