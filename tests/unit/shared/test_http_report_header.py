"""The report's header as the APIs show it: every field of `ReportHeader`, as the domain has it."""
from __future__ import annotations

import dataclasses

from shared.domain.report_header import HeaderedReport, ReportHeader
from shared.http_report_header import ReportHeaderSchema

HEADER = ReportHeader(round_id="2026-annual", unit_code="SoTP", unit_name_vi="Sở Tư pháp",
                      unit_type="province_department", reviewer_unit_code="SoNV", reviewer_kind="department")


class Report(HeaderedReport):
    def __init__(self, header: ReportHeader):
        self.header = header


def test_a_report_shows_its_whole_header_as_the_domain_has_it():
    assert ReportHeaderSchema().dump(Report(HEADER)) == dataclasses.asdict(HEADER)
