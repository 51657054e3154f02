"""What is derived from a catalog is worked out once: caches keyed by a unit type (which hashes by
the catalog and unit type it is, yet is only ever taken for an equal one) and by a catalog version
(a unit type's form)."""
from __future__ import annotations

import dataclasses

from shared.criteria import load_catalog
from shared.criteria.forms import form_description, unit_type_form
from shared.criteria.suppliers import suppliers
from tests.unit.criteria.conftest import REFERENCE_VERSION


def test_a_unit_type_hashes_by_its_identity_and_is_equal_only_to_the_same_content():
    commune = load_catalog(REFERENCE_VERSION).unit_type("commune")
    first_group_only = dataclasses.replace(commune, groups=commune.groups[:1])  # same identity, other content
    assert hash(first_group_only) == hash(commune) and first_group_only != commune
    assert dataclasses.replace(commune) == commune
    assert set(suppliers(first_group_only)) == {field.field for criterion in commune.groups[0].criteria
                                                for field in criterion.inputs}
    assert set(suppliers(first_group_only)) < set(suppliers(commune))


def test_a_unit_types_form_is_built_once_per_version_and_is_the_catalogs_form():
    form = unit_type_form(REFERENCE_VERSION, "district")
    assert unit_type_form(REFERENCE_VERSION, "district") is form
    assert form == form_description(load_catalog(REFERENCE_VERSION), "district")
