"""Text hygiene shared by the formatters: every value from AWS is hostile until made safe here.

Tags, names and descriptions are written by whoever controls the audited account. HTML is
escaped by Jinja2's autoescape, but other hazards are not HTML's: bidi override characters
that make a report say something other than what it contains (U+202E), control characters
that are illegal in XML or that drive a terminal (ESC), and Markdown syntax that breaks a table
or injects a link. Each helper here handles one of those, in one place, for every format.
"""

from __future__ import annotations

import re

import markupsafe

from vpcaudit.pricing import format_money

# Bidi embeddings, overrides, isolates and marks: they reorder what the reader sees.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Characters XML 1.0 forbids (they make a JUnit file unparsable), lone surrogates included, and the
# C1 controls it merely discourages (a terminal may obey them, e.g. U+009B as CSI).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# C0/C1 controls and DEL: a terminal obeys them (colours, cursor moves, title changes).
_TERMINAL_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n|\r|\n")
# Markdown-significant characters, each escaped with a backslash (valid CommonMark escapes).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~$])")
# Where GFM autolinks start: "://" of a URL, "www." of a name, "@" of an address (see no_autolinks).
_AUTOLINK_BREAK = re.compile(r"://|(?i:www)\.|@.")
_JOINER = "\u2060"
# A URL that can become a link as it is: http(s), nothing that could end an attribute or autolink.
SAFE_URL = re.compile(r"^https?://[^\s<>\"'`|\\\[\]()]+$")


class MdText(str):
    """Text already made safe for Markdown output; the Markdown templates emit it unchanged."""

    __slots__ = ()


def strip_bidi(text: str) -> str:
    """Remove bidi controls so no value can visually reorder the text around it."""
    return _BIDI.sub("", text)


def xml_safe(text: str) -> str:
    """Replace characters XML 1.0 cannot carry (escaping cannot help) with U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", strip_bidi(text))


def terminal_safe(text: str) -> str:
    """One line a terminal prints as text: newlines to spaces, controls and bidi removed."""
    if text.isprintable():  # no newline, control or bidi character (none is printable): most text
        return text
    return _TERMINAL_CONTROL.sub("", _NEWLINES.sub(" ", strip_bidi(text)))


def inert_text(text: str) -> str:
    """Text that keeps its lines and tabs but can drive no terminal: other controls and bidi removed
    (for formats a user may print to a terminal, such as CSV)."""
    return strip_bidi(_TERMINAL_CONTROL.sub(_keep_layout, text))


def _keep_layout(match: re.Match[str]) -> str:
    return match.group(0) if match.group(0) in "\r\n\t" else ""


def no_autolinks(text: str) -> str:
    """Text GitHub and GitLab show as it is, without turning any of it into a link.

    GFM's autolink extension links bare ``http(s)://`` URLs, ``www.`` names and e-mail
    addresses (also after ``mailto:`` / ``xmpp:``) with no Markdown syntax at all, and GitHub
    does it again on the rendered text, so escapes do not help. An invisible WORD JOINER inside
    ``://``, after ``www`` and after ``@`` breaks each pattern while the text reads the same.
    """
    return _AUTOLINK_BREAK.sub(lambda m: m.group(0)[:-1] + _JOINER + m.group(0)[-1], text)


def md_escape(value: object) -> MdText:
    """Make any value inert Markdown text that stays inside one table cell.

    HTML-significant ``& < >`` become entities (GitHub renders raw HTML), Markdown syntax
    gets backslash escapes, newlines become ``<br>`` so a table row stays one line.
    """
    if isinstance(value, MdText):
        return value
    text = no_autolinks(strip_bidi(_TERMINAL_CONTROL.sub(_keep_newline, str(value))))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return MdText(_NEWLINES.sub("<br>", text))


def md_html_text(value: object) -> MdText:
    """Text for raw-HTML spots of a Markdown file (``<summary>``), where backslash escapes do not apply.

    HTML-escaped, and Markdown syntax written as numeric character references, which read the
    same whether a renderer treats the line as HTML or as Markdown.
    """
    text = str(markupsafe.escape(no_autolinks(strip_bidi(_TERMINAL_CONTROL.sub(" ", str(value))))))
    return MdText(_MD_SPECIAL.sub(lambda m: f"&#{ord(m.group(1))};", text))


def md_link(url: str) -> MdText:
    """An autolink for a safe http(s) URL; anything else stays escaped text."""
    return MdText(f"<{url}>") if SAFE_URL.match(url) else md_escape(url)


def _keep_newline(match: re.Match[str]) -> str:
    return match.group(0) if match.group(0) in "\r\n" else " "


def money(amount: float | None, currency: str | None = None) -> str:
    """An amount in its currency (``$1.00``, ``CN¥7.10``; USD when not given), as the cost model
    prices it; an em dash where nothing was measured."""
    return format_money(amount, currency or "USD")


def evidence_text(value: object) -> str:
    """One evidence value as reviewers read it: lists comma-separated, booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def truncate(text: str, width: int) -> str:
    """At most ``width`` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
