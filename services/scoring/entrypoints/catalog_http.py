"""The criteria catalog, read-only and public (no sign-in): the released versions and, for a version
and a unit type, its groups → criteria → inputs with who supplies each. A form, a partner or the
portal is built from this alone. Scoring serves it because the rules it describes are the rules it
applies (shared/criteria); the shape is documented by the schemas below."""
from __future__ import annotations

from marshmallow import Schema, fields

from shared.criteria import CatalogError, available_versions, load_catalog
from shared.criteria.forms import catalog_summary, unit_type_form
from shared.domain.errors import Bilingual, not_found
from shared.http_paging import PagedBlueprint

catalog_blp = PagedBlueprint("catalog", __name__, url_prefix="/catalogs",
                        description="Bộ tiêu chí, công khai (the criteria catalog, public, read-only)")


class Number(fields.Field):
    """A JSON number as written in the catalog (30, 22.5), never a string."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "number"}, allow_none=True, **kwargs)


class BilingualSchema(Schema):
    vi = fields.Str()
    en = fields.Str()


class CatalogEntrySchema(Schema):
    """What the catalog names: a unit type, a group, a criterion, a band; its code and its name."""

    code = fields.Str()
    name = fields.Nested(BilingualSchema)


class NamedCodeSchema(Schema):
    code = fields.Str()
    vi = fields.Str()
    en = fields.Str()


class SuppliedBySchema(Schema):
    kind = fields.Str(metadata={"description": "unit | reviewer | system"})
    source = fields.Str(metadata={"description": "the catalog's source code (self_report, system_measured, ...)"})
    agency = fields.Str(allow_none=True, metadata={
        "description": "the agency (catalog verifier code) that supplies a reviewer's or a system's value"})
    name = fields.Nested(BilingualSchema)


class EnumOptionSchema(Schema):
    value = fields.Int()
    label = fields.Nested(BilingualSchema)


class InputSchema(Schema):
    key = fields.Str(metadata={"description": "the answer's field name"})
    type = fields.Str(metadata={"description": "bool | int | decimal | percent | text | date"})
    label = fields.Nested(BilingualSchema)
    unit = fields.Nested(BilingualSchema, allow_none=True)
    min = Number()
    max = Number()
    enum = fields.List(fields.Nested(EnumOptionSchema))
    required = fields.Bool()
    default = fields.Raw(allow_none=True)
    supplied_by = fields.Nested(SuppliedBySchema)


class RuleSchema(Schema):
    kind = fields.Str()
    text = fields.Nested(BilingualSchema, metadata={"description": "the rule in words"})
    when_missing = fields.Nested(BilingualSchema, metadata={"description": "the score when a value is missing"})


class EvidenceSchema(Schema):
    required = fields.Bool()
    description = fields.Nested(BilingualSchema)


class CriterionSchema(CatalogEntrySchema):
    description = fields.Nested(BilingualSchema, allow_none=True)
    max_points = Number()
    min_points = Number()  # below 0 for a deduction: the most it takes away (-15), else 0
    rule = fields.Nested(RuleSchema)
    evidence = fields.Nested(EvidenceSchema)
    source = fields.Nested(NamedCodeSchema)
    verifier = fields.Nested(NamedCodeSchema)
    supplied_by = fields.Nested(SuppliedBySchema)
    basis = fields.Str()
    inputs = fields.List(fields.Nested(InputSchema))


class GroupSchema(CatalogEntrySchema):
    max_points = Number()
    criteria = fields.List(fields.Nested(CriterionSchema))


class UnitTypeSchema(CatalogEntrySchema):
    evaluated_by = fields.Str()
    ranking_scope = fields.Str()


class FormSchema(Schema):
    version = fields.Str()
    fingerprint = fields.Str()
    unit_type = fields.Nested(UnitTypeSchema)
    total_max_points = Number()
    decimal_places = fields.Int()
    groups = fields.List(fields.Nested(GroupSchema))


class ClassificationSchema(CatalogEntrySchema):
    min = Number()


class DecisionSchema(Schema):
    issuer = fields.Str()
    year = fields.Int()
    number = fields.Str(allow_none=True)
    replaces = fields.Str(allow_none=True)


class UnitTypeRefSchema(CatalogEntrySchema):
    """A unit type the catalog version covers (its form: `UnitTypeSchema`)."""


class CatalogSchema(Schema):
    version = fields.Str()
    fingerprint = fields.Str()
    title = fields.Nested(BilingualSchema)
    status = fields.Nested(BilingualSchema)
    decision = fields.Nested(DecisionSchema)
    total_max_points = Number()
    decimal_places = fields.Int()
    classification = fields.List(fields.Nested(ClassificationSchema))
    sources = fields.Dict(keys=fields.Str(), values=fields.Nested(BilingualSchema))
    agencies = fields.Dict(keys=fields.Str(), values=fields.Nested(BilingualSchema), metadata={
        "description": "the agencies that verify criteria or supply measured inputs (the catalog's verifiers)"})
    unit_types = fields.List(fields.Nested(UnitTypeRefSchema))


def _catalog(version: str):
    if version not in available_versions():
        raise not_found(Bilingual("Phiên bản bộ tiêu chí", "catalog version"), version)
    return load_catalog(version)


@catalog_blp.route("")
@catalog_blp.paged_list(CatalogSchema)
@catalog_blp.doc(security=[])
def list_catalogs():
    """The released catalog versions (public)."""
    return [catalog_summary(load_catalog(version)) for version in available_versions()]


@catalog_blp.route("/<version>")
@catalog_blp.response(200, CatalogSchema)
@catalog_blp.doc(security=[])
def get_catalog(version):
    """One catalog version: its unit types, sources, agencies and classification (public)."""
    return catalog_summary(_catalog(version))


@catalog_blp.route("/<version>/unit-types/<unit_type>")
@catalog_blp.response(200, FormSchema)
@catalog_blp.doc(security=[])
def get_form(version, unit_type):
    """A unit type's form: groups → criteria (rule in words, evidence, who supplies) → inputs (public)."""
    _catalog(version)  # an unknown version is not found
    try:
        return unit_type_form(version, unit_type)
    except CatalogError:
        raise not_found(Bilingual(f"Loại đơn vị trong bộ tiêu chí {version}", f"unit type in catalog {version}"),
                        unit_type) from None
