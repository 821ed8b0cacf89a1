"""What the search tests share: asking /api/search, and what a pattern finds."""

import re


def api(client, **params) -> dict:
    response = client.get("/api/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def hit_ids(data: dict) -> set[int]:
    return {hit["paragraph_id"] for hit in data["results"]}


def paragraphs_matching(pattern: str) -> set[int]:
    from archive.models import Paragraph

    regex = re.compile(pattern, re.IGNORECASE)
    return {p.pk for p in Paragraph.objects.all() if regex.search(p.text)}
