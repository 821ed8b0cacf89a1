"""W3C Web Annotation JSON-LD: an AnnotationCollection whose first page holds every item."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from annotations.anchoring import ArticleText
from annotations.formats.base import Exporter, chunked, tag_names
from annotations.models import Annotation, article_text

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


class JsonLdExporter(Exporter):
    """A W3C Web Annotation AnnotationCollection whose first page holds every item."""

    extension = "jsonld"
    content_type = "application/ld+json"

    def chunks(self) -> Iterator[str]:
        collection = f"{self.links.base}/annotations/export/"
        head = {
            "@context": W3C_CONTEXT,
            "id": collection,
            "type": "AnnotationCollection",
            "label": self.title,
            "total": self.annotations.count(),
        }
        yield json.dumps(head, ensure_ascii=False)[:-1]
        yield f', "first": {{"id": {json.dumps(collection + "#page-1")}, "type": "AnnotationPage",'
        yield ' "startIndex": 0, "items": [\n'
        texts = _ArticleTexts()
        for index, annotation in enumerate(chunked(self.annotations)):
            item = self.item(annotation, texts.get(annotation.article_id))
            yield ("" if index == 0 else ",\n") + json.dumps(item, ensure_ascii=False)
        yield "\n]}}\n"

    def item(self, annotation: Annotation, text: ArticleText) -> dict:
        bodies = []
        if annotation.note:
            bodies.append(
                {
                    "type": "TextualBody",
                    "purpose": "commenting",
                    "format": "text/markdown",
                    "value": annotation.note,
                }
            )
        bodies += [
            {"type": "TextualBody", "purpose": "tagging", "value": name}
            for name in tag_names(annotation)
        ]
        selectors = [
            {
                "type": "TextQuoteSelector",
                "exact": annotation.quote,
                "prefix": annotation.prefix,
                "suffix": annotation.suffix,
            }
        ]
        passage = annotation.passage
        if passage is not None and text.is_valid(passage):
            selectors.append(
                {
                    "type": "TextPositionSelector",
                    "start": text.offset_of(passage.start),
                    "end": text.offset_of(passage.end),
                }
            )
        item = {
            "@context": W3C_CONTEXT,
            # Its IRI is its permalink: stable, public, and the same wherever it is imported.
            "id": self.links.permalink(annotation),
            "type": "Annotation",
            "canonical": f"urn:uuid:{annotation.uid}",
            "creator": {"type": "Person", "nickname": annotation.owner.username},
            "created": _w3c_time(annotation.created),
            "modified": _w3c_time(annotation.modified),
            "motivation": _motivation(annotation, bodies),
            "target": self.targets(annotation, selectors),
        }
        if bodies:
            item["body"] = bodies
        return item

    def targets(self, annotation: Annotation, selectors: list[dict]) -> dict | list[dict]:
        """The passage in the article here; and, where the article first appeared on
        another page, the same passage there, named by its quote and by the text-fragment
        link that opens it (the specific resource's IRI)."""
        here = {"source": self.links.article(annotation), "selector": selectors}
        original = self.links.original_passage(annotation)
        if not original:
            return here
        elsewhere = {
            "id": original,
            "type": "SpecificResource",
            "source": annotation.article.original_url,
            "selector": selectors[0],
        }
        return [here, elsewhere]


def _motivation(annotation: Annotation, bodies: list) -> str:
    if annotation.note:
        return "commenting"
    return "tagging" if bodies else "highlighting"


def _w3c_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class _ArticleTexts:
    """Article texts for position selectors, one article at a time: exports run in
    reading order, so keeping the last one is enough and memory stays flat."""

    def __init__(self):
        self.article_id, self.text = None, None

    def get(self, article_id: int) -> ArticleText:
        if article_id != self.article_id:
            self.article_id, self.text = article_id, article_text(article_id)
        return self.text
