"""An Amazon DocumentDB cluster in private subnets with a Lambda function in the same VPC and a
Lambda event source mapping on the cluster's change stream, reaching Lambda, STS and Secrets
Manager through a NAT gateway or through interface endpoints (us-east-1).

Sources:

- aws-samples/serverless-patterns, ``docdb-lambda/template.yaml`` and ``docdb-lambda/README.md``
  (https://github.com/aws-samples/serverless-patterns/blob/003dcf6033101a9f89ab9f92939fdb179c275697/docdb-lambda/template.yaml,
  the stored head of the file, runtime ``nodejs24.x``; the network resources are unchanged from
  75b3e3682a581856143c06cbdd836924ad436c4c): a SAM template taking an existing VPC and two
  private subnets, whose README asks that they "have a NAT Gateway attached to their '0.0.0.0'
  route", the NAT gateway in a public subnet. It creates ``DocDBSecurityGroup`` (ingress TCP 27017
  from 0.0.0.0/0; egress TCP 443 and TCP 27017 to 0.0.0.0/0), ``LambdaSecurityGroup`` (ingress TCP
  27017 from 0.0.0.0/0; egress TCP 443 to 0.0.0.0/0), ``DocDBSubnetGroup`` on the two subnets, a
  cluster (engine 5.0.0) with one instance (``db.t3.medium``), a secret ``SecretForDocDBLambda``
  with the master user's credentials, the function ``DocDBLambda`` in the two subnets with
  ``LambdaSecurityGroup``, and its ``DocumentDB`` event (an ``AWS::Lambda::EventSourceMapping``:
  database ``docdbdemo``, collection ``products``, ``SourceAccessConfigurations`` ``BASIC_AUTH``
  with the secret). The function only logs the events it is given: it connects to nothing.
- the Lambda Developer Guide, "Process Amazon DocumentDB events with Lambda"
  (https://docs.aws.amazon.com/lambda/latest/dg/with-documentdb.html, current page, read
  2026-12-06), "Configure network security": Lambda needs access to the VPC the cluster is in;
  create interface endpoints for Lambda, for STS and, for a cluster whose credentials are in
  Secrets Manager, for Secrets Manager — or a NAT gateway instead; the cluster's groups admit the
  cluster port (27017) from the event source's group (or from themselves), send TCP 443 out, and an
  endpoint's group admits TCP 443 from the cluster's group (paraphrased: the page's own words
  were not at hand to quote). The template's ``LambdaDocDBESMAccess`` statement grants the
  execution role ``rds:DescribeDBClusters``, ``rds:DescribeDBClusterParameters`` and
  ``rds:DescribeDBSubnetGroups`` on the cluster, and ``AWSLambdaVPCAccessExecutionRole`` the
  ``ec2:CreateNetworkInterface`` family: the mapping reads the cluster's subnet group and creates
  its interfaces there. The function's own VPC configuration plays no part in the mapping.
- the Amazon DocumentDB Developer Guide, "Using change streams with AWS Lambda"
  (https://docs.aws.amazon.com/documentdb/latest/developerguide/using-lambda.html, current page,
  read 2026-12-06 in its Chinese edition): a mapping invokes functions to process DocumentDB
  events, which do not invoke Lambda directly. None of the guide's pages read here has a
  DocumentDB instance call an AWS service (Lambda, S3, STS, Secrets Manager) from its network
  interface (assumed: no such integration exists).
- the same guide's MSK page, "Creating a Lambda event source mapping for an Amazon MSK event
  source" (https://docs.aws.amazon.com/lambda/latest/dg/msk-esm-create.html, current page, read
  2026-12-06), the one that says it in so many words: Lambda "creates a hyperplane ENI in the
  private subnet" of the cluster, which "uses the subnet and security group configuration" of the
  cluster, "not your Lambda function". The DocumentDB page says the same of the subnets and groups
  of the cluster's VPC configuration; read together: the pollers' interfaces sit in the cluster's
  subnets, in the cluster's group, and are the clients of ``lambda``, ``sts`` and ``secretsmanager``.
- what Lambda's Hyperplane interfaces look like in DescribeNetworkInterfaces: a self-managed
  Kafka mapping's are described ``AWS Lambda VPC ENI-SMK-<account>-<uuid>`` and stay ``in-use``
  for 20-40 minutes after the mapping is deleted (go-to-k/cdk-real-drift#441, 2026-06-30); a
  function's are found by RequesterId ``*:awslambda_*`` (go-to-k/cdkd#38, 2026-04-28).
- DocumentDB's instances: DocumentDB shares RDS's management plane (its cluster ARNs are
  ``arn:aws:rds:…:cluster:…``, as the Lambda guide's sample event shows), and its
  instance interfaces are assumed to be reported as an RDS DB instance's are.

Interfaces (botocore's ec2 model, ``NetworkInterface``; InterfaceType from its enum):

- the cluster's instance (``MyInstance``), placed by DocumentDB in the first subnet (assumed):
  InterfaceType ``interface``, RequesterManaged true, RequesterId ``amazon-rds``, Description
  ``RDSNetworkInterface``, no attachment to an instance of the account, ``DocDBSecurityGroup``.
  Assumed, as for RDS (``lambda_rds_proxy``): AWS documents no DocumentDB-specific form, and the
  network model tells it from an RDS or Aurora instance only by the instance it fits (below);
- the event source mapping's pollers: one interface per subnet of ``DocDBSubnetGroup``, in
  ``DocDBSecurityGroup``, InterfaceType ``lambda``, RequesterManaged false, Description ``AWS
  Lambda VPC ENI-DOCDB-<account>-<uuid>`` — the ``DOCDB`` token is assumed by analogy with the
  Kafka mapping's ``SMK`` (neither AWS nor a public output shows the DocumentDB one), RequesterId
  ``<role id>:awslambda_<n>`` (assumed, the form the cdkd filter matches);
- the function's Hyperplane interfaces, one per subnet for the subnet and group pair, created with
  the function: InterfaceType ``lambda``, RequesterManaged false, Description ``AWS Lambda VPC
  ENI-DocDBLambda-<uuid>``, ``LambdaSecurityGroup``;
- the NAT gateway's and the endpoints' interfaces, as the builder makes them.

What DescribeDBInstances reports (botocore's rds model, ``DBInstance``; the operation "can also
return information for ... Amazon DocumentDB instances"), as the snapshot records it: the one
instance, ``DBInstanceIdentifier`` ``docdb-lambda-myinstance`` (assumed: CloudFormation names it,
the template gives no identifier), ``Engine`` ``docdb``, ``DBSubnetGroup`` with the VPC and the two
private subnets of ``DocDBSubnetGroup``, ``VpcSecurityGroups`` ``DocDBSecurityGroup``. With it the
network model reads the interface as a DocumentDB instance's, a client of no AWS service.
``instances_collected=False``: DescribeDBInstances denied, the part not collected — every engine's
services count (``lambda`` among them), as before the instances were collected.

The VPC (the sample takes one; assumed as the VPC console's "VPC and more" builds it for two AZs
with "NAT gateways: In 1 AZ" and its default "S3 Gateway" endpoint): 10.0.0.0/16, DNS support and
hostnames on; public subnets 10.0.0.0/20 and 10.0.16.0/20 on one table to the internet gateway;
private subnets 10.0.128.0/20 and 10.0.144.0/20 (use1-az1, use1-az2, assumed), each on its own
table with 0.0.0.0/0 to the NAT gateway in the first public subnet; the S3 gateway endpoint on
both private tables (full access); default NACL; no flow log. Stack name ``docdb-lambda``
(assumed).

Forms: ``route="nat"`` is the sample as its README asks (canonical). ``route="endpoints"`` is the
guide's other path: no NAT gateway (the wizard's "None"), and ``lambda``, ``sts`` and
``secretsmanager`` interface endpoints in the two private subnets, private DNS on, default
policy, on a group ``docdb-esm-endpoints`` admitting TCP 443 from ``DocDBSecurityGroup``, as the
guide words it. ``esm=False`` is the stack before the mapping (the cluster and the endpoints,
no function yet: SAM creates the mapping with the function). Near misses, on the endpoints form:
``endpoints=("lambda", "sts")`` (no ``secretsmanager`` endpoint, no NAT: the pollers cannot
read the secret), ``cluster_ingress="function-group"`` (the cluster's group tightened from
0.0.0.0/0 to TCP 27017 from ``LambdaSecurityGroup`` only, which leaves out the pollers in the
cluster's own group), ``endpoint_source="function-group"`` (the endpoints' group admits TCP 443
from ``LambdaSecurityGroup`` instead of the cluster's group), with ``function_in_vpc=False`` (the
function without a VPC configuration, which a mapping does not need) for the case where that
group has no member.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Part, Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a and b (assumed)
STACK = "docdb-lambda"  # assumed stack name
DOCDB_PORT = 27017
HTTPS = 443
FUNCTION = "DocDBLambda"
RDS_REQUESTER_ID = "amazon-rds"
DB_INSTANCE_DESCRIPTION = "RDSNetworkInterface"
ROLE_ID = "AROAW3EXAMPLEDOCDBFN"  # the execution role's unique id (assumed)
ESM_SERVICES = ("lambda", "sts", "secretsmanager")
PUBLIC_CIDRS = ("10.0.0.0/20", "10.0.16.0/20")
PRIVATE_CIDRS = ("10.0.128.0/20", "10.0.144.0/20")
DB_INSTANCE_ID = f"{STACK}-myinstance"  # DescribeDBInstances' DBInstanceIdentifier (assumed)


def build(*, route: str = "nat", esm: bool = True, endpoints: tuple[str, ...] = ESM_SERVICES,
          endpoint_source: str = "cluster-group", cluster_ingress: str = "world",
          function_in_vpc: bool = True, instances_collected: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """``route``: "nat" (the sample) or "endpoints" (the guide's interface endpoints, no NAT);
    ``esm``: whether the function and its mapping exist; ``endpoints``: which interface endpoints
    the endpoints form has; ``endpoint_source``: what their group admits TCP 443 from
    ("cluster-group" or "function-group"); ``cluster_ingress``: what the cluster's group admits
    TCP 27017 from ("world", the sample's 0.0.0.0/0, or "function-group"); ``function_in_vpc``:
    whether the function has the sample's VPC configuration; ``instances_collected``: False for
    DescribeDBInstances denied."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc("10.0.0.0/16", name=f"{STACK}-vpc", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc}
    public = [b.subnet(vpc, cidr, az=k, name=f"{STACK}-subnet-public{k}-{REGION}{'ab'[k - 1]}")
              for k, cidr in enumerate(PUBLIC_CIDRS, start=1)]
    private = [b.subnet(vpc, cidr, az=k, name=f"{STACK}-subnet-private{k}-{REGION}{'ab'[k - 1]}")
               for k, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids |= {f"public{k}": s for k, s in enumerate(public, start=1)}
    ids |= {f"private{k}": s for k, s in enumerate(private, start=1)}
    ids["igw"] = b.igw(vpc)
    ids["public_rt"] = b.route_table(vpc, subnets=public, routes={"0.0.0.0/0": ids["igw"]})
    if route == "nat":
        ids["nat"] = b.nat(public[0])
        b.tag(ids["nat"], {"Name": f"{STACK}-nat-public1-{REGION}a"})
    private_routes = {"0.0.0.0/0": ids["nat"]} if route == "nat" else {}
    tables = [b.route_table(vpc, subnets=[subnet], routes=private_routes) for subnet in private]
    ids |= {f"private_rt{k}": t for k, t in enumerate(tables, start=1)}
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=tables)

    # LambdaSecurityGroup: ingress TCP 27017 from 0.0.0.0/0, egress TCP 443 to 0.0.0.0/0 (replacing
    # AWS's default egress rule, as CloudFormation does when SecurityGroupEgress is given).
    function_sg = ids["function_sg"] = b.security_group(
        vpc, name=f"{STACK}-LambdaSecurityGroup", ingress=[("tcp", DOCDB_PORT, DOCDB_PORT, "0.0.0.0/0")],
        egress=[("tcp", HTTPS, HTTPS, "0.0.0.0/0")])
    # DocDBSecurityGroup: ingress TCP 27017 from 0.0.0.0/0; egress TCP 443 and 27017 to 0.0.0.0/0.
    source = "0.0.0.0/0" if cluster_ingress == "world" else function_sg
    cluster_sg = ids["cluster_sg"] = b.security_group(
        vpc, name=f"{STACK}-DocDBSecurityGroup", ingress=[("tcp", DOCDB_PORT, DOCDB_PORT, source)],
        egress=[("tcp", HTTPS, HTTPS, "0.0.0.0/0"), ("tcp", DOCDB_PORT, DOCDB_PORT, "0.0.0.0/0")])

    if route == "endpoints":
        admitted = cluster_sg if endpoint_source == "cluster-group" else function_sg
        endpoint_sg = ids["endpoint_sg"] = b.security_group(
            vpc, name="docdb-esm-endpoints", ingress=[("tcp", HTTPS, HTTPS, admitted)])
        for key in endpoints:
            ids[key] = b.interface_endpoint(vpc, key, subnets=private, groups=[endpoint_sg])

    # The cluster's one instance (DBInstance), in the first subnet of DocDBSubnetGroup (assumed).
    ids["docdb_eni"] = b.workload(private[0], groups=[cluster_sg], requester_managed=True,
                                  requester_id=RDS_REQUESTER_ID, description=DB_INSTANCE_DESCRIPTION)
    # The instance as DescribeDBInstances reports it: DocDBSubnetGroup's two subnets, DocDBSecurityGroup.
    b.db_instance(DB_INSTANCE_ID, "docdb", vpc, subnets=private, groups=[cluster_sg])
    missing = () if instances_collected else [Part.DB_INSTANCES]
    if not esm:
        return b.snapshot(missing=missing), ids
    for k, subnet in enumerate(private, start=1):
        # The mapping's pollers: the cluster's subnets and group (module docstring).
        ids[f"esm_eni{k}"] = b.workload(
            subnet, groups=[cluster_sg], interface_type="lambda", requester_id=f"{ROLE_ID}:awslambda_{k}",
            description=f"AWS Lambda VPC ENI-DOCDB-{ACCOUNT}-5b0e2c7d-41f8-4a96-8d3e-7c1f9a2b6e4{k}")
        if function_in_vpc:
            ids[f"function_eni{k}"] = b.workload(
                subnet, groups=[function_sg], interface_type="lambda", requester_id=f"{ROLE_ID}:{FUNCTION}",
                description=f"AWS Lambda VPC ENI-{FUNCTION}-0c4d9e1a-7b2f-4e38-a6d5-3f8b1c2e9d0{k}")
    return b.snapshot(missing=missing), ids
