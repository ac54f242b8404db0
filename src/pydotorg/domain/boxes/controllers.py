"""``/box/<label>/``: a box's rendered HTML, without the layout (the supernav panels load these)."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.exceptions import NotFoundException

from pydotorg.web.site_content import ensure_site_content


@get("/box/{label:str}/", name="box", media_type=MediaType.HTML)
async def box_detail(request: Request[Any, Any, Any], label: str) -> Response[str]:
    content = await ensure_site_content(request)
    if label not in content.boxes:
        raise NotFoundException(detail=f"No box labelled {label!r}")
    return Response(content.boxes[label], media_type=MediaType.HTML, headers={"Cache-Control": "max-age=300"})
