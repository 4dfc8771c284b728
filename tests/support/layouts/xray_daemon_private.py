"""Applications on EC2 instances in private subnets without NAT sending traces to AWS X-Ray through
the ``xray`` interface endpoint, the X-Ray daemon on each instance or on one collector instance
(us-east-1).

Sources:

- the AWS X-Ray Developer Guide, "Using AWS X-Ray with VPC endpoints"
  (https://docs.aws.amazon.com/xray/latest/devguide/xray-security-vpc-endpoint.html; current page,
  read 2026-12-06; as last published in the guide's source repository,
  https://github.com/awsdocs/aws-xray-developer-guide/blob/a20243d3b107f24cbbbeb5bcd40f87d81d0af64b/doc-source/xray-security-vpc-endpoint.md):
  an interface endpoint for ``com.amazonaws.region.xray`` lets resources in the VPC reach X-Ray
  "without requiring an internet gateway, network address translation (NAT) instance, or VPN
  connection"; one subnet per AZ for resilience; private DNS on by default, so requests use X-Ray's
  default host name; groups on the endpoint's interfaces; a custom policy optional, full access by
  default (the page's example allows ``xray:PutTraceSegments`` alone);
- the guide's "AWS X-Ray daemon" (xray-daemon.html, same commit and current page): the daemon
  "listens for traffic on UDP port 2000, gathers raw segment data, and relays it to the AWS X-Ray
  API"; on EC2 it uses the instance profile's credentials; "Running the X-Ray daemon on Amazon EC2"
  (xray-daemon-ec2.html) installs it from the ``aws-xray-assets`` bucket with a user data script,
  the assets being "replicated to buckets in every supported region";
- the guide's "Configuring the AWS X-Ray daemon" (xray-daemon-configuration.html, same commit and
  current page): ``-b``/``--bind`` (UDP) and ``-t``/``--bind-tcp`` ("calls to the X-Ray service",
  the sampling proxy) default to 2000; ``-r``/``--role-arn`` assumes a role "to upload segments to
  a different account"; ``Endpoint`` changes the X-Ray endpoint; and the daemon's repository
  (https://github.com/aws/aws-xray-daemon at 8c295a5b20dce58bb1ab38cd4a93e84b70449e94:
  ``pkg/cfg.yaml`` binds both sockets to ``127.0.0.1:2000``; ``pkg/conn/conn.go`` builds an STS
  client only when a role ARN is set; CHANGELOG 3.1.0: STS credentials from the Regional STS
  endpoint) — so a daemon without ``-r`` calls X-Ray alone, and ``sts`` is needed only for the
  cross-account role;
- the guide's X-Ray SDK for Java configuration (xray-sdk-java-configuration.html):
  ``AWS_XRAY_DAEMON_ADDRESS`` defaults to ``127.0.0.1:2000`` "for both trace data (UDP) and
  sampling (TCP)" and points the SDK at a daemon "running on a different host";
- the Amazon CloudWatch User Guide's "Manually create or edit the CloudWatch agent configuration
  file" (CloudWatch-Agent-Configuration-File-Details.html, current page, read 2026-12-06): the
  agent's ``traces`` section "specifies the sources for traces that are collected and sent to AWS
  X-Ray" — the same X-Ray API and so the same ``xray`` endpoint (the agent's metrics and logs, if
  configured, would add ``monitoring`` and ``logs``; not built here).

What DescribeNetworkInterfaces shows: an instance's primary interface typed ``interface``, not
requester-managed, no RequesterId, an empty description, attached to its instance (``instance_id``
set), no public address; the endpoint's interfaces typed ``vpc_endpoint`` (botocore's
``NetworkInterfaceType``), requester-managed, described ``VPC Endpoint Interface <vpce-id>``,
carrying the endpoint's group. The daemon is a process on the instance: the snapshot holds nothing
of it, nor of the SDK's daemon address.

Built (``build()``; the guide gives no template, so names and addresses are assumed): VPC
10.0.0.0/16 ``xray-private``, DNS support and hostnames on; no internet gateway, no NAT gateway;
private subnets 10.0.1.0/24 (us-east-1a, use1-az1) and 10.0.2.0/24 (us-east-1b, use1-az2) on one
table ``xray-private`` (local route, and the S3 gateway endpoint's prefix-list route: the user data
fetches the daemon's RPM from the Region's ``aws-xray-assets.us-east-1`` copy, assumed — the
guide's example URL names the us-east-2 bucket, which a gateway endpoint in us-east-1 does not
serve); the default NACL, no flow log. The daemon learns its Region and credentials from the
instance metadata service (link-local, no endpoint) and is started without ``-r``, so it calls
X-Ray only (no ``sts`` endpoint). Groups: ``xray-apps`` (no ingress, AWS's default egress) on one
application instance per subnet, each running its own daemon on the loopback (``daemon="local"``:
no group is involved); ``xray-endpoint`` admitting TCP 443 from ``xray-apps``. The ``xray`` endpoint in both subnets,
private DNS on, AWS's default full-access policy; the S3 gateway endpoint likewise full access.
Policy support for ``xray`` is assumed true (the page offers a custom policy).

``daemon="collector"``: the common central-daemon form — the daemon on one collector instance in
the first subnet, started with ``-b 0.0.0.0:2000 -t 0.0.0.0:2000`` (assumed, as the guide's ECS
image does), the applications' SDKs pointed at it with ``AWS_XRAY_DAEMON_ADDRESS``. Group
``xray-collector`` admits UDP 2000 (segments) and TCP 2000 (sampling) from ``xray-apps``, AWS's
default egress; ``xray-endpoint`` admits TCP 443 from ``xray-collector`` alone, the only caller of
X-Ray (the SDKs reach the sampling API through the collector's TCP proxy).

Near misses: ``app_egress="tight"`` (the collector form with ``xray-apps``' egress narrowed to TCP
443 to ``xray-endpoint`` and to S3's prefix list, AWS's default rule removed, UDP/TCP 2000 to
``xray-collector`` forgotten: no segment reaches the collector, and the SDKs fall back from
centralized sampling);
``xray_endpoint=False`` (no ``xray`` endpoint: the daemons' PutTraceSegments calls have no path);
``endpoint_ingress="udp-2000"`` (``xray-endpoint`` admitting UDP 2000 from ``xray-apps`` in place
of TCP 443: the daemon's port copied onto the endpoint).
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
NAME = "xray"
VPC_CIDR = "10.0.0.0/16"
PRIVATE_CIDRS = ("10.0.1.0/24", "10.0.2.0/24")
DAEMON_PORT = 2000
HTTPS = 443
ALL_OUT = ("-1", None, None, "0.0.0.0/0")


def build(*, daemon: str = "local", app_egress: str = "all", xray_endpoint: bool = True,
          endpoint_ingress: str = "https") -> tuple[Snapshot, dict[str, str]]:
    """``daemon``: "local" (one per application instance) or "collector" (one collector instance).
    ``app_egress``: "all" (AWS's default) or "tight" (TCP 443 to ``xray-endpoint`` and to S3's prefix
    list only).
    ``xray_endpoint``: whether the ``xray`` endpoint exists. ``endpoint_ingress``: "https" (TCP 443)
    or "udp-2000" (UDP 2000 in its place)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, ("use1-az1", "use1-az2"))
    vpc = b.vpc(VPC_CIDR, name=f"{NAME}-private", dns_support=True, dns_hostnames=True)
    ids: dict[str, str] = {"vpc": vpc, "main_rt": b.main_route_table(vpc)}
    private = [b.subnet(vpc, cidr, az=az, name=f"{NAME}-private-{az}")
               for az, cidr in enumerate(PRIVATE_CIDRS, start=1)]
    ids["private1"], ids["private2"] = private
    ids["private_rt"] = b.route_table(vpc, subnets=private, name=f"{NAME}-private")
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=[ids["private_rt"]])

    # Groups that reference each other: created first, then authorised.
    app_sg = ids["app_sg"] = b.security_group(vpc, name=f"{NAME}-apps",
                                              egress=[ALL_OUT] if app_egress == "all" else [])
    endpoint_sg = ids["endpoint_sg"] = b.security_group(vpc, name=f"{NAME}-endpoint")
    callers = [app_sg]
    if daemon == "collector":
        collector_sg = ids["collector_sg"] = b.security_group(vpc, name=f"{NAME}-collector", ingress=[
            ("udp", DAEMON_PORT, DAEMON_PORT, app_sg), ("tcp", DAEMON_PORT, DAEMON_PORT, app_sg)])
        callers = [collector_sg]
    if endpoint_ingress == "https":
        b.authorize(endpoint_sg, ingress=[("tcp", HTTPS, HTTPS, source) for source in callers])
    else:
        b.authorize(endpoint_sg, ingress=[("udp", DAEMON_PORT, DAEMON_PORT, source) for source in callers])
    if app_egress == "tight":
        s3_list = next(p.prefix_list_id for p in b.prefix_lists.values()
                       if p.prefix_list_name == f"com.amazonaws.{REGION}.s3")
        b.authorize(app_sg, egress=[("tcp", HTTPS, HTTPS, endpoint_sg), ("tcp", HTTPS, HTTPS, s3_list)])

    if xray_endpoint:
        ids["xray"] = b.interface_endpoint(vpc, "xray", subnets=private, groups=[endpoint_sg])

    for az, subnet in enumerate(private, start=1):
        eni = ids[f"app{az}"] = b.workload(subnet, groups=[app_sg])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    if daemon == "collector":
        eni = ids["collector"] = b.workload(private[0], groups=[ids["collector_sg"]])
        b.enis[eni] = replace(b.enis[eni], instance_id=b.new_id("i"))
    return b.snapshot(), ids
