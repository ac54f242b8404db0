"""The site-wide announcement bar."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from pydotorg.db.base import Base


class Banner(Base):
    __tablename__ = "banners_banner"

    title: Mapped[str] = mapped_column(String(1024))
    message: Mapped[str] = mapped_column(String(2048))
    link: Mapped[str] = mapped_column(String(1024))
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    psf_pages_only: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self) -> str:
        return self.title
