"""What an import reads a record as, whichever format it came in, and how it fails."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from annotations.models import Annotation

MAX_PROBLEMS_SHOWN = 20


class ImportFailed(Exception):
    """The file was not imported; problems says why, one line per record at fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown + ([f"... and {more} more"] if more else [])))


class RecordProblem(Exception):
    """One record's fault."""


@dataclass
class Record:
    number: int  # 1-based, for messages
    uid: uuid.UUID
    username: str
    article: str  # slug
    quote: str
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    tags: list[tuple[str, str]] = field(default_factory=list)  # (name, description)
    visibility: str = Annotation.Visibility.PRIVATE
    created: datetime | None = None
    modified: datetime | None = None
    orphaned: bool = False
    # Where the passage was: by paragraph position (our JSON) or in the article text (JSON-LD).
    positions: tuple[int, int, int, int] | None = None  # start ¶, start, end ¶, end
    offsets: tuple[int, int] | None = None
