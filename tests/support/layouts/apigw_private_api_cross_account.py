"""An API Gateway private REST API in one account (B) invoked from a Lambda function in another
account's (A) VPC through A's ``execute-api`` interface endpoint, ap-southeast-2: the snapshot holds
both accounts, as an organization-wide collection records them.

Sources:

- https://github.com/kyhau/access-private-apigw-in-another-account, read at commit
  39115c4a08cdef0a119309618d8efdc32996f9d3 (2026-06-28; ``cfn/`` and ``function/`` last changed in
  d6cf46fcfa75bdb10eae9600d0b9c440fb6c16c3, 2022-09-18): ``cfn/apigw-vpce.yaml`` (account A),
  ``cfn/apigw-mock-simple.yaml`` (account B), ``cfn/lambda-api-tester.yaml`` (account A) and the
  three ``deploy-*.yaml`` workflows (account ids 111111111111 and 222222222222, ap-southeast-2).
  Its README follows the Knowledge Center's "How can I access an API Gateway private REST API in
  another AWS account using an interface VPC endpoint?"
  (https://aws.amazon.com/premiumsupport/knowledge-center/api-gateway-private-cross-account-vpce/,
  current page, read 2026-12-06): an interface endpoint in account A, a private REST API in
  account B, a resource policy on the API that lets the endpoint invoke it.
- API Gateway Developer Guide (current pages, read 2026-12-06): "Private REST APIs in API Gateway"
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html),
  "Invoke a private API" (apigateway-private-api-test-invoke-url.html: the default name with
  private DNS on, the ``{rest-api-id}-{vpce-id}`` alias, the endpoint's own name with a ``Host`` or
  ``x-apigw-api-id`` header), "Use VPC endpoint policies for private APIs"
  (apigateway-vpc-endpoint-policies.html: no ``Authorization`` content, or a bearer token, is
  evaluated "as an anonymous user"; the endpoint policy says "which APIs can be called from the VPC
  endpoint", the resource policy "which principals can access the API").

What was built. Account A (``CONSUMER``, 111111111111) — the repository imports its VPC
(``vpc01-id``, ``vpc01-subnet-{a,b,c}-id``/``-cidr``) from a stack it does not contain; assumed:
``vpc01`` 10.0.0.0/16 with DNS support and hostnames on (private DNS needs both), private
subnets 10.0.0.0/24, 10.0.1.0/24 and 10.0.2.0/24 in ap-southeast-2a, b and c on one route table
with the local route only (the function needs no internet: its calls go to the endpoint), AWS's
default NACL and default group, and a flow log of ALL traffic to CloudWatch Logs. Then, as the
templates declare:

- ``EndpointSecurityGroup``: GroupName ``k-cross-account-priv-apigw-demo-apigw-vpce-sg`` (the
  workflow's stack name plus ``-sg``), GroupDescription "Security group of vpce", ingress TCP 443
  from subnet c's block (description ``subnet-c-cidr``; a and b commented out, "Use one subnet only
  for demo"), egress all to 0.0.0.0/0.
- ``VpcEndpoint``: ``com.amazonaws.ap-southeast-2.execute-api``, Interface, ``PrivateDnsEnabled:
  true``, subnet c only, that group, no ``PolicyDocument`` (the template's endpoint policy is
  commented out: "If you do not use API Gateway Resource Policy to restrict access to only this
  VPC endpoint, then enable the following") — so AWS's full-access policy. The workflow tags it
  ``stack-name``.
- ``ApiTesterSG``: GroupDescription "SG for Lambda function", Name tag ``ApiTesterSG``, no ingress,
  egress TCP 0-65535 to 0.0.0.0/0 (CloudFormation replaces the default egress rule with it).
- ``ApiTesterFunction`` in subnet c with ``ApiTesterSG``: POSTs to
  ``https://<api id>.execute-api.ap-southeast-2.amazonaws.com/v0/mock`` (private DNS), the
  ``<api id>-<vpce id>`` alias, and the endpoint's public name with ``Host`` and with
  ``x-apigw-api-id`` — with no ``Authorization`` header (urllib3, no signing): anonymous to the
  endpoint policy.

Account B (``PROVIDER``, 222222222222): ``ApiGatewayRestApi``, ``EndpointConfiguration`` PRIVATE
with ``VpcEndpointIds`` [A's endpoint] (what creates the alias), ``AuthorizationType: NONE`` on
``POST /mock``, stage ``v0``, and the resource policy :func:`resource_policy`: Allow
``execute-api:Invoke`` on ``execute-api:/*`` for ``*``, Deny unless ``aws:sourceVpce`` is A's
endpoint. B creates no VPC; assumed its ap-southeast-2 holds none (its default VPC deleted). Neither
the API nor its policy is in the snapshot: the collectors read no API Gateway records, and B's EC2
calls show nothing of A's endpoint. What B's collection records is the Region's endpoint service
catalogue (DescribeVpcEndpointServices is Region-wide) and B's default DHCP options set.

AWS's records, as botocore's ec2 model names them (assumed where the sources say nothing):

- DescribeVpcEndpointServices lists ``com.amazonaws.ap-southeast-2.execute-api`` with the private
  DNS name ``*.execute-api.ap-southeast-2.amazonaws.com`` (the Knowledge Center's "The private DNS
  name of a VPC endpoint is in the format *.execute-api.<REGION>.amazonaws.com",
  https://aws.amazon.com/premiumsupport/knowledge-center/api-gateway-vpc-connections/), as the
  repository's single-account API Gateway layout records it.
- DescribeVpcEndpoints ``DnsEntries``: the regional and zonal ``vpce-…execute-api.ap-southeast-2.
  vpce.amazonaws.com`` names (hosted zone ``Z2KVTB3ZLFM7JR``, assumed) and, private DNS on, the
  apex and the wildcard in the endpoint's private zone; the endpoint's interface InterfaceType
  ``vpc_endpoint``, requester-managed, described ``VPC Endpoint Interface <vpce id>``.
- The function's Hyperplane ENI, one for the subnet and group pair: InterfaceType ``lambda``,
  Description ``AWS Lambda VPC ENI-<function>-<uuid>``, not requester-managed, RequesterId
  ``<role unique id>:<function>`` (created by the execution role, whose
  ``AWSLambdaVPCAccessExecutionRole`` grants ``ec2:CreateNetworkInterface``; the form public dumps
  show, as in the single-account layout), no attachment to an instance.
- AZ IDs: account A's ap-southeast-2a, b, c are apse2-az3, apse2-az1, apse2-az2; B's the other way
  (apse2-az1, az2, az3). The function's name and the role's unique id are CloudFormation-generated.

Options: ``endpoint_policy`` ``"default"`` (the template), ``"provider-api"`` (the template's
commented policy, filled in: ``execute-api:Invoke`` for ``*`` on B's API only — the least-privilege
form), ``"own-account"`` (a near miss: ``execute-api:Invoke`` on A's own APIs only,
``arn:aws:execute-api:ap-southeast-2:111111111111:*``, which refuses every call to B's API);
``private_dns=False`` (the function's first URL then resolves publicly; the other three work);
``resource_policy_vpce`` ``"consumer"`` or ``"other"`` (a near miss: B's Deny names another
endpoint — the snapshot is the same, the policy is returned in ``ids["resource_policy"]``).
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import multi_account_snapshot

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

CONSUMER = "111111111111"  # account A: the VPC, the endpoint, the function (the workflows')
PROVIDER = "222222222222"  # account B: the private API (the workflows')
REGION = "ap-southeast-2"
CONSUMER_AZ_IDS = ("apse2-az3", "apse2-az1", "apse2-az2")  # A's ap-southeast-2a, b, c (assumed)
PROVIDER_AZ_IDS = ("apse2-az1", "apse2-az2", "apse2-az3")  # B's (assumed)
VPC_CIDR = "10.0.0.0/16"
SUBNET_CIDRS = ("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24")  # vpc01-subnet-a, b, c (assumed)
API_ID = "k7m2x9q4v1"  # B's REST API id (assumed)
STAGE = "v0"
STACK = "k-cross-account-priv-apigw-demo"
PRIVATE_DNS_NAMES = (f"*.execute-api.{REGION}.amazonaws.com",)
VPCE_ZONE = "Z2KVTB3ZLFM7JR"  # hosted zone of ap-southeast-2's *.vpce.amazonaws.com names (assumed)
FUNCTION = "k-cross-account-priv-apigw-de-ApiTesterFunction-3QX7Z1M9K2LP"  # generated, cut to 64 (assumed)
ROLE_ID = "AROATESTER5QZ2M8LAMBDA"  # ApiTesterFunctionRole's unique id (assumed)
POLICIES = ("default", "provider-api", "own-account")


def api_arn(resource: str = "*", *, account: str = PROVIDER, api_id: str = API_ID) -> str:
    """The ARN of a method of an API (``<stage>/<method>/<path>``), by default B's."""
    return f"arn:aws:execute-api:{REGION}:{account}:{api_id}/{resource}"


