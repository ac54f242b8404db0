"""All models, imported here so Alembic and the app see one metadata."""

from pydotorg.db.models.banners import Banner
from pydotorg.db.models.boxes import Box
from pydotorg.db.models.flags import Flag
from pydotorg.db.models.navigation import Menu, MenuItem
from pydotorg.db.models.pages import Page, PageDocument, PageImage
from pydotorg.db.models.redirects import Redirect
from pydotorg.db.models.users import User

__all__ = (
    "Banner",
    "Box",
    "Flag",
    "Menu",
    "MenuItem",
    "Page",
    "PageDocument",
    "PageImage",
    "Redirect",
    "User",
)
