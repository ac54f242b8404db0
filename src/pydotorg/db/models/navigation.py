"""The navigation menu tree (python.org's django-sitetree ``main`` tree)."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import Base


class Menu(Base):
    __tablename__ = "navigation_menu"

    alias: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    items: Mapped[list[MenuItem]] = relationship(back_populates="menu", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class MenuItem(Base):
    __tablename__ = "navigation_menuitem"

    menu_id: Mapped[int] = mapped_column(ForeignKey("navigation_menu.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("navigation_menuitem.id", ondelete="CASCADE"), nullable=True, index=True
    )
    title: Mapped[str] = mapped_column(String(100))
    hint: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(200), default="")
    alias: Mapped[str | None] = mapped_column(String(80), nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    inmenu: Mapped[bool] = mapped_column(Boolean, default=True)

    menu: Mapped[Menu] = relationship(back_populates="items")

    def __str__(self) -> str:
        return self.title
