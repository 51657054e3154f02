"""The reporting calendar's scheduler: what the worker does every minute without anybody asking."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from services.rounds.domain.calendar import RoundKind
from services.rounds.domain.rounds import round_id_for
from services.rounds.service_layer.rounds import close_round, create_round, open_round, send_reminders
from services.rounds.service_layer.unit_of_work import RoundsUnitOfWork
from shared.domain.round_events import RoundStatus

log = logging.getLogger(__name__)

UowFactory = Callable[[], RoundsUnitOfWork]


def run_calendar(uow_factory: UowFactory, now: dt.datetime) -> None:
    """One tick of the scheduler: open the planned rounds whose period has come, close the open
    ones whose last deadline (extensions included) has passed, send the reminders that are due
    in the others, and plan next year's annual round while this year's is open. Each step runs
    in its own transaction, so one failing round does not hold the others up."""
    with uow_factory() as uow:
        active = uow.rounds.list(RoundStatus.PLANNED, RoundStatus.OPEN)
    known = {round_.id for round_ in active}
    for round_ in active:
        if round_.is_due_to_close(now):
            _attempt(close_round, uow_factory(), round_.id, now)
            continue
        if round_.is_due_to_open(now):
            _attempt(open_round, uow_factory(), round_.id, now)
        elif round_.status is not RoundStatus.OPEN:
            continue
        _attempt(send_reminders, uow_factory(), round_.id, now)
        following = round_id_for(RoundKind.ANNUAL_EVALUATION, round_.year + 1, None)
        if round_.kind is RoundKind.ANNUAL_EVALUATION and following not in known:
            _attempt(_plan_following_year, uow_factory(), round_.year + 1)


def _plan_following_year(uow: RoundsUnitOfWork, year: int) -> None:
    with uow:
        if uow.rounds.get(round_id_for(RoundKind.ANNUAL_EVALUATION, year, None)) is not None:
            return
    create_round(uow, RoundKind.ANNUAL_EVALUATION, year)


def _attempt(use_case, uow: RoundsUnitOfWork, *args) -> None:
    try:
        use_case(uow, *args)
    except Exception:  # logged; the next tick tries again
        log.exception("reporting calendar: %s%r failed", use_case.__name__, args)
