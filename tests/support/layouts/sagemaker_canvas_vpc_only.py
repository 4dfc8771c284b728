"""Amazon SageMaker Canvas in a SageMaker domain in VPC-only mode, without internet access
(us-east-1).

Sources:

- https://github.com/aws-samples/sagemaker-domain-vpconly-canvas-with-terraform at commit
  03b098b22601fcec0c3ec68c26a57e37783db8b7 (2023-08-16), ``submodules/vpc/vpc.tf``, ``sagemaker.tf``
  and ``locals.tf`` at their defaults (``app_network_access_type`` ``VpcOnly``, Region
  us-east-1): the sample whose README lists, beside Studio's endpoints, the interface endpoints
  "to use SageMaker Canvas" — forecast, forecastquery, rekognition, textract, comprehend, sts,
  redshift-data, athena, glue — and refers to the guide's page for the full list;
- the SageMaker developer guide, "Configure Amazon SageMaker Canvas in a VPC without internet
  access" (https://docs.aws.amazon.com/sagemaker/latest/dg/canvas-vpc.html, current page, read
  2026-12-07, for its opening sections; its endpoint table and S3 policy as archived at
  https://github.com/awsdocs/amazon-sagemaker-developer-guide/blob/7a4c2e79a3a768dc743f49212fe6a029c7283473/doc_source/canvas-vpc.md,
  the current table not having been read in full — it may list more services):
  in VPC-only mode "SageMaker creates a network interface in your VPC that SageMaker Canvas uses
  to access VPC endpoints in your VPC"; the domain takes at least two subnets; "you must enable
  private DNS hostnames for your VPC endpoints"; its table of "the VPC endpoints for each service
  you can use with SageMaker Canvas": athena, sagemaker.api, sagemaker.runtime, notebook, sts,
  ecr.api, ecr.dkr, ec2, the S3 gateway, redshift-data, secretsmanager, ssm, monitoring, logs,
  forecast and forecastquery; an S3 endpoint policy it says "you must also add" (object actions
  on ``*SageMaker*``/``*Sagemaker*``/``*sagemaker*`` buckets, listing on any); Step 4, a user
  profile's ``SecurityGroups`` overriding the domain's for that user's Canvas application;
- the guide's VPC-only requirements ("Connect Studio notebooks in a VPC to external resources"):
  NFS over TCP 2049 between the domain and its EFS volume, TCP within the group for the apps,
  interface endpoints in a group admitting HTTPS; and SageMaker's inbound/outbound NFS groups as
  ``sagemaker_studio_vpc_only`` models them (reused from it, not repeated here).

Built as the template declares it: VPC 10.0.0.0/23 "SageMaker VPC" with DNS support and hostnames
on; ``aws_default_security_group`` with no rule blocks (Terraform then removes every rule of the
default group); a flow log of ALL traffic to CloudWatch Logs; private subnets 10.0.1.0/25 in
us-east-1a and 10.0.1.128/25 in us-east-1b (AZ IDs use1-az1 and use1-az2, assumed) on one route
table with no route beyond the VPC; ``sagemaker_sg`` admitting TCP 2049 and TCP 8192-65535 from
itself, all traffic out to 0.0.0.0/0 and ::/0; ``vpc_endpoint_sg`` admitting TCP 443 from the
VPC's block, all traffic out; thirteen interface endpoints with private DNS in both subnets in
``vpc_endpoint_sg`` — Studio's four (sagemaker.api, sagemaker.runtime,
sagemaker.featurestore-runtime, servicecatalog) and Canvas's nine — none declaring a policy, so
each gets AWS's default full access (every service assumed to report
``VpcEndpointPolicySupported`` true); the S3 gateway endpoint on the route table, no policy either.
SageMaker's private DNS names are ``api.sagemaker.<region>.amazonaws.com`` and
``runtime.sagemaker.…`` (as ``sagemaker_studio_vpc_only``); ``featurestore-runtime.sagemaker.…``
assumed by analogy; the others ``<key>.<region>.amazonaws.com``.

What ``aws_sagemaker_domain`` leaves to SageMaker, unless ``domain=False``: the home EFS file
system with one mount target per domain subnet (assumed; the guide says only that the volume is
mounted over NFS) and the two NFS groups SageMaker creates, as in ``sagemaker_studio_vpc_only``.
The user profile ``defaultuser`` carries ``sagemaker_sg`` (``user_settings.security_groups``); its
Canvas application's network interface, in the first subnet, carries that group and the outbound
NFS group. AWS documents that the interface exists, not how DescribeNetworkInterfaces reports it.
Assumed, as for Studio's apps: ``InterfaceType`` ``interface``, requester-managed (SageMaker's
own), no description vpcaudit reads, no tags, no instance of the account.

Near misses (``build``'s keywords): ``omit`` — endpoint keys left out of the template (a Canvas
feature's service, e.g. ``textract``, or ``sts``); ``dns_hostnames=False`` — the VPC's
``enable_dns_hostnames`` off; ``endpoint_source="group"`` — ``vpc_endpoint_sg`` admitting TCP 443
from ``sagemaker_sg`` instead of the VPC's block; ``user_override=True`` — the user profile's
``SecurityGroups`` replaced by a group of its own, ``canvas-users`` (no ingress, all traffic out),
as Step 4 allows, so the Canvas interface no longer carries ``sagemaker_sg``. And the guide's
form of the S3 endpoint: ``s3_policy="guide"`` — the two statements of the guide's S3 policy,
``Principal`` ``*`` added (a VPC endpoint policy must name one).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace

from aws_layout import AwsRegionBuilder
from builders import FULL_ACCESS_POLICY

from layouts.sagemaker_studio_vpc_only import NFS_PORTS, SAGEMAKER_SERVICES
from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
VPC_CIDR = "10.0.0.0/23"
PRIVATE_CIDRS = ("10.0.1.0/25", "10.0.1.128/25")
DOMAIN = "d-7rq2mzk4xw1c"
FILE_SYSTEM = "fs-0c4d5e6f708192a3b"
# ``interface_endpoints`` and ``interface_endpoints_canvas`` of vpc.tf, in its order.
STUDIO_ENDPOINTS = ("sagemaker.api", "sagemaker.runtime", "sagemaker.featurestore-runtime", "servicecatalog")
CANVAS_ENDPOINTS = ("forecast", "forecastquery", "rekognition", "textract", "comprehend", "sts", "redshift-data",
                    "athena", "glue")
INTERFACE_ENDPOINTS = STUDIO_ENDPOINTS + CANVAS_ENDPOINTS
# The guide's table of Canvas endpoints the template does not create.
GUIDE_ONLY = ("notebook", "ecr.api", "ecr.dkr", "ec2", "secretsmanager", "ssm", "monitoring", "logs")
FEATURESTORE = (f"com.amazonaws.{REGION}.sagemaker.featurestore-runtime",
                f"featurestore-runtime.sagemaker.{REGION}.amazonaws.com")  # DNS name assumed
# The guide's S3 endpoint policy (Step 2), its two statements in a document, Principal added.
GUIDE_S3_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*",
     "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:CreateBucket", "s3:GetBucketCors",
                "s3:GetBucketLocation"],
     "Resource": ["arn:aws:s3:::*SageMaker*", "arn:aws:s3:::*Sagemaker*", "arn:aws:s3:::*sagemaker*"]},
    {"Effect": "Allow", "Principal": "*", "Action": ["s3:ListBucket", "s3:ListAllMyBuckets"], "Resource": "*"}]})
ALL_OUT = [("-1", None, None, "0.0.0.0/0"), ("-1", None, None, "::/0")]


def build(*, domain: bool = True, omit: Iterable[str] = (), dns_hostnames: bool = True,
          endpoint_source: str = "cidr", user_override: bool = False,
          s3_policy: str = "none") -> tuple[Snapshot, dict[str, str]]:
    """The layout (module docstring). ``omit``: interface endpoint keys not created;
    ``endpoint_source``: ``vpc_endpoint_sg``'s HTTPS source, the VPC's block (``"cidr"``, the
    template) or ``sagemaker_sg`` (``"group"``); ``user_override``: the Canvas interface in a
    user-profile group of its own instead of ``sagemaker_sg``; ``s3_policy``: none declared (AWS's
    default, the template) or the guide's (``"guide"``)."""
    omitted = frozenset(omit)
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    for key in ("sagemaker.api", "sagemaker.runtime"):
        service, dns = SAGEMAKER_SERVICES[key]
        b.service(key, name=service, dns_names=[dns])
    b.service("sagemaker.featurestore-runtime", name=FEATURESTORE[0], dns_names=[FEATURESTORE[1]])
    vpc = b.vpc(VPC_CIDR, name="SageMaker VPC", dns_support=True, dns_hostnames=dns_hostnames)
    default_sg = b.default_group(vpc)
    b.groups[default_sg] = replace(b.groups[default_sg], rules=())  # aws_default_security_group, no rules
    ids: dict[str, str] = {"vpc": vpc, "default_sg": default_sg, "flow_log": b.flow_log(vpc)}
    subnets = [b.subnet(vpc, cidr, az=k, name=f"SageMaker Private Subnet {k}")
               for k, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(subnets, start=1)}
    route_table = ids["private_rt"] = b.route_table(vpc, subnets=subnets,
                                                    name="SageMaker Private Subnet Route Table")

    sagemaker_sg = ids["sagemaker_sg"] = b.security_group(
        vpc, name="sagemaker_sg", ingress=[("tcp", 2049, 2049, "self"), ("tcp", 8192, 65535, "self")],
        egress=ALL_OUT)
    source = VPC_CIDR if endpoint_source == "cidr" else sagemaker_sg
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name="vpc_endpoint_sg",
                                                        ingress=[("tcp", 443, 443, source)], egress=ALL_OUT)
    for key in (k for k in INTERFACE_ENDPOINTS if k not in omitted):
        service = FEATURESTORE[0] if key == "sagemaker.featurestore-runtime" else (
            SAGEMAKER_SERVICES[key][0] if key in SAGEMAKER_SERVICES else None)
        ids[key] = b.interface_endpoint(vpc, key, subnets=subnets, groups=[endpoint_sg],
                                        policy=FULL_ACCESS_POLICY, service_name=service)
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[route_table],
                                   policy=GUIDE_S3_POLICY if s3_policy == "guide" else FULL_ACCESS_POLICY)

    if domain:
        outbound = ids["nfs_outbound_sg"] = b.security_group(vpc, name=f"security-group-for-outbound-nfs-{DOMAIN}",
                                                             egress=[])
        inbound = ids["nfs_inbound_sg"] = b.security_group(
            vpc, name=f"security-group-for-inbound-nfs-{DOMAIN}",
            ingress=[("tcp", low, high, outbound) for low, high in NFS_PORTS], egress=[])
        b.authorize(outbound, egress=[("tcp", low, high, inbound) for low, high in NFS_PORTS])
        for k, subnet in enumerate(subnets, start=1):
            ids[f"efs_mount_target{k}"] = b.workload(
                subnet, groups=[inbound], requester_managed=True,
                description=f"EFS mount target for {FILE_SYSTEM} (fsmt-0e1d2c3b4a59687{k})")
        user_sg = sagemaker_sg
        if user_override:
            user_sg = ids["canvas_users_sg"] = b.security_group(vpc, name="canvas-users", egress=ALL_OUT[:1])
        ids["canvas_app"] = b.workload(subnets[0], groups=[user_sg, outbound], requester_managed=True)
    return b.snapshot(), ids
