from __future__ import annotations

from shared.messaging.consumer import Subscription


def subscriptions() -> list[Subscription]:
    return []
