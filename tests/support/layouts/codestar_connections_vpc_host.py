"""An AWS CodeConnections (formerly CodeStar Connections) host for GitHub Enterprise Server installed
in private subnets of a VPC, the host created with a VPC configuration, a pipeline started by the
connection (us-east-1).

Sources:

- the Developer Tools console User Guide (current pages, read 2026-12-06), "Create a host"
  (https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-host-create.html), its
  "(Optional) Prerequisites: Network or Amazon VPC configuration for your connection": a *public*
  VPC with public and private subnets, or a *private* VPC — with a GitHub Enterprise Server
  instance validating TLS against a non-public authority, the host needs its TLS certificate;
  "When connections creates your host, the VPC endpoint (PrivateLink) for webhooks is created
  for you"; the groups given at host creation "need inbound and outbound rules that allow the
  network interface to connect to your GitHub Enterprise Server instance", and the server's groups
  "need inbound and outbound access from the network interfaces created by connections"; "Your
  VPC subnets must reside in different Availability Zones"; CodeConnections creates "a network
  interface for AWS CodeConnections to query data from your host, and a VPC endpoint or
  PrivateLink for the host to send event data via webhooks to connections" (the role needs
  ``ec2:CreateNetworkInterface``, ``ec2:CreateTags``, ``ec2:CreateVpcEndpoint`` …);
- its "Troubleshooting VPC configuration for your host"
  (https://docs.aws.amazon.com/dtconsole/latest/userguide/troubleshooting-connections.html#troubleshooting-connections-host-vpc):
  "Each provided subnet must be in different Availability Zones" (else
  ``VPC_CONFIG_FAILED_INITIALIZATION``); a host stops working when its group "no longer has access
  to the GitHub Enterprise Server" or the NACLs stop admitting the server's subnet; "The Network
  Interfaces created by CodeConnections can only be deleted by deleting the host", and likewise
  the webhook endpoints; a NAT gateway was needed for webhooks only by hosts created before
  2020-11-24, the webhook endpoint having replaced it;
- its "AWS CodeConnections and interface VPC endpoints (AWS PrivateLink)"
  (https://docs.aws.amazon.com/dtconsole/latest/userguide/vpc-interface-endpoints.html): the
  webhook endpoint ``com.amazonaws.<region>.codestar-connections.webhooks``, created and deleted
  with the host ("AWS CodeConnections manages the lifecycle of these endpoints"); it "does not
  support policies"; a push makes the provider send a webhook to it, and CodeConnections "can
  notify CodePipeline to start your pipeline";
- the CodeConnections API, ``CreateHost`` and ``VpcConfiguration``
  (https://docs.aws.amazon.com/codeconnections/latest/APIReference/API_VpcConfiguration.html:
  ``VpcId``, ``SubnetIds`` 1-10, ``SecurityGroupIds`` 1-10, ``TlsCertificate`` optional; botocore
  1.43.11's ``codeconnections`` model has the same, and ``UpdateHost`` takes a new
  ``VpcConfiguration``), CloudFormation's ``AWS::CodeConnections::Host`` ``VpcConfiguration``
  (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-codeconnections-host-vpcconfiguration.html,
  each property "Update requires: No interruption") and the Terraform AWS provider's
  ``aws_codestarconnections_host`` ``vpc_configuration`` block (``security_group_ids``,
  ``subnet_ids``, ``tls_certificate``, ``vpc_id``; website/docs/r/codestarconnections_host.html.markdown
  at hashicorp/terraform-provider-aws 108f85fd2bfcd9e85ed93fddb752c5cc10dba1ff);
- botocore's ec2 ``NetworkInterfaceType`` enumeration (1.43.11), which lists
  ``aws_codestar_connections_managed``.

What DescribeNetworkInterfaces shows of the host's interfaces beyond their type AWS does not
document. Assumed: one per host subnet, ``InterfaceType`` ``aws_codestar_connections_managed``, in
the host's groups, ``RequesterManaged`` true (the guide: they "cannot be deleted manually by the
user"; ``RequesterId`` not recorded), no description, attached to no instance of the account,
``in-use``, no public address, no tags recorded (the role's ``ec2:CreateTags`` suggests
CodeConnections tags them, with keys AWS does not document). Nor does AWS document what
DescribeVpcEndpoints shows of the webhook endpoint. Assumed: one Interface endpoint of this account
to ``com.amazonaws.us-east-1.codestar-connections.webhooks`` (listed by DescribeVpcEndpointServices
as an Amazon service offered in every AZ, ``VpcEndpointPolicySupported`` false per the guide, its
private DNS name ``codestar-connections.webhooks.us-east-1.amazonaws.com`` after the usual form —
not documented), in the host's subnets behind the host's groups, ``RequesterManaged`` true (its
lifecycle is the service's), private DNS on, no policy document, no tags; its interfaces as any
interface endpoint's (``vpc_endpoint``, requester-managed, ``VPC Endpoint Interface <id>``).

Built (``build()``), the guide's *private* VPC (the host's ``TlsCertificate`` given; not in the
snapshot): VPC 10.0.0.0/16 ``ghes``, DNS support and hostnames on (private DNS needs both); no
internet or NAT gateway; ``private1`` 10.0.1.0/24 (use1-az1) and ``private2`` 10.0.2.0/24
(use1-az2, AZ IDs assumed) on one table, local route only; the default NACL. Groups (assumed, after
the guide): ``codeconnections-host`` — TCP 443 in from ``ghes-server`` (webhooks to the endpoint),
TCP 443 out to ``ghes-server`` only (the host's interfaces querying the server; AWS's default egress
replaced); ``ghes-server`` — TCP 443 in from ``codeconnections-host``, AWS's default egress. The
GitHub Enterprise Server instance (its primary interface: ``interface``, not requester-managed, on
an instance) in ``private1``; how its users reach it is not modelled. The host's VPC configuration:
both private subnets and ``codeconnections-host``. The consumer — a CodePipeline pipeline whose
``CodeStarSourceConnection`` source action uses the connection, and a CodeBuild project without a VPC
configuration reading the source artifact from S3 — runs outside the VPC and adds nothing to it
(assumed: the source action's default ``CODE_ZIP`` output, read from the server through the host).

Near misses: ``host_ingress=False`` — the host's group admits nothing, so the server's webhooks to
the endpoint time out and pushes start no pipeline. ``host_egress=False`` — the host's group has no
outbound rule (AWS's default removed, the rule to the server never added): the host cannot query
the server, the guide's "no longer has access to the GitHub Enterprise Server".
``host_azs=(1,)`` — the host given ``private1`` alone (the API takes one subnet): its interface and
the webhook endpoint in use1-az1 only.
"""

