"""The code keeps the lint rules pyproject.toml sets (`[tool.ruff]`): line length, sorted imports, pyflakes'
unused names and bugbear's traps (a loop variable read late by a closure, a mutable default)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ruff(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_the_code_keeps_the_lint_rules():
    result = ruff(".")
    assert result.returncode == 0, f"ruff check . found:\n{result.stdout}{result.stderr}"


def test_the_lint_reads_the_project_rules(tmp_path):
    """The check fails on what the rules forbid, so a passing run means something."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "m.py").write_text("import os\n\nx = '" + "a" * 130 + "'\n", encoding="utf-8")
    result = ruff(".", cwd=tmp_path)
    assert result.returncode == 1
    assert "F401" in result.stdout and "E501" in result.stdout
