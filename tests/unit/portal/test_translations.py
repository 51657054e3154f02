"""Every people-facing string goes through gettext and has its Vietnamese translation; the committed
.mo is the compiled .po."""
import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

PORTAL = Path(__file__).resolve().parents[3] / "services" / "portal"
CATALOG = PORTAL / "translations" / "vi" / "LC_MESSAGES"


def _extracted() -> set:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.do"}}
    return {message[2] if isinstance(message[2], str) else message[2][0]
            for message in extract_from_dir(str(PORTAL), method_map, options_map=options,
                                            keywords={"_": None, "_l": None, "gettext": None,
                                                      "ngettext": (1, 2), "lazy_gettext": None})}


def test_every_message_has_a_vietnamese_translation():
    catalog = read_po(open(CATALOG / "messages.po", "rb"))
    translated = {message.id if isinstance(message.id, str) else message.id[0]
                  for message in catalog if message.id and message.string and all(message.string)}
    assert _extracted() - translated == set()


def test_the_compiled_catalogue_matches_its_source():
    source = read_po(open(CATALOG / "messages.po", "rb"))
    compiled = io.BytesIO()
    write_mo(compiled, source)
    compiled.seek(0)
    shipped = read_mo(open(CATALOG / "messages.mo", "rb"))
    def pairs(catalog):
        return {(str(m.id), str(m.string)) for m in catalog if m.id}

    assert pairs(read_mo(compiled)) == pairs(shipped)
