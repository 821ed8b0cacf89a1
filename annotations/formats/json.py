"""Commonplace's own JSON: lossless, everything an import needs to restore an annotation."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.utils import timezone

from annotations.formats.base import Exporter, chunked, citation
from annotations.models import Annotation, tags_of

JSON_FORMAT = "commonplace-annotations"
JSON_VERSION = 1


class JsonExporter(Exporter):
    """Commonplace's own format: everything an import needs to restore an annotation."""

    extension = "json"
    content_type = "application/json"

    def chunks(self) -> Iterator[str]:
        header = {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "exported": timezone.now().isoformat(),
            "title": self.title,
            "count": self.annotations.count(),
        }
        yield json.dumps(header, ensure_ascii=False)[:-1] + ', "annotations": [\n'
        for index, annotation in enumerate(chunked(self.annotations)):
            yield ("" if index == 0 else ",\n") + json.dumps(
                self.record(annotation), ensure_ascii=False
            )
        yield "\n]}\n"

    def record(self, annotation: Annotation) -> dict:
        article = annotation.article

        def paragraph(p):
            return None if p is None else {"id": p.pk, "position": p.position}

        return {
            "uid": str(annotation.uid),
            "user": {"username": annotation.owner.username},
            "article": {
                "slug": article.slug,
                "title": article.title,
                "source": article.source,
                "order": article.order,
            },
            "paragraph": paragraph(annotation.start_paragraph),
            "start": annotation.start_offset,
            "end_paragraph": paragraph(annotation.end_paragraph),
            "end": annotation.end_offset,
            "quote": annotation.quote,
            "prefix": annotation.prefix,
            "suffix": annotation.suffix,
            "note": annotation.note,
            "tags": [
                {
                    "name": tag.name,
                    "slug": tag.slug,
                    "description": description_for(tag, annotation.audience),
                }
                for tag in tags_of(annotation)
            ],
            "visibility": annotation.visibility,
            "anchor": annotation.anchor,
            "created": annotation.created.isoformat(),
            "modified": annotation.modified.isoformat(),
            # For reading, not importing: the passage's paragraphs are cited as a range,
            # and the ways back to it.
            "citation": citation(annotation),
            "permalink": self.links.permalink(annotation),
            "original_passage_url": self.links.original_passage(annotation) or None,
        }


def description_for(tag, audience: str) -> str:
    """What the tag means to the annotation's own audience: whoever may see the
    annotation may read it, and nobody else's gloss travels with it."""
    return tag.description if tag.audience == audience else ""
