"""Small but real evidence files for tests that upload one: the content checks parse them."""
from __future__ import annotations

import io
import zipfile

from PIL import Image

# One blank page, as pypdf writes it (a fixed byte string, so that tests can compare hashes).
MINIMAL_PDF = (b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n/Type /Pages\n"
               b"/Count 1\n/Kids [ 4 0 R ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\n"
               b"4 0 obj\n<<\n/Type /Page\n/Resources <<\n>>\n/MediaBox [ 0.0 0.0 200 200 ]\n/Parent 2 0 R\n>>\n"
               b"endobj\nxref\n0 5\n0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n"
               b"0000000113 00000 n \n0000000162 00000 n \ntrailer\n<<\n/Size 5\n/Root 3 0 R\n/Info 1 0 R\n>>\n"
               b"startxref\n256\n%%EOF\n")


def png(size: tuple[int, int] = (16, 16)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def zipped(entries: dict[str, bytes]) -> bytes:
    """A deflated zip archive of `entries` (name -> content), the container of docx, xlsx and odt files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()
