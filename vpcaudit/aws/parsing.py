"""botocore's EC2 response parser, with the same answers for less CPU per XML node.

Why: EC2 answers in XML, and botocore turns every element into Python values by walking the
output shape. At a few hundred VPCs that walk is about 40 % of a collection's CPU: for every
structure element botocore re-derives, member by member, the XML name of each member of the
shape (an ENI has some forty) and strips the namespace off every tag with a regular
expression, then goes through a generic handler for every string. None of that depends on the
answer, only on the shape and the tag, so this parser works it out once and keeps it.

What it returns is exactly what botocore's ``EC2QueryParser`` returns — same keys in the same
order, same types, the same quirks for repeated or empty elements — because it is that parser
with its hot methods replaced by equivalents; whatever it does not speed up (errors, tagged
unions, scalars other than strings, timestamps, other protocols) is botocore's own code. The
tests parse every answer a collection receives both ways and compare them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import Element

from botocore.parsers import EC2QueryParser, ResponseParserFactory

_NAMESPACE = re.compile(r"{.*}")
# Where a shape keeps what this parser worked out about it: in the shape's own attributes, as
# botocore caches its shapes' members, so it lives exactly as long as the client's model.
_PLAN = "_vpcaudit_parse_plan"

Member = tuple[str, Any, str, str, bool]  # name, shape, XML name, type name, an XML attribute
ListPlan = tuple[Any, str, bool]  # item shape, its type name, flattened


@lru_cache(maxsize=4096)
def _tag(raw: str) -> str:
    """An element's tag without its namespace, as botocore's ``_node_tag`` gives it."""
    return _NAMESPACE.sub("", raw)


def _members(shape: Any) -> tuple[Member, ...] | None:
    """A structure's body members in the model's order, or None where botocore's own code must
    run (error shapes, tagged unions)."""
    try:
        return shape.__dict__[_PLAN]  # type: ignore[no-any-return]
    except KeyError:
        pass
    members: tuple[Member, ...] | None = None
    if not shape.metadata.get("exception", False) and not shape.is_tagged_union:
        members = tuple(
            (name, member, _xml_name(member, name), member.type_name,
             bool(member.serialization.get("xmlAttribute")))
            for name, member in shape.members.items()
            if member.serialization.get("location") not in EC2QueryParser.KNOWN_LOCATIONS
            and not member.serialization.get("eventheader"))
    shape.__dict__[_PLAN] = members
    return members


def _list_plan(shape: Any) -> ListPlan:
    try:
        return shape.__dict__[_PLAN]  # type: ignore[no-any-return]
    except KeyError:
        plan = (shape.member, shape.member.type_name, bool(shape.serialization.get("flattened")))
        shape.__dict__[_PLAN] = plan
        return plan


def _xml_name(shape: Any, name: str) -> str:
    """botocore's ``_member_key_name``: a flattened list is keyed by its items' name."""
    if shape.type_name == "list" and shape.serialization.get("flattened"):
        item_name = shape.member.serialization.get("name")
        if item_name is not None:
            return item_name
    return shape.serialization.get("name", name)


class FastEC2QueryParser(EC2QueryParser):
    """botocore's EC2 parser with its per-node work done once per shape."""

    def _node_tag(self, node: Element) -> str:
        return _tag(node.tag)

    def _build_name_to_xml_node(self, parent_node: Any) -> dict[str, Any]:
        if isinstance(parent_node, list):
            return self._build_name_to_xml_node(parent_node[0])
        xml_dict: dict[str, Any] = {}
        for item in parent_node:
            key = _tag(item.tag)
            found = xml_dict.get(key)
            if found is None:
                xml_dict[key] = item
            elif isinstance(found, list):
                found.append(item)
            else:
                xml_dict[key] = [found, item]
        return xml_dict

    def _value(self, shape: Any, type_name: str, node: Any) -> Any:
        """botocore's ``_parse_shape`` for the kinds that make up most of an answer."""
        if type_name == "string" and type(node) is Element:
            return node.text or ""  # botocore reads an empty element as ""
        if type_name == "structure":
            return self._handle_structure(shape, node)
        if type_name == "list":
            return self._handle_list(shape, node)
        return self._parse_shape(shape, node)

    def _handle_list(self, shape: Any, node: Any) -> Any:
        item_shape, item_type, flattened = _list_plan(shape)
        if flattened and not isinstance(node, list):
            node = [node]
        return [None if item is None else self._value(item_shape, item_type, item) for item in node]

    def _handle_structure(self, shape: Any, node: Any) -> Any:
        members = _members(shape)
        if members is None:
            return super()._handle_structure(shape, node)
        xml_dict = self._build_name_to_xml_node(node)
        parsed: dict[str, Any] = {}
        for name, member, xml_name, type_name, attribute in members:
            member_node = xml_dict.get(xml_name)
            if member_node is not None:
                parsed[name] = self._value(member, type_name, member_node)
            elif attribute:
                self._read_attribute(member, name, node, parsed)
        return parsed

    def _read_attribute(self, member: Any, name: str, node: Any, parsed: dict[str, Any]) -> None:
        """A member serialised as an XML attribute of ``node``, read as botocore reads it."""
        location_name = member.serialization["name"]
        prefix = location_name.split(":")[0] + ":"
        attributes = {self._namespace_re.sub(prefix, key): value for key, value in node.attrib.items()}
        if location_name in attributes:
            parsed[name] = attributes[location_name]


class FastParserFactory(ResponseParserFactory):
    """botocore's parser factory, handing out :class:`FastEC2QueryParser` for EC2's protocol."""

    def create_parser(self, protocol_name: str) -> Any:
        if protocol_name == "ec2":
            return FastEC2QueryParser(**self._defaults)
        return super().create_parser(protocol_name)


# botocore's internals this parser refines or calls: a botocore without any of them has changed
# its parser, and its own answers are the reference, so it keeps its own parser.
_RELIES_ON = ("_handle_structure", "_handle_list", "_build_name_to_xml_node", "_node_tag", "_parse_shape",
              "_namespace_re", "KNOWN_LOCATIONS")


def compatible() -> bool:
    """Whether this botocore's EC2 parser still has every internal the fast parser relies on."""
    parser = EC2QueryParser()  # some are set per instance
    return all(hasattr(parser, name) for name in _RELIES_ON) and hasattr(ResponseParserFactory(), "_defaults")


def install(botocore_session: Any) -> None:
    """Make clients created from ``botocore_session`` from now on parse EC2 answers with
    :class:`FastEC2QueryParser` (botocore looks the factory up when it creates a client), unless
    this botocore's parser is not the one it was written against."""
    if compatible() and not isinstance(botocore_session.get_component("response_parser_factory"),
                                       FastParserFactory):
        botocore_session.register_component("response_parser_factory", FastParserFactory())
