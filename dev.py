#!/usr/bin/env python3
"""The two everyday commands, on a fresh machine with nothing but Python 3.11+:

    python3 dev.py run     the whole system on embedded defaults (SQLite, in-process broker, demo data)
    python3 dev.py test    the test suite (needs PostgreSQL and RabbitMQ: see README)
    python3 dev.py lock    regenerate the lock files after a change of dependencies in pyproject.toml

`run` and `test` create `.venv` and install the project into it first, when needed, from the committed
lock file (exact versions, hashes checked).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-lock"
# What runs in production (deploy/Dockerfile installs this one) and what development and CI add to it.
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
PYPROJECT = ROOT / "pyproject.toml"
PIP_TOOLS = "pip-tools==7.6.2"


def pip(*args: str) -> None:
    subprocess.run([str(BIN / "python"), "-m", "pip", *args], check=True, cwd=ROOT)


def ensure_venv() -> None:
    if not (BIN / "python").exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)


def ensure_installed() -> None:
    """(Re)install when the venv is missing or the lock files or pyproject.toml (its packages, the `cqs`
    script) changed since the last install."""
    wanted = hashlib.sha256(RUNTIME_LOCK.read_bytes() + DEV_LOCK.read_bytes() + PYPROJECT.read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    ensure_venv()
    print("Installing CQS and its locked dependencies into .venv …", flush=True)
    # Every package, build tools included, comes from the lock with its hash; the project itself is then
    # installed in place without fetching anything more.
    pip("install", "--quiet", "--require-hashes", "--no-deps", "-r", str(DEV_LOCK))
    pip("install", "--quiet", "--no-deps", "--no-build-isolation", "-e", ".")
    STAMP.write_text(wanted)


def ensure_browser_tools() -> None:
    """axe-core (npm, pinned by package-lock.json) for the browser tests, into ./node_modules, when npm is here.
    The browser itself is Debian's chromium (.ci/run installs it); no tool downloads one."""
    if (ROOT / "node_modules" / "axe-core" / "axe.min.js").exists() or not shutil.which("npm"):
        return
    print("Installing axe-core into node_modules …", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], check=True, cwd=ROOT)


def lock() -> int:
    """Resolve pyproject.toml's ranges to exact versions with hashes, from PyPI alone."""
    ensure_venv()
    pip("install", "--quiet", PIP_TOOLS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # a machine's local wheel folders must not leak into the lock
    compile_ = [str(BIN / "pip-compile"), "--quiet", "--generate-hashes", "--allow-unsafe", "--strip-extras",
                "--no-emit-index-url", "--no-emit-find-links", "--resolver=backtracking"]
    subprocess.run([*compile_, "--extra", "s3", "--output-file", RUNTIME_LOCK.name, "pyproject.toml",
                    "requirements-build.in"],
                   check=True, cwd=ROOT, env=env)
    # The development lock keeps every runtime pin and adds the test tools (and the build backend).
    subprocess.run([*compile_, "--extra", "s3", "--extra", "test", "--constraint", RUNTIME_LOCK.name,
                    "--output-file", DEV_LOCK.name, "pyproject.toml", "requirements-build.in"],
                   check=True, cwd=ROOT, env=env)
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test", "lock"):
        print(__doc__)
        return 2
    if sys.version_info < (3, 11):
        print("CQS needs Python 3.11 or newer", file=sys.stderr)
        return 2
    if argv[0] == "lock":
        return lock()
    ensure_installed()
    if argv[0] == "run":
        return subprocess.call([str(BIN / "cqs"), "run", *argv[1:]], cwd=ROOT)
    ensure_browser_tools()
    # The property tests draw the thorough number of examples here (tests/unit/conftest.py); a bare pytest, fewer.
    env = {"HYPOTHESIS_PROFILE": "thorough", **os.environ}
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *argv[1:]], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
