"""Events: community calendars (``/events/``)."""
