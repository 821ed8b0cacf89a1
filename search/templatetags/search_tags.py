from django import template

from search.query import SearchRequest

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, key)


@register.simple_tag
def search_url(search: SearchRequest, **changes) -> str:
    """This search's URL with some parameters changed; any change returns to page one."""
    return "?" + search.query_string(**changes)


@register.simple_tag
def facet_url(search: SearchRequest, name: str, value: str) -> str:
    """Select a facet value, or clear it when it is already selected."""
    selected = search.filters.get(name) == value
    changes = {name: None if selected else value}
    if name == "article":
        changes["section"] = None  # a section number means another thing in another article
    return "?" + search.query_string(**changes)