from __future__ import annotations

from dataclasses import replace

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot.model import Snapshot

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZ_IDS = ("use1-az1", "use1-az2")  # this account's us-east-1a, b (assumed)
VPC_CIDR = "10.0.0.0/16"
HTTPS = 443
CODESTAR_MANAGED = "aws_codestar_connections_managed"
WEBHOOKS = "codestar-connections.webhooks"
WEBHOOKS_SERVICE = f"com.amazonaws.{REGION}.{WEBHOOKS}"


def build(*, host_ingress: bool = True, host_egress: bool = True, host_azs: tuple[int, ...] = (1, 2)
          ) -> tuple[Snapshot, dict[str, str]]:
    """The layout; ``host_ingress``: whether the host's group admits the server on 443 (webhooks);
    ``host_egress``: whether it sends 443 to the server; ``host_azs``: the host's subnets by AZ
    (module docstring)."""
    b = AwsRegionBuilder(ACCOUNT, REGION, AZ_IDS)
    vpc = b.vpc(VPC_CIDR, name="ghes", dns_support=True, dns_hostnames=True)
    ids = {"vpc": vpc}
    private = [b.subnet(vpc, f"10.0.{k}.0/24", az=k, name=f"private{k}") for k in (1, 2)]
    ids |= {f"private{k}": subnet for k, subnet in enumerate(private, start=1)}
    ids["private_rt"] = b.route_table(vpc, subnets=private, name="ghes-private")

    host_sg = ids["host_sg"] = b.security_group(vpc, name="codeconnections-host", egress=[])
    server_sg = ids["server_sg"] = b.security_group(vpc, name="ghes-server", ingress=[("tcp", HTTPS, HTTPS, host_sg)])
    b.authorize(host_sg, ingress=[("tcp", HTTPS, HTTPS, server_sg)] if host_ingress else [],
                egress=[("tcp", HTTPS, HTTPS, server_sg)] if host_egress else [])

    server = ids["server"] = b.workload(ids["private1"], groups=[server_sg])
    b.enis[server] = replace(b.enis[server], instance_id=b.new_id("i"))

    host_subnets = [ids[f"private{k}"] for k in host_azs]
    for k in host_azs:
        ids[f"host{k}"] = b.workload(ids[f"private{k}"], groups=[host_sg], interface_type=CODESTAR_MANAGED,
                                     requester_managed=True)
    b.service(WEBHOOKS, policy_supported=False)
    webhooks = ids["webhooks"] = b.interface_endpoint(vpc, WEBHOOKS, subnets=host_subnets, groups=[host_sg],
                                                      policy=None)
    b.endpoints[webhooks] = replace(b.endpoints[webhooks], requester_managed=True)
    return b.snapshot(), ids
