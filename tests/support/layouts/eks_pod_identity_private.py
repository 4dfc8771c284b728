"""EKS Pod Identity on a private EKS cluster without internet egress: EKS Blueprints'
``fully-private-cluster`` with the ``eks-pod-identity-agent`` add-on and the ``eks-auth`` interface
endpoint the EKS User Guide asks for (us-west-2).

Sources (EKS User Guide, current pages read 2026-12-06; the awsdocs/amazon-eks-user-guide source
at the commit named):

- "Deploy private clusters with limited internet access",
  https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html
  (``latest/ug/clusters/private-clusters.adoc`` at 101184ecc138f7f661b484f2cabac7022b726a6b),
  "Pod requirements": Pods configured with EKS Pod Identity "acquire credentials from the EKS Auth
  API"; without outbound internet access a VPC endpoint for ``com.amazonaws.region-code.eks-auth``
  must be created and used. Its endpoint table lists ec2, ecr.api + ecr.dkr + s3 ("for pulling
  container images"), elasticloadbalancing, logs, sts ("required when using IAM roles for service
  accounts"), eks-auth ("required when using Pod Identity associations"), eks and route53, with
  private DNS names recommended; "the VPC interface endpoint security group must allow the CIDR for
  the subnets, or you must add the created node security group to the VPC interface endpoint
  security group".
- "Set up the Amazon EKS Pod Identity Agent",
  https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html
  (``latest/ug/manage-access/aws-access/pod-id-agent-setup.adoc`` at
  b22af35eb018bb5b4f994a832ab1293823b27ef7): the agent is an add-on (``aws eks create-addon
  --addon-name eks-pod-identity-agent``) with a pod on each node; its prerequisites include the
  node role allowing ``eks-auth:AssumeRoleForPodIdentity`` and "The nodes can reach the Amazon EKS
  Auth API. For private clusters, the ``eks-auth`` endpoint in AWS PrivateLink is required."
- "Understand how EKS Pod Identity works",
  https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html
  (``pod-id-how-it-works.adoc`` at 390223ef50785e42bd70f41d6d5216d8261b1627): the agent on the node
  calls ``AssumeRoleForPodIdentity`` on the EKS Auth API; the Pod's SDK gets the credentials from
  the agent at ``http://169.254.170.23/v1/credentials`` (a node-local address, not the VPC).
- "Access Amazon EKS using AWS PrivateLink",
  https://docs.aws.amazon.com/eks/latest/userguide/vpc-interface-endpoints.html
  (``latest/ug/security/vpc-interface-endpoints.adoc`` at 2d5965b6fe15a1c7582e8af4cb49b5becfcfe3f3):
  the EKS Auth API's service name ``com.amazonaws.region-code.eks-auth``; private DNS on by default;
  endpoint policies recommended.
- The agent's DaemonSet runs with ``hostNetwork: true`` (aws/eks-charts
  ``stable/eks-pod-identity-agent/templates/daemonset.yaml`` at
  02017c0c837b2c95e5751a542fecdf9bb6ee3ed4), so its calls leave from the node's own address.
- The EKS Auth API's endpoint is ``eks-auth.<region>.api.aws`` (AWS General Reference, "Amazon EKS
  endpoints and quotas", https://docs.aws.amazon.com/general/latest/gr/eks.html, current page read
  2026-12-06; botocore ``data/eks-auth/2023-11-26/endpoint-rule-set-1.json``: the ``aws``
  partition's dual-stack suffix ``api.aws``).

The network and cluster are EKS Blueprints' ``fully-private-cluster`` pattern exactly as
``eks_blueprints_private`` builds it (see that module for its sources: terraform-aws-eks-blueprints
98d0eb4, terraform-aws-vpc v5.21.0, terraform-aws-eks v20.37.2): the adopted default VPC; VPC
10.0.0.0/16 with three private /20 subnets in us-west-2a-c, each with its own route table, no route
out; the endpoint group (TCP 443 from 10.0.0.0/16, no egress); the S3 gateway endpoint and eleven
interface endpoints (autoscaling, ecr.api, ecr.dkr, ec2, ec2messages, elasticloadbalancing, sts,
kms, logs, ssm, ssmmessages) in the three subnets, private DNS on, no policy; EKS's cluster group,
the module's cluster and node groups; the control plane's two cross-account interfaces; three
nodes, each with its primary interface and a VPC CNI secondary interface, in the node group only.

Added, as the pages above ask for Pod Identity in a private cluster (the pattern uses none):
``eks-pod-identity-agent = {}`` in ``cluster_addons`` (the node role the module creates carries
AmazonEKSWorkerNodePolicy, which grants ``eks-auth:AssumeRoleForPodIdentity``), a Pod Identity
association for one workload's service account, and ``"eks-auth"`` appended to the pattern's
``toset([...])`` of interface endpoints, so the module creates it like the others: the three private
subnets, the endpoint group, ``private_dns_enabled = true``, no ``policy``, Name
``<name>-eks-auth``.

Assumed (no output published):

- DescribeVpcEndpointServices (botocore's ec2 model, ``ServiceDetail``) for
  ``com.amazonaws.us-west-2.eks-auth``: ServiceType Interface, owner ``amazon``, offered in all four
  AZs, PrivateDnsNames ``eks-auth.us-west-2.api.aws`` (the General Reference's endpoint; the SDK's
  default name), VpcEndpointPolicySupported true (the PrivateLink page recommends endpoint policies
  for EKS's interface endpoints, assumed to include eks-auth).
- DescribeVpcEndpoints for the eks-auth endpoint (``VpcEndpoint``): as for the pattern's other
  interface endpoints — one ``vpc_endpoint`` interface per subnet, requester-managed, described
  ``VPC Endpoint Interface <id>``; IpAddressType and DnsRecordIpType ``ipv4``.
- What DescribeNetworkInterfaces shows of Pod Identity: nothing. The agent runs in the host network
  namespace of every node (``hostNetwork: true``), so its ``AssumeRoleForPodIdentity`` calls leave
  from the node's primary interface; no interface is created for it, and no tag or description of
  any interface names it (the VPC CNI's ``aws-K8S-<instance>`` secondary interfaces are the same with
  or without it). The add-on (EKS DescribeAddon ``eks-pod-identity-agent``) and the associations
  (EKS ListPodIdentityAssociations) are EKS API data the snapshot does not hold.

Near misses: ``eks_auth=False`` (the endpoint left out: the pattern's list as published, with the
add-on and association added); ``eks_auth_private_dns=False`` (the eks-auth endpoint created with
private DNS off — ``private_dns_enabled`` left at the provider's default, false); and
``eks_auth_source="cluster_sg"`` (the eks-auth endpoint created outside the module with a group of
its own admitting TCP 443 only from EKS's cluster security group,
``module.eks.cluster_primary_security_group_id`` — which the nodes here do not carry, the module's
launch template giving them the node group alone).

Left out (no rule reads them): the EKS cluster, add-ons and association records, IAM roles, the
launch template and Auto Scaling group.
"""

