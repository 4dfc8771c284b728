"""An Amazon OpenSearch Service domain with VPC access, Lambda functions in the VPC indexing into
it, and an OpenSearch Service-managed VPC endpoint (AWS PrivateLink) for another VPC (us-east-1;
the module example's form in eu-west-1).

Sources:

- the sample https://github.com/aws-samples/opensearch-vpc-cdk (commit
  c50ec695b09489435dc692f0bc26a879c89b87d2, 2024-03-15, the repository's head; the stack,
  ``lib/opensearch-vpc-cdk-stack.ts``, last changed in f43d789, 2023-05-17), aws-cdk-lib 2.80.0 and
  the aws-cdk CLI 2.76.0 (its ``package.json``). The canonical form;
- the OpenSearch Service Developer Guide as last published in its source repository
  (https://github.com/awsdocs/amazon-opensearch-service-developer-guide, commit
  64e6e7a794922da3ce7c947b454ba21fcf6e54c0, 2024-11-20, the last commit; ``vpc.md`` and
  ``vpc-interface-endpoints.md`` last changed in 99e872b, 2023-05-12, ``slr-aos.md`` in 1dc7818,
  2022-11-29): "Launching your Amazon OpenSearch Service domains within a VPC", "Access Amazon
  OpenSearch Service using an OpenSearch Service-managed VPC endpoint (AWS PrivateLink)" and
  "Using service-linked roles to create VPC domains"; and the current page "Routing domain
  egress traffic through your VPC" (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/vpc-egress.html);
- terraform-aws-modules/terraform-aws-opensearch v2.10.0 (commit
  dc92475e61bf9d46d1ed68fef1cc34dd88874983), ``examples/complete``: the one published code that
  creates a managed VPC endpoint (``aws_opensearch_vpc_endpoint``). Built by
  :func:`build_module_example`.

The sample (``build()``), an environment-agnostic stack ``OpensearchVpcCdkStack`` (``bin/`` passes
no ``env``):

- ``new Vpc(this, "Vpc", {})``: the CDK default VPC limited to two AZs (an environment-agnostic
  stack knows only ``Fn::GetAZs``; here us-east-1a and b, AZ IDs assumed use1-az2 and use1-az4):
  10.0.0.0/16, DNS support and hostnames on, public subnets 10.0.0.0/18 and 10.0.64.0/18 on the
  internet gateway, private (``PRIVATE_WITH_EGRESS``) subnets 10.0.128.0/18 and 10.0.192.0/18,
  each on its own route table sending 0.0.0.0/0 to its AZ's NAT gateway; no flow log, no endpoint.
  The project's ``cdk.json`` (written by CLI 2.76.0) has no
  ``@aws-cdk/aws-ec2:restrictDefaultSecurityGroup`` flag (introduced in 2.78.0), so the default
  security group keeps AWS's rules.
- ``BastionSecurityGroup`` (``allowAllOutbound``, no ingress) on a ``BastionHostLinux`` in the
  first private subnet (its default subnet selection), reached with Session Manager through the
  NAT gateways; ``OpensearchSecurityGroup`` (allow-all egress), TCP 443 from the bastion's group
  and, by ``domain.connections.allowFrom(dataIndexFunction, Port.tcp(443))``, from the function's.
- ``Domain``: OpenSearch 2.3, two data nodes, zone awareness on (two AZs, the default count), in
  "All private subnets" (``vpcSubnets``' default) with ``OpensearchSecurityGroup``; an access
  policy allowing ``es:ESHttp*`` to any principal (the security group is the boundary); no
  ``domainName``, so CDK generates one (assumed ``domain66ac69e0-1pzj3ugkfu0h``, the form the
  README's output ``vpc-domainxxxxxxxxxx…`` shows).
- ``DataIndex``, a ``PythonFunction`` in the VPC (private subnets), CDK's automatic group
  ("Automatic security group for Lambda Function …", allow-all egress, no ingress); it indexes
  with ``opensearch-py`` over HTTPS to the domain endpoint, unsigned (the open access policy).

What DescribeNetworkInterfaces reports (botocore's ec2 model, ``NetworkInterface``):

- the domain's: "OpenSearch Service also places an elastic network interface (ENI) in the VPC for
  each of your data nodes" and "The Description column shows which OpenSearch Service domain the
  network interface is associated with" (``vpc.md``). Assumed: InterfaceType ``interface``,
  RequesterManaged true, RequesterId ``amazon-elasticsearch`` (after the service's former name;
  AWS documents none), Description ``ES <domain name>``, the domain's groups, one per data node
  in its AZ's subnet (the guide reserves three addresses per data node for blue/green
  deployments; only the interfaces in use are built). ``domain_requester=None`` builds the other
  reading (not requester-managed, no RequesterId);
- the bastion's: ``interface``, not requester-managed, attached to the instance;
- the function's Hyperplane interfaces, one per subnet: ``lambda``, RequesterManaged true,
  ``AWS Lambda VPC ENI-<function>-<uuid>``.

Do the domain's interfaces call AWS services? No: they take the domain's inbound traffic. The
egress page: "By default, egress from a VPC domain to custom endpoints leaves over the public
internet"; with the egress option "OpenSearch Service places an additional elastic network
interface … Egress traffic from the domain leaves through these egress ENIs", while the "Domain
ENIs" are "Created and managed by OpenSearch Service for inbound traffic to the domain". The
alerting page asks for "a public IP address" on a custom webhook; the snapshot page asks nothing
of the VPC for the domain's reads and writes of S3 (only the caller registering a repository must
reach the domain); remote reindex: "Every OpenSearch Service domain is made up of its own
internal virtual private cloud (VPC) infrastructure". The egress option is not built: the
snapshot would show its ENIs, whose description AWS does not document.

The managed endpoint (``consumer=True``), after the guide (CloudFormation cannot create one: "You
currently can't use AWS CloudFormation to create interface VPC endpoints"): a second VPC of the
same account, ``SearchClientStack`` (assumed) holding the same CDK ``Vpc`` with
``ipAddresses: IpAddresses.cidr("10.1.0.0/16")`` (two AZs, NAT per AZ) and a function
``DataSearch`` in its private subnets (CDK's automatic group), and ``CreateVpcEndpoint`` (the
OpenSearch API) for the domain's ARN with the consumer's private subnets and a group
``opensearch-endpoint`` admitting TCP 443 from 10.1.0.0/16 ("The security group rules must allow
the resources that will use the VPC endpoint to communicate with OpenSearch Service to communicate
with the endpoint network interface"; "HTTPS is the only supported protocol"). Same account: no
``AuthorizeVpcEndpointAccess``. As DescribeVpcEndpoints reports it: the service-linked role
``AWSServiceRoleForAmazonOpenSearchService`` creates it (``ec2:CreateVpcEndpoint`` "when the
request contains the tag ``OpenSearchManaged=true``"; "Your service-linked role must be in the
same AWS account that you use to create the VPC endpoint"), so an Interface endpoint of this
account tagged ``OpenSearchManaged: true``, not requester-managed (as MWAA's and Redshift's), to an
endpoint service OpenSearch owns (``com.amazonaws.vpce.<region>.vpce-svc-…``, assumed not in this
account's DescribeVpcEndpointServices), private DNS off (clients use the name the OpenSearch API
returns as ``Endpoint``), no policy document ("VPC endpoint policies are not supported for
OpenSearch Service"), one interface per subnet ("We create an endpoint network interface in each
subnet").

``endpoints=True`` puts the VPC to use with interface endpoints for the AWS APIs its workloads
call, ``vpc.addInterfaceEndpoint("Logs", …CLOUDWATCH_LOGS)`` and ``("Sts", …STS)`` (assumed
services: the bastion's CloudWatch agent, the functions' role assumptions): CDK's defaults —
private DNS on, one private subnet per AZ, no policy, a group of their own admitting TCP 443 from
10.0.0.0/16, allow-all egress. ``domain_egress="none"`` is ``OpensearchSecurityGroup`` with
``allowAllOutbound: false`` (hardening: the group then holds only CDK's placeholder egress rule,
ICMP 252-86 to 255.255.255.255/32, "Disallow all traffic"), the state the module's group is always
in (Terraform revokes AWS's default egress rule and the module adds none).

Near misses: ``domain_sources=("bastion",)`` (no ``allowFrom(dataIndexFunction, …)``: the
function's group is not admitted), ``domain_sources=("bastion", "function", "anywhere")`` (TCP 443
from 0.0.0.0/0 added to reach the domain from a laptop), ``endpoint_group="default"`` (the managed
endpoint created without ``SecurityGroupIds``: "OpenSearch Service uses the default security group
for the VPC", API reference ``VPCOptions``), ``endpoint_azs=1`` (the logs and sts endpoints in
us-east-1a only while the functions run in both AZs).

Left out: CloudFormation's ``aws:cloudformation:*`` tags, Elastic IPs, SG rule descriptions, the
service-linked role (IAM), the Lambda functions' roles.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from layouts.cdk_default_vpc import cdk_subnet_cidrs
from layouts.tf_vpc_ipv6_only import DEFAULT_ENTRIES
from layouts.tf_vpc_module import module_defaults
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
STACK = "OpensearchVpcCdkStack"
CONSUMER_STACK = "SearchClientStack"  # the second VPC's stack (assumed)
AZ_IDS = ("use1-az2", "use1-az4")  # this account's us-east-1a and b (assumed)
VPC_CIDR, CONSUMER_CIDR = "10.0.0.0/16", "10.1.0.0/16"
DOMAIN = "domain66ac69e0-1pzj3ugkfu0h"  # CDK's generated domain name (assumed)
ES_REQUESTER_ID = "amazon-elasticsearch"  # RequesterId of the domain's interfaces (assumed)
INDEX_FUNCTION = f"{STACK}-DataIndex8C4E2F1B-Xq7pW2nLm9Ks"  # generated function names (assumed)
SEARCH_FUNCTION = f"{CONSUMER_STACK}-DataSearch5B9D3A70-Lr4tY8vNq2Hc"
ALLOW_ALL = ("-1", None, None, "0.0.0.0/0")
# CDK's placeholder egress rule of a group with allowAllOutbound false ("Disallow all traffic").
DISALLOW_ALL = ("icmp", 252, 86, "255.255.255.255/32")
MANAGED_TAG = {"OpenSearchManaged": "true"}  # the tag the service-linked role's policy requires

# terraform-aws-opensearch examples/complete (eu-west-1) and the terraform-aws-vpc module it calls.
EXAMPLE = "ex-complete"
EXAMPLE_REGION = "eu-west-1"
EXAMPLE_AZ_IDS = ("euw1-az3", "euw1-az1", "euw1-az2")  # this account's eu-west-1a, b, c (assumed)
EXAMPLE_TAGS = {"Name": EXAMPLE, "Example": EXAMPLE,
                "Repository": "https://github.com/terraform-aws-modules/terraform-aws-opensearch"}
EXAMPLE_V6 = "2a05:d018:1a2b:3c00"  # the VPC's Amazon-provided /56 (assumed)


def build(*, consumer: bool = False, endpoint_group: str = "consumer", endpoints: bool = False,
          endpoint_azs: int = 2, domain_sources: tuple[str, ...] = ("bastion", "function"),
          domain_egress: str = "all", domain_requester: str | None = ES_REQUESTER_ID,
          ) -> tuple[Snapshot, dict[str, str]]:
    """The sample. ``consumer``: the second VPC and its managed endpoint (``endpoint_group``:
    "consumer" or "default"); ``endpoints``: the logs and sts endpoints in the first
    ``endpoint_azs`` AZs; ``domain_sources``: whom ``OpensearchSecurityGroup`` admits on TCP 443
    ("bastion", "function", "anywhere"); ``domain_egress``: "all" or "none"."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    ids = _cdk_vpc(b, STACK, VPC_CIDR)
    vpc = ids["vpc"]
    bastion_sg = ids["bastion_sg"] = _cdk_group(b, vpc, f"{STACK}/BastionSecurityGroup", name="BastionSecurityGroup")
    egress = [ALLOW_ALL] if domain_egress == "all" else [DISALLOW_ALL]
    domain_sg = ids["domain_sg"] = _cdk_group(b, vpc, f"{STACK}/OpensearchSecurityGroup",
                                              name="OpensearchSecurityGroup", egress=egress)
    function_sg = ids["function_sg"] = _cdk_group(
        b, vpc, f"Automatic security group for Lambda Function {STACK}DataIndex8C4E2F1B",
        name=f"{STACK}-DataIndexSecurityGroup3F1D9A2C-1WZ6QX0K7T3BN")
    sources = {"bastion": bastion_sg, "function": function_sg, "anywhere": "0.0.0.0/0"}
    b.authorize(domain_sg, ingress=[("tcp", 443, 443, sources[s]) for s in domain_sources])
    private = [ids["private1"], ids["private2"]]

    # BastionHostLinux: an Amazon Linux 2023 instance in the first private subnet.
    ids["bastion"] = bastion = b.workload(private[0], groups=[bastion_sg])
    b.enis[bastion] = replace(b.enis[bastion], instance_id=b.new_id("i"))
    for az, subnet in enumerate(private, start=1):
        # The domain's interface for the data node of this AZ (assumed fields: module docstring).
        ids[f"domain_eni{az}"] = b.workload(subnet, groups=[domain_sg], requester_managed=domain_requester is not None,
                                            requester_id=domain_requester, description=f"ES {DOMAIN}")
        ids[f"index_eni{az}"] = b.workload(
            subnet, groups=[function_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{INDEX_FUNCTION}-4d2c8e1a-7b3f-4a9e-b5c6-0e1f2a3b4c5{az}")
    if endpoints:
        for construct_id, key in (("Logs", "logs"), ("Sts", "sts")):
            group = ids[f"{key}_sg"] = _cdk_group(
                b, vpc, f"{STACK}/Vpc/{construct_id}/SecurityGroup", ingress=[("tcp", 443, 443, VPC_CIDR)],
                name=f"{STACK}-Vpc{construct_id}SecurityGroup{b.new_id('x')[-8:].upper()}-{b.new_id('x')[-12:].upper()}")
            ids[key] = b.interface_endpoint(vpc, key, subnets=private[:endpoint_azs], groups=[group])
            b.tag(ids[key], {"Name": f"{STACK}/Vpc"})
    if consumer:
        ids |= _consumer(b, endpoint_group)
    return b.snapshot(), ids


def _cdk_vpc(b: AwsRegionBuilder, stack: str, cidr: str) -> dict[str, str]:
    """``new Vpc(this, "Vpc", …)`` in an environment-agnostic stack: two AZs, a public and a
    private subnet in each (equal blocks, public first), a NAT gateway per AZ."""
    path = f"{stack}/Vpc"
    vpc = b.vpc(cidr, name=path, dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "default_sg": b.default_group(vpc), "igw": b.igw(vpc)}
    b.tag(ids["igw"], {"Name": path})
    cidrs = cdk_subnet_cidrs(cidr, 4)
    for offset, group in ((0, "Public"), (2, "Private")):
        for az in (1, 2):
            name = f"{path}/{group}Subnet{az}"
            subnet = ids[f"{group.lower()}{az}"] = b.subnet(vpc, cidrs[offset + az - 1], az=az, name=name)
            b.subnets[subnet] = replace(b.subnets[subnet], map_public_ip_on_launch=group == "Public")
            b.tag(subnet, {"aws-cdk:subnet-name": group, "aws-cdk:subnet-type": group})
            ids[f"{group.lower()}{az}_rt"] = b.route_table(vpc, subnets=[subnet], name=name)
    for az in (1, 2):
        nat = ids[f"nat{az}"] = b.nat(ids[f"public{az}"])
        b.tag(nat, {"Name": f"{path}/PublicSubnet{az}"})
        b.route(ids[f"public{az}_rt"], "0.0.0.0/0", ids["igw"])
        b.route(ids[f"private{az}_rt"], "0.0.0.0/0", nat)
    return ids


def _cdk_group(b: AwsRegionBuilder, vpc: str, description: str, *, name: str,
               ingress: list[tuple[str, int | None, int | None, str]] | None = None,
               egress: list[tuple[str, int | None, int | None, str]] | None = None) -> str:
    """A CDK ``SecurityGroup``: GroupName its ``securityGroupName`` or the one CloudFormation
    generates, GroupDescription the construct path (a Lambda function's: CDK's sentence),
    allow-all egress unless told."""
    group = b.security_group(vpc, name=name, ingress=ingress or [], egress=egress or [ALLOW_ALL])
    b.groups[group] = replace(b.groups[group], description=description)
    return group


def _consumer(b: AwsRegionBuilder, endpoint_group: str) -> dict[str, str]:
    """The second VPC, its ``DataSearch`` function and the managed endpoint to the domain."""
    found = _cdk_vpc(b, CONSUMER_STACK, CONSUMER_CIDR)
    ids = {f"consumer_{key}": value for key, value in found.items()}
    vpc = ids["consumer_vpc"]
    private = [ids["consumer_private1"], ids["consumer_private2"]]
    search_sg = ids["search_sg"] = _cdk_group(
        b, vpc, f"Automatic security group for Lambda Function {CONSUMER_STACK}DataSearch5B9D3A70",
        name=f"{CONSUMER_STACK}-DataSearchSecurityGroup7E2B4C91-9PLM3K5V1XQ2")
    for az, subnet in enumerate(private, start=1):
        ids[f"search_eni{az}"] = b.workload(
            subnet, groups=[search_sg], interface_type="lambda", requester_managed=True,
            description=f"AWS Lambda VPC ENI-{SEARCH_FUNCTION}-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6{az}")
    if endpoint_group == "default":
        group = ids["consumer_default_sg"]
    else:
        group = ids["endpoint_sg"] = b.security_group(vpc, name="opensearch-endpoint",
                                                      ingress=[("tcp", 443, 443, CONSUMER_CIDR)])
    ids["managed_endpoint"] = _managed_endpoint(b, vpc, private, group)
    return ids


def _managed_endpoint(b: AwsRegionBuilder, vpc: str, subnets: list[str], group: str) -> str:
    """An OpenSearch Service-managed VPC endpoint as DescribeVpcEndpoints reports it (see the
    module docstring): an Interface endpoint of this account to a service OpenSearch owns, tagged
    ``OpenSearchManaged``, no private DNS, no policy, one interface per subnet."""
    service_id = b.new_id("vpce-svc")
    endpoint = b.interface_endpoint(vpc, "opensearch", subnets=subnets, groups=[group], private_dns=False,
                                    policy=None, service_name=f"com.amazonaws.vpce.{b.region}.{service_id}")
    suffix = b.new_id("x").split("-")[1][1:9]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=(
        r.DnsEntry(f"{endpoint}-{suffix}.{service_id}.{b.region}.vpce.amazonaws.com", "Z7HUB22UULQXV"),))
    b.tag(endpoint, MANAGED_TAG)
    return endpoint


def build_module_example() -> tuple[Snapshot, dict[str, str]]:
    """terraform-aws-opensearch ``examples/complete`` as published.

    ``module "vpc"`` (terraform-aws-vpc ~> 6.0): 10.0.0.0/16 and an Amazon-provided /56
    (``enable_ipv6``), public subnets 10.0.0.0/24-10.0.2.0/24 (IPv6 prefixes 0-2) on a table
    sending 0.0.0.0/0 and ::/0 to the internet gateway, private subnets 10.0.10.0/24-10.0.12.0/24
    (prefixes 3-5), each on a table of its own (``nat_gateway_count`` is the subnet count without
    NAT gateways) holding only ::/0 to the egress-only internet gateway; no NAT gateway
    (``enable_nat_gateway`` defaults to false); the module's default group stripped of its rules
    and its default NACL entries (v4 and v6 allow-all).

    ``module "opensearch"``: OpenSearch 2.13, three data nodes in three AZs (plus three dedicated
    masters and three coordinators), ``ip_address_type = "dualstack"``, in the private subnets
    with the module's group (``name_prefix`` ``ex-complete-``, "Managed by Terraform", TCP 443 from
    10.0.0.0/16, "HTTPS access from VPC", no egress rule: Terraform revokes AWS's default one and
    no ``type = "egress"`` rule is given), and ``vpc_endpoints = { one = { subnet_ids =
    module.vpc.private_subnets } }``: an ``aws_opensearch_vpc_endpoint`` with no
    ``security_group_ids``, so the VPC's default group. The domain's interfaces: one per data
    node, dual-stack, as in :func:`build`.
    """
    b = AwsRegionBuilder(ACCOUNT, EXAMPLE_REGION, EXAMPLE_AZ_IDS)
    v6_block = f"{EXAMPLE_V6}::/56"
    vpc = b.vpc("10.0.0.0/16", name=EXAMPLE, ipv6_cidrs=[v6_block])
    main_rt, default_sg, default_acl = module_defaults(b, vpc, DEFAULT_ENTRIES)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": main_rt, "default_sg": default_sg, "default_acl": default_acl}
    ids["igw"], ids["eigw"] = b.igw(vpc), b.eigw(vpc)
    ids["public_rt"] = b.route_table(vpc, routes={"0.0.0.0/0": ids["igw"], "::/0": ids["igw"]},
                                     name=f"{EXAMPLE}-public")
    tables = [main_rt, ids["public_rt"]]
    for k, az in enumerate("abc"):
        public = ids[f"public{k + 1}"] = b.subnet(vpc, f"10.0.{k}.0/24", az=k + 1,
                                                  name=f"{EXAMPLE}-public-{EXAMPLE_REGION}{az}",
                                                  ipv6_cidrs=[f"{EXAMPLE_V6[:-1]}{k}::/64"])
        b.associate(ids["public_rt"], public)
        private = ids[f"private{k + 1}"] = b.subnet(vpc, f"10.0.{10 + k}.0/24", az=k + 1,
                                                    name=f"{EXAMPLE}-private-{EXAMPLE_REGION}{az}",
                                                    ipv6_cidrs=[f"{EXAMPLE_V6[:-1]}{3 + k}::/64"])
        tables.append(b.route_table(vpc, subnets=[private], routes={"::/0": ids["eigw"]},
                                    name=f"{EXAMPLE}-private-{EXAMPLE_REGION}{az}"))
    for table in tables:
        # The local route AWS adds to every route table for the VPC's IPv6 block.
        routes = b.route_tables[table].routes
        local = r.Route(v6_block, "ipv6", "local", "local", "active", "CreateRouteTable")
        b.route_tables[table] = replace(b.route_tables[table], routes=(*routes[:1], local, *routes[1:]))
    for resource in (vpc, *tables, *(ids[f"{kind}{k}"] for kind in ("public", "private") for k in (1, 2, 3))):
        b.tag(resource, {key: value for key, value in EXAMPLE_TAGS.items() if key != "Name"})
    domain_sg = ids["domain_sg"] = b.security_group(vpc, name=f"{EXAMPLE}-20260614011400000000000001",
                                                    ingress=[("tcp", 443, 443, "10.0.0.0/16")], egress=[])
    b.groups[domain_sg] = replace(b.groups[domain_sg], description="Managed by Terraform")
    b.tag(domain_sg, EXAMPLE_TAGS)
    private = [ids[f"private{k}"] for k in (1, 2, 3)]
    for k, subnet in enumerate(private, start=1):
        eni = ids[f"domain_eni{k}"] = b.workload(subnet, groups=[domain_sg], requester_managed=True,
                                                 requester_id=ES_REQUESTER_ID, description=f"ES {EXAMPLE}")
        b.enis[eni] = replace(b.enis[eni], ipv6_addresses=(f"{EXAMPLE_V6[:-1]}{2 + k}::a{k}",))
    ids["managed_endpoint"] = _managed_endpoint(b, vpc, private, default_sg)
    return b.snapshot(), ids
