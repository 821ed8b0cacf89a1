"""Forms for the archive's own data."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from archive.models import Article
from archive.parsing import CONTROL_CHARACTERS, WEB_SCHEMES


def one_line(value: str) -> None:
    """A line break or other control character in a title or a name would forge lines in
    the files references are exported to (RIS, BibTeX): one line each, as readers give."""
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError("One line of text, without control characters.")


_NOT_A_WEB_ADDRESS = "Enter a web address starting with http:// or https://."


class WebAddressField(forms.URLField):
    """An http or https address; anything else (javascript:, ftp:) is told so, once."""

    default_validators = [URLValidator(schemes=list(WEB_SCHEMES), message=_NOT_A_WEB_ADDRESS)]
    default_error_messages = {"invalid": _NOT_A_WEB_ADDRESS}


class ArticleCorrectionForm(forms.Form):
    """An article's details corrected in an upload's preview, before it is stored; the
    fields are archive.corrections.CORRECTABLE."""

    title = forms.CharField(max_length=1000, validators=[one_line])
    standfirst = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The line under the title that sums the article up.",
    )
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
    publication_type = forms.ChoiceField(
        label="Published in",
        required=False,
        choices=[("", "Not said (cited as a magazine)"), *Article.PublicationType.choices],
    )
    original_url = WebAddressField(
        label="Original URL",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="Where it was first published.",
    )
