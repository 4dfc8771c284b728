"""An Amazon API Gateway private REST API in the AWS China (Beijing) Region (cn-north-1), invoked by
EC2 instances in isolated private subnets through an ``execute-api`` interface endpoint with private
DNS on, its endpoint policy and the API's resource policy written in the ``aws-cn`` partition.

Sources:

- The API Gateway Developer Guide on docs.amazonaws.cn (current pages, read 2026-12-07): "API Gateway
  中的私有 REST API" (https://docs.amazonaws.cn/apigateway/latest/developerguide/apigateway-private-apis.html:
  the best practices — one endpoint for many private APIs, private DNS on, and with it the default
  endpoints of public APIs unreachable from the VPC; ``aws:SourceVpc`` / ``aws:SourceVpce`` in the
  resource policy; an endpoint policy for the data perimeter) and "创建私有 API"
  (https://docs.amazonaws.cn/apigateway/latest/developerguide/apigateway-private-api-create.html: the
  VPC's ``enableDnsSupport`` and ``enableDnsHostnames`` on for private DNS; the endpoint for the
  ``execute-api`` domain; its group admitting HTTPS (TCP 443) from the callers; with private DNS off
  the API is reachable by public DNS only). The China page keeps the commercial example service name
  ``com.amazonaws.us-east-1.execute-api`` and says nothing China-specific about it.
- docs.amazonaws.cn, "ARNs for Amazon Web Services in China"
  (https://docs.amazonaws.cn/en_us/aws/latest/userguide/ARNs.html; current page, read 2026-12-07):
  China resources are ``arn:aws-cn:``; "Beijing Region Endpoints"
  (https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html; same date): the
  domain is ``amazonaws.com.cn``.
- liangruibupt/aws-is-how@1f1017daebb49d27af28a8ec87b6f8f42da8b99b,
  ``devops/apigw/APIGW-PrivateAPI-PrivateIntegration.md``: a private REST API built in
  cn-northwest-1 by an AWS China solutions architect — the ``execute-api`` endpoint with private DNS
  on and its group admitting TCP 443 from the VPC; the resource policy Allow ``execute-api:Invoke``
  on ``arn:aws-cn:execute-api:<region>:<account>:<api id>/*/*/*`` and Deny unless ``aws:SourceVpc``;
  calls to ``https://<api id>.execute-api.cn-northwest-1.amazonaws.com.cn/<stage>/…``, which
  ``nslookup`` shows answered in the VPC by ``execute-api.cn-northwest-1.amazonaws.com.cn`` with the
  endpoint's private addresses; the endpoint-specific form
  ``https://vpce-<id>-<suffix>.execute-api.cn-northwest-1.vpce.amazonaws.com.cn`` with a ``Host`` or
  ``x-apigw-api-id`` header; the API's TLS certificate ``CN=*.execute-api.cn-northwest-1.amazonaws.com.cn``
  (``2PrivateAPI-Testing.md``, same repository). Its endpoint policy is the default full access.
  The same repository's ``Access AWS CLI and Boto3 API In Private Subnet Without NAT`` note lists the
  endpoint as ``cn.com.amazonaws.cn-north-1.execute-api``, as does the AWS China blog's cn-north-1
  DescribeVpcEndpointServices listing read for ``layouts.china_ssm_session_manager`` (whose catalogue
  is reused here).

The endpoint service name is therefore ``cn.com.amazonaws.cn-north-1.execute-api`` (no
docs.amazonaws.cn page read names it; the guide's ``com.amazonaws.<region>.execute-api`` is the
commercial form). Its private DNS name is ``*.execute-api.cn-north-1.amazonaws.com.cn`` — the
commercial ``*.execute-api.<region>.amazonaws.com`` (AWS Knowledge Center) in the China domain, as
the walkthrough's certificate and ``nslookup`` show it; assumed, not read from DescribeVpcEndpointServices.
The endpoint-specific name of an API associated with the endpoint,
``{rest-api-id}-{vpce-id}.execute-api.cn-north-1.amazonaws.com.cn``, is the guide's form in the China
domain (assumed; the walkthrough does not associate endpoints).

Built: VPC ``apigw-private-cn`` 10.0.0.0/16 (DNS support and hostnames on, the Region's default DHCP
options), a flow log of ALL traffic; two private subnets, 10.0.1.0/24 in cn-north-1a (cnn1-az1) and
10.0.2.0/24 in cn-north-1b (cnn1-az2), on one route table with the local route only (no internet or
NAT gateway); ``api-client-sg`` (no ingress, AWS's default egress) on one instance per subnet;
``execute-api-vpce-sg`` admitting TCP 443 from ``api-client-sg``; the endpoint in both subnets,
private DNS on, with the endpoint policy Allow ``execute-api:Invoke`` on
``arn:aws-cn:execute-api:cn-north-1:<account>:<api id>/*`` for ``Principal: *`` (the guide's "which
APIs can be called from the VPC endpoint" form). The private API, in the same account, with the
resource policy of the walkthrough in cn-north-1 (``RESOURCE_POLICY``): API Gateway is not in the
snapshot, so no rule reads it.

Assumptions: the account, API and every resource id; the CIDRs and the AZ mapping; the hosted zone
ids of the ``vpce.amazonaws.com.cn`` names and of the endpoint's private zone (placeholders); the
endpoint's DnsEntries — Regional and zonal ``vpce-<id>-<suffix>[-<az>].execute-api.cn-north-1.vpce.amazonaws.com.cn``
and, with private DNS on, ``execute-api.cn-north-1.amazonaws.com.cn`` and
``*.execute-api.cn-north-1.amazonaws.com.cn``, as the commercial endpoint lists them. The network
interfaces, as DescribeNetworkInterfaces reports them (botocore's ec2 ``NetworkInterface``): each
instance's typed ``interface``, not requester-managed, no RequesterId, an empty description, attached
to its instance, in ``api-client-sg``; each endpoint's typed ``vpc_endpoint`` (the EC2 API
Reference's InterfaceType; botocore's ``NetworkInterfaceType`` enum does not list it),
requester-managed, described ``VPC Endpoint Interface vpce-…``, in ``execute-api-vpce-sg``, on no
instance, untagged.

Near misses:

- ``policy_partition="aws"``: the endpoint policy copied from a commercial walkthrough,
  ``arn:aws:execute-api:cn-north-1:…`` — no request in cn-north-1 names such a resource.
- ``private_dns=False``: private DNS off while the instances keep calling
  ``https://<api id>.execute-api.cn-north-1.amazonaws.com.cn`` (no private hosted zone, no
  endpoint association): the name resolves publicly, and the subnets have no route out.
- ``endpoint_source="default"``: ``execute-api-vpce-sg`` admitting TCP 443 from the VPC's default
  group, which the instances do not carry.
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder, endpoint_regional_name

from layouts.china_ssm_session_manager import china_catalogue
from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "cn-north-1"
AZ_IDS = ("cnn1-az1", "cnn1-az2")
SUFFIX = "amazonaws.com.cn"
VPC_CIDR = "10.0.0.0/16"
SUBNET_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
HTTPS = 443
API_ID = "3i95y1yx06"  # the private REST API's id (assumed; the walkthrough's form)
STAGE = "dev"
SERVICE_NAME = f"cn.com.amazonaws.{REGION}.execute-api"
PRIVATE_DNS_NAMES = (f"*.execute-api.{REGION}.{SUFFIX}",)  # assumed (module docstring)
VPCE_ZONE = "Z0CNVPCEPLACEHOLDER"  # placeholder
PRIVATE_ZONE = "Z0CNPRIVATEDNSPLACEHOLDER"  # the endpoint's private DNS zone (placeholder)


def api_arn(resource: str = "*", *, partition: str = "aws-cn", account: str = ACCOUNT) -> str:
    """The ARN of a method of the private API (``<stage>/<method>/<path>``), or all of them."""
    return f"arn:{partition}:execute-api:{REGION}:{account}:{API_ID}/{resource}"


def api_url(path: str = "widgets") -> str:
    """The private API's default invoke URL, as the instances call it."""
    return f"https://{API_ID}.execute-api.{REGION}.{SUFFIX}/{STAGE}/{path}"


