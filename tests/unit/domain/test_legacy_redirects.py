"""The nginx precedence of the legacy redirect rules, on rules given in memory."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pydotorg.domain.redirects.legacy import LegacyTarget, Rule, expand, pattern_error, resolve

RULES = [
    Rule("/help", "prefix", "/about/help", 301),
    Rule("/help/faq", "prefix", "/faq/", 301),
    Rule("/exact", "exact", "/elsewhere/", 302),
    Rule(r"^/help/(\d+)$", "regex", "/numbered/$1/", 302),
    Rule(r"^/pypi(.*)$", "regex", "https://pypi.python.org/pypi$1?$args", 301),
    Rule(r"^/sf(.*)$", "regex", "http://legacy.python.org/sf$1$is_args$args", 302),
    Rule(r"^/broken(", "regex", "/never", 301),
]


def test_a_regular_expression_wins_over_a_prefix_as_in_nginx() -> None:
    assert resolve(RULES, "/help/42") == LegacyTarget("/numbered/42/", 302)


def test_the_longest_prefix_wins() -> None:
    assert resolve(RULES, "/help/faq/x") == LegacyTarget("/faq/", 301)
    assert resolve(RULES, "/helpdesk") == LegacyTarget("/about/help", 301)


def test_exact_rules_match_only_the_whole_path() -> None:
    assert resolve(RULES, "/exact") == LegacyTarget("/elsewhere/", 302)
    assert resolve(RULES, "/exact/more") is None


def test_nginx_variables() -> None:
    # nginx: `return 301 https://pypi.python.org/pypi$1?$args;` leaves the "?" even without a query.
    assert resolve(RULES, "/pypi/Django", "") == LegacyTarget("https://pypi.python.org/pypi/Django?", 301)
    assert resolve(RULES, "/pypi/Django", "a=1") == LegacyTarget("https://pypi.python.org/pypi/Django?a=1", 301)
    assert resolve(RULES, "/sf/123", "") == LegacyTarget("http://legacy.python.org/sf/123", 302)
    assert resolve(RULES, "/sf", "id=5") == LegacyTarget("http://legacy.python.org/sf?id=5", 302)


def test_a_broken_expression_is_skipped_and_refused_in_the_admin() -> None:
    assert resolve(RULES, "/broken(") is None
    assert pattern_error("regex", r"^/broken(") is not None
    assert pattern_error("prefix", "no-slash") is not None
    assert pattern_error("sometimes", "/x") is not None
    assert pattern_error("regex", r"^/ok$") is None


def test_captured_text_is_percent_encoded_in_the_location() -> None:
    assert expand("/x/$1", ["a b\r\nSet-Cookie: y"], "") == "/x/a%20b%0D%0ASet-Cookie:%20y"
    assert expand("/x/$2$0", ["a"], "") == "/x/"


@given(path=st.text(max_size=60).map(lambda s: "/" + s), query=st.text(max_size=20))
def test_any_path_resolves_without_error_and_never_to_a_header_break(path: str, query: str) -> None:
    target = resolve(RULES, path, query.replace("\r", "").replace("\n", ""))
    if target is not None:
        assert target.status_code in (301, 302)
        assert "\n" not in target.location
        assert "\r" not in target.location
