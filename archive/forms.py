"""Forms for the archive's own data."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# A line break or other control character in a title or a name would forge lines in the
# files references are exported to (RIS, BibTeX): one line each, as the readers give them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError("One line of text, without control characters.")


class ArticleCorrectionForm(forms.Form):
    """An article's details corrected in an upload's preview, before it is stored."""

    title = forms.CharField(max_length=1000, validators=[one_line])
    author = forms.CharField(
        max_length=255, required=False, validators=[one_line], help_text="Names joined by “and”."
    )
    issue_date = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: undated.",
    )
    publication = forms.CharField(max_length=255, required=False, validators=[one_line])
    original_url = forms.URLField(
        label="Original URL",
        max_length=2000,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where it was first published (http or https).",
    )
