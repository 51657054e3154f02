"""What time it is, as every service asks it: an aware moment in UTC."""
from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)
