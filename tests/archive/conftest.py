from pathlib import Path

import docx
import pytest

# A paragraph for write_docx: its text ("\n" is a line break within it, as Nexis puts
# before "End of Document"), or (text, style name), or a table as rows of cell texts.
DocxItem = str | tuple[str, str] | list[list[str]]


@pytest.fixture
def write_docx(tmp_path):
    """Write a Word file, made with python-docx as Word would save it, under tmp_path."""

    def write(name: str, items: list[DocxItem]) -> Path:
        document = docx.Document()
        for item in items:
            if isinstance(item, list):
                table = document.add_table(rows=len(item), cols=len(item[0]))
                for row, texts in zip(table.rows, item, strict=True):
                    for cell, text in zip(row.cells, texts, strict=True):
                        cell.text = text
            elif isinstance(item, tuple):
                document.add_paragraph(item[0], style=item[1])
            else:
                document.add_paragraph(item)
        path = tmp_path / name
        document.save(path)
        return path

    return write
