"""Each service's bootstrap by name, imported when a command needs it (`cqs token` loads no service)."""
from __future__ import annotations

import importlib
from types import ModuleType

PORTAL = "portal"


def bootstrap(service: str) -> ModuleType:
    return importlib.import_module(f"services.{service}.bootstrap")
