from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pydotorg.lib import markup
from pydotorg.lib.markup import MarkupType, render

DANGEROUS = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<div onclick="steal()">hi</div>',
    '<svg onload="alert(1)"></svg>',
    '<form action="/x"><input name="a"></form>',
    '<p style="background:url(javascript:alert(1))">x</p>',
]


class _Inspector(HTMLParser):
    """Collects what a browser would act on: element names, event handlers and URL attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.handlers: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name == "style":
                self.handlers.append(name)  # not on the allow-list: must never survive
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                self.urls.append(re.sub(r"[\x00-\x20]", "", value or "").lower())


def assert_safe(html: str) -> None:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    assert not inspector.tags & {"script", "iframe", "form", "svg", "object", "embed", "style"}, html
    assert not inspector.handlers, html
    # a browser acts on the scheme: "http://x.org/javascript:y" is a harmless path
    assert not any(url.startswith(("javascript:", "vbscript:", "data:")) for url in inspector.urls), html


def test_restructuredtext_renders_headings_links_and_code() -> None:
    html = render(
        "Title\n=====\n\nSee `docs <https://docs.python.org/>`_.\n\n.. code-block:: python\n\n   x = 1\n",
        "restructuredtext",
    )
    assert "<h2" in html and "Title" in html
    assert 'href="https://docs.python.org/"' in html
    assert "<pre" in html and "x" in html


def test_restructuredtext_raw_and_include_directives_are_disabled() -> None:
    html = render(".. raw:: html\n\n   <script>alert(1)</script>\n\n.. include:: /etc/passwd\n", "restructuredtext")
    assert "<script" not in html
    assert "root:" not in html


def test_broken_restructuredtext_renders_an_error_message_not_an_exception() -> None:
    html = render("Title\n===\n\n.. unknown-directive::\n\n`unterminated", "restructuredtext")
    assert "system-message" in html
    assert "unknown-directive" in html.lower() or "Unknown directive" in html


def test_markdown_is_github_flavoured_and_escapes_raw_html() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\n<script>x</script>\n\nSee https://python.org", "markdown")
    assert "<table>" in html
    assert "<del>2</del>" in html
    assert "<script" not in html
    assert 'href="https://python.org"' in html


def test_markdown_unsafe_keeps_raw_html_only_when_trusted() -> None:
    source = '<div class="note" data-x="1">Hello</div>\n\n<form action="/vote"><button>Vote</button></form>'
    trusted = render(source, "markdown_unsafe", trusted=True)
    assert '<div class="note" data-x="1">Hello</div>' in trusted
    assert '<form action="/vote">' in trusted
    untrusted = render(source, "markdown_unsafe")
    assert "<form" not in untrusted
    assert '<div class="note">Hello</div>' in untrusted


def test_html_is_sanitised_to_the_django_allow_list() -> None:
    html = render(
        '<h3 id="x" style="color:red">T</h3><table><tr><td colspan="2" onclick="x()">c</td></tr></table>',
        "html",
    )
    assert html == '<h3 id="x">T</h3><table><tbody><tr><td colspan="2">c</td></tr></tbody></table>'


def test_links_get_rel_noopener_and_mailto_is_allowed() -> None:
    html = render('<a href="mailto:psf@python.org">mail</a>', "html")
    assert 'href="mailto:psf@python.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_text_is_escaped_linked_and_split_into_paragraphs() -> None:
    html = render("Hello <b>world</b>\nsecond line\n\nVisit https://www.python.org/.", "text")
    assert html == (
        "<p>Hello &lt;b&gt;world&lt;/b&gt;<br>\nsecond line</p>\n"
        '<p>Visit <a href="https://www.python.org/" rel="noopener noreferrer">https://www.python.org/</a>.</p>'
    )


def test_django_plain_is_an_alias_of_text() -> None:
    assert MarkupType.parse("plain") is MarkupType.TEXT
    assert render("a & b", "plain") == "<p>a &amp; b</p>"


def test_unknown_markup_type_is_rejected() -> None:
    with pytest.raises(ValueError, match="latex"):
        render("x", "latex")


def test_none_renders_as_empty() -> None:
    assert render(None, "markdown") == ""


@pytest.mark.parametrize("payload", DANGEROUS)
@pytest.mark.parametrize("dialect", ["html", "markdown", "markdown_unsafe", "text", "restructuredtext"])
def test_known_attacks_never_survive_untrusted(payload: str, dialect: str) -> None:
    assert_safe(render(payload, dialect))


@pytest.mark.parametrize("dialect", ["markdown", "restructuredtext", "text"])
@pytest.mark.parametrize("payload", DANGEROUS)
def test_non_raw_dialects_are_sanitised_even_for_trusted_editors(payload: str, dialect: str) -> None:
    assert_safe(render(payload, dialect, trusted=True))


fragments = st.sampled_from(
    [
        "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "<a href=\"javascript:x\">",
        "onload=", "<svg/onload=alert(1)>", "<", ">", "\"", "'", "`", "[x](javascript:alert(1))",
        ".. raw:: html\n\n   ", "<iframe>", "&#106;avascript:", "\n\n", "**b**", "http://x.org", "<p ",
        "style=", "<div onmouseover='x'>", "<ScRiPt>", "<a href='jav&#x09;ascript:alert(1)'>",
    ]
)  # fmt: skip
texts = st.lists(st.one_of(fragments, st.text(max_size=12)), max_size=20).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=texts, dialect=st.sampled_from([m.value for m in MarkupType]))
def test_property_no_script_handler_or_javascript_url_survives(source: str, dialect: str) -> None:
    assert_safe(render(source, dialect))


@settings(max_examples=100, deadline=None)
@given(source=texts)
def test_property_sanitise_is_idempotent(source: str) -> None:
    once = markup.sanitise(source)
    assert markup.sanitise(once) == once
