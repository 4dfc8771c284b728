"""A SageMaker domain in VPC-only mode (and notebook instances without direct internet access) in
the AWS China (Beijing) Region cn-north-1, reaching SageMaker and its dependencies through
interface endpoints named as cn-north-1 names them, and S3 through a gateway endpoint.

Sources:

- aws-samples/amazon-sagemaker-studio-vpc-blog, ``templates/vpc_template.yaml`` (commit
  521101e0aae3cae36ed031c29ced2b5e5662c213), the commercial sample behind "Securing Amazon SageMaker
  Studio connectivity using a private VPC" (tests/support/layouts/sagemaker_studio_vpc_only.py
  rebuilds it in us-east-1): one private subnet on a route table with the local route only, a
  Studio group admitting all traffic from itself, an endpoint group admitting HTTPS from the Studio
  group, interface endpoints with private DNS, an S3 gateway endpoint on the route table scoped to
  the project's buckets, and what ``CreateDomain --app-network-access-type VpcOnly`` adds (the home
  EFS file system's mount target, SageMaker's inbound/outbound NFS groups, the apps' interfaces).
  Transposed here to cn-north-1 with the endpoint set of the SageMaker guide's VPC-only page.
- AWS China blog, "从客户 Amazon VPC 访问外部亚马逊云科技托管服务"
  (https://aws.amazon.com/cn/blogs/china/build-the-right-architecture-around-amazon-vpc-on-aws-part-two/;
  current page, read 2026-12-07): ``aws ec2 describe-vpc-endpoint-services`` for cn-north-1, the
  catalogue used as is (``china_ssm_session_manager.china_catalogue``). Its names, used exactly:
  ``aws.sagemaker.cn-north-1.notebook`` and ``aws.sagemaker.cn-north-1.studio``;
  ``cn.com.amazonaws.cn-north-1.`` for ``sagemaker.api``, ``sagemaker.runtime``, ``sts``,
  ``ecr.api``, ``ecr.dkr``; ``com.amazonaws.cn-north-1.`` for ``logs`` and the S3 gateway service.
- docs.amazonaws.cn, Amazon SageMaker developer guide: "Connect to a Notebook Instance Through a
  VPC Interface Endpoint" (https://docs.amazonaws.cn/en_us/sagemaker/latest/dg/notebook-interface-endpoint.html)
  — service name ``aws.sagemaker.Region.notebook``, private DNS on, an endpoint for the SageMaker
  API first (``CreatePresignedNotebookInstanceUrl`` goes through it); "Connect to Amazon SageMaker
  Studio and Studio Classic Through an Interface VPC Endpoint"
  (https://docs.amazonaws.cn/en_us/sagemaker/latest/dg/studio-interface-endpoint.html) — the
  endpoint group must admit HTTPS from the groups associated with Studio, an API endpoint as well
  (``CreatePresignedDomainUrl``), ``aws.sagemaker.`` service name, private DNS on (both current
  pages, read 2026-12-07). "Beijing Region Endpoints"
  (https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html; current page, read
  2026-12-07): the Region's API domain is ``amazonaws.com.cn``.
- The Public Suffix List's Amazon section (https://publicsuffix.org/list/public_suffix_list.dat, as
  packaged by the ``psl`` PyPI release 2024.5.6) lists ``notebook.cn-north-1.sagemaker.com.cn``
  beside the commercial ``notebook.<region>.sagemaker.aws``: the China notebook domain is
  ``sagemaker.com.cn``, not ``sagemaker.aws``.

PrivateDnsNames (DescribeVpcEndpointServices) as built: ``api.sagemaker.cn-north-1.amazonaws.com.cn``
and ``runtime.sagemaker.cn-north-1.amazonaws.com.cn`` (the SDKs' endpoint for the API in
cn-north-1; the PrivateDnsName itself assumed, as the commercial Regions' ``api.sagemaker.<region>
.amazonaws.com``); ``*.notebook.cn-north-1.sagemaker.com.cn`` (assumed from the suffix list above);
``*.studio.cn-north-1.sagemaker.com.cn`` (assumed: no public page read names the China Studio
domain); ``sts.``, ``logs.``, ``api.ecr.`` and ``*.dkr.ecr.`` ``cn-north-1.amazonaws.com.cn``
(assumed, as in china_ssm_session_manager). The catalogue's other entries keep that module's
assumptions.

Built: VPC ``studiovpc-vpc`` 10.2.0.0/16 (DNS support and hostnames on); ``studiovpc-private-subnet``
10.2.1.0/24 in cn-north-1a (cnn1-az1) on a route table with the local route and the S3 prefix-list
route only; no internet gateway, no NAT gateway. ``studiovpc-security-group`` (all traffic from
itself; CloudFormation's default egress to anywhere); ``studiovpc-endpoint-security-group`` (TCP 443
from the Studio group); interface endpoints with private DNS in the subnet, behind the endpoint
group, each with AWS's default full-access policy: ``sagemaker.api``, ``sagemaker.runtime``,
``notebook``, ``studio``, ``sts``, ``logs``, ``ecr.api``, ``ecr.dkr``; the S3 gateway endpoint
``com.amazonaws.cn-north-1.s3`` on the route table whose policy allows ``s3:GetObject``,
``s3:PutObject`` and ``s3:ListBucket`` on the project's data and model buckets and ``s3:GetObject``
on ``prod-cn-north-1-starport-layer-bucket`` (ECR's layer bucket, which the ECR guide names for a
scoped S3 gateway policy), all as ``arn:aws-cn:s3:::`` ARNs. Then what CreateDomain adds (unless
``domain=False``): the inbound/outbound NFS groups (TCP 988, 1018-1023, 2049 between them), the
EFS mount target and ``apps`` Studio apps, as the commercial module describes them.

Assumptions:

- The CIDRs, every id, the AZ mapping (cn-north-1a → cnn1-az1) and the project name.
- The network interfaces, as DescribeNetworkInterfaces reports them: each endpoint's typed
  ``vpc_endpoint`` (the EC2 API Reference's NetworkInterface InterfaceType; botocore's
  ``NetworkInterfaceType`` enum lists only ``interface`` and ``natGateway``, which EC2 does not keep
  to), requester-managed, described ``VPC Endpoint Interface vpce-…``, in the endpoint group, on no
  instance, untagged; the EFS mount target's typed ``interface``, requester-managed, described
  ``EFS mount target for <fs-id> (<fsmt-id>)``, in the inbound NFS group; each Studio app's typed
  ``interface``, requester-managed, empty description (AWS does not document it), in the Studio
  group and the outbound NFS group, on no instance in the account. RequesterId not recorded.
- That the China Regions' SageMaker domain creates the same two NFS groups as the commercial ones
  (no China page read says otherwise).
- Each endpoint's DnsEntries are not modelled (no rule here reads them).

Near misses:

- ``notebook=False``: the ``aws.sagemaker.cn-north-1.notebook`` endpoint missing.
- ``api_private_dns=False``: private DNS off on the ``sagemaker.api`` endpoint.
- ``endpoint_source="default"``: the endpoint group admitting HTTPS from the VPC's default group,
  which the domain's apps do not carry, instead of the Studio group.
"""

