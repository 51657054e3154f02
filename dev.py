#!/usr/bin/env python3
"""The two everyday commands, on a fresh machine with nothing but Python 3.11+:

    python3 dev.py run     the whole system on embedded defaults (SQLite, in-process broker, demo data)
    python3 dev.py test    the test suite (needs PostgreSQL and RabbitMQ: see README)

Both create `.venv` and install the project into it first, when needed.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-pyproject"


def ensure_installed() -> None:
    """(Re)install when the venv is missing or pyproject.toml changed since the last install."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing CQS and its dependencies into .venv …", flush=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "-e", ".[test]"], check=True, cwd=ROOT)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    if sys.version_info < (3, 11):
        print("CQS needs Python 3.11 or newer", file=sys.stderr)
        return 2
    ensure_installed()
    if argv[0] == "run":
        return subprocess.call([str(BIN / "cqs"), "run", *argv[1:]], cwd=ROOT)
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *argv[1:]], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
