"""Markup rendering: reStructuredText, Markdown (GFM), HTML and plain text to sanitised HTML.

Every markup field stores three columns (raw text, markup type, rendered HTML); the HTML is produced here when
the row is saved. Everything passes through nh3 with the allow-list of the Django site, except the dialects that
exist to let trusted editors write raw HTML (CMS pages in ``html`` or ``markdown_unsafe``), as on python.org.
"""

from __future__ import annotations

import html
import logging
import re
from enum import StrEnum
from typing import Any

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options as CmarkOptions
from docutils.core import publish_parts
from docutils.utils import SystemMessage

logger = logging.getLogger(__name__)


class MarkupType(StrEnum):
    RESTRUCTUREDTEXT = "restructuredtext"
    MARKDOWN = "markdown"
    MARKDOWN_UNSAFE = "markdown_unsafe"
    HTML = "html"
    TEXT = "text"

    @classmethod
    def parse(cls, value: str) -> MarkupType:
        """Accept our names and Django's (``plain`` is django-markupfield's name for text)."""
        if value == "plain":
            return cls.TEXT
        return cls(value)


#: Labels shown in forms.
MARKUP_CHOICES: dict[str, str] = {
    MarkupType.RESTRUCTUREDTEXT: "reStructuredText",
    MarkupType.MARKDOWN: "Markdown",
    MarkupType.MARKDOWN_UNSAFE: "Markdown (raw HTML allowed)",
    MarkupType.HTML: "HTML",
    MarkupType.TEXT: "Plain text",
}

#: Dialects whose raw HTML is kept when the author is trusted (CMS page editors).
TRUSTED_DIALECTS = frozenset({MarkupType.HTML, MarkupType.MARKDOWN_UNSAFE})

# The allow-list of pydotorg/markup.py on the Django site.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "div", "dl",
        "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
        "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})

_RST_SETTINGS: dict[str, Any] = {
    "raw_enabled": False,
    "file_insertion_enabled": False,
    "halt_level": 5,  # never raise: problems are reported inside the output instead
    "report_level": 3,  # show errors and severe problems, hide warnings and info
    "doctitle_xform": False,
    "initial_header_level": 2,
    "syntax_highlight": "short",
    "input_encoding": "unicode",
    "output_encoding": "unicode",
    "warning_stream": False,
    "traceback": False,
    "_disable_config": True,
    "embed_stylesheet": False,
}

_URL_RE = re.compile(r"(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])")


def sanitise(value: str) -> str:
    """Clean HTML with the site's allow-list."""
    return nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel="noopener noreferrer",
    )


def render_restructuredtext(source: str) -> str:
    try:
        parts = publish_parts(source=source, writer="html5", settings_overrides=_RST_SETTINGS)
    except (SystemMessage, ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        # docutils is robust with halt_level 5, but odd input can still trip a directive: never fail a save.
        logger.warning("reStructuredText could not be rendered: %s", exc)
        return (
            '<div class="system-message"><p class="system-message-title">This text could not be rendered '
            f"as reStructuredText.</p></div><pre>{html.escape(source)}</pre>"
        )
    return str(parts["fragment"])


def render_markdown(source: str, *, unsafe: bool = False) -> str:
    options = CmarkOptions.CMARK_OPT_UNSAFE if unsafe else 0
    return str(cmarkgfm.github_flavored_markdown_to_html(source, options=options))


def render_text(source: str) -> str:
    """Escape, turn URLs into links, blank lines into paragraphs and newlines into ``<br>``."""
    paragraphs = [p for p in re.split(r"\n\s*\n", source.replace("\r\n", "\n").strip()) if p.strip()]
    rendered = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph, quote=True)
        linked = _URL_RE.sub(lambda m: f'<a href="{m.group("url")}">{m.group("url")}</a>', escaped)
        rendered.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return "\n".join(rendered)


def render(source: str | None, markup_type: str, *, trusted: bool = False, escape_html: bool = False) -> str:
    """Render ``source`` written in ``markup_type`` to HTML.

    ``trusted`` keeps raw HTML for the trusted dialects (``html`` and ``markdown_unsafe``); everything else is
    always sanitised. ``escape_html`` (django-markupfield's option, used for user bios) escapes HTML in the
    source before rendering, so ``<b>`` shows as text.
    """
    text = source or ""
    if escape_html:
        text = html.escape(text, quote=False)
    kind = MarkupType.parse(markup_type)
    if kind is MarkupType.RESTRUCTUREDTEXT:
        output = render_restructuredtext(text)
    elif kind is MarkupType.MARKDOWN:
        output = render_markdown(text)
    elif kind is MarkupType.MARKDOWN_UNSAFE:
        output = render_markdown(text, unsafe=True)
    elif kind is MarkupType.HTML:
        output = text
    else:
        output = render_text(text)
    if trusted and kind in TRUSTED_DIALECTS:
        return output
    return sanitise(output)
