"""A view's endpoints, VPCs and NAT gateways in id order, sorted once per view.

Why shared: most rules walk them in that order, scope after scope; each sorting them again
(with a key function called per record) cost more than the lookup of the order one made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vpcaudit.network.view import NetworkView
    from vpcaudit.snapshot import resources as r


def endpoints_by_id(view: NetworkView) -> tuple[r.VpcEndpoint, ...]:
    return view.memo(_endpoints_by_id)


def vpcs_by_id(view: NetworkView) -> tuple[r.Vpc, ...]:
    return view.memo(_vpcs_by_id)


def nat_gateways_by_id(view: NetworkView) -> tuple[r.NatGateway, ...]:
    return view.memo(_nat_gateways_by_id)


def _endpoints_by_id(view: NetworkView) -> tuple[r.VpcEndpoint, ...]:
    return tuple(sorted(view.endpoints.values(), key=lambda e: e.vpc_endpoint_id))


def _vpcs_by_id(view: NetworkView) -> tuple[r.Vpc, ...]:
    return tuple(sorted(view.vpcs.values(), key=lambda v: v.vpc_id))


def _nat_gateways_by_id(view: NetworkView) -> tuple[r.NatGateway, ...]:
    return tuple(sorted(view.nat_gateways.values(), key=lambda n: n.nat_gateway_id))
