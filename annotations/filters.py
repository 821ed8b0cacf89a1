"""The one set of filters over annotations, for the list page, the API, exports on the web
and the export command alike: parsed and checked here, applied here, written back into a
query string here. A filter that one of them knew and another ignored exported every
annotation where the page showed a few."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.text import slugify

from annotations.formats import FORMATS, GROUPS
from annotations.models import Annotation, Tag, TaggedAnnotation
from annotations.permissions import Viewer
from annotations.serializers import MAX_TAG_CHARS
from archive.models import Article
from archive.styles import STYLES

MAX_QUERY_CHARS = 200
# More than anyone selects by hand; a request naming more is refused up front.
MAX_TAG_FILTERS = 500
TAGS_IN_TITLE = 5  # a book's title names this many of its tags, and counts the rest
DATE_MESSAGE = "Give a date such as 2024-05-17."
_YES = ("1", "true", "yes", "on")


class TagNamesField(forms.Field):
    """Every `tag` in the query string (any of them, by slug or by name), blanks left out."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        values = [value] if isinstance(value, str) else value or []
        return [name.strip() for name in values if name.strip()]

    def validate(self, value: list[str]) -> None:
        if len(value) > MAX_TAG_FILTERS:
            raise ValidationError(
                f"An export can name at most {MAX_TAG_FILTERS} tags, and this one names "
                f"{len(value):,}: name fewer, or export without a tag filter."
            )
        if any(len(name) > MAX_TAG_CHARS for name in value):
            raise ValidationError(f"A tag has at most {MAX_TAG_CHARS} characters.")
        if any("\x00" in name for name in value):
            # As Django's text fields say it: PostgreSQL cannot compare text with a NUL.
            raise ValidationError("Null characters are not allowed.")


class YesField(forms.Field):
    """A flag that is on for 1, true, yes or on (any case) and off for anything else, as
    a checkbox or a hand-written link sends it."""

    def to_python(self, value) -> bool:
        return str(value or "").strip().lower() in _YES


def _date_field() -> forms.DateField:
    return forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], error_messages={"invalid": DATE_MESSAGE}
    )


class AnnotationFilters(forms.Form):
    tag = TagNamesField(required=False)
    article = forms.CharField(max_length=255, required=False)  # a slug
    user = forms.CharField(max_length=150, required=False)  # the annotator's username
    visibility = forms.ChoiceField(
        choices=[("", "any"), *Annotation.Visibility.choices], required=False
    )
    since = _date_field()  # created on or after
    until = _date_field()  # created on or before
    q = forms.CharField(max_length=MAX_QUERY_CHARS, required=False)  # in the note or quote
    orphaned = YesField(required=False)

    def apply(self, annotations: QuerySet) -> QuerySet:
        """The annotations given, narrowed: pass only what the reader may see
        (Annotation.objects.visible_to), so that no filter shows more."""
        data = self.cleaned_data
        if data["tag"]:
            tagged = TaggedAnnotation.objects.filter(tag_id__in=self.tag_ids())
            annotations = annotations.filter(pk__in=tagged.values("content_object_id"))
        if data["article"]:
            annotations = annotations.filter(article__slug=data["article"])
        if data["user"]:
            annotations = annotations.filter(owner__username=data["user"])
        if data["visibility"]:
            annotations = annotations.filter(visibility=data["visibility"])
        if data["since"]:
            annotations = annotations.filter(created__date__gte=data["since"])
        if data["until"]:
            annotations = annotations.filter(created__date__lte=data["until"])
        if data["q"]:
            annotations = annotations.containing(data["q"])
        if data["orphaned"]:
            annotations = annotations.filter(anchor=Annotation.Anchor.ORPHANED)
        return annotations

    def tag_ids(self) -> list[int]:
        """The tags named, by slug or by name in any case, looked up once: every query
        then holds a list of ids, never a condition per tag (SQLite refuses an expression
        more than 1,000 deep, which cut a Markdown book by 300 tags short)."""
        tags = self.cleaned_data["tag"]
        named = Tag.objects.annotate(lower_name=Lower("name")).filter(
            Q(slug__in=tags) | Q(name__in=tags) | Q(lower_name__in=[tag.lower() for tag in tags])
        )
        return list(named.values_list("pk", flat=True))

    def selected(self) -> dict:
        """The filters in use, by name: what the page shows as chosen."""
        return {name: value for name, value in self.cleaned_data.items() if value}

    def items(self) -> list[tuple[str, str]]:
        """(name, value) for each filter in use, a tag once per tag, as a query string
        holds them: the export form carries them as hidden fields, as it carries the
        {name: value} filters of a tag's or an article's page."""
        pairs = []
        for name, value in self.selected().items():
            values = value if isinstance(value, list) else [value]
            pairs += [(name, _query_value(v)) for v in values]
        return pairs

    def query_string(self) -> str:
        return urlencode(self.items())

    def scope(self) -> str:
        """A few words for a file name: what this selection holds."""
        data = self.cleaned_data
        parts = [data["article"], *data["tag"], data["user"]]
        return slugify(" ".join(part for part in parts if part))[:60] or "annotations"

    def title(self, viewer: Viewer) -> str:
        """A book's title, naming what the selection holds as a reader would: the
        article's title, the tags' names (of tags the viewer may see; any other as given),
        whose annotations."""
        data = self.cleaned_data
        parts = []
        if data["article"]:
            article = Article.objects.filter(slug=data["article"]).first()
            parts.append(article.title if article else data["article"])
        for value in data["tag"][:TAGS_IN_TITLE]:
            tag = viewer.tag_named(Tag.objects, value)
            parts.append(tag.name if tag else value)
        more = len(data["tag"]) - TAGS_IN_TITLE
        if more > 0:
            parts.append(f"{more} more tag{'' if more == 1 else 's'}")
        if data["user"]:
            parts.append(f"annotated by {data['user']}")
        return "Commonplace book" + (f": {'; '.join(parts)}" if parts else "")

    def problems(self) -> list[str]:
        """One line per field at fault, naming it."""
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in self.errors.items()
            for message in messages
        ]


class ExportForm(AnnotationFilters):
    """A download: the filters, and the format and grouping to export in."""

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
    style = forms.ChoiceField(
        choices=[(name, style.label) for name, style in STYLES.items()],
        required=False,
        error_messages={"invalid_choice": f"Cite in one of the styles: {', '.join(STYLES)}."},
        help_text="The reference list's style (Markdown and Word).",
    )
    field_order = ["format", "group", "style"]


def _query_value(value) -> str:
    if value is True:
        return "1"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
