"""Fixtures for the criteria tests: the shipped reference catalog."""

import pytest

from shared.criteria import Catalog, load_catalog

REFERENCE_VERSION = "hatinh-2021-ref-1"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(REFERENCE_VERSION)
