"""Annotations in, from Commonplace's JSON or its W3C Web Annotation JSON-LD.

All or nothing: every record is read and checked before anything is written, and a file
with one bad record writes nothing and says which record is wrong and why. Idempotent:
an annotation already here (the same uid) is left as it is. Paragraph ids differ between
databases, so a passage is placed by its article and paragraph position, and re-anchored
by its quote, prefix and suffix where the text differs, as ingest does.

Records are held to what the API allows (note, tag and context lengths, text a database
can store), and an import never gives an annotation to someone who already has an
account here unless it says so: `as_user` makes every annotation one user's, and
`keep_annotators` (a trusted restore) gives each to the user of its name.
"""

from annotations.formats.importing.reading import read_bytes, read_file
from annotations.formats.importing.records import ImportFailed, Record
from annotations.formats.importing.writing import ImportReport, import_records

__all__ = ["ImportFailed", "ImportReport", "Record", "import_records", "read_bytes", "read_file"]
