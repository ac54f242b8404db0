"""Code samples (Django's ``codesamples``): the home page's carousel of short programs with their explanation."""

from __future__ import annotations

import re
from typing import ClassVar

from sqlalchemy import Boolean, Text
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base, ContentManageable, MarkupSpec, markup_rendered_column, markup_type_column


class CodeSample(ContentManageable, Base):
    __tablename__ = "codesamples_codesample"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {"code": MarkupSpec(), "copy": MarkupSpec()}

    code: Mapped[str] = mapped_column(Text, default="")
    code_markup_type: Mapped[str] = markup_type_column("html")
    code_rendered: Mapped[str] = markup_rendered_column("code")
    copy: Mapped[str] = mapped_column(Text, default="")
    copy_markup_type: Mapped[str] = markup_type_column("html")
    copy_rendered: Mapped[str] = markup_rendered_column("copy")
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    def __str__(self) -> str:
        """Django's: the explanation without its tags, cut at 20 characters."""
        text = " ".join(re.sub(r"<[^>]*>", " ", self.copy or "").split())
        return text[:20]
