"""Read ``terraform show -json`` plan output: resource instances, their values, and references.

This module knows Terraform's documented JSON format (format_version 1.x) and nothing of AWS:

* ``resource_changes[]`` — one entry per resource instance: ``address``, ``mode``, ``type``,
  ``index``, ``provider_name`` and ``change.{actions, before, after, after_unknown}``; a value
  marked true in ``after_unknown`` is known only after apply;
* ``configuration`` — the configuration tree (``root_module``, ``module_calls.*.module``) with
  each attribute's unevaluated ``expressions.<attr>.references``: what a value known only after
  apply will be made of (``aws_vpc.main.id``, ``aws_subnet.private`` with ``count.index``,
  ``var.vpc_id`` given by the calling module, ``module.net.private_subnet_ids`` from a child
  module's output), and the provider configurations (Region, assumed role) per resource;
* ``variables`` — the root module's input values.

Locals are not in the configuration representation, and data sources deferred to apply have no
values: references through them stay unresolved, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vpcaudit.errors import UsageError

SUPPORTED_MAJOR = "1"
REPLACE = (("delete", "create"), ("create", "delete"))


class PlanError(UsageError):
    """The file is not a Terraform plan this version can read; the message says which part."""

    def __init__(self, message: str) -> None:
        super().__init__(message, setting="terraform")


class _Unknown:
    """Marks a value that Terraform will know only after apply."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Instance:
    """One resource instance of the plan and its change."""

    address: str
    module: str  # module instance address ("" for the root module), e.g. module.net["a"]
    mode: str  # managed | data
    type: str
    name: str
    index: int | str | None
    provider: str  # e.g. registry.terraform.io/hashicorp/aws
    actions: tuple[str, ...]
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    after_unknown: Any
    deposed: str | None = None

    @property
    def action(self) -> str:
        """create | update | delete | replace | read | no-op (``forget`` leaves AWS untouched: no-op)."""
        if self.actions in REPLACE:
            return "replace"
        if len(self.actions) == 1 and self.actions[0] in ("create", "update", "delete", "read"):
            return self.actions[0]
        return "no-op"

    @property
    def creates(self) -> bool:
        """A new object comes into being: its id is known only after apply."""
        return self.action in ("create", "replace")

    @property
    def local_address(self) -> str:
        """``type.name``: how the configuration of its module names it."""
        return f"{self.type}.{self.name}"

    @property
    def config_module(self) -> str:
        return strip_keys(self.module)

    def value(self, *path: str | int) -> Any:
        """The planned value at ``path``; :data:`UNKNOWN` when known only after apply."""
        value: Any = self.after if self.after is not None else {}
        unknown = self.after_unknown
        for step in path:
            if unknown is True:
                return UNKNOWN
            unknown = _step(unknown, step)
            value = _step(value, step)
        return UNKNOWN if unknown is True else value

    def prior(self, *path: str | int) -> Any:
        value: Any = self.before if self.before is not None else {}
        for step in path:
            value = _step(value, step)
        return value


def _step(node: Any, key: str | int) -> Any:
    if isinstance(key, int):
        return node[key] if isinstance(node, list) and key < len(node) else None
    return node.get(key) if isinstance(node, Mapping) else None


def strip_keys(module_address: str) -> str:
    """``module.net["a"].module.sub[0]`` → ``module.net.module.sub``: the configuration's path."""
    return re.sub(r"\[[^\]]*\]", "", module_address)


def parent_module(module_address: str) -> tuple[str, str, str | int | None]:
    """(parent module instance, call name, this instance's key) of a module instance address."""
    match = re.fullmatch(r"(?:(?P<parent>.*)\.)?module\.(?P<name>[^.\[]+)(?:\[(?P<key>[^\]]+)\])?", module_address)
    if match is None:
        raise ValueError(module_address)
    return match.group("parent") or "", match.group("name"), _index_key(match.group("key"))


