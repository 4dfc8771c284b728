"""Remediation steps more than one rule proposes, built in one place so they come out identical.

Why shared: a plan merges identical steps into one. When NAT002 (a subnet routed cross-AZ) and
NAT003 (the AZ has no NAT gateway) both ask for a NAT gateway in the same AZ, or SG001 and
SG002 both ask to replace the same open rule, they must produce byte-equal steps, or the plan
would create two NAT gateways or fail on a duplicate rule. Every choice here (which subnet of an
AZ, which route tables, which policy) is deterministic for that reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from vpcaudit.engine.remedy import FixStep, Phase, new_id, placeholder, step
from vpcaudit.network.secgroups import cidr_family, ingress, tcp_range
from vpcaudit.network.services import parse_service_name, partition

if TYPE_CHECKING:
    from vpcaudit.network.view import NetworkView
    from vpcaudit.pricing import CostModel
    from vpcaudit.snapshot import resources as r

NEW_ENDPOINT_POLICY_NOTE = ("with a policy admitting principals of account {account} only (widen it to your "
                            "organization if roles of other accounts use this path)")
NEW_S3_ENDPOINT_POLICY_NOTE = ("with a policy admitting principals of account {account} (widen it to your "
                               "organization if roles of other accounts use this path) and anyone's reads of the "
                               "AWS-owned ECR layer, Amazon Linux, Amazon EMR repository, EC2 Image Builder "
                               "and Systems Manager buckets of {region}, "
                               "and CloudFormation's wait condition and custom resource responses")

# Objects of AWS-owned buckets that workloads read through an S3 endpoint without credentials of
# their own account, as AWS documents them ({region}: the endpoint's Region), as bucket/key patterns:
AWS_OWNED_S3_OBJECTS = (
    # ECR image layers. https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
    # gives arn:aws:s3:::prod-region-starport-layer-bucket/* and, under "Minimum Amazon S3 bucket
    # permissions", an S3 endpoint statement allowing s3:GetObject there to Principal "*".
    "prod-{region}-starport-layer-bucket/*",
    # Amazon Linux 2 repositories. https://docs.aws.amazon.com/linux/al2/ug/al2-live-patching.html
    # ("Amazon S3 bucket containing Amazon Linux 2 repositories", both).
    "amazonlinux.{region}.amazonaws.com/*",
    "amazonlinux-2-repos-{region}/*",
    # AL2023 repositories. https://docs.aws.amazon.com/linux/al2023/ug/live-patching.html, as AWS's
    # data perimeter policy examples (see account_scoped_policy) cite it for this bucket.
    "al2023-repos-{region}-de612dc2/*",
    # The Amazon EMR repository, which cluster instances of EMR 5.22.0 and later read at launch.
    # https://docs.aws.amazon.com/emr/latest/ManagementGuide/private-subnet-iampolicy.html
    # ("EmrRepositoryAccess": s3:GetObject to Principal "*"); AWS's data perimeter examples list it
    # among EMR's "unauthenticated calls to Amazon S3".
    "repo.{region}.emr.amazonaws.com/*",
    # EC2 Image Builder: AWSTOE, which every build instance downloads, and the managed components.
    # https://docs.aws.amazon.com/imagebuilder/latest/userguide/vpc-interface-endpoints.html ("If you
    # use a VPC endpoint for Amazon S3 in your environment, you'll need to ensure that your S3 VPC
    # endpoint policy allows Image Builder to access the following S3 buckets"): the managed
    # resources bucket under components/ only.
    "ec2imagebuilder-toe-{region}-prod/*",
    "ec2imagebuilder-managed-resources-{region}-prod/components/*",
    # The CodeDeploy resource kit: the agent's installer, packages and LATEST_VERSION, which the
    # installer and Systems Manager's updates read with unsigned GETs.
    # https://docs.aws.amazon.com/codedeploy/latest/userguide/resource-kit.html ("publicly available,
    # AWS region-specific Amazon S3 buckets ... installation files for the CodeDeploy agent");
    # the instance profile page: "give access to the Amazon S3 buckets that contain the CodeDeploy
    # agent. Otherwise, an error might occur when the CodeDeploy agent is installed or updated".
    "aws-codedeploy-{region}/*",
    # Systems Manager: the modules of its documents, which SSM Agent reads (aws-ssm-<region>), and
    # the patch baseline snapshots every patching document downloads. "Improve the security of EC2
    # instances by using VPC endpoints for Systems Manager": the S3 endpoint policy "must allow
    # access to at least" the agent's buckets; the snapshot bucket's name carries a suffix in some
    # Regions (PATCH_BASELINE_SNAPSHOT_SUFFIXES). POL007 judges these two.
    "aws-ssm-{region}/*",
    "patch-baseline-snapshot-{region}{snapshot_suffix}/*",
)

# "Reference: Amazon S3 buckets for patching operations"
# (https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-operations-s3-buckets.html):
# the Regions whose patch baseline snapshot bucket carries a suffix (the others:
# patch-baseline-snapshot-<region>).
PATCH_BASELINE_SNAPSHOT_SUFFIXES = {
    "af-south-1": "-tbxdb5b9", "ap-south-2": "-50209442", "ap-southeast-3": "-be0a3174",
    "ap-southeast-4": "-dc6f76ce", "eu-south-2": "-df2c9d70", "me-south-1": "-uduvl7q8",
}


AWS_OWNED_READS_SID = "AWSOwnedBucketsRead"

# AWS-owned buckets that instances and functions in the VPC write to through presigned URLs:
# CloudFormation's wait condition signals and custom resource responses ("If a template includes
# custom resources or wait conditions in a VPC, the VPC endpoint policy must allow users to send
# responses to the following buckets", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-vpce-bucketnames.html;
# the custom resource bucket's Region is written without dashes, ``uswest2``). Elastic
# Beanstalk's instances signal a wait condition at launch; the Elastic Beanstalk guide's
# statement for these buckets names s3:GetObject, the upload itself is s3:PutObject: both.
CLOUDFORMATION_RESPONSE_BUCKETS = ("cloudformation-waitcondition-{region}",
                                   "cloudformation-custom-resource-response-{compact_region}")
CLOUDFORMATION_RESPONSES_SID = "CloudFormationResponses"


def aws_owned_s3_objects(region: str) -> list[str]:
    """ARNs of :data:`AWS_OWNED_S3_OBJECTS` in ``region``, in its partition."""
    suffix = PATCH_BASELINE_SNAPSHOT_SUFFIXES.get(region, "")
    return [f"arn:{partition(region)}:s3:::{objects.format(region=region, snapshot_suffix=suffix)}"
            for objects in AWS_OWNED_S3_OBJECTS]


# Remembered: the same text for every endpoint of a service in one account and Region, which several
# rules' fixes propose again and again. Bounded: an audit asks scope by scope, so recent texts recur.
@lru_cache(maxsize=1 << 12)
def account_scoped_policy(account_id: str, *, service: str, region: str) -> str:
    """An endpoint policy POL001/POL002 accept for an endpoint of ``service`` (a service key:
    ``s3``, ``ecr.api``…) in ``region``: any principal of this account, any action.

    ``Principal: *`` with ``aws:PrincipalAccount`` (rather than an account principal) is what
    gateway endpoints require. On its own it refuses every request whose principal is not of
    this account, and an S3 endpoint carries two kinds the workloads of this account depend on:
    ECR image layer downloads, "signed using a presigned URL, which is created by an Amazon ECR
    account", and Amazon Linux package downloads, "an unauthenticated call to Amazon S3" with no
    principal account at all (https://github.com/aws-samples/data-perimeter-policy-examples/blob/007f7e272f597e226fb426e4a97524d2b0d013f3/vpc_endpoint_policies/README.md).
    Once the endpoint's prefix-list route exists they no longer leave through a NAT gateway, so
    image pulls (``CannotPullContainerError``) and ``dnf``/``yum`` would fail. An S3 endpoint's
    policy therefore also lets anyone ``s3:GetObject`` :data:`AWS_OWNED_S3_OBJECTS`
    in ``region`` — named AWS-owned buckets, read only, as the ECR guide's own S3 endpoint
    statement does. Other AWS-owned buckets (SSM Agent, Patch Manager, CloudWatch agent…) are
    left to the decision the fixes ask for.
    """
    statements: list[dict[str, Any]] = [{
        "Sid": "ThisAccountOnly", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": account_id}}}]
    if service == "s3":
        statements.append(aws_owned_reads_statement(region))
        statements.append(cloudformation_responses_statement(region))
    if service == "execute-api":
        # A call with a bearer token (Lambda or Cognito authorizer) or none at all is evaluated "as an
        # anonymous user", with no principal account: "you can control your security perimeter by
        # using properties of the resource" (API Gateway guide, "Use VPC endpoint policies for
        # private APIs", apigateway-vpc-endpoint-policies.html). So this account's APIs are open to
        # any caller from the VPC; other accounts' APIs it calls are the decision's to add.
        statements.append({"Sid": "ThisAccountsApis", "Effect": "Allow", "Principal": "*",
                           "Action": "execute-api:Invoke",
                           "Resource": f"arn:{partition(region)}:execute-api:{region}:{account_id}:*"})
    if service == "appsync-api":
        # Likewise for AppSync private APIs: a call with an API key, a Cognito or OIDC token or a
        # Lambda authorizer is not signed with IAM credentials and has no principal account; the
        # AppSync guide scopes endpoint policies by IAM principal only for AWS_IAM authorization. A
        # private API must be in the endpoint's own account and Region, so naming this account's
        # APIs lets every caller of them through and nothing else.
        statements.append({"Sid": "ThisAccountsApis", "Effect": "Allow", "Principal": "*",
                           "Action": "appsync:GraphQL",
                           "Resource": f"arn:{partition(region)}:appsync:{region}:{account_id}:apis/*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, separators=(",", ":"))


def aws_owned_reads_statement(region: str, extra: Iterable[str] = ()) -> dict[str, Any]:
    """The S3 endpoint statement letting anyone read :data:`AWS_OWNED_S3_OBJECTS`
    in ``region`` (the ECR guide's "minimum Amazon S3 bucket permissions", widened to the other
    buckets AWS documents), and the object ARNs ``extra`` after them (a rule that needs more
    AWS-owned buckets than every S3 endpoint does: Systems Manager's, POL007)."""
    return {"Sid": AWS_OWNED_READS_SID, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": list(dict.fromkeys([*aws_owned_s3_objects(region), *extra]))}


def cloudformation_responses_statement(region: str) -> dict[str, Any]:
    """The S3 endpoint statement letting CloudFormation's presigned responses through: the objects
    of :data:`CLOUDFORMATION_RESPONSE_BUCKETS` in ``region``, read and written by anyone."""
    names = (b.format(region=region, compact_region=region.replace("-", "")) for b in CLOUDFORMATION_RESPONSE_BUCKETS)
    return {"Sid": CLOUDFORMATION_RESPONSES_SID, "Effect": "Allow", "Principal": "*",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": [f"arn:{partition(region)}:s3:::{name}/*" for name in names]}


def new_endpoint_policy_note(account_id: str, service: str, region: str) -> str:
    """How a step creating an endpoint describes the policy :func:`account_scoped_policy` gives it."""
    if service == "s3":
        return NEW_S3_ENDPOINT_POLICY_NOTE.format(account=account_id, region=region)
    return NEW_ENDPOINT_POLICY_NOTE.format(account=account_id)


def endpoint_context(endpoint: r.VpcEndpoint) -> dict[str, str]:
    """What an IaC block for this existing endpoint must restate."""
    return {"VpcId": endpoint.vpc_id, "ServiceName": endpoint.service_name, "VpcEndpointType": endpoint.endpoint_type}


def scope_endpoint_policy(view: NetworkView, endpoint: r.VpcEndpoint, why: str) -> FixStep:
    """Replace an endpoint's policy with the account-scoped one: a decision, because principals
    of other accounts (or the resources a policy should list) may use the endpoint today, and
    an S3 endpoint may carry reads of AWS-owned buckets the policy does not name."""
    info = view.service(endpoint)
    description = f"Limit the policy of {endpoint.vpc_endpoint_id} to principals of account {view.account_id}"
    decision = (f"{why}: name the organization (aws:PrincipalOrgID) or accounts that use this endpoint, and the "
                "resources they need, before applying")
    if info.key == "s3":
        description += (", CloudFormation's responses, and anyone's reads of the AWS-owned ECR layer, Amazon Linux, "
                        "Amazon EMR repository, EC2 Image Builder, CodeDeploy resource kit and Systems Manager "
                        f"buckets of {info.region}")
        decision += ("; the policy keeps ECR image layers, the Amazon Linux repositories, the Amazon EMR "
                     "repository, Image Builder's AWSTOE and managed components, the CodeDeploy agent's installer and "
                     "SSM Agent's modules and patch baseline snapshots reachable, and other AWS-owned buckets your "
                     "workloads read through this endpoint (Patch Manager's and Windows' document buckets, the "
                     "CloudWatch agent's…) must be added to its "
                     "AWSOwnedBucketsRead statement, or those reads are refused; EMR clusters also write to "
                     "EMR's system log and application-UI buckets (aws157-logs-prod…, prod.<region>.appinfo.src), "
                     "which need their own statement")
    # For APIs, calls without IAM credentials pass by the API's ARN alone, so that comes first: a
    # principal condition naming the API's account would let none of them through.
    if info.key == "execute-api":
        description += f", and any caller's invocations of account {view.account_id}'s APIs"
        decision = (f"{why}: calls with a bearer token or none are anonymous and pass only by the API's ARN, so add "
                    "the ARNs of other accounts' private APIs this VPC calls to the ThisAccountsApis statement (a "
                    "principal condition naming their accounts does not let them through); name the organization "
                    "(aws:PrincipalOrgID) or accounts whose principals sign calls through this endpoint, before "
                    "applying")
    if info.key == "appsync-api":
        description += f", and any caller's GraphQL requests to account {view.account_id}'s private APIs"
        decision = (f"{why}: calls authorized with an API key, a Cognito or OIDC token or a Lambda authorizer are "
                    "anonymous to the endpoint and pass only by the API's ARN, so narrow ThisAccountsApis to the APIs "
                    "this VPC calls (arn:…:appsync:<region>:<account>:apis/<api-id>/*); name the organization "
                    "(aws:PrincipalOrgID) or accounts whose principals sign calls through this endpoint, before "
                    "applying")
    return step("ec2:ModifyVpcEndpoint",
                {"VpcEndpointId": endpoint.vpc_endpoint_id,
                 "PolicyDocument": account_scoped_policy(view.account_id, service=info.key, region=info.region)},
                endpoint.vpc_endpoint_id, Phase.MODIFY, description, decision=decision,
                context=endpoint_context(endpoint))


def dns_attribute_steps(view: NetworkView, vpc_id: str, *, hostnames: bool) -> list[FixStep]:
    """Turn on enableDnsSupport (if off), then enableDnsHostnames (if asked and off).

    One attribute per call, support first: AWS refuses DNS hostnames while DNS support is off.
    """
    vpc = view.vpcs.get(vpc_id)
    if vpc is None:
        return []
    context = {"CidrBlock": vpc.cidr_blocks[0]} if vpc.cidr_blocks else {}
    steps = []
    if vpc.enable_dns_support is False:
        steps.append(step("ec2:ModifyVpcAttribute", {"VpcId": vpc_id, "EnableDnsSupport": {"Value": True}}, vpc_id,
                          Phase.MODIFY, f"Turn on the Amazon-provided DNS resolver of {vpc_id} (enableDnsSupport)",
                          context=context))
    if hostnames and vpc.enable_dns_hostnames is False:
        steps.append(step("ec2:ModifyVpcAttribute", {"VpcId": vpc_id, "EnableDnsHostnames": {"Value": True}}, vpc_id,
                          Phase.MODIFY, f"Turn on DNS hostnames in {vpc_id} (enableDnsHostnames)", context=context))
    return steps


def gateway_service_name(view: NetworkView, key: str) -> str:
    """The gateway endpoint service of ``key`` in this Region: the name of its AWS-managed prefix list."""
    prefix_list = view.service_prefix_list(key)
    return prefix_list.prefix_list_name if prefix_list else f"com.amazonaws.{view.region_name}.{key}"


def private_route_tables(view: NetworkView, vpc_id: str) -> list[str]:
    """Effective route tables of the VPC's own private subnets: all GWE001 will check."""
    tables = set()
    for subnet in view.private_subnets(vpc_id):
        table = view.effective_route_table(subnet.subnet_id)
        if table is not None and not view.is_shared_from_other_account(subnet):
            tables.add(table.route_table_id)
    return sorted(tables)


def create_gateway_endpoint(view: NetworkView, vpc_id: str, key: str) -> FixStep | None:
    """A free S3 / DynamoDB gateway endpoint on every private route table, with a scoped policy."""
    tables = private_route_tables(view, vpc_id)
    if not tables:
        return None
    service = gateway_service_name(view, key)
    isolated = isolated_route_tables(view, vpc_id, tables)
    opened = (f"; {', '.join(isolated)} serve(s) only isolated subnets (no route out of the VPC today), which "
              f"this gives their first path beyond it, to {key} in {view.region_name}: leave them out if they are "
              "cut off on purpose" if isolated else "")
    return step("ec2:CreateVpcEndpoint",
                {"VpcId": vpc_id, "VpcEndpointType": "Gateway", "ServiceName": service, "RouteTableIds": tables,
                 "PolicyDocument": account_scoped_policy(view.account_id, service=key, region=view.region_name)},
                vpc_id, Phase.CREATE,
                f"Create a {key} gateway endpoint in {vpc_id} on route table(s) {', '.join(tables)}, "
                + new_endpoint_policy_note(view.account_id, key, view.region_name) + opened,
                creates=f"{key}-gateway-endpoint-{vpc_id}", output="VpcEndpoint.VpcEndpointId")


def isolated_route_tables(view: NetworkView, vpc_id: str, tables: list[str]) -> list[str]:
    """Those of ``tables`` whose private subnets are all isolated: a database or intra tier is often
    cut off on purpose, and a gateway endpoint's route is its first way out of the VPC."""
    egress: dict[str, set[str | None]] = {}
    for subnet in view.private_subnets(vpc_id):
        table = view.effective_route_table(subnet.subnet_id)
        if table is not None and table.route_table_id in tables:
            egress.setdefault(table.route_table_id, set()).add(view.internet_egress(subnet.subnet_id))
    return [t for t in tables if egress.get(t) == {None}]


def endpoint_subnet_in_az(view: NetworkView, vpc_id: str, az_id: str) -> str | None:
    """The subnet of an AZ that should hold an endpoint interface: one with clients, else a
    private one, else any; lowest id first, so every rule picks the same."""
    candidates = sorted((s for s in view.subnets_of(vpc_id)
                         if s.availability_zone_id == az_id and not view.is_shared_from_other_account(s)),
                        key=lambda s: s.subnet_id)
    clients = {s.subnet_id for s in view.client_subnets(vpc_id)}
    for wanted in (lambda s: s.subnet_id in clients, lambda s: view.is_private(s.subnet_id), lambda s: True):
        chosen = next((s.subnet_id for s in candidates if wanted(s)), None)
        if chosen:
            return chosen
    return None


def endpoint_az_month(cost: CostModel) -> str:
    """What one more AZ of an interface endpoint costs a month, in the Region's currency (a China
    Region's is CNY): the words every step creating or widening one uses."""
    return f"about {cost.money(cost.interface_endpoint_month(1))}/month per AZ"


def interface_service_name(view: NetworkView, key: str, region: str, like: str) -> tuple[str, bool]:
    """The name under which ``region`` offers ``key`` as an interface endpoint service, and whether
    the Region's endpoint-service list says so. China Regions name some services
    ``cn.com.amazonaws.<region>.<key>`` and others ``com.amazonaws.<region>.<key>`` (the S3
    gateway and interface services under one name each), so no neighbour's name tells another's;
    the list does. Where it has no such service (not collected, or not offered), the name is
    ``like``'s form with ``key`` in it, unverified."""
    stem = parse_service_name(like).key
    guess = like[: -len(stem)] + key if like.endswith(stem) else f"com.amazonaws.{region}.{key}"
    # An AWS service's name ends in ".<key>": picking those few first (a C-speed scan) spares
    # looking at the hundreds of others the Region lists.
    services, dotted = view.services, f".{key}"
    offered = sorted(name for name in [n for n in services if dotted in n]
                     if "Interface" in (service := services[name]).service_types
                     and (parsed := parse_service_name(name)).family == "aws"
                     and parsed.key == key and (service.service_region or parsed.region) == region)
    if not offered:
        return guess, False
    return (guess if guess in offered else offered[0]), True


def add_endpoint_subnet(view: NetworkView, endpoint: r.VpcEndpoint, az_id: str, cost: CostModel) -> FixStep | None:
    """One AZ per call, so two rules adding the same AZ ask for the same step."""
    subnet = endpoint_subnet_in_az(view, endpoint.vpc_id, az_id)
    if subnet is None:
        return None
    monthly = endpoint_az_month(cost)
    return step("ec2:ModifyVpcEndpoint", {"VpcEndpointId": endpoint.vpc_endpoint_id, "AddSubnetIds": [subnet]},
                endpoint.vpc_endpoint_id, Phase.ASSOCIATE,
                f"Add subnet {subnet} ({az_id}) to interface endpoint {endpoint.vpc_endpoint_id} ({monthly})",
                context=endpoint_context(endpoint))


def tcp_permission(ports: Iterable[int], *, cidrs: Iterable[str] = (), group_id: str | None = None,
                   prefix_list_ids: Iterable[str] = (), group_owner: str | None = None) -> list[dict[str, Any]]:
    """IpPermissions for TCP ``ports`` from (or to) CIDRs, a security group or prefix lists: one
    permission per port, or per run of consecutive ports (DataSync's 1024-1064, AppStream's
    1400-1499: one rule of a group's quota each, not dozens). ``group_owner``: the account of a
    group another account owns (a shared VPC's owner), which the pair must name
    ("account-number/security-group-id")."""
    wanted, lists = tuple(cidrs), tuple(prefix_list_ids)
    return [_port_permission(low, wanted, group_id, lists, group_owner, high) for low, high in _runs(ports)]


def _runs(ports: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ports as (first, last) runs of consecutive ports."""
    runs: list[tuple[int, int]] = []
    for port in sorted(set(ports)):
        if runs and port == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], port)
        else:
            runs.append((port, port))
    return runs


def unknown_port_permission(whose: str, *, cidrs: Iterable[str] = (), group_id: str | None = None,
                            group_owner: str | None = None) -> dict[str, Any]:
    """One TCP permission on a port a person fills in (``whose``: "the services' ports"): a
    PrivateLink service's or VPC Lattice endpoint's port is not collected, so none is guessed."""
    return _port_permission(placeholder(whose), tuple(cidrs), group_id, group_owner=group_owner)


def _port_permission(port: int | dict[str, str], cidrs: tuple[str, ...], group_id: str | None,
                     prefix_list_ids: tuple[str, ...] = (), group_owner: str | None = None,
                     last: int | None = None) -> dict[str, Any]:
    permission: dict[str, Any] = {"IpProtocol": "tcp", "FromPort": port, "ToPort": port if last is None else last}
    if v4 := [{"CidrIp": c} for c in cidrs if ":" not in c]:
        permission["IpRanges"] = v4
    if v6 := [{"CidrIpv6": c} for c in cidrs if ":" in c]:
        permission["Ipv6Ranges"] = v6
    if group_id:
        permission["UserIdGroupPairs"] = [{"GroupId": group_id, **({"UserId": group_owner} if group_owner else {})}]
    if prefix_list_ids:
        permission["PrefixListIds"] = [{"PrefixListId": p} for p in prefix_list_ids]
    return permission


def missing_ingress(group: r.SecurityGroup, ports: Iterable[int], cidrs: Iterable[str]) -> tuple[list[int], list[str]]:
    """(ports, CIDRs) of exact single-port TCP rules the group lacks: authorizing an existing
    rule fails (InvalidPermission.Duplicate), so a plan asks only for what is not there."""
    have = {(tcp_range(x), x.cidr_ipv4 or x.cidr_ipv6) for x in ingress(group)}
    wanted_ports, wanted_cidrs = [], []
    for port in sorted(set(ports)):
        for cidr in cidrs:
            if ((port, port), cidr) not in have:
                wanted_ports.append(port)
                wanted_cidrs.append(cidr)
    return sorted(set(wanted_ports)), sorted(set(wanted_cidrs))


def authorize_clients(view: NetworkView, group: r.SecurityGroup, ports: Iterable[int],
                      families: frozenset[int] = frozenset({4, 6})) -> FixStep | None:
    """Allow the service ports from the VPC's CIDRs (its clients) of the IP versions
    ``families`` (an endpoint's: :func:`~vpcaudit.network.secgroups.endpoint_families`) into an
    endpoint group."""
    cidrs = [c for c in view.vpc_cidrs(group.vpc_id) if cidr_family(c) in families]
    missing_ports, missing_cidrs = missing_ingress(group, ports, cidrs)
    if not missing_ports:
        return None
    return step("ec2:AuthorizeSecurityGroupIngress",
                {"GroupId": group.group_id, "IpPermissions": tcp_permission(missing_ports, cidrs=missing_cidrs)},
                group.group_id, Phase.CREATE,
                f"Allow TCP {', '.join(map(str, missing_ports))} from {', '.join(missing_cidrs)} (the VPC's clients) "
                f"into {group.group_id}")


def authorize_sources(group: r.SecurityGroup, ports: Iterable[int], admitting: Iterable[r.SecurityGroupRule],
                      why: str) -> FixStep | None:
    """Allow ``ports`` into an endpoint group from the sources its ``admitting`` rules already let in
    on other ports (the clients it was built for: an appliance's or users' range, a group), so a
    client that gets in on some of the ports it needs gets in on all; None where those rules name
    no CIDR or group (a prefix list: left to ``authorize_clients``)."""
    rules = list(admitting)
    cidrs = sorted({c for x in rules if (c := x.cidr_ipv4 or x.cidr_ipv6)})
    groups = sorted({x.referenced_group_id for x in rules if x.referenced_group_id})
    permissions = tcp_permission(ports, cidrs=cidrs) if cidrs else []
    for group_id in groups:
        permissions += tcp_permission(ports, group_id=group_id)
    if not permissions:
        return None
    sources = ", ".join([*cidrs, *groups])
    return step("ec2:AuthorizeSecurityGroupIngress", {"GroupId": group.group_id, "IpPermissions": permissions},
                group.group_id, Phase.CREATE, f"Allow {format_tcp(ports)} from {sources} ({why}) into {group.group_id}")


def format_tcp(ports: Iterable[int]) -> str:
    """'TCP 443/1400-1499': the ports as runs, for a fix's description."""
    return "TCP " + "/".join(str(a) if a == b else f"{a}-{b}" for a, b in _runs(ports))


def revoke_ingress(group_id: str, rules: Iterable[r.SecurityGroupRule], why: str, *,
                   decision: str | None = None) -> FixStep:
    ids = sorted(x.rule_id for x in rules)
    return step("ec2:RevokeSecurityGroupIngress", {"GroupId": group_id, "SecurityGroupRuleIds": ids}, group_id,
                Phase.DELETE, f"Revoke rule(s) {', '.join(ids)} of {group_id}: {why}", decision=decision)


def new_nat_gateway(view: NetworkView, vpc_id: str, az_id: str,
                    cost: CostModel) -> tuple[list[FixStep], dict[str, str] | None]:
    """Steps creating a public zonal NAT gateway in a public subnet of ``az_id``, and its id.

    Without a public subnet in that AZ there is nothing to create it in: one step that needs a
    decision (create a public subnet first, or use a regional NAT gateway) and no id.

    The Elastic IP is allocated in the zone's network border group: "the network border group of
    the EIPs must match the network border group of the Availability Zone (AZ) that the public NAT
    gateway is in" (AssociateNatGatewayAddress), and an address "cannot move between network
    border groups" (AllocateAddress). A Local Zone's group is its own (``us-west-2-lax-1``), so
    its address names it (``NetworkBorderGroup``); an AZ's is the Region's, AllocateAddress's
    default. Where the zone's group is unknown (``NetworkView.border_group_of``: the zones not
    collected and a name that is not an AZ's), both steps wait for that decision. Its price is the
    Region's, in its currency (``cost``: a China Region's is CNY).
    """
    monthly = f"about {cost.money(cost.nat_gateway_month())}/month"
    public = sorted(s.subnet_id for s in view.subnets_of(vpc_id)
                    if s.availability_zone_id == az_id and view.is_public(s.subnet_id)
                    and not view.is_shared_from_other_account(s))
    label = f"nat-{vpc_id}-{az_id}"
    if not public:
        return [step("ec2:CreateNatGateway", {"SubnetId": placeholder(f"public subnet of {vpc_id} in {az_id}"),
                                              "AllocationId": placeholder("Elastic IP allocation id")},
                     vpc_id, Phase.CREATE, f"Create a NAT gateway in {az_id} of {vpc_id} ({monthly})",
                     decision=f"{vpc_id} has no public subnet in {az_id}: create one (or use a regional NAT "
                              "gateway) first")], None
    subnet = public[0]
    eip = f"eip-{label}"
    border = view.border_group_of(az_id)
    group: str | dict[str, str] | None = border.group
    where, decision, waits = "", None, None
    if border.group:
        where = f" in network border group {border.group} (its zone {border.zone}'s; the Region's cannot be used there)"
    elif border.unknown:
        group = placeholder(f"network border group of {border.zone}")
        decision = (f"{border.unknown}; allocate the address in {border.zone}'s network border group "
                    f"(DescribeAvailabilityZones NetworkBorderGroup: {view.region_name} for an Availability Zone), "
                    "which a NAT gateway there requires of its address")
        waits = f"its address waits for the network border group of {border.zone} (see the step above)"
    return [
        step("ec2:AllocateAddress", {"Domain": "vpc", "NetworkBorderGroup": group}, vpc_id, Phase.CREATE,
             f"Allocate an Elastic IP address{where} for the new NAT gateway in {az_id} of {vpc_id}",
             decision=decision, creates=eip, output="AllocationId"),
        step("ec2:CreateNatGateway", {"SubnetId": subnet, "AllocationId": new_id(eip)}, subnet, Phase.CREATE,
             f"Create a public NAT gateway in public subnet {subnet} ({az_id}) of {vpc_id} ({monthly})",
             decision=waits, creates=label, output="NatGateway.NatGatewayId"),
    ], new_id(label)


def replace_default_route(table: r.RouteTable, nat: str | dict[str, str], why: str, *,
                          decision: str | None = None) -> FixStep:
    return step("ec2:ReplaceRoute", {"RouteTableId": table.route_table_id, "DestinationCidrBlock": "0.0.0.0/0",
                                     "NatGatewayId": nat},
                table.route_table_id, Phase.MODIFY, f"Route 0.0.0.0/0 of {table.route_table_id} {why}",
                decision=decision)


def route_tables_to_nat_in_az(view: NetworkView, table_ids: Iterable[str], az_id: str,
                              nat: str | dict[str, str] | None, why: str) -> list[FixStep]:
    """Point the default route of each table at ``nat`` (a NAT gateway of ``az_id``).

    A table that subnets of other AZs also use would only move their cross-AZ dependency, so
    it needs a decision (one route table per AZ first); so does a NAT gateway that cannot be
    created (``nat`` None).
    """
    steps = []
    for table_id in sorted(set(table_ids)):
        table = view.route_tables.get(table_id)
        if table is None:
            continue
        azs = {view.az_id_of(s) for s in view.implicit_subnets(table)} - {None}
        decision = None
        if nat is None:
            decision = f"no NAT gateway can be created in {az_id} yet (see the step above)"
        elif azs - {az_id}:
            decision = (f"{table_id} also serves subnets in {', '.join(sorted(a for a in azs - {az_id} if a))}: give "
                        f"each AZ its own route table first")
        target = nat if nat is not None else placeholder(f"NAT gateway in {az_id}")
        steps.append(replace_default_route(table, target, why, decision=decision))
    return steps


def route_destination(route: r.Route) -> dict[str, str]:
    """The destination parameter of CreateRoute / ReplaceRoute / DeleteRoute for ``route``."""
    name = {"prefix_list": "DestinationPrefixListId", "ipv6": "DestinationIpv6CidrBlock"}.get(
        route.destination_type, "DestinationCidrBlock")
    return {name: route.destination}
