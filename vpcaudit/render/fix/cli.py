"""FixSteps as AWS CLI commands: every value shell-quoted, nothing from the account ever executable.

Names follow the CLI's own mapping of botocore names (``ModifyVpcEndpoint`` →
``modify-vpc-endpoint``, ``AddRouteTableIds`` → ``--add-route-table-ids``); booleans are the
CLI's flag pairs (``--private-dns-enabled`` / ``--no-private-dns-enabled``), lists of scalars
are separate words, and structures are JSON, which the CLI accepts for every structure.

Why every word goes through :func:`quote`: identifiers, names and descriptions come from the
audited account, and one tag holding ``$(curl …)`` or ``'; rm -rf`` must stay a string. Plain
text is :func:`shlex.quote`-d; text holding a newline, a control or bidi character, or anything
not printable is written in bash's ``$'…'`` form with ``\\xHH`` byte escapes, so the file a
reviewer reads is one line per command and shows exactly what runs (no right-to-left override
can make a line look like another). The id of a resource created earlier in the same fix is the
only unquoted part, written as ``"${name}"`` from a name made of ``[a-z0-9_]`` only.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from botocore import xform_name

from vpcaudit.engine.remedy import FixStep, is_new_id, is_placeholder

# botocore service name → the AWS CLI command that speaks its API one-to-one.
_CLI_SERVICE = {"s3": "s3api"}
_NOT_A_NAME = re.compile(r"[^a-z0-9_]+")
# What shlex.quote writes unquoted: a non-empty word of these ASCII characters only.
_PLAIN_WORD = re.compile(r"[\w@%+=:,./-]+", re.ASCII)
# Parameters holding whole documents: written last, so the identifiers stay readable at the front.
_DOCUMENTS = frozenset({"PolicyDocument", "Policy", "IpPermissions", "DhcpConfigurations"})
# The classes of a list's items that are words as they are.
_STR_ONLY = frozenset({str})


class Word(str):
    """A command word already safe to paste into a shell as it is (a variable reference)."""

    __slots__ = ()


def variable(label: str) -> str:
    """The shell variable that holds the id a ``creates=label`` step produced."""
    name = snake(label) or "new_id"
    return name if not name[0].isdigit() else f"id_{name}"


def snake(text: str) -> str:
    """``text`` in lower case, each run of characters other than ``[a-z0-9_]`` one underscore,
    underscores at either end removed: a name for shell or Terraform made from AWS ids."""
    lowered = text.lower()
    underscored = lowered.replace("-", "_")
    # An id's only separator is a lone "-" (vpce-0a1b…): replaced as it is, a fifth of the regex's cost.
    if underscored.isascii() and underscored.isidentifier() and "--" not in lowered:
        return underscored.strip("_")
    return _NOT_A_NAME.sub("_", lowered).strip("_")


def argv(fix: FixStep, region: str) -> list[str]:
    """The command as words; :class:`Word` items are shell syntax, every other item is a literal value."""
    return [*_program(fix.action), "--region", region, *_arguments(fix)]


def command(fix: FixStep, region: str) -> str:
    """One shell command line: quoted values, ``"${var}"`` for ids created by earlier steps."""
    return " ".join([_quoted_program(fix.action), "--region", quote(region),  # the words argv gives, quoted
                     *[quote(w) if w.__class__ is str or not isinstance(w, Word) else w for w in _arguments(fix)]])


def _arguments(fix: FixStep) -> list[str]:
    """The words after the Region: parameters in reading order, then the output query."""
    words: list[str] = []
    parameters = fix.parameters
    # Most steps have one parameter, which needs no sort (nor a sort key made for it).
    for name, value in (sorted(parameters.items(), key=_reading_order(fix)) if len(parameters) > 1
                        else parameters.items()):
        option = _option(name)
        if value.__class__ is str:  # most values (ids, CIDRs, names): the word itself, as _word writes it
            words += (option, value)
        elif value.__class__ is list and _STR_ONLY.issuperset(map(type, value)):  # ids: each its own word
            words += (option, *value)
        elif isinstance(value, bool):
            words.append(option if value else "--no-" + option[2:])
        elif isinstance(value, list) and all(_scalar(v) for v in value):
            words += [option, *(_word(v) for v in value)]
        elif _scalar(value):
            words += [option, _word(value)]
        else:
            words += [option, json.dumps(_literal(value), separators=(",", ":"), sort_keys=True)]
    if fix.output:
        words += ["--query", fix.output, "--output", "text"]
    return words


# The same few operations and parameter names recur in every fix of a result: each is named once.
@lru_cache(maxsize=256)
def _program(action: str) -> tuple[str, str, str]:
    """``aws``, the CLI command and its subcommand for ``service:Operation``."""
    parts = action.split(":", 1)
    service, operation = parts[0], parts[1]  # as FixStep.service and .operation read them
    return "aws", _CLI_SERVICE.get(service, service), xform_name(operation, "-")


@lru_cache(maxsize=256)
def _quoted_program(action: str) -> str:
    """:func:`_program`'s words as the command line starts."""
    return " ".join(quote(word) for word in _program(action))