def endpoint_policy(form: str) -> str | None:
    """A's endpoint policy as DescribeVpcEndpoints returns it; ``None`` for the template's default
    (the builder's AWS full-access document)."""
    if form == "default":
        return None
    resource = api_arn() if form == "provider-api" else f"arn:aws:execute-api:{REGION}:{CONSUMER}:*"
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": ["execute-api:Invoke"], "Resource": [resource]}]})


def resource_policy(vpce_id: str) -> str:
    """B's API resource policy as ``apigw-mock-simple.yaml`` writes it, ``execute-api:/*`` expanded
    to the API's ARN as API Gateway stores it."""
    every = api_arn()
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": every},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": every,
         "Condition": {"StringNotEquals": {"aws:sourceVpce": vpce_id}}}]})


def build(*, endpoint_policy_form: str = "default", private_dns: bool = True,
          resource_policy_vpce: str = "consumer") -> tuple[Snapshot, dict[str, str]]:
    """Both accounts' collections, A's first. See the module docstring for the options."""
    assert endpoint_policy_form in POLICIES and resource_policy_vpce in ("consumer", "other")
    a = AwsRegionBuilder(CONSUMER, REGION, CONSUMER_AZ_IDS)
    a.service("execute-api", dns_names=PRIVATE_DNS_NAMES)
    vpc = a.vpc(VPC_CIDR, name="vpc01", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "default_sg": a.default_group(vpc)}
    subnets = [a.subnet(vpc, cidr, az=az, name=f"vpc01-subnet-{'abc'[az - 1]}")
               for az, cidr in enumerate(SUBNET_CIDRS, start=1)]
    ids |= {f"subnet_{'abc'[i]}": s for i, s in enumerate(subnets)}
    ids["rt"] = a.route_table(vpc, subnets=subnets, name="vpc01-private")
    ids["flow_log"] = a.flow_log(vpc)
    ids |= _endpoint(a, vpc, ids["subnet_c"], policy_form=endpoint_policy_form, private_dns=private_dns)
    ids |= _tester(a, vpc, ids["subnet_c"])
    b = AwsRegionBuilder(PROVIDER, REGION, PROVIDER_AZ_IDS)
    b.service("execute-api", dns_names=PRIVATE_DNS_NAMES)
    named = ids["endpoint"] if resource_policy_vpce == "consumer" else "vpce-0a1b2c3d4e5f67890"
    ids["resource_policy"] = resource_policy(named)
    return multi_account_snapshot(a, b), ids


