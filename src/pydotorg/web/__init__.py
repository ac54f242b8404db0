"""Web helpers every section may use: forms and CSRF, rate limits, response-cache invalidation and site-content
versions, JSON errors, Django's slash rule, and the :class:`~pydotorg.web.section.Section` a section registers.

This package sits below the sections and above ``db``: it imports neither ``server`` nor any section.
"""