def _index_key(text: str | None) -> str | int | None:
    if text is None:
        return None
    if text.startswith('"'):
        return text.strip('"')
    return int(text) if text.isdigit() else text


_RESOURCE_REF = re.compile(r"(?P<type>[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)(?:\[(?P<key>[^\]]+)\])?"
                           r"(?:\.(?P<attr>[A-Za-z0-9_]+))?")


@dataclass(frozen=True)
class Target:
    """A planned resource instance a reference points to, and the attribute it reads (if named)."""

    instance: Instance
    attribute: str | None


@dataclass
class Resolution:
    """Where an unknown value comes from: the instances referenced, or why that cannot be told."""

    targets: list[Target] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class TerraformPlan:
    """A validated plan document, indexed for lookups."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.format_version = str(data.get("format_version", ""))
        self.terraform_version = str(data.get("terraform_version", "") or "")
        self.instances = [_instance(item, i) for i, item in enumerate(_list(data, "resource_changes", "$"))]
        self.by_address = {i.address: i for i in self.instances if i.deposed is None}
        config = data.get("configuration") or {}
        if not isinstance(config, Mapping):
            raise PlanError("'configuration' is not an object")
        self.providers: Mapping[str, Any] = config.get("provider_config") or {}
        self._modules: dict[str, Mapping[str, Any]] = {}
        self._index_modules("", config.get("root_module") or {})
        variables = data.get("variables") or {}
        self.variables = {k: v.get("value") for k, v in variables.items() if isinstance(v, Mapping)}

    def _index_modules(self, path: str, module: Mapping[str, Any]) -> None:
        self._modules[path] = module
        for name, call in (module.get("module_calls") or {}).items():
            child = call.get("module") if isinstance(call, Mapping) else None
            if isinstance(child, Mapping):
                self._index_modules(f"{path}.module.{name}" if path else f"module.{name}", child)

    # -- configuration lookups ------------------------------------------------------------------

    def config_resource(self, module_path: str, local_address: str, mode: str = "managed") -> Mapping[str, Any] | None:
        module = self._modules.get(module_path) or {}
        address = local_address if mode == "managed" else f"data.{local_address}"
        return next((res for res in module.get("resources") or () if res.get("address") == address), None)

    def provider_config(self, instance: Instance) -> Mapping[str, Any] | None:
        resource = self.config_resource(instance.config_module, instance.local_address, instance.mode)
        key = resource.get("provider_config_key") if resource else None
        found = self.providers.get(key) if isinstance(key, str) else None
        return found if isinstance(found, Mapping) else None

    def instances_of(self, module: str, local_address: str) -> list[Instance]:
        """Every instance of a resource in one module instance, in index order."""
        prefix = f"{module}.{local_address}" if module else local_address
        found = [i for i in self.by_address.values()
                 if i.mode == "managed" and i.module == module and i.local_address == local_address]
        found = [i for i in found if i.address == prefix or i.address.startswith(prefix + "[")]
        return sorted(found, key=lambda i: (str(type(i.index)), str(i.index)))

    # -- references -------------------------------------------------------------------------------

    def resolve(self, instance: Instance, path: Sequence[str | int]) -> Resolution:
        """The planned instances the expression of ``path`` refers to (a value known only after apply)."""
        resource = self.config_resource(instance.config_module, instance.local_address, instance.mode)
        if resource is None:
            return Resolution(problems=[f"the plan's configuration does not describe {instance.address}"])
        refs = expression_references(resource.get("expressions") or {}, path, instance)
        if refs is None:
            return Resolution(problems=[f"the plan's configuration has no expression for {_dotted(path)}"])
        each_from = _refs(resource.get("for_each_expression"))
        return self._resolve_refs(refs, instance.module, instance.index, each_from)

    def _resolve_refs(self, refs: Sequence[str], module: str, index: int | str | None,
                      each_from: Sequence[str] = ()) -> Resolution:
        out = Resolution()
        refs = most_specific(refs)
        paired = any(ref in ("count.index", "each.key") or ref.startswith("each.value") for ref in refs)
        for ref in refs:
            if ref in ("count.index", "each.key"):
                continue
            if ref.startswith("each.value"):
                attribute = ref.split(".")[2] if ref.count(".") >= 2 else None
                self._each_value(out, each_from, module, index, attribute)
            elif ref.startswith("var."):
                self._variable(out, ref.split(".")[1].split("[")[0], module)
            elif ref.startswith("module."):
                self._module_output(out, ref, module)
            elif ref.startswith(("local.", "data.", "path.", "terraform.", "self.")):
                kind = {"local": "a local value, which the plan's configuration does not describe",
                        "data": "a data source read during apply"}.get(ref.split(".")[0], "a value of Terraform's")
                out.problems.append(f"{ref} is {kind}")
            else:
                self._resource(out, ref, module, index if paired else None)
        return out

    def _resource(self, out: Resolution, ref: str, module: str, index: int | str | None) -> None:
        match = _RESOURCE_REF.fullmatch(ref)
        if match is None:
            out.problems.append(f"cannot read the reference {ref}")
            return
        local = f"{match.group('type')}.{match.group('name')}"
        instances = self.instances_of(module, local)
        key = _index_key(match.group("key"))
        if key is not None:
            instances = [i for i in instances if i.index == key]
        elif index is not None and any(i.index is not None for i in instances):
            instances = [i for i in instances if i.index == index]
        if not instances:
            out.problems.append(f"{ref} names no resource instance of the plan")
        out.targets.extend(Target(i, match.group("attr")) for i in instances)

    def _each_value(self, out: Resolution, each_from: Sequence[str], module: str, index: int | str | None,
                    attribute: str | None) -> None:
        sources = [ref for ref in most_specific(each_from) if _RESOURCE_REF.fullmatch(ref)]
        if not sources:
            out.problems.append("each.value comes from a for_each the plan's configuration does not trace to a "
                                "resource")
            return
        for ref in sources:
            match = _RESOURCE_REF.fullmatch(ref)
            assert match is not None
            for instance in self.instances_of(module, f"{match.group('type')}.{match.group('name')}"):
                if instance.index == index:
                    out.targets.append(Target(instance, attribute))

    def _variable(self, out: Resolution, name: str, module: str) -> None:
        if not module:
            out.problems.append(f"var.{name} is an input of the root module that is known only after apply")
            return
        parent, call_name, key = parent_module(module)
        call = ((self._modules.get(strip_keys(parent)) or {}).get("module_calls") or {}).get(call_name) or {}
        refs = _refs((call.get("expressions") or {}).get(name))
        if refs is None:
            out.problems.append(f"var.{name} of {module} is not set from a resource")
            return
        inner = self._resolve_refs(refs, parent, key, _refs(call.get("for_each_expression")) or ())
        out.targets.extend(inner.targets)
        out.problems.extend(inner.problems)

    def _module_output(self, out: Resolution, ref: str, module: str) -> None:
        parts = ref.split(".")
        if len(parts) < 3:
            out.problems.append(f"{ref} names a whole module, not one of its outputs")
            return
        call = re.sub(r"\[[^\]]*\]", "", parts[1])
        child_path = f"{strip_keys(module)}.module.{call}" if module else f"module.{call}"
        output = ((self._modules.get(child_path) or {}).get("outputs") or {}).get(parts[2].split("[")[0]) or {}
        refs = _refs(output.get("expression"))
        if refs is None:
            out.problems.append(f"{ref} is not an output the plan's configuration describes")
            return
        prefix = f"{module}.module.{call}" if module else f"module.{call}"
        children = sorted({i.module for i in self.by_address.values()
                           if i.module == prefix or i.module.startswith(prefix + "[")}) or [prefix]
        for child in children:
            inner = self._resolve_refs(refs, child, None)
            out.targets.extend(inner.targets)
            out.problems.extend(inner.problems)


def expression_references(expressions: Mapping[str, Any], path: Sequence[str | int],
                          instance: Instance) -> list[str] | None:
    """The references of the expression that sets ``path``; for a nested block element, the block
    of the configuration whose constant values match the element's known ones."""
    node: Any = expressions
    for depth, step in enumerate(path):
        if _is_expression(node):
            break
        if isinstance(step, int):
            if isinstance(node, list):
                element = instance.value(*path[:depth + 1])
                node = _matching_block(node, element if isinstance(element, Mapping) else {})
            continue
        node = node.get(step) if isinstance(node, Mapping) else None
        if node is None:
            return None
    if isinstance(node, list) and len(node) == 1:
        node = node[0]
    return _refs(node)


def _matching_block(blocks: list[Any], element: Mapping[str, Any]) -> Any:
    if len(blocks) == 1:
        return blocks[0]
    matches = [b for b in blocks if isinstance(b, Mapping) and all(
        element.get(k) == v.get("constant_value") for k, v in b.items()
        if isinstance(v, Mapping) and "constant_value" in v)]
    return matches[0] if len(matches) == 1 else None


def _is_expression(node: Any) -> bool:
    return isinstance(node, Mapping) and ("references" in node or "constant_value" in node)


def _refs(node: Any) -> list[str] | None:
    if isinstance(node, Mapping) and isinstance(node.get("references"), list):
        return [str(x) for x in node["references"]]
    return None


def most_specific(refs: Sequence[str]) -> list[str]:
    """Drop the references Terraform adds as implied by a longer one (``aws_vpc.main`` beside
    ``aws_vpc.main.id``), keeping the order."""
    return [ref for ref in dict.fromkeys(refs)
            if not any(other != ref and (other.startswith(ref + ".") or other.startswith(ref + "["))
                       for other in refs)]


def _dotted(path: Sequence[str | int]) -> str:
    return ".".join(str(p) for p in path)


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise PlanError(f"'{key}' in {where} is not a list")
    return value


def _instance(item: Any, position: int) -> Instance:
    where = f"resource_changes[{position}]"
    if not isinstance(item, Mapping):
        raise PlanError(f"{where} is not an object")
    change = item.get("change")
    if not isinstance(change, Mapping) or not isinstance(change.get("actions"), list):
        raise PlanError(f"{where} ({item.get('address', '?')}) has no change.actions")
    for key in ("address", "type", "name"):
        if not isinstance(item.get(key), str):
            raise PlanError(f"{where} has no '{key}'")
    before, after = change.get("before"), change.get("after")
    for label, value in (("before", before), ("after", after)):
        if value is not None and not isinstance(value, Mapping):
            raise PlanError(f"{where} ({item['address']}): change.{label} is not an object")
    return Instance(
        address=item["address"], module=str(item.get("module_address") or ""), mode=str(item.get("mode", "managed")),
        type=item["type"], name=item["name"], index=item.get("index"), provider=str(item.get("provider_name", "")),
        actions=tuple(str(a) for a in change["actions"]), before=before, after=after,
        after_unknown=change.get("after_unknown") or {}, deposed=item.get("deposed"))


def read_plan(data: Any) -> TerraformPlan:
    """Validate the top level and index the plan; :class:`PlanError` names what is wrong."""
    if not isinstance(data, Mapping):
        raise PlanError("not a Terraform plan: the JSON is not an object")
    if "format_version" not in data:
        hint = " (this looks like a state file: use `terraform show -json PLANFILE`)" if "values" in data else ""
        raise PlanError(f"not a Terraform plan: no 'format_version'{hint}")
    version = str(data["format_version"])
    if version.split(".")[0] != SUPPORTED_MAJOR:
        raise PlanError(f"plan format_version {version} is not supported (this vpcaudit reads 1.x, written by "
                        "Terraform 1.0 and later)")
    if "resource_changes" not in data and "planned_values" not in data:
        raise PlanError("not a Terraform plan: no 'resource_changes' (a state file? use `terraform show -json "
                        "PLANFILE`)")
    return TerraformPlan(data)
