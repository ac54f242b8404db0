"""The legacy redirects python.org's nginx served (its ``config/nginx.conf.erb``), seeded into
``redirects_legacyredirect`` and answered by the 404 fallback with nginx's status codes."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, select

from pydotorg.db.models import LegacyRedirect
from pydotorg.fixtures.legacy_redirects import LEGACY_REDIRECTS

WIKI = "https://wiki.python.org/moin"
#: One request per nginx rule: (request, status nginx answered, Location; www.python.org targets as paths).
CASES = [
    ("/~barry", 301, "http://barry.warsaw.us/"),
    ("/~bwarsaw", 301, "http://barry.warsaw.us/"),
    ("/~guido/images/guido.jpg", 301, "https://gvanrossum.github.io//images/guido.jpg"),
    ("/consortium/", 301, "/psf"),
    ("/psf/codeofconduct/", 301, "/psf/conduct"),
    ("/topics/xml/", 301, "http://pyxml.sourceforge.net/topics"),
    ("/topics/web/", 301, f"{WIKI}/WebProgramming"),
    ("/topics/database/", 301, f"{WIKI}/DatabaseProgramming"),
    ("/doc/topics/database/modules/", 301, f"{WIKI}/DatabaseProgramming"),
    ("/audio/", 301, f"{WIKI}/Audio"),
    ("/contact.html", 301, "/community"),
    ("/community/psf/", 301, "/psf"),
    ("/doc/Summary.html", 301, "http://legacy.python.org/doc/intros/summary"),
    ("/doc/NonEnglish.html", 301, f"{WIKI}/Languages"),
    ("/doc/nonenglish/", 301, f"{WIKI}/Languages"),
    ("/doc/Intros.html", 301, "/about/gettingstarted/"),
    ("/doc/faq/installed/", 301, "https://docs.python.org/faq/installed"),
    ("/doc/faq/gui/", 301, "https://docs.python.org/faq/gui"),
    ("/doc/faq/windows/", 301, "https://docs.python.org/faq/windows"),
    ("/doc/faq/extending/", 301, "https://docs.python.org/faq/extending"),
    ("/doc/faq/library/", 301, "https://docs.python.org/faq/library"),
    ("/doc/faq/design/", 301, "http://docs.python.org/faq/design"),
    ("/doc/faq/programming/", 301, "https://docs.python.org/faq/programming"),
    ("/doc/faq/general/", 301, "https://docs.python.org/faq/general"),
    ("/dev/lists.html", 301, "/community/lists"),
    ("/dev/doc/devel/", 301, "https://docs.python.org/dev"),
    ("/security/", 301, "/news/security"),
    ("/sigs/", 301, "/community/sigs"),
    ("/Jobs.html", 301, "/jobs/"),
    ("/newjobs/1234/", 301, "/jobs/1234/"),
    ("/Help.html", 301, "/about/help"),
    ("/help/", 301, "/about/help"),
    ("/News.html", 301, "/news"),
    ("/2.2.3/descrintro.html", 301, "/download/releases/2.2.3/descrintro/"),
    ("/download/download_linux.html", 301, "/download/linux"),
    ("/download/download_mac.html", 301, "/download/mac"),
    ("/download/download_os2.html", 301, "/download/other"),
    ("/download/download_other.html", 301, "/download/other"),
    ("/download/download_source.html", 301, "/download/source"),
    ("/download/download_win31.html", 301, "/download/windows"),
    ("/download/download_windows.html", 301, "/download/windows"),
    ("/windows/", 301, "/download/windows/"),
    ("/Mirrors.html", 301, "/mirrors/"),
    ("/Mirrors/", 301, "/mirrors/"),
    ("/cgi-bin/moinmoin/FrontPage", 301, WIKI),
    ("/doc/howto/regex/", 301, "https://docs.python.org/dev/howto/index.html"),
    ("/doc/Comparisons.html", 301, f"{WIKI}/LanguageComparisons"),
    ("/python.rdf", 301, "http://legacy.python.org/channews.rdf"),
    ("/mailman-bugs/", 301, "http://sourceforge.net/bugs/?group_id=103"),
    ("/python-bugs/", 301, "http://bugs.python.org/"),
    ("/mailman-bugs", 301, "http://sourceforge.net/bugs/?group_id=103"),
    ("/python-bugs", 301, "http://bugs.python.org/"),
    ("/jpython/", 301, "http://www.jython.org/"),
    ("/mailman/listinfo/python-list", 301, "https://mail.python.org/mailman/listinfo/python-list"),
    ("/pipermail/python-dev/2010-May/", 301, "https://mail.python.org/pipermail/python-dev/2010-May/"),
    ("/pypi/Django?%3Aaction=show", 301, "https://pypi.python.org/pypi/Django?%3Aaction=show"),
    ("/peps/pep-0008.html", 301, "/dev/peps/pep-0008/"),
    ("/peps/", 302, "/dev/peps/"),
    ("/dev/peps/pep-0008/", 302, "https://peps.python.org/pep-0008/"),
    ("/dev/peps", 302, "https://peps.python.org/"),
    ("/peps/pep-0000.txt.html", 301, "/dev/peps/pep-0000.txt/"),
    # nginx tries `^/peps/pep-(.*)\.html$` first; only another .html under /peps/ reaches this one (302).
    ("/peps/intro.html", 302, "https://peps.python.org/intro"),
    ("/sf/1234", 302, "http://legacy.python.org/sf/1234"),
    ("/news/", 302, "/blogs/"),
    ("/news/2013/old-item/", 302, "/blogs/"),
]


def test_every_nginx_rule_has_a_case() -> None:
    """Each seeded rule is the one that answers at least one request above (a new rule needs its case)."""
    from pydotorg.domain.redirects.legacy import Rule, resolve

    rules = [Rule(pattern, match, target, status) for match, pattern, target, status in LEGACY_REDIRECTS]
    used = set()
    for path, _status, _location in CASES:
        bare, _, query = path.partition("?")
        answer = resolve(rules, bare, query)
        used.update(rule.pattern for rule in rules if answer is not None and resolve([rule], bare, query) == answer)
    assert [r.pattern for r in rules if r.pattern not in used] == []


@pytest.mark.parametrize(("path", "status", "location"), CASES)
async def test_legacy_redirect(client: AsyncTestClient[Litestar], path: str, status: int, location: str) -> None:
    response = await client.get(path, follow_redirects=False)
    assert (response.status_code, response.headers.get("location")) == (status, location)


async def test_routes_and_pages_still_win(client: AsyncTestClient[Litestar]) -> None:
    """The rules answer only where nothing else does (nginx applied them first): /jobs/, /community/ and the CMS
    page /news/security/ under nginx's `/news/` rule are still ours."""
    assert (await client.get("/jobs/")).status_code == 200
    assert (await client.get("/community/")).status_code == 200
    assert (await client.get("/news/security/")).status_code == 200


async def test_seeding_again_keeps_an_edited_rule(app: Litestar) -> None:
    from pydotorg.fixtures.legacy_redirects import seed_legacy_redirects

    async with app.state.db_config.get_session() as session:
        rule = (await session.execute(select(LegacyRedirect).where(LegacyRedirect.pattern == "/audio"))).scalar_one()
        original = rule.target
        rule.target = "https://example.org/audio"
        await session.commit()
        try:
            assert not await seed_legacy_redirects(session)
            await session.refresh(rule)
            assert rule.target == "https://example.org/audio"
        finally:
            rule.target = original
            await session.commit()


async def test_a_deleted_rule_stops_answering(app: Litestar, client: AsyncTestClient[Litestar]) -> None:
    from pydotorg.fixtures.legacy_redirects import seed_legacy_redirects

    async with app.state.db_config.get_session() as session:
        await session.execute(delete(LegacyRedirect).where(LegacyRedirect.pattern == "/jpython"))
        await session.commit()
        try:
            assert (await client.get("/jpython/", follow_redirects=False)).status_code == 404
        finally:
            assert (await seed_legacy_redirects(session))["legacy redirects"] == 1
            await session.commit()
