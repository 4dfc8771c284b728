"""Centralized interface endpoints (AWS whitepaper): every finding and its verdict (docs/precision.md)."""

from __future__ import annotations

from aws_layout import audit_result
from layouts import hub_interface_endpoints


def test_findings_and_verdicts() -> None:
    snapshot, ids = hub_interface_endpoints.build()
    result = audit_result(snapshot)
    found = {(f.rule_id, f.resource.resource_id, f.status.value) for f in result.findings}
    gateway_endpoints = {e.vpc_endpoint_id for e in snapshot.accounts[0].regions[0].vpc_endpoints
                         if e.endpoint_type == "Gateway"}
    interface = {ids[s] for s in hub_interface_endpoints.SERVICES if s not in ("ssmmessages", "ec2messages")}
    # Right, as advice: every endpoint keeps the default full-access policy (ssmmessages and
    # ec2messages support none). Nothing else: the private hosted zones answer the service names
    # with the hub's endpoints in every VPC (no DNS003/DNS004), 10.0.0.0/8 is routed to the transit
    # gateway (no SG004), the hub has no workload of its own yet reaches its clients (no SG003),
    # and the spokes' /28 attachment subnets need no gateway-endpoint route (no GWE001).
    assert found == {("POL001", e, "fail") for e in gateway_endpoints | interface}
    assert len(gateway_endpoints) == 4
