"""Each class of hostile evidence file the security review found, refused or cleaned: checked
by its whole content (domain checks, then the parsers in adapters/content_inspection.py)."""
from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from services.submission.adapters.content_inspection import ContentInspector, antivirus_from_url
from services.submission.domain.evidence import EvidenceRefused, Quota, check_upload, display_name
from shared.domain.errors import Unavailable
from tests.support.cfb import compound_file
from tests.support.documents import zipped
from tests.unit.submission.test_evidence_checks import DOCX_MAIN, content_types

MAX = 25 * 1024 * 1024
INSPECTOR = ContentInspector()


def accept(name: str, data: bytes) -> bytes:
    """What would be stored for this upload (the domain's checks, then the content's)."""
    upload = check_upload(name, data, max_bytes=MAX)
    return INSPECTOR.inspect(upload.name, upload.format, upload.content_type, data)


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(EvidenceRefused) as refused:
        accept(name, data)
    return refused.value.reason


def pdf(configure=None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if configure:
        configure(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


PE = b"MZ" + b"\0" * 58 + (64).to_bytes(4, "little") + b"PE\0\0" + b"\0" * 200


# --- PDF --------------------------------------------------------------------------------------------------

def test_a_plain_pdf_is_accepted_as_it_is():
    data = pdf()
    assert accept("Kế hoạch.pdf", data) == data


def on_open(action: str, **more):
    """Set the document's /OpenAction to an action of type `action`."""
    def configure(writer):
        entries = {NameObject("/S"): NameObject(action)}
        entries.update({NameObject(f"/{key}"): TextStringObject(value) for key, value in more.items()})
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(entries)
    return configure


@pytest.mark.parametrize("configure", [
    on_open("/JavaScript", JS="app.launchURL('http://attacker.example/')"),
    lambda writer: writer.add_attachment("payload.exe", b"MZ..."),  # /EmbeddedFiles
    on_open("/Launch", F="cmd.exe"),
], ids=["javascript-on-open", "embedded-file", "launch-on-open"])
def test_a_pdf_with_scripts_launch_actions_or_embedded_files_is_refused(configure):
    assert refusal("x.pdf", pdf(configure)) == "pdf_active_content"


@pytest.mark.parametrize("suffix", [b"<html><script>alert(1)</script></html>", zipped({"a.txt": b"x"}), PE],
                         ids=["pdf+html", "pdf+zip", "pdf+pe"])
def test_polyglots_are_refused(suffix):
    assert refusal("x.pdf", pdf() + suffix) == "polyglot"


def test_a_pdf_that_does_not_parse_is_refused():
    assert refusal("x.pdf", b"%PDF-1.7\n" + b"garbage " * 50) == "pdf_invalid"


# --- images -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, fmt", [("a.png", "PNG"), ("a.jpg", "JPEG")])
def test_images_are_decoded_and_re_encoded(name, fmt):
    original = image(fmt) + b"trailing payload the viewer never shows"
    stored = accept(name, original)
    assert stored != original and b"trailing payload" not in stored
    assert Image.open(io.BytesIO(stored)).size == (40, 30)


def test_a_jpeg_whose_body_is_html_is_refused():
    assert refusal("a.jpg", b"\xff\xd8\xff\xe0" + b"<p>hello</p>" * 20) in ("polyglot", "image_invalid")
    assert refusal("a.jpg", b"\xff\xd8\xff\xe0" + b"not an image at all " * 20) == "image_invalid"


# --- office documents -------------------------------------------------------------------------------------

def test_a_real_doc_is_accepted_and_arbitrary_content_behind_an_ole_header_is_refused():
    doc = compound_file({"WordDocument": b"Bao cao"})
    assert accept("a.doc", doc) == doc
    assert refusal("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"arbitrary" * 100) == "ole_invalid"
    assert refusal("a.xls", doc) == "content_mismatch"  # a Word file named .xls


def test_ole_macros_are_found_with_oletools():
    with_macros = compound_file({"WordDocument": b"Bao cao", "Macros": {
        "PROJECT": b'ID="{00000000-0000-0000-0000-000000000000}"', "VBA": {"dir": b"\x01", "_VBA_PROJECT": b"\xcc"}}})
    assert refusal("a.doc", with_macros) == "macro"


def test_ooxml_macros_are_found_by_content_type_and_by_content_not_by_name():
    macro_enabled = "application/vnd.ms-word.document.macroEnabled.main+xml"
    assert refusal("a.docx", zipped({**content_types(macro_enabled), "word/document.xml": b"x"})) == "macro"
    # The VBA project renamed to an innocent part name: its content is still an OLE file.
    renamed = zipped({**content_types(DOCX_MAIN), "word/document.xml": b"x",
                      "word/media/image1.png": compound_file({"VBA": {"dir": b"x"}})})
    assert refusal("a.docx", renamed) == "macro"
    assert accept("a.docx", zipped({**content_types(DOCX_MAIN), "word/document.xml": b"x"}))


def test_odt_macros_are_refused():
    odt = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}
    assert accept("a.odt", zipped(odt))
    assert refusal("a.odt", zipped({**odt, "Basic/Standard/Module1.xml": b"Sub Main"})) == "macro"


def deflated_zeros(mebibytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of `mebibytes` MiB of zero bytes and their CRC-32, without compressing them all
    (seconds for a GiB): one MiB compressed and ended by a full flush (byte-aligned, nothing after it refers
    back into it) is the same bytes for every MiB, so the stream is that block repeated, then a final block."""
    mebibyte = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = compressor.compress(mebibyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mebibytes):
        crc = zlib.crc32(mebibyte, crc)
    return block * mebibytes + compressor.flush(), crc


def zip_of_deflated(entries: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip archive of entries already deflated: name -> (raw deflate stream, CRC-32, inflated size)."""
    out, directory = io.BytesIO(), io.BytesIO()
    for name, (stream, crc, size) in entries.items():
        encoded = name.encode()
        fields = (20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc, len(stream), size, len(encoded), 0)
        directory.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, out.tell()) + encoded)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + stream)
    count, start = len(entries), out.tell()
    out.write(directory.getvalue())
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory.getvalue()), start, 0))
    return out.getvalue()


