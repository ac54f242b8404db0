"""``/search/?q=…&page=N`` (20 results a page, Django's URL) and ``/search/suggest?q=`` (JSON typeahead)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.response import Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.lib.forms import is_number
from pydotorg.web.cache import cache_policy
from pydotorg.web.search import MAX_QUERY, QueryProblem, search, suggest

#: Results change with any content: short-lived in browsers, purged with the whole site at the CDN.
CACHED = cache_policy("search", max_age=60)


class SearchController(Controller):
    path = "/search"
    include_in_schema = False

    @get("/", name="search", **CACHED)
    async def results(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        query = request.query_params.get("q", "")
        raw_page = request.query_params.get("page", "1")
        if not is_number(raw_page) or int(raw_page) < 1:
            raise NotFoundException("That page number is not an integer.")
        context: dict[str, Any] = {"query": query, "results": None, "problem": None, "max_query": MAX_QUERY}
        status = 200
        if query:
            try:
                results = await search(db_session, query, int(raw_page))
            except QueryProblem as problem:
                context["problem"] = str(problem)
                status = HTTP_400_BAD_REQUEST if len(query) > MAX_QUERY else 200
            else:
                if results.number > results.pages and results.total:
                    raise NotFoundException("That page contains no results.")
                context["results"] = results
        return Template(
            template_name="search/results.html", context=context, media_type=MediaType.HTML, status_code=status
        )

    @get("/suggest", name="search_suggest", opt={"append_slash": False}, **CACHED)
    async def typeahead(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        return Response(await suggest(db_session, request.query_params.get("q", "")), media_type=MediaType.JSON)
