"""The process's log handler writes to stderr as it is at each record: a command configured logging
inside a test whose captured stderr is closed afterwards must not leave every later record failing
("--- Logging error ---", a traceback printed for each) in the tests that follow."""
from __future__ import annotations

import io
import logging

from shared.observability import logs


def test_records_go_to_the_stderr_of_the_moment(monkeypatch):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        first = io.StringIO()
        monkeypatch.setattr("sys.stderr", first)
        logs.configure(log_format="text")
        first.close()  # as pytest closes a finished test's captured stream
        later = io.StringIO()
        monkeypatch.setattr("sys.stderr", later)
        logging.getLogger("cqs.test").warning("still heard")
        [line] = later.getvalue().splitlines()  # the record, and no "--- Logging error ---" report
        assert line.endswith("cqs.test: still heard")
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