from __future__ import annotations

import json
from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import FULL_ACCESS_POLICY

from layouts.china_ssm_session_manager import china_catalogue
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "cn-north-1"
AZ_IDS = ("cnn1-az1", "cnn1-az2")
PROJECT = "studiovpc"
DOMAIN = "d-4kq9xw2hz7ab"
FILE_SYSTEM = "fs-0a1b2c3d4e5f60718"
HTTPS = 443
NFS_PORTS = ((988, 988), (1018, 1023), (2049, 2049))
# Endpoint key → (service name as cn-north-1 lists it, PrivateDnsNames as built; module docstring).
SERVICES = {
    "sagemaker.api": (f"cn.com.amazonaws.{REGION}.sagemaker.api", (f"api.sagemaker.{REGION}.amazonaws.com.cn",)),
    "sagemaker.runtime": (f"cn.com.amazonaws.{REGION}.sagemaker.runtime",
                          (f"runtime.sagemaker.{REGION}.amazonaws.com.cn",)),
    "notebook": (f"aws.sagemaker.{REGION}.notebook", (f"*.notebook.{REGION}.sagemaker.com.cn",)),
    "studio": (f"aws.sagemaker.{REGION}.studio", (f"*.studio.{REGION}.sagemaker.com.cn",)),
    "sts": (f"cn.com.amazonaws.{REGION}.sts", None),
    "logs": (f"com.amazonaws.{REGION}.logs", None),
    "ecr.api": (f"cn.com.amazonaws.{REGION}.ecr.api", None),
    "ecr.dkr": (f"cn.com.amazonaws.{REGION}.ecr.dkr", None),
}


