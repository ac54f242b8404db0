"""The event submission form (Django's ``EventForm``), with the date checks Django left out."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from pydotorg.lib.forms import SiteForm

EVENT_TYPES = "Conference, sprint, user group meeting, training, ..."


class EventForm(SiteForm):
    event_name = StringField("Event name", [DataRequired(), Length(max=200)])
    event_type = StringField(
        "Event type", [DataRequired(), Length(max=100)], description="Conference, sprint, user group, training…"
    )
    python_focus = StringField(
        "Python focus", [DataRequired(), Length(max=100)], description="e.g. data science, web, the language itself"
    )
    expected_attendees = StringField("Expected attendees", [DataRequired(), Length(max=20)])
    location = StringField("Location", [DataRequired(), Length(max=255)], description="City and country, or online")
    date_from = DateField("Date from", [DataRequired(message="Enter a valid date.")])
    date_to = DateField("Date to", [DataRequired(message="Enter a valid date.")])
    recurrence = StringField(
        "Recurrence", [Optional(), Length(max=100)], description="For a recurring event: how often it happens"
    )
    link = URLField("Link", [DataRequired(), Length(max=200)])
    description = TextAreaField("Description", [DataRequired(), Length(max=10_000)])

    def validate_date_to(self, field: Any) -> None:
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError("The event cannot end before it starts.")

    def validate_link(self, field: Any) -> None:
        if field.data and not str(field.data).lower().startswith(("http://", "https://")):
            raise ValidationError("Enter a valid URL starting with http:// or https://.")