def test_the_inflating_odt_is_refused_with_bounded_memory():
    """A 1 GiB `mimetype` entry, about 1 MiB on the wire: refused after reading a bounded prefix."""
    content = b"<x/>"
    bomb = zip_of_deflated({"content.xml": (zlib.compress(content)[2:-4], zlib.crc32(content), len(content)),
                            "mimetype": (*deflated_zeros(1024), 1024 * 1024 * 1024)})
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        assert refusal("bomb.odt", bomb) == "archive_bomb"
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"peak {peak} bytes while refusing the archive"


def test_an_archive_that_inflates_past_its_total_bound_is_refused_even_with_honest_small_entries():
    parts = {f"word/part{n}.xml": b"a" * (1024 * 1024) for n in range(40)}  # 40 MiB of text in a tiny zip
    assert refusal("a.docx", zipped({**content_types(DOCX_MAIN), "word/document.xml": b"x", **parts})) \
        == "archive_bomb"


# --- names, quotas, antivirus -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["evil\u202eexe.pdf", "a\u200bb.pdf", "x\u2028.pdf", "\u2066x.pdf"])
def test_names_with_bidi_or_invisible_characters_are_refused(name):
    with pytest.raises(EvidenceRefused) as refused:
        display_name(name)
    assert refused.value.reason == "invalid_name" and "\\u" in refused.value.message.en


def test_vietnamese_names_are_fine():
    assert display_name("Kế hoạch chuyển đổi số năm 2026.pdf") == "Kế hoạch chuyển đổi số năm 2026.pdf"


def test_quotas_per_criterion_and_per_report():
    quota = Quota(per_criterion=3, per_report=5, bytes_per_report=1000)
    quota.check(criterion="1.1", criterion_uploads=2, report_files=4, report_bytes=900, size=100)
    for kwargs, reason in ((dict(criterion_uploads=3, report_files=0, report_bytes=0, size=1), "quota_criterion"),
                           (dict(criterion_uploads=0, report_files=5, report_bytes=0, size=1), "quota_report"),
                           (dict(criterion_uploads=0, report_files=0, report_bytes=950, size=51), "quota_report")):
        with pytest.raises(EvidenceRefused) as refused:
            quota.check(criterion="1.1", **kwargs)
        assert refused.value.reason == reason


def test_without_clamd_configured_no_scan_runs_and_a_configured_but_unreachable_one_refuses_the_upload():
    assert ContentInspector.from_environment().antivirus is None or __import__("os").environ.get("CQS_CLAMD_URL")
    unreachable = ContentInspector(antivirus_from_url("tcp://127.0.0.1:9"))  # the discard port: nothing listens
    with pytest.raises(Unavailable):
        unreachable.inspect("a.pdf", "pdf", "application/pdf", pdf())
    with pytest.raises(ValueError):
        antivirus_from_url("http://clamd:3310")
