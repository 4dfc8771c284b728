"""What IFE004 and IFE006 share: deleting the Amazon MSK managed VPC connection an endpoint belongs to.

An interface endpoint tagged ``AWSMSKManaged: true`` with a ``ClusterArn``
(:func:`vpcaudit.network.view.msk_connection_cluster`) is created and managed by MSK for a managed
VPC connection. The connection is what its owner deletes and what bills: "To delete a managed VPC
connection using the API, use the DeleteVpcConnection API", "Once a VPC connection is deleted, it
no longer incurs cost", and "A rejected connection still incurs cost until its deleted by the
connection owner" (MSK Developer Guide, delete and reject a managed VPC connection). Deleting the
endpoint with ec2:DeleteVpcEndpoints would leave the connection in place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpcaudit.engine.remedy import FixStep, Phase, placeholder, step

if TYPE_CHECKING:
    from vpcaudit.snapshot import resources as r


def delete_msk_connection(endpoint: r.VpcEndpoint, cluster: str, region: str, *, what: str,
                          confirm: str) -> FixStep:
    """Delete the MSK managed VPC connection ``endpoint`` belongs to. ``confirm`` says what a
    person checks first (why the rule's reading may be wrong); ``what`` names the endpoint in the
    description (``idle interface endpoint vpce-…``).

    Only the connection's owner (this account) can delete it. The endpoint's tags name the
    cluster, not the connection, whose ARN ends in an id MSK assigns: a person looks it up, and
    the step says how (ListVpcConnections, by the endpoint's VPC and the cluster). The cluster ARN
    is a tag value, so it is named as data beside the command, never spliced into one."""
    vpc = endpoint.vpc_id
    return step("kafka:DeleteVpcConnection",
                {"Arn": placeholder(f"ARN of the MSK VPC connection of {endpoint.vpc_endpoint_id}")},
                endpoint.vpc_endpoint_id, Phase.DELETE,
                f"Delete the Amazon MSK managed VPC connection of {vpc} to cluster {cluster}: {what} belongs to it "
                "(MSK creates and manages it), and deleting the connection removes the endpoint and its charge",
                decision=f"{confirm}. The endpoint's tags name its cluster, not the connection: its ARN is the "
                         f"VpcConnectionArn of the entry of `aws kafka list-vpc-connections --region {region}` whose "
                         f"VpcId is {vpc} and whose TargetClusterArn is {cluster}",
                context={"VpcId": vpc, "TargetClusterArn": cluster})
