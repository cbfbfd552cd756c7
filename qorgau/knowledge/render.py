"""Article bodies are Markdown rendered without raw HTML (markdown-it-py) and then cleaned with
nh3 (an allow-list HTML sanitiser), so a `<script>` or a `javascript:` link in a body renders
inert."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h1", "h2", "h3", "h4", "blockquote", "code"}
TAGS |= {"pre", "table", "thead", "tbody", "tr", "th", "td", "br", "hr"}


def render_markdown(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )
