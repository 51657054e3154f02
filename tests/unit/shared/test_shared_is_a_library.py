"""`shared/` is a library the services use, never a caller of a service: the composition root that
wires the services together (the CLI, the embedded runner, the broker topology) lives in `cqs/`."""
from __future__ import annotations

import re
from pathlib import Path

from tests.support.imports import imported_packages

SHARED = Path(__file__).resolve().parents[3] / "shared"
# import_module("services.x...") or f"services.{service}..." reach a service as surely as an import does.
DYNAMIC_IMPORT = re.compile(r"""["']services\.|f["']services\.""")


def imports_a_service(path: Path) -> bool:
    return "services" in imported_packages(path) or bool(DYNAMIC_IMPORT.search(path.read_text(encoding="utf-8")))


def test_no_module_of_shared_imports_a_service():
    importing = sorted(path.relative_to(SHARED).as_posix() for path in SHARED.rglob("*.py") if imports_a_service(path))
    assert not importing, f"shared/ modules importing a service: {importing}"


def test_the_check_sees_every_kind_of_import(tmp_path):
    for text in ("import services.review", "from services.scoring import bootstrap",
                 "import_module(f'services.{name}.bootstrap')"):
        (tmp_path / "m.py").write_text(text, encoding="utf-8")
        assert imports_a_service(tmp_path / "m.py"), text
    (tmp_path / "m.py").write_text("from shared import services_list  # not a service", encoding="utf-8")
    assert not imports_a_service(tmp_path / "m.py")
