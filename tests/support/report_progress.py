"""A report's `report.verified` and `report.scored` as their owners publish them, for tests of the
services that follow them (only the report's identity matters there; the figures are placeholders)."""
from __future__ import annotations

from shared import cloudevents
from shared.domain.report_events import ReportScored, ReportVerified

AT = "2026-11-05T08:00:00+07:00"


def verified(report_id: str, round_id: str = "2026-annual", unit_code: str = "SNV") -> cloudevents.CloudEvent:
    return cloudevents.from_event(ReportVerified(
        report_id=report_id, round_id=round_id, unit_code=unit_code, unit_name_vi="Sở Nội vụ",
        unit_type="province_department", reviewer_unit_code="SKHCN", reviewer_kind="department",
        catalog_version="hatinh-2021-ref-1", revision=1, answers={}, self_assessed_answers={}, adjustments=[],
        points_overrides={}, verified_by="reviewer", verified_at=AT), "/cqs/review")


def scored(report_id: str, round_id: str = "2026-annual", unit_code: str = "SNV") -> cloudevents.CloudEvent:
    return cloudevents.from_event(ReportScored(
        report_id=report_id, round_id=round_id, unit_code=unit_code, score_id=f"s-{report_id}",
        unit_name_vi="Sở Nội vụ", unit_type="province_department", reviewer_unit_code="SKHCN",
        reviewer_kind="department", catalog_version="hatinh-2021-ref-1", catalog_fingerprint="f" * 64,
        inputs_hash="h" * 64, total="80.00", groups={}, criteria={}, classification={}, complete=True,
        scored_at=AT), "/cqs/scoring")
