"""A hands-on walkthrough of Amazon S3 through VPC endpoints — an instance in a private subnet
reaching S3 through a gateway endpoint, another through an S3 interface endpoint called by its
endpoint-specific ``bucket.vpce-…`` name — rebuilt in the China (Beijing) Region, cn-north-1.

Sources:

- the blog post "aws VPC-Endpoint实践探索" (2022-09-20; the seed ``003_bac07342c0480614.txt``,
  current page, read 2026-12-07): in
  ``my-vpc`` (172.16.0.0/16), after its internet gateway is removed, an Amazon Linux instance at
  172.16.10.77 reaches S3 through an interface endpoint whose one interface is 172.16.10.143,
  using ``aws --endpoint-url https://bucket.vpce-….s3.<region>.vpce.amazonaws.com`` (the name
  without the ``bucket.`` prefix fails certificate validation); the first ``hping3 -p 443`` to
  the endpoint times out until the endpoint's security group is adjusted, and later the group is
  said to be opened to "all TCP"; a second instance at 172.16.2.99 lists its buckets with a plain
  ``aws s3 ls`` through a gateway endpoint associated with its subnet's route table, and times out
  on ``https://s3.amazonaws.com/`` once that endpoint is deleted. The post ran in a commercial
  Region: every DNS name it prints is ``….us-east-1.vpce.amazonaws.com`` and the zonal name is
  ``us-east-1d``. Its comparison instance in the default VPC (172.31.80.132, with an internet
  gateway) is not rebuilt; its bucket is ``wsgbucket``.
- Amazon Web Services in China documentation (docs.amazonaws.cn; current pages, read
  2026-12-07): "Endpoints and ARNs for Amazon Web Services in China" and "Beijing Region
  Endpoints" (the endpoint domain is ``amazonaws.com.cn``; S3 is ``s3.cn-north-1.amazonaws.com.cn``);
  "ARNs for Amazon Web Services in China" (the partition is ``aws-cn``:
  ``arn:aws-cn:s3:::<bucket>``); the China edition of "Amazon PrivateLink for Amazon S3"
  (https://docs.amazonaws.cn/en_us/AmazonS3/latest/userguide/privatelink-interface-endpoints.html:
  both endpoint types, endpoint-specific DNS names for the interface endpoint).
- the Amazon Web Services China blog "从客户 Amazon VPC 访问外部亚马逊云科技托管服务" (the seed
  ``002_3dcea1fe79748a91.txt``; current page, read 2026-12-07): the output of
  ``aws ec2 describe-vpc-endpoint-services --query ServiceNames`` in cn-north-1, which lists both
  ``cn.com.amazonaws.cn-north-1.s3`` and ``com.amazonaws.cn-north-1.s3`` (beside
  ``com.amazonaws.cn-north-1.dynamodb``), and the other names of the catalogue below.
- aws/aws-cdk at 000a9eb6dd93c8025d184934c66dee83868c8f28,
  ``packages/aws-cdk-lib/aws-ec2/lib/vpc-endpoint.ts``, ``getDefaultEndpointPrefix``: the interface
  endpoint services of cn-north-1 that DescribeVpcEndpointServices lists under
  ``cn.com.amazonaws.cn-north-1.<svc>`` (s3, sts, ec2, ecr.api, ecr.dkr, monitoring, sqs, rds,
  autoscaling … of the ones below); every other one keeps ``com.amazonaws.cn-north-1.<svc>``.
  The S3 *gateway* endpoint service keeps ``com.amazonaws.cn-north-1.s3`` (CDK's
  ``GatewayVpcEndpointAwsService`` has no China exception), and so does the S3 prefix list.
- botocore's ec2 model (``VpcEndpoint``, ``DnsEntry``, ``ServiceDetail``, ``NetworkInterface``,
  ``NetworkInterfaceType`` ``vpc_endpoint``).

What changes in China (built here): the interface endpoint's service is
``cn.com.amazonaws.cn-north-1.s3``, a catalogue entry of its own (``Interface``) beside the
gateway's ``com.amazonaws.cn-north-1.s3`` (``Gateway``); its DNS names end in
``.vpce.amazonaws.com.cn`` (``vpce-<id>-<suffix>.s3.cn-north-1.vpce.amazonaws.com.cn`` and the
zonal ``…-cn-north-1a.s3…``; the client then calls ``bucket.vpce-….s3.cn-north-1.vpce.amazonaws.com.cn``);
the Region's other catalogue entries carry the China prefixes and ``amazonaws.com.cn`` names; the
endpoint policy names ``arn:aws-cn:s3:::wsgbucket``; prices are CNY.

Built (``build()``), account 123456789012 (assumed), cn-north-1 with AZs cn-north-1a, b, d (AZ
IDs cnn1-az1, az2, az4 assumed): VPC ``my-vpc`` 172.16.0.0/16, DNS support and hostnames on, no
internet gateway (the post removed it); ``endpoint-subnet`` 172.16.10.0/24 in cn-north-1a on the
main route table (local only), holding the interface-endpoint instance and the endpoint's one
interface; ``gateway-subnet`` 172.16.2.0/24 in cn-north-1b on its own table ``gateway-rt`` (local
plus the S3 prefix-list route the gateway endpoint adds); the default NACL. Groups:
``s3-test-instances`` (no ingress, AWS's default egress) on both instances; ``s3-endpoint``
admitting all TCP from 172.16.0.0/16 (the post's "all TCP"; the source is assumed), AWS's
default egress. The interface endpoint: private DNS off (the post calls its endpoint-specific
name, and predates private DNS for S3 interface endpoints), so no ``DnsOptions``
``PrivateDnsOnlyForInboundResolverEndpoint`` is set; its DNS entries the Regional and the zonal
name. The gateway endpoint: associated with ``gateway-rt``. Both carry the same policy: Principal
``*`` allowed ``s3:GetBucketLocation``/``s3:ListBucket``/``s3:GetObject``/``s3:PutObject`` on
``arn:aws-cn:s3:::wsgbucket`` and ``arn:aws-cn:s3:::wsgbucket/*`` (assumed: a policy scoped to
the post's bucket as a reader in China writes it; the post shows only a console screenshot of its
policy).

Assumed, for the endpoint's interface as DescribeNetworkInterfaces shows it: ``InterfaceType``
``vpc_endpoint``, ``RequesterManaged`` true, description ``VPC Endpoint Interface <vpce-id>``, in
the endpoint's group, attached to no instance of the account, no tags, no public address; the
instances' interfaces ``interface``, not requester-managed, described ``Primary network
interface``, each on an instance. The hosted zone id of the ``vpce.amazonaws.com.cn`` names and
the 8-character suffix of the endpoint's DNS name are assumed. Whether the S3 interface endpoint
offers private DNS in China is not stated in the pages read; nothing here depends on it.

Near misses: ``endpoint_admits_443=False`` — the post's troubleshooting step: the endpoint's
group admits nothing (the group as first created), so the instance's HTTPS to the endpoint times
out; ``policy_partition="aws"`` — the same policy with the commercial partition's
``arn:aws:s3:::wsgbucket`` resources; ``gateway_route=False`` — the gateway endpoint associated
with the main table instead of ``gateway-rt``, so the gateway subnet has no route to S3.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from aws_layout import CATALOGUE, AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "cn-north-1"
AZS = (("cn-north-1a", "cnn1-az1"), ("cn-north-1b", "cnn1-az2"), ("cn-north-1d", "cnn1-az4"))  # assumed
VPC_CIDR = "172.16.0.0/16"
BUCKET = "wsgbucket"
S3_GATEWAY_SERVICE = f"com.amazonaws.{REGION}.s3"
S3_INTERFACE_SERVICE = f"cn.com.amazonaws.{REGION}.s3"
VPCE_ZONE_CN = "Z1TKPQ0DA1Z9ZA"  # the hosted zone of cn-north-1's vpce.amazonaws.com.cn names (assumed)
# Interface services of cn-north-1 that DescribeVpcEndpointServices lists with the cn. prefix
# (aws-cdk getDefaultEndpointPrefix, module docstring), among the catalogue's keys.
CN_PREFIXED = frozenset({"sts", "ec2", "ecr.api", "ecr.dkr", "monitoring", "sqs", "rds", "autoscaling", "s3"})
DNS_NAMES = {"ecr.api": "api.ecr.{region}.amazonaws.com.cn", "ecr.dkr": "*.dkr.ecr.{region}.amazonaws.com.cn"}
ALL_OUT = ("-1", None, None, "0.0.0.0/0")
PRIMARY = "Primary network interface"


def bucket_policy(partition: str = "aws-cn") -> str:
    """The endpoints' policy: the post's bucket, its listing, reads and writes, for anyone."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "WsgBucketOnly", "Effect": "Allow", "Principal": "*",
        "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:GetObject", "s3:PutObject"],
        "Resource": [f"arn:{partition}:s3:::{BUCKET}", f"arn:{partition}:s3:::{BUCKET}/*"]}]})


