"""Database layer: declarative base, mixins, models and migrations."""
