"""All models, imported here so Alembic and the app see one metadata."""

from pydotorg.db.models.banners import Banner
from pydotorg.db.models.boxes import Box
from pydotorg.db.models.downloads import OS, Release, ReleaseFile
from pydotorg.db.models.flags import Flag
from pydotorg.db.models.navigation import Menu, MenuItem
from pydotorg.db.models.pages import Page, PageDocument, PageImage
from pydotorg.db.models.redirects import Redirect
from pydotorg.db.models.users import (
    AdminLogEntry,
    ApiKey,
    EmailAddress,
    EmailConfirmation,
    Group,
    Membership,
    Permission,
    Token,
    User,
    UserGroup,
)

__all__ = (
    "OS",
    "AdminLogEntry",
    "ApiKey",
    "Banner",
    "Box",
    "EmailAddress",
    "EmailConfirmation",
    "Flag",
    "Group",
    "Membership",
    "Menu",
    "MenuItem",
    "Page",
    "PageDocument",
    "PageImage",
    "Permission",
    "Redirect",
    "Release",
    "ReleaseFile",
    "Token",
    "User",
    "UserGroup",
)