def _china_catalogue(b: AwsRegionBuilder) -> None:
    """Replace the builder's commercial-style catalogue with cn-north-1's names and DNS names."""
    b.services.clear()
    azs, az_ids = tuple(a for a, _ in b.azs), tuple(i for _, i in b.azs)
    for key in CATALOGUE:
        prefix = "cn.com.amazonaws" if key in CN_PREFIXED else "com.amazonaws"
        name = f"{prefix}.{REGION}.{key}"
        dns = DNS_NAMES.get(key, "{key}.{region}.amazonaws.com.cn").format(key=key, region=REGION)
        b.services[name] = r.EndpointService(
            name, None, "amazon", ("Interface",), None, azs, az_ids, (dns,),
            (f"{key}.{REGION}.vpce.amazonaws.com.cn",), key not in ("ssmmessages", "ec2messages"), ("ipv4",))
    b.services[S3_GATEWAY_SERVICE] = r.EndpointService(
        S3_GATEWAY_SERVICE, None, "amazon", ("Gateway",), None, azs, az_ids, (),
        (f"s3.{REGION}.amazonaws.com.cn",), True, ("ipv4",))
    b.services[S3_INTERFACE_SERVICE] = r.EndpointService(
        S3_INTERFACE_SERVICE, None, "amazon", ("Interface",), None, azs, az_ids,
        (f"*.s3.{REGION}.amazonaws.com.cn", f"s3.{REGION}.amazonaws.com.cn"),
        (f"s3.{REGION}.vpce.amazonaws.com.cn",), True, ("ipv4",))


