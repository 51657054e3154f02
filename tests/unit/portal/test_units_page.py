"""The admin's registry page says what each unit is in words: the province too, a unit merged away and into
what, and a unit the decision never evaluates (the Military and Border Guard Commands)."""
from __future__ import annotations

import dataclasses

import pytest

from services.portal.entrypoints import names
from shared.auth import Role
from tests.unit.portal.rendered import CLERK, FakeApi, page

UNITS = [
    {"code": "HT", "name_vi": "Tỉnh Hà Tĩnh", "type": "province", "parent_code": None, "evaluated": False,
     "active_to": None, "merged_into": None},
    {"code": "BCHQS", "name_vi": "Bộ Chỉ huy Quân sự tỉnh", "type": "province_department", "parent_code": "HT",
     "evaluated": False, "active_to": None, "merged_into": None},
    {"code": "STTTT", "name_vi": "Sở Thông tin và Truyền thông", "type": "province_department", "parent_code": "HT",
     "evaluated": True, "active_to": "2025-03-01", "merged_into": "SKHCN"},
]


@pytest.fixture
def signed_in_as():
    return [dataclasses.replace(CLERK, id="a3", username="quantri", unit_code="HT", role=Role.ADMIN)]


@pytest.fixture(autouse=True)
def registry(monkeypatch, client):
    merged_into = {"SKHCN": {"name_vi": "Sở Khoa học và Công nghệ", "name_en": "Department of Science and Technology"}}
    monkeypatch.setattr(names, "_read", lambda now: names._Names(now, merged_into, {}))
    original = FakeApi.get_all
    monkeypatch.setattr(FakeApi, "get_all", lambda self, service, path, **params:
                        UNITS if path == "/units" else original(self, service, path, **params))


def test_every_unit_reads_as_what_it_is(client):
    vietnamese = page(client, "/admin/units", "vi")
    assert "Tỉnh Hà Tĩnh</span> <code>HT</code> <span class=\"muted\">Tỉnh</span>" in vietnamese
    assert "Bộ Chỉ huy Quân sự tỉnh</span> <code>BCHQS</code> <span class=\"muted\">Sở, ban, ngành · không đánh giá" \
        in vietnamese
    assert "đến 01/03/2025 · sáp nhập vào Sở Khoa học và Công nghệ</span>" in vietnamese
    english = page(client, "/admin/units", "en")
    assert "Province</span>" in english and "not evaluated" in english and "merged into Department of Science and Technology" in english
