"""Django's ``StoryForm``: what a signed-in user fills in to submit a story."""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from pydotorg.lib.forms import SiteForm


def _http_url(_form: Any, field: Any) -> None:
    if field.data and not str(field.data).lower().startswith(("http://", "https://")):
        raise ValidationError("Enter a valid URL starting with http:// or https://.")


class StoryForm(SiteForm):
    name = StringField("Story name", [DataRequired(), Length(max=200)])
    company_name = StringField("Company name", [DataRequired(), Length(max=500)])
    company_url = URLField("Company URL", [DataRequired(), Length(max=200), _http_url])
    category = SelectField("Category", [DataRequired(message="Choose a category.")], coerce=int)
    author = StringField("Author", [DataRequired(), Length(max=500)])
    author_email = EmailField("Author e-mail", [DataRequired(), Email(), Length(max=100)])
    pull_quote = TextAreaField("Pull quote", [DataRequired(), Length(max=2_000)])
    content = TextAreaField(
        "Content",
        [DataRequired(), Length(max=50_000)],
        description="Markdown: *emphasis*, **strong**, [links](https://example.org/), lists with -.",
    )

    def fill(self, story: Any) -> None:
        """Copy the validated fields onto a story (the category is an id)."""
        for name in ("name", "company_name", "company_url", "author", "author_email", "pull_quote", "content"):
            setattr(story, name, str(getattr(self, name).data).strip())
        story.category_id = self.category.data
