"""Accounts, sessions, guards, profiles and PSF membership (Django apps ``users``, ``membership``, allauth)."""
