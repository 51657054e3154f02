"""What time it is, as every service asks it: an aware moment in UTC."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# What people read: the province's time (UTC+7, no daylight saving).
PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def in_province_time(moment: dt.datetime) -> dt.datetime:
    """`moment` in the province's time; a naive one (SQLite hands those back) is UTC."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(PROVINCE_TZ)
