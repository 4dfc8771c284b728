"""The AWS Quick Start VPC (aws-quickstart/quickstart-aws-vpc), with its additional private subnets (us-east-1).

https://github.com/aws-quickstart/quickstart-aws-vpc/blob/e7ab8614e05bcaf0b87aadbafa8c1916274a07c7/templates/aws-vpc.template.yaml
(the last commit of the archived repository, 2024-10-03; its only tag, v1.0, predates the
S3 endpoint and the flow-log options).

The template's default parameter values, except ``CreateAdditionalPrivateSubnets = true``:
``NumberOfAZs = 2`` (us-east-1a and us-east-1b chosen for ``AvailabilityZones``, which has no
default), VPC 10.0.0.0/16 named after the stack, its own DHCP options set (``AmazonProvidedDNS``,
``ec2.internal`` in us-east-1), public subnets 10.0.128.0/20 and 10.0.144.0/20 sharing one route
table (0.0.0.0/0 to the internet gateway) with a NAT gateway each, private subnets A
(10.0.0.0/19, 10.0.32.0/19) and B (10.0.192.0/21, 10.0.200.0/21), each with its own route table
sending 0.0.0.0/0 to its AZ's NAT gateway. Each B subnet has a dedicated NACL whose only entries
are 100 allow all inbound and 100 allow all outbound from/to 0.0.0.0/0 (the template's
placeholder for the user's own rules), plus AWS's ``*`` denies; the other subnets keep the
default NACL. The S3 gateway endpoint (``S3VPCEndpoint``) is on all four private route tables
with the template's explicit full-access policy. ``CreateVPCFlowLogsToCloudWatch`` defaults to
false: no flow log; ``build(flow_logs=True)`` turns it on with the template's default
``VPCFlowLogsTrafficType = REJECT``. No workloads.
"""

from __future__ import annotations

import json

from aws_layout import AwsRegionBuilder

from vpcaudit.snapshot import resources as r
from vpcaudit.snapshot.model import Snapshot

STACK = "quickstart-vpc"
# S3VPCEndpoint's PolicyDocument as DescribeVpcEndpoints returns it (CloudFormation sends the
# YAML mapping as JSON; key order as written in the template).
S3_POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Action": "*", "Effect": "Allow", "Resource": "*", "Principal": "*"}]})


def _allow_all_placeholder() -> tuple[r.NaclEntry, ...]:
    """PrivateSubnet<n>BNetworkAclEntryInbound / ...Outbound, and AWS's ``*`` entries."""
    return tuple(r.NaclEntry(number, egress, "-1", action, "0.0.0.0/0", None, None, None)
                 for egress in (False, True) for number, action in ((100, "allow"), (32767, "deny")))


def build(*, flow_logs: bool = False) -> tuple[Snapshot, dict[str, str]]:
    b = AwsRegionBuilder("123456789012", "us-east-1", ("use1-az1", "use1-az2"))
    vpc = b.vpc("10.0.0.0/16", name=STACK)
    dhcp = b.dhcp_options(vpc, ["AmazonProvidedDNS"], "ec2.internal")
    igw = b.igw(vpc)
    b.tag(igw, {"Name": STACK})
    public_rt = b.route_table(vpc, routes={"0.0.0.0/0": igw}, name="Public Subnets")
    b.tag(public_rt, {"Network": "Public"})
    ids: dict[str, str] = {"vpc": vpc, "dhcp": dhcp, "igw": igw, "public_rt": public_rt}
    private_rts: list[str] = []
    for az, (public_cidr, a_cidr, b_cidr) in enumerate(
            (("10.0.128.0/20", "10.0.0.0/19", "10.0.192.0/21"), ("10.0.144.0/20", "10.0.32.0/19", "10.0.200.0/21")),
            start=1):
        public = b.subnet(vpc, public_cidr, az=az, name=f"Public subnet {az}")
        b.tag(public, {"Network": "Public"})
        b.associate(public_rt, public)
        nat = b.nat(public)
        b.tag(nat, {"Name": f"NATGateway{az}"})
        ids |= {f"public{az}": public, f"nat{az}": nat}
        for tier, cidr in (("A", a_cidr), ("B", b_cidr)):
            private = b.subnet(vpc, cidr, az=az, name=f"Private subnet {az}{tier}")
            b.tag(private, {"Network": "Private"})
            table = b.route_table(vpc, subnets=[private], routes={"0.0.0.0/0": nat}, name=f"Private subnet {az}{tier}")
            b.tag(table, {"Network": "Private"})
            private_rts.append(table)
            ids |= {f"private{az}{tier}": private, f"private{az}{tier}_rt": table}
        acl = b.nacl(vpc, subnets=[ids[f"private{az}B"]], entries=_allow_all_placeholder())
        b.tag(acl, {"Name": f"NACL Protected subnet {az}", "Network": "NACL Protected"})
        ids[f"private{az}B_acl"] = acl
    ids["s3"] = b.gateway_endpoint(vpc, "s3", route_tables=private_rts, policy=S3_POLICY)
    if flow_logs:
        ids["flow_log"] = b.flow_log(vpc, traffic_type="REJECT")
    return b.snapshot(), ids
