"""What a download on the web asks for, checked before anything is exported."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from annotations.exporting import FORMATS, GROUPS, ExportFilters
from annotations.models import Annotation
from annotations.serializers import MAX_TAG_CHARS

MAX_QUERY_CHARS = 200
DATE_MESSAGE = "Give a date such as 2024-05-17."


class TagNamesField(forms.Field):
    """Every `tag` in the query string (any of them), blanks left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        return [name.strip() for name in value or [] if name.strip()]

    def validate(self, value: list[str]) -> None:
        # How many may be named is ExportFilters' rule, for the command line too.
        if any(len(name) > MAX_TAG_CHARS for name in value):
            raise ValidationError(f"A tag has at most {MAX_TAG_CHARS} characters.")


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        choices=[(name, name) for name in FORMATS],
        required=False,
        error_messages={"invalid_choice": f"Export as one of: {', '.join(FORMATS)}."},
    )
    group = forms.ChoiceField(
        choices=[(name, name) for name in GROUPS],
        required=False,
        error_messages={"invalid_choice": f"Group by one of: {', '.join(GROUPS)}."},
    )
    tag = TagNamesField(required=False)
    article = forms.CharField(max_length=255, required=False)
    user = forms.CharField(max_length=150, required=False)
    visibility = forms.ChoiceField(
        choices=[("", "any"), *Annotation.Visibility.choices], required=False
    )
    since = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": DATE_MESSAGE}
    )
    until = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": DATE_MESSAGE}
    )
    q = forms.CharField(max_length=MAX_QUERY_CHARS, required=False)

    def filters(self) -> ExportFilters:
        data = self.cleaned_data
        return ExportFilters(
            tags=data["tag"],
            article=data["article"] or None,
            user=data["user"] or None,
            visibility=data["visibility"] or None,
            since=data["since"],
            until=data["until"],
            q=data["q"] or None,
        )

    def problems(self) -> list[str]:
        """One line per field at fault, naming it."""
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in self.errors.items()
            for message in messages
        ]
