"""The report's header (`shared.domain.report_header.ReportHeader`) as the APIs show it, declared
once for every response that says which report, or which unit, it is about. A response whose data
holds only part of the header derives from the part it shows (the unit named, the reporting unit),
or from `ReportHeaderSchema` excluding the rest in its Meta."""
from __future__ import annotations

from marshmallow import Schema, fields


class NamedUnitSchema(Schema):
    """A unit as people read it: its code and its Vietnamese name."""

    unit_code = fields.Str()
    unit_name_vi = fields.Str()


class ReportingUnitSchema(NamedUnitSchema):
    """The unit that reports: its code, its Vietnamese name and its type."""

    unit_type = fields.Str()


class ReportHeaderSchema(ReportingUnitSchema):
    """The round, the unit that reports and the unit that reviews the report."""

    round_id = fields.Str()
    reviewer_unit_code = fields.Str()
    reviewer_kind = fields.Str(metadata={"description": "department | district: which kind of unit reviews"})
