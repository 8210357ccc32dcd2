"""An article's text from its HTML, one paragraph per line.

In: an HTML page. Out: plain text (trafilatura's article text, favouring
recall; lxml's text with block elements as line breaks when trafilatura finds
nothing).
"""
from __future__ import annotations

import re


_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
               "section", "article", "header", "footer", "pre", "figcaption", "dd", "dt", "ul", "ol",
               "table", "aside", "main"}


def html_to_text(html: str) -> str:
    """An article's text from HTML: trafilatura (favor recall) with paragraphs as lines;
    plain lxml text with block elements as line breaks when trafilatura finds nothing."""
    if not html or not html.strip():
        return ""
    out = None
    try:
        import trafilatura  # type: ignore

        out = trafilatura.extract(
            html, favor_recall=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False, include_formatting=False,
            output_format="txt", with_metadata=False, deduplicate=False,
        )
    except Exception:  # pragma: no cover - malformed input
        out = None
    if out and out.strip():
        return _tidy_lines(out)
    return _lxml_text(html)


def _tidy_lines(s: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in s.splitlines()]
    return "\n".join(ln for ln in lines if ln)


def _lxml_text(html: str) -> str:
    try:
        import lxml.html  # type: ignore

        root = lxml.html.fromstring(html)
    except Exception:
        return _tidy_lines(re.sub(r"<[^>]+>", " ", html))
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag.lower() in _BLOCK_TAGS:
            parts.append("\n")

    walk(root)
    return _tidy_lines("".join(parts))
