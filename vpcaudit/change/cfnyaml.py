"""Read CloudFormation templates and parameter files: JSON, or YAML with the short-form tags.

CloudFormation's YAML has tags plain YAML loaders refuse (``!Ref``, ``!GetAtt``, ``!Sub``,
``!If``…); each becomes the long form CloudFormation itself uses (``{"Ref": …}``,
``{"Fn::GetAtt": [resource, attribute]}``), so the evaluator handles one shape. Dates are not
special: ``Version: 2012-10-17`` stays the string IAM expects (YAML 1.1 would make it a date).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from vpcaudit.errors import UsageError
from vpcaudit.snapshot import strictjson
from vpcaudit.textfile import read_text

# Short-form tags whose long form is Fn::<Name> (Ref and Condition keep their names).
FUNCTIONS = ("And", "Base64", "Cidr", "Equals", "FindInMap", "GetAZs", "GetAtt", "If", "ImportValue", "Join",
             "Length", "Not", "Or", "Select", "Split", "Sub", "ToJsonString", "Transform")


class TemplateError(UsageError):
    """A template or parameters file that cannot be read; the message names the file and why."""

    def __init__(self, message: str, setting: str = "cloudformation") -> None:
        super().__init__(message, setting=setting)


class _Loader(yaml.SafeLoader):
    """SafeLoader with CloudFormation's tags, without YAML 1.1 timestamps, and without aliases.

    CloudFormation does not take YAML anchors and aliases; refusing them here also keeps a few
    hundred bytes of nested aliases (a "billion laughs") from expanding into billions of nodes
    when the template is walked.
    """

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"YAML aliases (*{event.anchor}) are not CloudFormation",
                                              event.start_mark)
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _construct(long_name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        value: Any
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
            if long_name == "Fn::GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        return {long_name: value}

    return construct


_Loader.add_constructor("!Ref", _construct("Ref"))
_Loader.add_constructor("!Condition", _construct("Condition"))
for _name in FUNCTIONS:
    _Loader.add_constructor(f"!{_name}", _construct(f"Fn::{_name}"))


def parse(text: str, source: str, setting: str = "cloudformation") -> Any:
    """JSON when it parses as JSON, else CloudFormation YAML."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return strictjson.loads(text, strictjson.PLAN_DEPTH)
        except strictjson.NotJson as exc:
            raise TemplateError(f"{source}: {exc}", setting) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass: no arbitrary objects, no aliases
    except RecursionError:
        raise TemplateError(f"{source}: nested more than {strictjson.PLAN_DEPTH} levels deep", setting) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TemplateError(f"{source}: not valid YAML{where}: {problem}", setting) from None
    if strictjson.too_deep(data, strictjson.PLAN_DEPTH):
        raise TemplateError(f"{source}: nested more than {strictjson.PLAN_DEPTH} levels deep", setting)
    return data


def read(path: str | Path, setting: str = "cloudformation") -> Any:
    p = Path(path)
    try:
        text = read_text(p)
    except FileNotFoundError:
        raise TemplateError(f"{p}: no such file", setting) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{p}: cannot read: {exc}", setting) from None
    return parse(text, str(p), setting)


def read_parameters(path: str | Path) -> dict[str, str]:
    """``aws cloudformation`` parameters (``[{"ParameterKey": …, "ParameterValue": …}]``) or a plain
    ``{"Name": "value"}`` object; list values are joined with commas, as CloudFormation expects."""
    data = read(path, setting="parameters")
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list) and all(isinstance(x, dict) and "ParameterKey" in x for x in data):
        if any(x.get("UsePreviousValue") for x in data):
            raise TemplateError(f"{path}: UsePreviousValue needs the deployed stack; give the value itself",
                                "parameters")
        items = [(x["ParameterKey"], x.get("ParameterValue", "")) for x in data]
    else:
        raise TemplateError(f"{path}: expected [{{\"ParameterKey\": …, \"ParameterValue\": …}}, …] or "
                            "{\"Name\": \"value\", …}", "parameters")
    return {str(k): ",".join(map(str, v)) if isinstance(v, list) else str(v) for k, v in items}
