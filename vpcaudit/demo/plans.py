"""Two example Terraform plans against the demo estate, for trying `vpcaudit plan` offline.

Written the way ``terraform show -json`` writes a plan (format_version 1.2, Terraform 1.9, the
hashicorp/aws provider 5.x), as if the estate were managed by a Terraform configuration with
``aws_vpc_endpoint.good["s3"]``, ``aws_nat_gateway.prod["a"]`` and so on:

* ``s3-via-nat.json`` — a tidy-up of the **good** VPC that leaves the S3 gateway endpoint on the
  public route table and AZ a's private one only: S3 traffic from the private subnets of AZs b
  and c goes through their NAT gateways (paid per GB) — the change a review should stop;
* ``s3-fix.json`` — what **prod** needs: the S3 endpoint on the private route table of AZ c, and
  a NAT gateway (with its Elastic IP) in AZs b and c, their default routes moved to it; the NAT
  gateways' ids are known only after apply, so the routes reach them through the configuration's
  references, as Terraform records them.

Every value comes from the estate as built and scanned, so the plans fit the demo's snapshot.
"""

from __future__ import annotations

import copy
from typing import Any

from vpcaudit import api
from vpcaudit.demo.estate import Estate

AWS = "registry.terraform.io/hashicorp/aws"
TERRAFORM_VERSION = "1.9.8"


class _Plan:
    """Resource changes and the configuration that explains their unknown values."""

    def __init__(self, region: str) -> None:
        self.changes: list[dict[str, Any]] = []
        self.resources: dict[str, dict[str, Any]] = {}
        self.region = region

    def change(self, address: str, actions: list[str], before: dict[str, Any] | None, after: dict[str, Any] | None,
               *, unknown: dict[str, Any] | None = None, refs: dict[str, list[str]] | None = None) -> None:
        local, _, key = address.partition("[")
        rtype, name = local.split(".")
        marks = {**({"id": True, "arn": True} if "create" in actions else {}), **(unknown or {})}
        item: dict[str, Any] = {
            "address": address, "mode": "managed", "type": rtype, "name": name, "provider_name": AWS,
            "change": {"actions": actions, "before": before,
                       "after": None if after is None else {k: v for k, v in after.items() if k not in marks},
                       "after_unknown": marks if after is not None else {},
                       "before_sensitive": {} if before is not None else False,
                       "after_sensitive": {} if after is not None else False}}
        if key:
            item["index"] = key.rstrip("]").strip('"')
        self.changes.append(item)
        config = self.resources.setdefault(local, {
            "address": local, "mode": "managed", "type": rtype, "name": name, "provider_config_key": "aws",
            "expressions": {}, "schema_version": 0})
        if key:
            config["for_each_expression"] = {"references": ["local.azs"]}
        for attribute, value in (after or {}).items():
            if attribute not in marks and attribute not in ("id", "arn", "tags_all", "owner_id"):
                config["expressions"].setdefault(attribute, {"constant_value": value})
        for attribute, references in (refs or {}).items():
            config["expressions"][attribute] = {"references": references}

    def document(self) -> dict[str, Any]:
        return {
            "format_version": "1.2", "terraform_version": TERRAFORM_VERSION, "variables": {},
            "planned_values": {"root_module": {}}, "resource_changes": copy.deepcopy(self.changes),
            "configuration": {
                "provider_config": {"aws": {"name": "aws", "full_name": AWS, "version_constraint": "~> 5.0",
                                            "expressions": {"region": {"constant_value": self.region}}}},
                "root_module": {"resources": list(self.resources.values())}},
            "applyable": True, "complete": True, "errored": False,
        }


def _endpoint(snapshot: api.Snapshot, endpoint_id: str) -> dict[str, Any]:
    """An S3 gateway endpoint as the AWS provider's state holds it."""
    record = next(e for a in snapshot.accounts for r in a.regions for e in r.vpc_endpoints
                  if e.vpc_endpoint_id == endpoint_id)
    return {"id": record.vpc_endpoint_id, "vpc_id": record.vpc_id, "service_name": record.service_name,
            "vpc_endpoint_type": "Gateway", "route_table_ids": list(record.route_table_ids), "subnet_ids": [],
            "security_group_ids": [], "private_dns_enabled": False, "policy": record.policy_document,
            "auto_accept": None, "ip_address_type": "", "state": record.state,
            "tags": {t.key: t.value for t in record.tags}}


def s3_via_nat(estate: Estate, snapshot: api.Snapshot) -> dict[str, Any]:
    good = estate.good
    plan = _Plan(estate.region)
    before = _endpoint(snapshot, good.gateway_endpoint_ids["s3"])
    kept = [good.public_route_table_id, good.private_route_table_ids[0]]
    plan.change('aws_vpc_endpoint.good["s3"]', ["update"], before, {**before, "route_table_ids": kept},
                refs={"route_table_ids": ["aws_route_table.good_public.id", "aws_route_table.good_public",
                                          'aws_route_table.good_private["a"].id', 'aws_route_table.good_private["a"]']})
    dynamodb = _endpoint(snapshot, good.gateway_endpoint_ids["dynamodb"])
    plan.change('aws_vpc_endpoint.good["dynamodb"]', ["no-op"], dynamodb, dynamodb)
    return plan.document()


def s3_fix(estate: Estate, snapshot: api.Snapshot) -> dict[str, Any]:
    prod = estate.prod
    plan = _Plan(estate.region)
    letters = [az[-1] for az in estate.azs]
    for i in (1, 2):
        key = letters[i]
        plan.change(f'aws_eip.prod_nat["{key}"]', ["create"], None, {"domain": "vpc", "tags": {}},
                    unknown={"allocation_id": True, "public_ip": True})
        plan.change(f'aws_nat_gateway.prod["{key}"]', ["create"], None,
                    {"subnet_id": prod.public_subnet_ids[i], "connectivity_type": "public",
                     "tags": {"Name": f"prod-nat-{key}"}},
                    unknown={"allocation_id": True, "network_interface_id": True, "private_ip": True,
                             "public_ip": True},
                    refs={"allocation_id": ["aws_eip.prod_nat", "each.key"]})
        route = {"route_table_id": prod.private_route_table_ids[i], "destination_cidr_block": "0.0.0.0/0",
                 "nat_gateway_id": prod.nat_gateway_ids[0], "gateway_id": "", "origin": "CreateRoute",
                 "state": "active"}
        plan.change(f'aws_route.prod_private_default["{key}"]', ["update"], route,
                    {k: v for k, v in route.items() if k != "nat_gateway_id"}, unknown={"nat_gateway_id": True},
                    refs={"nat_gateway_id": ["aws_nat_gateway.prod", "each.key"]})
    plan.change('aws_vpc_endpoint_route_table_association.prod_s3["c"]', ["create"], None,
                {"vpc_endpoint_id": prod.gateway_endpoint_ids["s3"], "route_table_id": prod.private_route_table_ids[2]})
    return plan.document()


# File name under the demo's plans/ folder → the plan.
EXAMPLES = {"s3-via-nat.json": s3_via_nat, "s3-fix.json": s3_fix}
