"""The domain's enums are written in tokens, events, problem bodies and database columns as their values,
each its member's name in lower case (`enum.auto()`): renaming a member must not rename what is stored
and published unnoticed."""
from __future__ import annotations

from pkgutil import resolve_name

from shared.auth import Role

VALUES = {
    "shared.auth.Role": ["unit_reporter", "unit_approver", "district_reviewer", "department_reviewer",
                         "data_provider", "admin", "auditor"],
    "shared.domain.lifecycle.ReportStatus": ["draft", "submitted", "returned", "evidence_requested", "verified",
                                             "scored", "published"],
    "shared.domain.round_events.RoundStatus": ["planned", "open", "closed", "published"],
    "services.rounds.domain.units.UnitType": ["province", "province_department", "central_agency", "district",
                                              "commune"],
    "services.rounds.domain.calendar.RoundKind": ["annual_evaluation", "progress_update"],
    "services.rounds.domain.review_models.ReviewerRule": ["reviewing_body", "parent_district"],
    "services.rounds.domain.review_models.ReviewerKind": ["department", "district"],
    "services.rounds.domain.review_models.ResultsFlow": ["district_consolidation", "direct"],
    "services.publication.domain.publication.Stage": ["district", "provisional", "final", "correction"],
}


def test_every_stored_enum_keeps_its_values():
    assert {path: [member.value for member in resolve_name(path)] for path in VALUES} == VALUES


def test_a_member_reads_as_its_value():
    assert (str(Role.ADMIN), f"{Role.ADMIN}", Role.ADMIN) == ("admin", "admin", "admin")
