"""A service layer speaks the domain's language: the database is reached through its repositories and
unit of work (`adapters/`), which answer domain objects and raise domain errors; no use case names
SQLAlchemy, its sessions or its exceptions."""
from __future__ import annotations

from pathlib import Path

from tests.support.imports import imported_packages

SERVICES = Path(__file__).resolve().parents[2] / "services"


def test_no_service_layer_module_imports_sqlalchemy():
    modules = sorted(SERVICES.glob("*/service_layer/**/*.py"))
    assert modules, f"no service layer found under {SERVICES}"
    importing = [path.relative_to(SERVICES).as_posix() for path in modules if "sqlalchemy" in imported_packages(path)]
    assert not importing, f"service layer modules importing sqlalchemy: {importing}"


def test_the_check_sees_every_kind_of_import(tmp_path):
    for text in ("import sqlalchemy as sa", "from sqlalchemy.exc import IntegrityError",
                 "def f():\n    from sqlalchemy.orm.attributes import flag_modified"):
        (tmp_path / "m.py").write_text(text, encoding="utf-8")
        assert "sqlalchemy" in imported_packages(tmp_path / "m.py"), text
    (tmp_path / "m.py").write_text("from shared.unit_of_work import SqlAlchemyUnitOfWork", encoding="utf-8")
    assert "sqlalchemy" not in imported_packages(tmp_path / "m.py")