def _endpoint(a: AwsRegionBuilder, vpc: str, subnet: str, *, policy_form: str, private_dns: bool) -> dict[str, str]:
    """``EndpointSecurityGroup`` and ``VpcEndpoint`` of ``apigw-vpce.yaml``."""
    group = a.security_group(vpc, name=f"{STACK}-apigw-vpce-sg",
                             ingress=[("tcp", 443, 443, SUBNET_CIDRS[2])])
    rules = tuple(replace(x, description=None if x.is_egress else "subnet-c-cidr") for x in a.groups[group].rules)
    a.groups[group] = replace(a.groups[group], description="Security group of vpce", rules=rules)
    endpoint = a.interface_endpoint(vpc, "execute-api", subnets=[subnet], groups=[group], private_dns=private_dns)
    policy = endpoint_policy(policy_form)
    if policy is not None:
        a.endpoints[endpoint] = replace(a.endpoints[endpoint], policy_document=policy)
    a.tag(endpoint, {"stack-name": f"{STACK}-apigw-vpce"})
    regional = f"{endpoint}-4hd8s2ka.execute-api.{REGION}.vpce.amazonaws.com"
    az = a.subnets[subnet].availability_zone
    entries = [r.DnsEntry(regional, VPCE_ZONE),
               r.DnsEntry(regional.replace(".execute-api.", f"-{az}.execute-api."), VPCE_ZONE)]
    if private_dns:
        zone = "Z08172613RXH6EXAMPLE"  # the endpoint's private DNS zone (assumed id)
        entries += [r.DnsEntry(f"execute-api.{REGION}.amazonaws.com", zone),
                    r.DnsEntry(f"*.execute-api.{REGION}.amazonaws.com", zone)]
    a.endpoints[endpoint] = replace(a.endpoints[endpoint], dns_entries=tuple(entries))
    return {"endpoint": endpoint, "endpoint_sg": group}


def _tester(a: AwsRegionBuilder, vpc: str, subnet: str) -> dict[str, str]:
    """``ApiTesterSG`` and ``ApiTesterFunction``'s Hyperplane ENI of ``lambda-api-tester.yaml``."""
    group = a.security_group(vpc, name=f"{STACK}-lambda-tester-ApiTesterSG-1PZ4W8N6E2RT",
                             egress=[("tcp", 0, 65535, "0.0.0.0/0")])
    a.groups[group] = replace(a.groups[group], description="SG for Lambda function")
    a.tag(group, {"Name": "ApiTesterSG"})
    eni = a.workload(subnet, groups=[group], interface_type="lambda", requester_id=f"{ROLE_ID}:{FUNCTION}",
                     description=f"AWS Lambda VPC ENI-{FUNCTION}-9c4e1a27-6b3d-4f0e-a8d2-5e7b1c9f3a60")
    return {"tester_sg": group, "tester_eni": eni}
