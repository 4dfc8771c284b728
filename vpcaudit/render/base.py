"""The one interface every output format implements: a name, a default file name, a render function.

Why a value rather than a class hierarchy: a formatter is a pure function of the
:class:`AuditResult`; the CLI only needs to look one up by name and know where it goes by
default. Adding a format is one module exporting a ``FORMATTER`` and one line in the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vpcaudit.engine.result import AuditResult


@dataclass(frozen=True, slots=True)
class Formatter:
    name: str
    filename: str  # default file name when writing into an output folder
    render: Callable[[AuditResult], str]