def endpoint_policy(partition: str = "aws-cn") -> str:
    """The endpoint policy, as DescribeVpcEndpoints returns it: Invoke on the one API, for anyone."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
        "Resource": api_arn(partition=partition)}]})


def resource_policy(vpc_id: str) -> str:
    """The API's resource policy (the walkthrough's, in cn-north-1): not in the snapshot."""
    resource = api_arn("*/*/*")
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": resource},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": resource,
         "Condition": {"StringNotEquals": {"aws:SourceVpc": vpc_id}}}]})


def build(*, policy_partition: str = "aws-cn", private_dns: bool = True,
          endpoint_source: str = "clients") -> tuple[Snapshot, dict[str, str]]:
    """``policy_partition``: the partition of the endpoint policy's ARN; ``private_dns``: the
    endpoint's private DNS option; ``endpoint_source``: "clients" (``api-client-sg``) or "default"
    (the VPC's default group) as the source of the endpoint group's TCP 443 rule."""
    assert endpoint_source in ("clients", "default")
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    china_catalogue(b)
    service = b.services[SERVICE_NAME]
    b.services[SERVICE_NAME] = replace(service, private_dns_names=PRIVATE_DNS_NAMES)
    vpc = b.vpc(VPC_CIDR, name="apigw-private-cn", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc), "default_sg": b.default_group(vpc)}
    ids["flow_log"] = b.flow_log(vpc)
    subnets = [b.subnet(vpc, cidr, az=az, name=f"apigw-private-cn-private-{az}")
               for az, cidr in enumerate(SUBNET_CIDRS, start=1)]
    ids |= {f"private{az}": s for az, s in enumerate(subnets, start=1)}
    ids["route_table"] = b.route_table(vpc, subnets=subnets, name="apigw-private-cn-private")

    client_sg = ids["client_sg"] = b.security_group(vpc, name="api-client-sg")
    source = client_sg if endpoint_source == "clients" else ids["default_sg"]
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="execute-api-vpce-sg",
                                                        ingress=[("tcp", HTTPS, HTTPS, source)])

    endpoint = ids["endpoint"] = b.interface_endpoint(
        vpc, "execute-api", subnets=subnets, groups=[endpoint_sg], private_dns=private_dns,
        service_name=SERVICE_NAME, policy=endpoint_policy(policy_partition))
    regional = endpoint_regional_name(endpoint, "execute-api", REGION).replace(".amazonaws.com", f".{SUFFIX}")
    entries = [r.DnsEntry(regional, VPCE_ZONE)]
    entries += [r.DnsEntry(regional.replace(".execute-api.", f"-{b.subnets[s].availability_zone}.execute-api."),
                           VPCE_ZONE) for s in sorted(subnets)]
    if private_dns:
        entries += [r.DnsEntry(f"execute-api.{REGION}.{SUFFIX}", PRIVATE_ZONE),
                    r.DnsEntry(f"*.execute-api.{REGION}.{SUFFIX}", PRIVATE_ZONE)]
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(entries))

    for az, subnet in enumerate(subnets, start=1):
        eni = ids[f"instance_eni{az}"] = b.workload(subnet, groups=[client_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
        ids[f"instance{az}"] = b.enis[eni].instance_id or ""
    return b.snapshot(), ids
