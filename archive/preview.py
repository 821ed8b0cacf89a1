"""What a file would give, shown before anything is stored: `ingest --dry-run` prints it,
and the upload page shows it for correcting (plain data: no Django, nothing written)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from archive import readers
from archive.discovery import SourceFile
from archive.parsing import ParsedArticle, ParsedSection, ParseError

FIRST_PARAGRAPHS = 2
NO_DATE_WARNING = "no date: it will be listed as undated"
FIRST_CHARS = 300


@dataclass(frozen=True)
class ArticlePreview:
    title: str
    standfirst: str
    author: str
    issue_date: date | None
    publication: str
    publication_type: str
    original_url: str
    sections: list[str]
    paragraphs: int
    first_paragraphs: list[str]
    dropped: list[str]
    warnings: list[str]

    @classmethod
    def of(cls, article: ParsedArticle) -> ArticlePreview:
        warnings = list(article.warnings)
        if article.issue_date is None:
            warnings.append(NO_DATE_WARNING)
        paragraphs = article.paragraphs
        return cls(
            title=article.title,
            standfirst=article.standfirst,
            author=article.author,
            issue_date=article.issue_date,
            publication=article.publication,
            publication_type=article.publication_type,
            original_url=article.original_url,
            sections=[
                _section_name(s) for s in article.sections if s.number is not None or s.title
            ],
            paragraphs=len(paragraphs),
            first_paragraphs=[_shortened(p.text) for p in paragraphs[:FIRST_PARAGRAPHS]],
            dropped=list(article.dropped),
            warnings=warnings,
        )


@dataclass
class FilePreview:
    source: SourceFile
    reader: str = ""
    reason: str = ""  # why it cannot be read: then it has no articles
    warnings: list[str] = field(default_factory=list)
    articles: list[ArticlePreview] = field(default_factory=list)


def preview(source_file: SourceFile, max_articles: int | None = None) -> FilePreview:
    """What the file would give; past max_articles (the room an upload has left),
    nothing of it, with the reason."""
    result = FilePreview(source_file)
    if source_file.missing or source_file.refused:
        result.reason = source_file.refused or "no such file or folder"
        return result
    reader = readers.reader_for(source_file.path, source_file.format)
    if reader is None:
        result.reason = readers.no_reader(source_file.path)
        return result
    result.reader = reader.name
    try:
        reading = reader.open(source_file.path)
        result.warnings = list(reading.warnings)
        for article in reading.articles(None):
            if max_articles is not None and len(result.articles) >= max_articles:
                result.articles = []
                result.reason = (
                    f"more articles than the {max_articles:,} there is room for in one "
                    "upload: send it in another"
                )
                break
            result.articles.append(ArticlePreview.of(article))
    except ParseError as error:
        result.reason = str(error)
    except OSError as error:
        result.reason = f"cannot read it: {error.strerror or error}"
    return result


def _section_name(section: ParsedSection) -> str:
    """'2. The Conference'; a heading without a number (a Word heading) by its title."""
    if section.number is None:
        return section.title or ""
    return f"{section.number}. {section.title}"


def _shortened(text: str) -> str:
    return text if len(text) <= FIRST_CHARS else text[: FIRST_CHARS - 1].rstrip() + "…"
