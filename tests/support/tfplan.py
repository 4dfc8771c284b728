"""Build ``terraform show -json`` plan documents the way Terraform writes them, for plan tests.

The shape follows Terraform's documented JSON output format, format_version "1.2" as written by
Terraform 1.9 with the hashicorp/aws provider 5.x (provider_name
``registry.terraform.io/hashicorp/aws``): ``resource_changes[]`` with ``change.{actions, before,
after, after_unknown, before_sensitive, after_sensitive}``; values known only after apply are
left out of ``after`` and marked true in ``after_unknown`` (``id`` and ``arn`` of every created
resource, like Terraform does); ``configuration.root_module.resources[]`` with the expressions
of the configured attributes (``constant_value`` for literals, ``references`` for references,
in Terraform's order: the most specific first, then the implied ones) and ``module_calls``
for modules, whose resources are addressed relative to their module.

    plan = TerraformPlan()
    vpc = plan.create("aws_vpc.main", {"cidr_block": "10.0.0.0/16"})
    plan.create("aws_subnet.a", {"cidr_block": "10.0.1.0/24", "availability_zone": "us-east-1a"},
                refs={"vpc_id": ["aws_vpc.main.id", "aws_vpc.main"]})
    document = plan.document()
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any

AWS = "registry.terraform.io/hashicorp/aws"
# Attributes the provider computes: never in the configuration, unknown on create.
COMPUTED = frozenset({"id", "arn", "owner_id", "tags_all", "main_route_table_id", "default_route_table_id",
                      "default_network_acl_id", "default_security_group_id", "dhcp_options_id", "prefix_list_id",
                      "network_interface_ids", "network_interface_id", "state", "cidr_blocks", "dns_entry",
                      "requester_managed", "security_group_rule_id", "zone_id", "name_servers",
                      "original_route_table_id", "association_id", "public_ip", "private_ip"})


class TerraformPlan:
    def __init__(self, *, region: str | None = "us-east-1", region_var: str | None = None,
                 role_arn: str | None = None, terraform_version: str = "1.9.8") -> None:
        self.terraform_version = terraform_version
        self.changes: list[dict[str, Any]] = []
        self.modules: dict[str, dict[str, Any]] = {"": {"resources": []}}
        self.variables: dict[str, Any] = {}
        expressions: dict[str, Any] = {}
        if region is not None and region_var is None:
            expressions["region"] = {"constant_value": region}
        if region_var is not None:
            expressions["region"] = {"references": [f"var.{region_var}"]}
            self.variables[region_var] = {"value": region}
        if role_arn is not None:
            expressions["assume_role"] = [{"role_arn": {"constant_value": role_arn}}]
        self.providers = {"aws": {"name": "aws", "full_name": AWS, "version_constraint": "~> 5.0",
                                  "expressions": expressions}}

    # -- changes ---------------------------------------------------------------------------------

    def create(self, address: str, after: Mapping[str, Any], **kwargs: Any) -> str:
        return self.change(address, ["create"], None, after, **kwargs)

    def update(self, address: str, before: Mapping[str, Any], after: Mapping[str, Any], **kwargs: Any) -> str:
        return self.change(address, ["update"], before, after, **kwargs)

    def replace(self, address: str, before: Mapping[str, Any], after: Mapping[str, Any], *,
                create_first: bool = False, **kwargs: Any) -> str:
        actions = ["create", "delete"] if create_first else ["delete", "create"]
        return self.change(address, actions, before, after, **kwargs)

    def delete(self, address: str, before: Mapping[str, Any], **kwargs: Any) -> str:
        return self.change(address, ["delete"], before, None, **kwargs)

    def noop(self, address: str, values: Mapping[str, Any], **kwargs: Any) -> str:
        return self.change(address, ["no-op"], values, values, **kwargs)

    def change(self, address: str, actions: list[str], before: Mapping[str, Any] | None,
               after: Mapping[str, Any] | None, *, unknown: Mapping[str, Any] | None = None,
               refs: Mapping[str, Any] | None = None, configured: Iterable[str] | None = None,
               mode: str = "managed", provider: str = AWS, count: int | None = None,
               for_each_refs: list[str] | None = None) -> str:
        """One resource instance. ``unknown`` marks attributes known only after apply (merged into
        ``after_unknown``; created resources always get ``id`` and ``arn``); ``refs`` gives the
        configuration's references per attribute (a dict of nested blocks for block attributes);
        ``configured`` names the attributes set in the configuration (default: those of
        ``after`` and ``refs`` the provider does not compute)."""
        module, local = _split(address)
        rtype, rest = local.removeprefix("data.").split(".", 1)
        name = rest.split("[", 1)[0]
        index = _index(rest)
        marks: dict[str, Any] = {}
        if "create" in actions:
            marks.update({"id": True, "arn": True})
        marks.update(unknown or {})
        item: dict[str, Any] = {
            "address": address, "mode": mode, "type": rtype, "name": name, "provider_name": provider,
            "change": {"actions": actions, "before": copy.deepcopy(before), "after": _without(after, marks),
                       "after_unknown": marks if after is not None else {},
                       "before_sensitive": {} if before is not None else False,
                       "after_sensitive": {} if after is not None else False},
        }
        if module:
            item["module_address"] = module
        if index is not None:
            item["index"] = index
        self.changes.append(item)
        self._configure(module, f"{rtype}.{name}", mode, after or before or {}, refs or {}, configured, count,
                        for_each_refs)
        return address

    def _configure(self, module: str, local: str, mode: str, values: Mapping[str, Any], refs: Mapping[str, Any],
                   configured: Iterable[str] | None, count: int | None, for_each_refs: list[str] | None) -> None:
        config_module = _strip_keys(module)
        resources = self.module(config_module)["resources"]
        address = local if mode == "managed" else f"data.{local}"
        if any(r["address"] == address for r in resources):
            return
        names = set(configured) if configured is not None else (set(values) - COMPUTED) | set(refs)
        expressions: dict[str, Any] = {}
        for key in sorted(names):
            if key in refs:
                expressions[key] = _expression(refs[key])
            elif key in values and values[key] is not None:
                expressions[key] = {"constant_value": values[key]}
        rtype, name = local.split(".")
        resource: dict[str, Any] = {"address": address, "mode": mode, "type": rtype, "name": name,
                                    "provider_config_key": "aws", "expressions": expressions, "schema_version": 1}
        if count is not None:
            resource["count_expression"] = {"constant_value": count}
        if for_each_refs is not None:
            resource["for_each_expression"] = {"references": for_each_refs}
        resources.append(resource)

    # -- modules ---------------------------------------------------------------------------------

    def module(self, path: str) -> dict[str, Any]:
        """The configuration of a module by its path (``module.net``), created on first use."""
        if path not in self.modules:
            self.modules[path] = {"resources": []}
        return self.modules[path]

    def module_call(self, path: str, *, inputs: Mapping[str, list[str]] | None = None,
                    outputs: Mapping[str, list[str]] | None = None, source: str = "./modules/net") -> None:
        """A module block: ``inputs`` (variable → references in the caller), ``outputs`` (output →
        references inside the module)."""
        module = self.module(path)
        module["outputs"] = {k: {"expression": {"references": v}} for k, v in (outputs or {}).items()}
        module["_call"] = {"source": source, "expressions": {k: {"references": v} for k, v in (inputs or {}).items()}}

    # -- the document ----------------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        return {
            "format_version": "1.2",
            "terraform_version": self.terraform_version,
            "variables": copy.deepcopy(self.variables),
            "planned_values": {"root_module": {}},
            "resource_changes": copy.deepcopy(self.changes),
            "prior_state": {"format_version": "1.0", "terraform_version": self.terraform_version,
                            "values": {"root_module": {}}},
            "configuration": {"provider_config": copy.deepcopy(self.providers),
                              "root_module": self._module_tree("")},
            "timestamp": "2026-01-02T03:04:05Z",
            "applyable": True,
            "complete": True,
            "errored": False,
        }

    def _module_tree(self, path: str) -> dict[str, Any]:
        module = {k: copy.deepcopy(v) for k, v in self.modules[path].items() if k != "_call"}
        children = sorted(p for p in self.modules if p and _parent(p) == path)
        if children:
            module["module_calls"] = {}
            for child in children:
                call = dict(self.modules[child].get("_call", {"source": "./modules/x", "expressions": {}}))
                call["module"] = self._module_tree(child)
                module["module_calls"][child.rsplit("module.", 1)[1]] = call
        return module


def _expression(refs: Any) -> Any:
    """References (a list), or nested blocks: a list of {attribute: references} dicts."""
    if isinstance(refs, list) and all(isinstance(x, str) for x in refs):
        return {"references": refs}
    if isinstance(refs, list):
        return [{k: (_expression(v) if isinstance(v, list) else {"constant_value": v}) for k, v in block.items()}
                for block in refs]
    return {"constant_value": refs}


def _without(after: Mapping[str, Any] | None, marks: Mapping[str, Any]) -> Any:
    """``after`` as Terraform writes it: unknown leaves left out."""
    if after is None:
        return None
    out = copy.deepcopy(dict(after))
    for key, mark in marks.items():
        if mark is True:
            out.pop(key, None)
        elif isinstance(mark, list) and isinstance(out.get(key), list):
            for item, inner in zip(out[key], mark, strict=False):
                if isinstance(item, dict) and isinstance(inner, dict):
                    for k, v in inner.items():
                        if v is True:
                            item.pop(k, None)
    return out


def _parent(module_path: str) -> str:
    return module_path.rsplit(".module.", 1)[0] if ".module." in module_path else ""


def _split(address: str) -> tuple[str, str]:
    parts = address.split(".")
    module_parts: list[str] = []
    while parts and parts[0] == "module":
        module_parts += parts[:2]
        parts = parts[2:]
    return ".".join(module_parts), ".".join(parts)


def _strip_keys(module: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", module)


def _index(rest: str) -> int | str | None:
    if "[" not in rest:
        return None
    key = rest.split("[", 1)[1].rstrip("]")
    return key.strip('"') if key.startswith('"') else int(key)
