"""Where a round stands (a read model): its reports counted per unit type and status, and the
units past their deadline without a submission."""
from __future__ import annotations

import dataclasses
import datetime as dt

from services.rounds.service_layer.rounds import existing_round
from services.rounds.service_layer.unit_of_work import RoundsUnitOfWork
from shared.auth import Principal, Role
from shared.authorization import reads_everything, reviewer_kind_of
from shared.domain.errors import Bilingual, Forbidden
from shared.domain.lifecycle import ReportStatus


@dataclasses.dataclass(frozen=True)
class LateUnit:
    unit_code: str
    unit_name_vi: str
    unit_type: str
    deadline: dt.datetime


@dataclasses.dataclass(frozen=True)
class Completeness:
    round_id: str
    as_of: dt.datetime
    counts: dict[str, dict[str, int]]  # unit type → report status → number of reports
    late: list[LateUnit]


def round_completeness(uow: RoundsUnitOfWork, round_id: str, principal: Principal, now: dt.datetime) -> Completeness:
    """Where the round stands. Admins, auditors and the round's reviewing department see every
    unit; a district reviewer sees the communes it reviews. A reviewer whose unit reviews
    nothing in this round in its role (a `district_reviewer` token of a department) sees nothing."""
    with uow:
        round_ = existing_round(uow, round_id)
        if not reads_everything(principal):
            _require_reviewing_body(uow, round_id, principal)
        rows = uow.round_reports.progress(
            round_id, principal.unit if principal.role is Role.DISTRICT_REVIEWER else None)
        in_scope = set(round_.units_in_scope)  # the whole scope, read once
    counts: dict[str, dict[str, int]] = {}
    late = []
    for row in rows:
        by_status = counts.setdefault(row.unit_type, dict.fromkeys((s.value for s in ReportStatus), 0))
        by_status[row.status] += 1
        if row.submitted_at is None and row.unit_code in in_scope:
            deadline = round_.deadline_of(row.unit_code)
            if now >= deadline:
                late.append(LateUnit(row.unit_code, row.unit_name_vi, row.unit_type, deadline))
    return Completeness(round_id, now, counts, late)


def _require_reviewing_body(uow: RoundsUnitOfWork, round_id: str, principal: Principal) -> None:
    """The caller's unit reviews some report of the round, in the kind its role fits."""
    kind = reviewer_kind_of(principal)
    if kind is None or not uow.round_reports.reviewed_by(round_id, principal.unit, kind):
        raise Forbidden(Bilingual(f"Đơn vị '{principal.unit}' không thẩm định báo cáo nào của kỳ '{round_id}' với "
                                  f"vai trò '{principal.role.value}'",
                                  f"unit '{principal.unit}' reviews no report of round '{round_id}' as "
                                  f"'{principal.role.value}'"))
