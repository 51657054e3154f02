"""Demo data for `cqs run`: the Hà Tĩnh registry and review models, the annual round open
today, and two past rounds under the 2021 three-tier model. The portal seeds the demo accounts
(services/portal/demo.py).

Which round is "today's": the annual evaluation whose departments' window contains today.
Windows run from 15 Nov (communes: 10 Nov) of the previous year, so on 25 Nov 2026 that is
the 2027 evaluation, open for communes since 10 Nov 2026 and for the others since 15 Nov
2026. The past rounds are the 2022 and 2023 evaluations, opened as on 10 Nov of the year before
(communes reviewed by their district, results consolidated by districts) and left open: the embedded
runner replays them through the services to their published results and closes each at its last
deadline (cqs/demo_history.py); without it, the reporting calendar closes them at its next tick.
Today's round also holds the measured inputs of every coordinating agency (Văn phòng UBND tỉnh's
administrative-procedure system, Sở KH&CN's SOC and document systems, the districts' offices), imported
as each agency would send them, so a reviewer can verify a report without waiting for anyone.
Seeding twice changes nothing.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection
from typing import Any

from services.rounds.adapters.seed_files import HATINH_UNIT_FILES, REVIEW_MODELS_FILE
from services.rounds.domain.calendar import RoundKind, annual_window
from services.rounds.domain.rounds import round_id_for
from services.rounds.domain.units import UnitType
from services.rounds.service_layer import registry, rounds
from services.submission.adapters.measurements_orm import measurement_imports
from services.submission.adapters.orm import reports
from services.submission.service_layer import measurements
from shared.criteria import UnitTypeCatalog, load_catalog
from shared.criteria.suppliers import SYSTEM, fields_supplied_by, measuring_agencies
from shared.domain.round_events import RoundStatus

PAST_YEARS = (2022, 2023)  # both under the 2021 three-tier model
DEMO_SYSTEMS = {"ppc_office": "Hệ thống thông tin giải quyết TTHC tỉnh Hà Tĩnh",
                "dic": "Hệ thống quản lý văn bản và điều hành; SOC tỉnh",
                "district_office": "Hệ thống báo cáo của UBND huyện"}


def seed(runtime) -> None:
    uow = runtime.uow_factory
    registry.load_units(uow(), HATINH_UNIT_FILES)
    registry.load_review_models_file(uow(), REVIEW_MODELS_FILE)
    now = runtime.clock()
    today = _open_annual(runtime, current_annual_year(now), now)
    import_measurements(runtime, today.id, now)
    for year in PAST_YEARS:
        _open_annual(runtime, year, None)


def current_annual_year(now: dt.datetime) -> int:
    """The evaluation year whose departments' window contains `now`."""
    year = now.year
    periods = rounds.annual_periods(rounds.default_catalog_versions())
    return year + 1 if annual_window(UnitType.PROVINCE_DEPARTMENT, year + 1, periods).contains(now) else year


def _open_annual(runtime, year: int, opened_at: dt.datetime | None):
    """The annual round of `year`, created and opened (at `opened_at`, or when it opens) if need be."""
    round_id = round_id_for(RoundKind.ANNUAL_EVALUATION, year, None)
    round_ = rounds.find_round(runtime.uow_factory(), round_id)
    if round_ is None:
        round_ = rounds.create_round(runtime.uow_factory(), RoundKind.ANNUAL_EVALUATION, year)
    if round_.status is RoundStatus.PLANNED:
        round_ = rounds.open_round(runtime.uow_factory(), round_id, opened_at or round_.opens_at)
    return round_


def import_measurements(runtime, round_id: str, now: dt.datetime, unit_codes: Collection[str] | None = None) -> None:
    """Each measuring agency's file for the round (for the units `unit_codes`, if given), as its system would
    send it (once)."""
    with runtime.uow_factory() as uow:
        units = {(report.unit_code, report.catalog_version, report.unit_type)
                 for report in uow.reports.list(reports.c.round_id == round_id)
                 if unit_codes is None or report.unit_code in unit_codes}
        done = {made.agency for made in uow.measurements.list(measurement_imports.c.round_id == round_id)}
    versions = {version for _, version, _ in units}
    for agency in sorted({a for version in versions for a in measuring_agencies(load_catalog(version))} - done):
        rows = [row for code, version, unit_type in sorted(units)
                for row in _measured_rows(load_catalog(version).unit_type(unit_type), code, agency, now)]
        if rows:
            content = json.dumps({"measurements": rows}, ensure_ascii=False).encode("utf-8")
            measurements.import_file(runtime.uow_factory(), round_id, agency=agency, imported_by=f"demo-{agency}",
                                     file_name=f"{agency}-{round_id}.json", content=content, now=now)


def _measured_rows(unit_catalog: UnitTypeCatalog, unit_code: str, agency: str, now: dt.datetime) -> list[dict]:
    """Plausible figures that differ from unit to unit: shares of 70–99 %, counts below their totals."""
    names = fields_supplied_by(unit_catalog, SYSTEM, agency)
    if not names:
        return []
    spread = int(hashlib.sha256(unit_code.encode()).hexdigest(), 16)
    denominators = {c.rule.denominator: c.rule.numerator for c in unit_catalog.criteria if c.rule.denominator}
    numerators = {numerator: denominator for denominator, numerator in denominators.items()}
    deductions = {c.rule.input for c in unit_catalog.criteria if c.kind == "deduction"}
    values: dict[str, Any] = {}
    for name in sorted(names, key=lambda n: n not in denominators):  # totals first, then their parts
        field = unit_catalog.fields[name]
        if field.type == "bool":
            values[name] = True
        elif field.enum:
            values[name] = max(option.value for option in field.enum)
        elif field.type == "percent":
            values[name] = 70 + spread % 30
        elif name in deductions:
            values[name] = spread % 2
        elif name in numerators and numerators[name] in values:
            values[name] = values[numerators[name]] * (70 + spread % 30) // 100
        elif name in numerators:
            values[name] = 5
        else:
            values[name] = 100 + spread % 400
        if field.max is not None and not isinstance(values[name], bool):
            values[name] = min(values[name], int(field.max))
    as_of = (now - dt.timedelta(days=1)).date().isoformat()
    return [{"unit_code": unit_code, "field": name, "value": value, "source_system": DEMO_SYSTEMS.get(agency, agency),
             "as_of": as_of} for name, value in values.items()]