def endpoint_dns_names(endpoint_id: str, az: str) -> tuple[str, str]:
    """The interface endpoint's Regional and zonal DNS names in China (suffix assumed)."""
    suffix = hashlib.sha256(endpoint_id.encode()).hexdigest()[:8]
    regional = f"{endpoint_id}-{suffix}.s3.{REGION}.vpce.amazonaws.com.cn"
    return regional, f"{endpoint_id}-{suffix}-{az}.s3.{REGION}.vpce.amazonaws.com.cn"


def build(*, endpoint_admits_443: bool = True, policy_partition: str = "aws-cn",
          gateway_route: bool = True) -> tuple[Snapshot, dict[str, str]]:
    """The layout and its near misses (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, [i for _, i in AZS])
    b.azs = list(AZS)
    _china_catalogue(b)
    vpc = b.vpc(VPC_CIDR, name="my-vpc", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    ids["endpoint_subnet"] = b.subnet(vpc, "172.16.10.0/24", az=1, name="endpoint-subnet")
    ids["gateway_subnet"] = b.subnet(vpc, "172.16.2.0/24", az=2, name="gateway-subnet")
    ids["gateway_rt"] = b.route_table(vpc, subnets=[ids["gateway_subnet"]], name="gateway-rt")

    instance_sg = ids["instance_sg"] = b.security_group(vpc, name="s3-test-instances", egress=[ALL_OUT])
    ingress = [("tcp", 0, 65535, VPC_CIDR)] if endpoint_admits_443 else []
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="s3-endpoint", ingress=ingress, egress=[ALL_OUT])

    policy = bucket_policy(policy_partition)
    tables = [ids["gateway_rt"] if gateway_route else ids["main_rt"]]
    ids["s3_gateway"] = b.gateway_endpoint(vpc, "s3", route_tables=tables, policy=policy)
    endpoint = ids["s3_interface"] = b.interface_endpoint(
        vpc, "s3", subnets=[ids["endpoint_subnet"]], groups=[endpoint_sg], private_dns=False, policy=policy,
        service_name=S3_INTERFACE_SERVICE)
    b.endpoints[endpoint] = replace(b.endpoints[endpoint], dns_entries=tuple(
        r.DnsEntry(name, VPCE_ZONE_CN) for name in endpoint_dns_names(endpoint, AZS[0][0])))
    (ids["endpoint_eni"],) = b.endpoints[endpoint].network_interface_ids

    for role, subnet in (("endpoint_instance", ids["endpoint_subnet"]), ("gateway_instance", ids["gateway_subnet"])):
        eni = ids[role] = b.workload(subnet, groups=[instance_sg], description=PRIMARY)
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
