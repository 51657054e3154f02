"""What an evidence upload must be before anything is stored (pure checks)."""
from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from services.submission.domain.evidence import EvidenceRefused, FileTooLarge, check_upload, detect_format, display_name

PDF = b"%PDF-1.4\n%%EOF\n"


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def content_types(*types: str) -> dict[str, bytes]:
    overrides = "".join(f'<Override PartName="/p{n}.xml" ContentType="{t}"/>' for n, t in enumerate(types))
    return {"[Content_Types].xml": f'<Types xmlns="x">{overrides}</Types>'.encode()}


DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
TYPES = content_types()


def test_an_accepted_file_keeps_its_name_for_display_and_gets_its_sha256():
    checked = check_upload("  Báo cáo năm 2026.PDF ", PDF, max_bytes=100)
    assert (checked.name, checked.content_type, checked.size) == ("Báo cáo năm 2026.PDF", "application/pdf", len(PDF))
    assert checked.sha256 == hashlib.sha256(PDF).hexdigest()


@pytest.mark.parametrize("name", ["../x.pdf", "a/b.pdf", "..\\..\\x.pdf", "C:\\temp\\x.pdf", "..", "x\x00.pdf",
                                  "x\n.pdf", "", None, "a" * 300 + ".pdf"])
def test_names_with_paths_or_control_characters_are_refused(name):
    with pytest.raises(EvidenceRefused) as refused:
        display_name(name)
    assert refused.value.reason == "invalid_name"


@pytest.mark.parametrize("data, expected", [
    (PDF, "pdf"),
    (b"\x89PNG\r\n\x1a\n....", "png"),
    (b"\xff\xd8\xff\xe0....", "jpeg"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1....", "ole"),
    (zipped({**TYPES}), None),
    (zipped({**content_types(DOCX_MAIN), "word/document.xml": b"x"}), "docx"),
    (zipped({**content_types(XLSX_MAIN), "xl/workbook.xml": b"x"}), "xlsx"),
    (zipped({**TYPES, "word/document.xml": b"x"}), None),  # a part's name does not make a docx
    (zipped({"word/document.xml": b"x"}), None),
    (zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"x"}), "odt"),
    (zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"x"}), None),
    (b"PK\x03\x04 but not a zip", None),
    (b"plain text", None),
])
def test_formats_are_recognised_by_content(data, expected):
    assert detect_format(data) == expected


def test_size_limit_and_executables():
    with pytest.raises(FileTooLarge):
        check_upload("a.pdf", PDF, max_bytes=len(PDF) - 1)
    for header in (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"#!/bin/sh"):
        with pytest.raises(EvidenceRefused) as refused:
            check_upload("a.pdf", header + b"\x00" * 10, max_bytes=100)
        assert refused.value.reason == "executable"