from __future__ import annotations

from aws_layout import AwsRegionBuilder

from layouts import eks_blueprints_private as eks
from vpcaudit.snapshot.model import Snapshot

EKS_AUTH = "eks-auth"
EKS_AUTH_DNS = f"eks-auth.{eks.REGION}.api.aws"  # the EKS Auth API's endpoint (General Reference)


def build(*, eks_auth: bool = True, eks_auth_private_dns: bool = True, eks_auth_source: str = "vpc",
          nodes: int = 3) -> tuple[Snapshot, dict[str, str]]:
    """The pattern's network, cluster and endpoints, then the eks-auth endpoint.

    ``eks_auth_source``: ``"vpc"`` (the module's endpoint group, TCP 443 from the VPC's block) or
    ``"cluster_sg"`` (a group of its own admitting TCP 443 from EKS's cluster security group only);
    ``nodes``: running nodes of the ``initial`` node group."""
    b = AwsRegionBuilder(eks.ACCOUNT, eks.REGION, eks.AZ_IDS)
    # DescribeVpcEndpointServices for eks-auth (assumed, module docstring): every AZ, the api.aws name.
    b.service(EKS_AUTH, dns_names=[EKS_AUTH_DNS])
    ids = eks.network(b)
    vpc = ids["vpc"]
    # The agent's DaemonSet (hostNetwork) adds no interface: the nodes' interfaces are the pattern's.
    ids |= eks._cluster(b, vpc, ids, nodes, False, False)
    ids |= eks._endpoints(b, vpc, ids, leave_out=set(), private_dns=True, endpoint_source="vpc")
    if eks_auth:
        ids |= _eks_auth(b, vpc, ids, private_dns=eks_auth_private_dns, source=eks_auth_source)
    return b.snapshot(), ids


def _eks_auth(b: AwsRegionBuilder, vpc: str, ids: dict[str, str], *, private_dns: bool,
              source: str) -> dict[str, str]:
    """The eks-auth interface endpoint in the three private subnets: in the module's endpoint group
    (``source="vpc"``), or in a group of its own admitting TCP 443 from EKS's cluster group."""
    added: dict[str, str] = {}
    if source == "vpc":
        group = ids["endpoint_sg"]
    else:
        group = added["eks_auth_sg"] = eks.terraform_group(
            b, vpc, f"{eks.NAME}-eks-auth-{eks.TF_SUFFIX}", "EKS Auth endpoint",
            {**eks.TAGS, "Name": f"{eks.NAME}-eks-auth"})
        eks._rules(b, group, [(False, "tcp", 443, 443, ids["eks_sg"], "HTTPS from the cluster security group")])
    subnets = [ids[f"private{k}"] for k in (1, 2, 3)]
    # DescribeVpcEndpoints (botocore's ec2 model, VpcEndpoint): as the pattern's other interface endpoints.
    endpoint = added[EKS_AUTH] = b.interface_endpoint(vpc, EKS_AUTH, subnets=subnets, groups=[group],
                                                      private_dns=private_dns)
    b.tag(endpoint, {**eks.TAGS, "Name": f"{eks.NAME}-{EKS_AUTH}"})
    return added
