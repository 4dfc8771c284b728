"""A tiny, safe renderer for the Markdown subset rule texts use ("Why it matters", "How to fix").

Rule texts carry ready-to-paste AWS CLI in fenced code blocks, a few paragraphs and bullet
lists. A full Markdown library would pass raw HTML through; this one knows only paragraphs,
bullet and numbered lists, fenced code and inline code spans, and escapes every piece of text
*before* wrapping it in markup, so a third-party rule pack cannot inject HTML into a report.
The same parse feeds the HTML report (``to_html``) and the Markdown report (``to_markdown``,
which re-emits the structure with escaped text and fences no content can close).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from vpcaudit.render.text import MdText, md_escape, strip_bidi, terminal_safe

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w.+-]*)\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_BACKTICK_RUN = re.compile(r"`+")


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CodeBlock:
    language: str
    code: str


Block = Paragraph | ListBlock | CodeBlock


def parse(text: str) -> tuple[Block, ...]:
    """Split rule text into blocks; anything unrecognised is a paragraph (never dropped)."""
    lines = strip_bidi(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []
    ordered = False
    i = 0

    def flush() -> None:
        nonlocal items
        if para:
            blocks.append(Paragraph(" ".join(s.strip() for s in para)))
            para.clear()
        if items:
            blocks.append(ListBlock(ordered, tuple(items)))
            items = []

    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush()
            indent, marker, language = fence.groups()
            body: list[str] = []
            i += 1
            while i < len(lines) and not _closes(lines[i], marker):
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
                i += 1
            blocks.append(CodeBlock(language, "\n".join(body)))
            i += 1
            continue
        bullet = _BULLET.match(line)
        numbered = None if bullet else _NUMBERED.match(line)
        item = bullet or numbered
        if item:
            if para or (items and ordered != bool(numbered)):
                flush()
            ordered = bool(numbered)
            items.append(item.group(1).strip())
        elif not line.strip():
            flush()
        elif items and line[:1].isspace():
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            if items:
                flush()
            para.append(line)
        i += 1
    flush()
    return tuple(blocks)


def _closes(line: str, marker: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(marker) and set(stripped) == {marker[0]}


def to_html(text: str) -> Markup:
    """HTML for rule text: every text run escaped first, then wrapped in fixed tags."""
    out: list[Markup] = []
    for block in parse(text):
        if isinstance(block, CodeBlock):
            lang = Markup(' class="language-{}"').format(block.language) if block.language else Markup("")
            out.append(Markup("<pre><code{}>{}</code></pre>").format(lang, block.code))
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            lis = Markup("").join(Markup("<li>{}</li>").format(_inline_html(item)) for item in block.items)
            out.append(Markup(f"<{tag}>") + lis + Markup(f"</{tag}>"))
        else:
            out.append(Markup("<p>{}</p>").format(_inline_html(block.text)))
    return Markup("\n").join(out)


def _inline_html(text: str) -> Markup:
    parts: list[Markup] = []
    pos = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(escape(text[pos:span.start()]))
        parts.append(Markup("<code>{}</code>").format(span.group(2).strip()))
        pos = span.end()
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def to_markdown(text: str) -> MdText:
    """Markdown for rule text: same structure, text escaped, code fenced beyond any run inside."""
    out: list[str] = []
    for block in parse(text):
        if isinstance(block, CodeBlock):
            fence = "`" * max(3, _longest_run(block.code) + 1)
            out.append(f"{fence}{block.language}\n{block.code}\n{fence}")
        elif isinstance(block, ListBlock):
            out.append("\n".join(f"{n}. {_inline_md(item)}" if block.ordered else f"- {_inline_md(item)}"
                                 for n, item in enumerate(block.items, 1)))
        else:
            out.append(_inline_md(block.text))
    return MdText("\n\n".join(out))


def _inline_md(text: str) -> str:
    parts: list[str] = []
    pos = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(md_escape(text[pos:span.start()]))
        parts.append(code_span(span.group(2).strip()))
        pos = span.end()
    parts.append(md_escape(text[pos:]))
    return "".join(parts)


def code_block(code: str, language: str = "") -> MdText:
    """A fenced code block that no content can close (its fence outlasts every backtick run
    inside); bidi and control characters other than newlines are removed."""
    clean = "\n".join(terminal_safe(line) for line in code.split("\n"))
    fence = "`" * max(3, _longest_run(clean) + 1)
    return MdText(f"{fence}{language}\n{clean}\n{fence}")


def code_span(code: str) -> MdText:
    """A Markdown code span whose delimiters are longer than any backtick run inside it."""
    ticks = "`" * (_longest_run(code) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return MdText(f"{ticks}{pad}{code}{pad}{ticks}")


def _longest_run(text: str) -> int:
    return max((len(m.group(0)) for m in _BACKTICK_RUN.finditer(text)), default=0)
