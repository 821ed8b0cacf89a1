"""What the export form needs to know about the page's reader."""

from django import template

from annotations.permissions import Viewer
from archive.styles import STYLES

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_sees_no_annotations(context) -> bool:
    """Whether the visitor could see no annotation whatever is written (an anonymous
    visitor, unless ANONYMOUS_READS_SHARED): an export would be an empty book."""
    request = context.get("request")
    return Viewer.of(getattr(request, "user", None)).sees_nothing


@register.simple_tag
def citation_styles() -> list:
    """The styles a book's reference list can be in, the default first."""
    return list(STYLES.values())