@lru_cache(maxsize=1024)
def _option(name: str) -> str:
    """The CLI option of a request parameter (``VpcEndpointId`` → ``--vpc-endpoint-id``)."""
    return "--" + xform_name(name, "-")


@lru_cache(maxsize=8192)  # the same ids and documents recur across the fixes of a result's findings
def quote(text: str) -> str:
    """``text`` as one shell word that bash reads back exactly and a reviewer sees as it is."""
    if _PLAIN_WORD.fullmatch(text):  # most words (ids, Regions, CIDRs): shlex.quote leaves them as they are
        return text
    if text.isprintable():  # False for controls, newlines, bidi and other format characters
        return shlex.quote(text)
    out = []
    for char in text:
        if char in "\\'":
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        else:
            out.append("".join(f"\\x{byte:02x}" for byte in char.encode("utf-8", "surrogatepass")))
    return "$'" + "".join(out) + "'"


def script(steps: tuple[FixStep, ...] | list[FixStep], region: str) -> str:
    """A finding's fix as copy-ready shell: ready steps as commands (capturing new ids), steps that
    need a decision commented out under the reason."""
    lines: list[str] = []
    for fix in steps:
        line = command(fix, region)
        if fix.creates:
            line = f"{variable(fix.creates)}=$({line})"
        if fix.decision:
            lines.append(comment(f"needs a decision: {fix.decision}"))
            lines.append(comment(line))
        else:
            lines.append(line)
    return "\n".join(lines)


def comment(text: str) -> str:
    """``text`` as shell comment lines: every physical line starts with '# ', so no newline
    inside a value (a quoted JSON document, a hostile tag) can turn the rest into a command."""
    if "\n" not in text and "\r" not in text:  # one line (most comments): spare the split
        return "# " + text
    return "\n".join(f"# {line}" for line in _LINE_BREAK.split(text))


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _reading_order(fix: FixStep) -> Callable[[tuple[str, object]], tuple[int, str]]:
    """The sort key of the step's parameters: the resource acted on first, documents last, the rest
    by name: the same order whether the step comes from a rule or back from a JSON result (which
    sorts keys)."""
    acted_on = fix.resource_id
    return lambda item: (0 if item[1] == acted_on else 2 if item[0] in _DOCUMENTS else 1, item[0])


def _scalar(value: object) -> bool:
    plain = isinstance(value, str | int | float) and not isinstance(value, bool)
    return plain or is_new_id(value) or is_placeholder(value)


def _word(value: Any) -> str:
    if is_new_id(value):
        return Word(f'"${{{variable(value["new_id"])}}}"')
    if is_placeholder(value):
        return f"<{value['placeholder']}>"
    return str(value)


def _literal(value: Any) -> Any:
    """A structure for JSON: placeholders as ``<text>``; an id created at run time cannot be inlined."""
    if is_placeholder(value):
        return f"<{value['placeholder']}>"
    if is_new_id(value):
        raise ValueError("an id created by an earlier step can only be a parameter or a list item, not nested")
    if isinstance(value, dict):
        return {k: _literal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_literal(v) for v in value]
    return value