def s3_policy() -> str:
    """The S3 gateway policy: the project's buckets and ECR's layer bucket, in the aws-cn partition."""
    buckets = [f"arn:aws-cn:s3:::{PROJECT}-{kind}-{ACCOUNT}" for kind in ("data", "models")]
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
         "Resource": [*buckets, *(f"{b}/*" for b in buckets)]},
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
         "Resource": f"arn:aws-cn:s3:::prod-{REGION}-starport-layer-bucket/*"}]})


def build(*, domain: bool = True, apps: int = 2, notebook: bool = True, api_private_dns: bool = True,
          endpoint_source: str = "studio") -> tuple[Snapshot, dict[str, str]]:
    """The layout and its near misses (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    china_catalogue(b)
    for name, dns in SERVICES.values():
        if dns is not None:
            b.services[name] = replace(b.services[name], private_dns_names=dns)
    vpc = b.vpc("10.2.0.0/16", name=f"{PROJECT}-vpc", dns_support=True, dns_hostnames=True)
    subnet = b.subnet(vpc, "10.2.1.0/24", az=1, name=f"{PROJECT}-private-subnet")
    route_table = b.route_table(vpc, subnets=[subnet])
    ids: dict[str, str] = {"vpc": vpc, "subnet": subnet, "route_table": route_table,
                           "default_sg": b.default_group(vpc)}
    studio_sg = ids["studio_sg"] = b.security_group(vpc, name=f"{PROJECT}-security-group",
                                                    ingress=[("-1", None, None, "self")])
    source = studio_sg if endpoint_source == "studio" else ids["default_sg"]
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{PROJECT}-endpoint-security-group",
                                                        ingress=[("tcp", HTTPS, HTTPS, source)])
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table], policy=s3_policy())
    for key, (name, _) in SERVICES.items():
        if key == "notebook" and not notebook:
            continue
        ids[key] = b.interface_endpoint(vpc, key, subnets=[subnet], groups=[endpoint_sg], policy=FULL_ACCESS_POLICY,
                                        private_dns=api_private_dns or key != "sagemaker.api", service_name=name)
    if domain:
        outbound = ids["nfs_outbound_sg"] = b.security_group(vpc, name=f"security-group-for-outbound-nfs-{DOMAIN}",
                                                             egress=[])
        inbound = ids["nfs_inbound_sg"] = b.security_group(
            vpc, name=f"security-group-for-inbound-nfs-{DOMAIN}",
            ingress=[("tcp", low, high, outbound) for low, high in NFS_PORTS], egress=[])
        b.authorize(outbound, egress=[("tcp", low, high, inbound) for low, high in NFS_PORTS])
        ids["efs_mount_target"] = b.workload(subnet, groups=[inbound], requester_managed=True,
                                             description=f"EFS mount target for {FILE_SYSTEM} (fsmt-0f1e2d3c4b5a69788)")
        for n in range(apps):
            ids[f"app_{n}"] = b.workload(subnet, groups=[studio_sg, outbound], requester_managed=True)
    return b.snapshot(), ids
