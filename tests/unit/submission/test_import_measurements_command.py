"""`cqs import-measurements` on the embedded SQLite database seeded with the demo round: a file
with a bad row stops with its line named and changes nothing; a good one supersedes the demo's."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cqs import cli
from services.submission import bootstrap as submission
from services.submission import demo
from services.submission.adapters.measurements_orm import measurement_imports
from services.submission.adapters.repositories import MeasurementImportRepository
from services.submission.service_layer import measurements
from shared import config
from shared.criteria import load_catalog
from shared.criteria.suppliers import SYSTEM, fields_supplied_by
from shared.domain.errors import Conflict


def use_embedded_data(env: pytest.MonkeyPatch, data_dir: Path) -> None:
    """The embedded defaults (SQLite, in-process broker) with `data_dir`, as `cqs` reads them from the environment."""
    for name in ("CQS_DATABASE_URL", "CQS_SUBMISSION_DATABASE_URL", "CQS_BROKER_URL", "CQS_JWKS_URL"):
        env.delenv(name, raising=False)
    env.setenv("CQS_DATA_DIR", str(data_dir))


@pytest.fixture(scope="module")
def seeded_data(tmp_path_factory) -> Path:
    """A data folder migrated and seeded with the demo once; each test takes a copy (migrating and seeding was
    most of each test's time)."""
    data_dir = tmp_path_factory.mktemp("seeded")
    with pytest.MonkeyPatch.context() as env:
        use_embedded_data(env, data_dir)
        runtime = submission.runtime(config.load("submission"))
        runtime.migrate()
        demo.seed(runtime)
        runtime.engine.dispose()
    return data_dir


@pytest.fixture
def seeded(seeded_data, tmp_path, monkeypatch):
    data_dir = shutil.copytree(seeded_data, tmp_path / "data")
    use_embedded_data(monkeypatch, data_dir)
    runtime = submission.runtime(config.load("submission"))
    round_id = f"{demo.current_annual_year(runtime.clock())}-annual"
    yield runtime, round_id
    runtime.engine.dispose()


def imports(runtime, round_id: str) -> list:
    with runtime.uow_factory() as uow:
        return uow.measurements.list(measurement_imports.c.round_id == round_id,
                                     measurement_imports.c.agency == "ppc_office")


def test_the_command_refuses_a_bad_file_whole_and_takes_the_corrected_one(seeded, tmp_path, capsys):
    runtime, round_id = seeded
    [demo_import] = imports(runtime, round_id)
    field = fields_supplied_by(load_catalog("hatinh-2021-ref-1").unit_type("province_department"), SYSTEM,
                               "ppc_office")[0]
    bad = tmp_path / "tthc.csv"
    bad.write_text(f"unit_code,field,value,source_system,as_of\nSTC,{field},12,Một cửa,2026-11-01\n"
                   f"STC,{field},13,Một cửa,31/10/2026\n", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        cli.main(["import-measurements", "--round", round_id, "--agency", "ppc_office", "--by", "vp", str(bad)])
    assert "dòng 3" in str(stopped.value) and "as_of" in str(stopped.value)
    assert [made.id for made in imports(runtime, round_id)] == [demo_import.id]

    good = tmp_path / "tthc-sua.csv"
    good.write_text(f"unit_code,field,value,source_system,as_of\nSTC,{field},12,Một cửa,2026-11-01\n",
                    encoding="utf-8")
    cli.main(["import-measurements", "--round", round_id, "--agency", "ppc_office", "--by", "vp", str(good)])
    assert "superseding import " + demo_import.id in capsys.readouterr().out
    made = {m.id: m for m in imports(runtime, round_id)}
    assert len(made) == 2 and made[demo_import.id].superseded_by is not None
    current = made[made[demo_import.id].superseded_by]
    assert current.values == [{"unit_code": "STC", "field": field, "value": 12, "source_system": "Một cửa",
                               "as_of": "2026-11-01"}]


def test_two_files_of_an_agency_at_the_same_moment_cannot_both_become_current(seeded, monkeypatch):
    runtime, round_id = seeded
    [demo_import] = imports(runtime, round_id)
    field = fields_supplied_by(load_catalog("hatinh-2021-ref-1").unit_type("province_department"), SYSTEM,
                               "ppc_office")[0]
    content = f"unit_code,field,value,source_system,as_of\nSTC,{field},12,Một cửa,2026-11-01\n".encode()
    # The second of two racing imports read the state before the first committed: no current file yet.
    monkeypatch.setattr(MeasurementImportRepository, "current", lambda self, round_id, agency: None)
    with pytest.raises(Conflict):
        measurements.import_file(runtime.uow_factory(), round_id, agency="ppc_office", imported_by="vp",
                                 file_name="a.csv", content=content, now=runtime.clock())
    assert [made.id for made in imports(runtime, round_id)] == [demo_import.id]
