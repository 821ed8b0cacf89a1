"""The one door every backend writes through: haystack's write API (its commands
included) is routed to the backend's own write(), which holds the backend's lock."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from haystack.constants import DJANGO_CT, ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier, get_model_ct


def prepared_documents(index, objects: Iterable, convert=lambda value: value) -> Iterator[dict]:
    """Documents for the objects, as haystack's index defines them."""
    for obj in objects:
        try:
            document = index.full_prepare(obj)
        except SkipDocument:
            continue
        document.pop("boost", None)
        yield {key: convert(value) for key, value in document.items()}


class WritesThroughOneDoor:
    """Haystack's write API routed through the backend's own write(), so that nothing
    (haystack's commands included) bypasses its lock; and haystack's search API closed,
    so that every search goes through answer(), which knows who is asking. Comes first
    among the bases."""

    def update(self, index, iterable, commit=True):
        objects = list(iterable)
        self.write(
            delete_terms=[((ID, get_identifier(obj)),) for obj in objects],
            documents=self.prepare(index, objects),
        )

    def remove(self, obj_or_string, commit=True):
        self.write(delete_terms=[((ID, get_identifier(obj_or_string)),)])

    def clear(self, models=None, commit=True):
        if models is None:
            self.write(replace_all=True)
        else:
            self.write(delete_terms=[((DJANGO_CT, get_model_ct(model)),) for model in models])

    def search(self, query_string, **kwargs):
        raise NotImplementedError("search with answer(SearchSpec): it knows who is asking")
