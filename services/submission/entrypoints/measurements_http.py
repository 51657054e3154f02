"""HTTP routes for measured inputs: a coordinating agency's data provider imports a file for a
round (JSON, CSV or XLSX; multipart `file`), and reads its import history."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields

from services.submission.service_layer import measurements
from shared.auth import requires
from shared.http import clock, unit_of_work
from shared.http_fields import Instant
from shared.http_paging import PagedBlueprint

measurements_blp = PagedBlueprint("measurements", __name__, url_prefix="/rounds",
                             description="Số liệu đo từ hệ thống của tỉnh (measured inputs from provincial systems)")


class ImportFile(Schema):
    file = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": "a .json, .csv or .xlsx file with the columns unit_code, field, value, source_system, as_of"})


class MeasurementImportSchema(Schema):
    id = fields.Str()
    round_id = fields.Str()
    agency = fields.Str()
    sha256 = fields.Str(metadata={"description": "SHA-256 of the file as received"})
    file_name = fields.Str()
    file_format = fields.Str()
    imported_by = fields.Str()
    imported_at = Instant()
    rows = fields.Function(lambda made: len(made.values), metadata={"type": "integer"})
    supersedes = fields.Str(allow_none=True)
    superseded_by = fields.Str(allow_none=True)
    superseded_at = Instant(allow_none=True)


@measurements_blp.route("/<round_id>/measurements", methods=["POST"])
@requires()
@measurements_blp.arguments(ImportFile, location="files")
@measurements_blp.response(201, MeasurementImportSchema)
def import_measurements(files, round_id):
    """Import the agency's measured inputs for the round: checked as a whole (a bad row names its line and
    field, and nothing is applied); the file supersedes the agency's previous one, which is kept."""
    upload = files["file"]
    return measurements.import_as(unit_of_work(), round_id, g.principal, file_name=upload.filename or "",
                                  content=upload.stream.read(), now=clock())


@measurements_blp.route("/<round_id>/measurements/imports")
@requires()
@measurements_blp.paged_list(MeasurementImportSchema)
def import_history(round_id):
    """Every import of the round, newest first, superseded ones included."""
    return measurements.history(unit_of_work(), round_id, g.principal)
