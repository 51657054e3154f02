"""Request and response bodies of the rounds and units API (unknown fields are refused)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.rounds.domain.calendar import PROGRESS_MONTHS, VIETNAM_TZ, RoundKind
from services.rounds.domain.units import UnitType
from shared.domain.round_events import RoundStatus
from shared.http_fields import Instant, Line, Moment, Text
from shared.http_report_header import ReportingUnitSchema

REASON = Text(2000, min_length=1, required=True,
              metadata={"description": "why the change is made; kept in the round's audit"})


def _window(window) -> dict[str, str]:
    return {"start": window.start.astimezone(VIETNAM_TZ).isoformat(),
            "end": window.end.astimezone(VIETNAM_TZ).isoformat()}


class WindowOverrideOutSchema(Schema):
    unit_type = fields.Enum(UnitType, by_value=True)
    before = fields.Function(lambda o: _window(o.before))
    after = fields.Function(lambda o: _window(o.after))
    by = fields.Str()
    at = Instant()
    reason = fields.Str()


class ExtensionOutSchema(Schema):
    unit_code = fields.Str()
    until = Instant()
    by = fields.Str()
    at = Instant()
    reason = fields.Str()


class RoundSchema(Schema):
    id = fields.Str(metadata={"example": "2026-annual"})
    kind = fields.Enum(RoundKind, by_value=True)
    year = fields.Int()
    period_month = fields.Int(allow_none=True)
    status = fields.Enum(RoundStatus, by_value=True)
    ranked = fields.Bool()
    catalog_versions = fields.Function(lambda r: {t.value: v for t, v in r.catalog_versions.items()})
    windows = fields.Function(lambda r: {t.value: _window(w) for t, w in r.windows.items()},
                              metadata={"description": "per unit type: {start, end}, end exclusive"})
    opens_at = Instant()
    closes_at = Instant(metadata={"description": "the last deadline, extensions included"})
    unit_count = fields.Function(lambda r: len(r.units_in_scope))
    window_overrides = fields.List(fields.Nested(WindowOverrideOutSchema))
    extensions = fields.List(fields.Nested(ExtensionOutSchema))
    reminders_sent = fields.Function(
        lambda r: [{"unit_type": t.value, "days_before": days} for t, days in sorted(r.reminders_sent)])
    opened_at = Instant(allow_none=True)
    commune_results_due = Instant(allow_none=True)
    closed_at = Instant(allow_none=True)
    published_at = Instant(allow_none=True)


class RoundCreateSchema(Schema):
    kind = fields.Enum(RoundKind, by_value=True, required=True)
    year = fields.Int(required=True, validate=validate.Range(min=2000, max=2100))
    period_month = fields.Int(allow_none=True, validate=validate.OneOf(PROGRESS_MONTHS),
                              metadata={"description": "progress updates only: 3, 6 or 9"})
    catalog_versions = fields.Dict(keys=fields.Enum(UnitType, by_value=True), values=Line(64, min_length=1),
                                   metadata={"description": "per unit type; default: the newest catalog"})


class WindowOverrideSchema(Schema):
    start = Moment(required=True)
    end = Moment(required=True, metadata={"description": "exclusive"})
    reason = REASON


class ExtensionGrantSchema(Schema):
    unit_code = Line(64, min_length=1, required=True)
    until = Moment(required=True, metadata={"description": "exclusive, like every deadline"})
    reason = REASON


class LateUnitSchema(ReportingUnitSchema):
    deadline = Instant()


class CompletenessSchema(Schema):
    round_id = fields.Str()
    as_of = Instant()
    counts = fields.Dict(keys=fields.Str(), values=fields.Dict(keys=fields.Str(), values=fields.Int()),
                         metadata={"description": "unit type → report status → number of units"})
    late = fields.List(fields.Nested(LateUnitSchema),
                       metadata={"description": "units that never submitted and whose deadline has passed"})


class UnitsQuery(Schema):
    on = fields.Date(metadata={"description": "only the units active that day (default: every unit ever)"})
    unit_type = fields.Enum(UnitType, by_value=True, data_key="type")


class UnitSchema(Schema):
    code = fields.Str()
    name_vi = fields.Str()
    name_en = fields.Str(allow_none=True)
    unit_type = fields.Enum(UnitType, by_value=True, data_key="type")
    parent_code = fields.Str(allow_none=True)
    evaluated = fields.Bool()
    active_from = fields.Date()
    active_to = fields.Date(allow_none=True, metadata={"description": "the first day the unit no longer exists"})
    merged_into = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True)
