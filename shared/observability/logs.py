"""Structured logs: one JSON object per line, carrying the trace id and span id of the request or
event being handled, so that `trace_id` finds a report's every line in every service.

`install()` adds the trace fields to every log record (whatever handler prints it); `configure()`
sets the process's root handler to print JSON (`CQS_LOG_FORMAT=json`, the default) or text.
"""
from __future__ import annotations

import logging
import os
import sys
import threading

from pythonjsonlogger.json import JsonFormatter

from shared.observability import tracing

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_installed = threading.Lock()
_factory_installed = False


def install() -> None:
    """Every log record made from now on carries `trace_id` and `span_id` (None outside a trace)."""
    global _factory_installed
    with _installed:
        if _factory_installed:
            return
        make_record = logging.getLogRecordFactory()

        def with_trace(*args, **kwargs) -> logging.LogRecord:
            record = make_record(*args, **kwargs)
            record.trace_id, record.span_id = tracing.current_ids() or (None, None)
            return record

        logging.setLogRecordFactory(with_trace)
        _factory_installed = True


def json_formatter() -> logging.Formatter:
    return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s %(trace_id)s %(span_id)s",
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         json_ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to `sys.stderr` as it is when a record comes, like logging's last resort, not as it was when
    logging was configured: a command run inside a test (whose stderr is captured, then closed) must not
    leave the process's logging writing to a closed stream."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def configure(level: str | None = None, log_format: str | None = None) -> None:
    """The process's logging: JSON lines on stderr unless `CQS_LOG_FORMAT=text`."""
    install()
    handler = StderrHandler()
    chosen = (log_format or os.environ.get("CQS_LOG_FORMAT", "json")).lower()
    handler.setFormatter(json_formatter() if chosen == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=(level or os.environ.get("CQS_LOG_LEVEL", "INFO")).upper(), handlers=[handler],
                        force=True)
    # Libraries' running commentary at INFO: Alembic names each of its plugins whenever migrations run (ten lines a
    # service start), fpdf2's font subsetting (fontTools) ten lines a PDF made.
    for chatty in ("alembic.runtime.plugins", "fontTools"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
