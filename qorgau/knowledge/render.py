"""Article bodies are Markdown rendered without raw HTML (markdown-it-py) and then cleaned with
nh3 (an allow-list HTML sanitiser), so a `<script>` or a `javascript:` link in a body renders
inert. Search snippets use the same renderer for one line's inline Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h1", "h2", "h3", "h4", "blockquote", "code"}
TAGS |= {"pre", "table", "thead", "tbody", "tr", "th", "td", "br", "hr"}
_WORD = re.compile(r"[^\W\d_]+")


INLINE_TAGS = {"strong", "em", "a", "code", "br"}
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")
_BLOCK_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)")


def _clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str) -> str:
    return _clean(_markdown.render(text), TAGS)


def render_snippet(text: str, marked: Callable[[str], bool]) -> str:
    """One line of an article as search snippet: its inline Markdown (bold, links, code) rendered
    like the article, a heading's or list item's marker dropped, and every word of its text for
    which `marked` is true in <mark>. No raw HTML passes: the body's `<b>` shows as text."""
    html = _clean(_markdown.renderInline(_BLOCK_MARKER.sub("", text)), INLINE_TAGS)
    return "".join(
        part
        if _TAG_OR_ENTITY.fullmatch(part)
        else _WORD.sub(lambda m: f"<mark>{m[0]}</mark>" if marked(m[0]) else m[0], part)
        for part in _TAG_OR_ENTITY.split(html)
    )
