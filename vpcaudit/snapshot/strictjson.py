"""Reading JSON a user hands vpcaudit — snapshots, audit results, plans, templates — strictly.

Why one reader: each of those files may be hostile or broken, and each must fail the same way,
in one sentence: not JSON (where, and whether the file looks cut off), ``NaN`` / ``Infinity``
(Python accepts them, JSON does not), an integer too long to convert, or nesting so deep that
the parser gives up (RecursionError) or that code walking the data later would.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 100  # a snapshot or result nests about ten levels
PLAN_DEPTH = 200  # a Terraform plan or CloudFormation template nests deeper (modules, intrinsic functions)


class NotJson(ValueError):
    """``text`` is not JSON vpcaudit reads; ``str()`` is the reason, ``too_deep`` tells nesting apart."""

    def __init__(self, reason: str, *, too_deep: bool = False) -> None:
        super().__init__(reason)
        self.too_deep = too_deep


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of ``text``, or :class:`NotJson` saying in one sentence why there is none."""
    deep = NotJson(f"nested more than {max_depth} levels deep", too_deep=True)
    try:
        data = json.loads(text, parse_constant=_not_a_number)
    except RecursionError:
        raise deep from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        problem = f"{exc.msg} {where}" if exc.msg.endswith(" at") else f"{exc.msg} at {where}"
        # A string still open at the end of the file, or an error at its very end: the file was cut off.
        cut = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        raise NotJson(f"not valid JSON: {problem}" + (" (the file looks truncated)" if cut else "")) from None
    except ValueError as exc:  # a NaN / Infinity constant, or an integer too long to convert
        raise NotJson(f"not valid JSON: {exc}") from None
    if too_deep(data, max_depth):
        raise deep
    return data


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    """True when JSON data nests lists and objects more than ``limit`` levels (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False
