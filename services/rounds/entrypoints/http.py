"""HTTP routes of the reporting calendar: rounds (created, opened, closed, windows and
extensions changed by an admin; completeness for reviewers) and the unit registry."""
from __future__ import annotations

from flask import g

from services.rounds.domain.units import UnitType
from services.rounds.entrypoints.schemas import (
    CompletenessSchema,
    ExtensionGrantSchema,
    RoundCreateSchema,
    RoundSchema,
    UnitSchema,
    UnitsQuery,
    WindowOverrideSchema,
)
from services.rounds.service_layer import registry, rounds
from services.rounds.service_layer.completeness import round_completeness
from shared.auth import requires
from shared.domain.errors import Bilingual, FieldError, InvalidInput
from shared.http import clock, unit_of_work
from shared.http_paging import PagedBlueprint

rounds_blp = PagedBlueprint("rounds", __name__, url_prefix="/rounds", description="Kỳ báo cáo (reporting rounds)")
units_blp = PagedBlueprint("units", __name__, url_prefix="/units", description="Danh mục đơn vị (unit registry)")


@rounds_blp.route("", methods=["POST"])
@requires()
@rounds_blp.arguments(RoundCreateSchema)
@rounds_blp.response(201, RoundSchema)
def create_round(body):
    return rounds.create_round(unit_of_work(), body["kind"], body["year"], body.get("period_month"),
                               body.get("catalog_versions"))


@rounds_blp.route("")
@requires()
@rounds_blp.paged_list(RoundSchema)
def list_rounds():
    return rounds.list_rounds(unit_of_work())


@rounds_blp.route("/<round_id>")
@requires()
@rounds_blp.response(200, RoundSchema)
def get_round(round_id):
    return rounds.get_round(unit_of_work(), round_id)


@rounds_blp.route("/<round_id>/open", methods=["POST"])
@requires()
@rounds_blp.response(200, RoundSchema)
def open_round(round_id):
    """Open now: one draft per unit in scope, on the registry and review model in force today."""
    return rounds.open_round(unit_of_work(), round_id, clock())


@rounds_blp.route("/<round_id>/close", methods=["POST"])
@requires()
@rounds_blp.response(200, RoundSchema)
def close_round(round_id):
    return rounds.close_round(unit_of_work(), round_id, clock())


@rounds_blp.route("/<round_id>/windows/<unit_type>", methods=["PUT"])
@requires()
@rounds_blp.arguments(WindowOverrideSchema)
@rounds_blp.response(200, RoundSchema)
def override_window(body, round_id, unit_type):
    return rounds.override_window(unit_of_work(), round_id, _unit_type(unit_type), body["start"], body["end"],
                                  by=g.principal.user, reason=body["reason"], now=clock())


@rounds_blp.route("/<round_id>/extensions", methods=["POST"])
@requires()
@rounds_blp.arguments(ExtensionGrantSchema)
@rounds_blp.response(201, RoundSchema)
def grant_extension(body, round_id):
    return rounds.grant_extension(unit_of_work(), round_id, body["unit_code"], body["until"],
                                  by=g.principal.user, reason=body["reason"], now=clock())


@rounds_blp.route("/<round_id>/completeness")
@requires()
@rounds_blp.response(200, CompletenessSchema)
def completeness(round_id):
    """Reports per unit type and status, and the late units; a district reviewer sees its communes."""
    return round_completeness(unit_of_work(), round_id, g.principal, clock())


@units_blp.route("")
@requires()
@units_blp.paged_list(UnitSchema, query=UnitsQuery)
def list_units(query):
    return registry.list_units(unit_of_work(), query.get("on"), query.get("unit_type"))


def _unit_type(value: str) -> UnitType:
    try:
        return UnitType(value)
    except ValueError:
        known = ", ".join(t.value for t in UnitType)
        message = Bilingual(f"Loại đơn vị '{value}' không tồn tại; các loại: {known}",
                            f"unknown unit type '{value}'; known: {known}")
        raise InvalidInput(message, errors={"unit_type": [FieldError("one_of", message)]}) from None
