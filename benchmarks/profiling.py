"""Sampling a running process with py-spy (a profiling tool, not a dependency of the project:
`.venv/bin/pip install py-spy` first) and summing its samples by function."""
from __future__ import annotations

import argparse
import collections
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

_LINE = re.compile(r"\s*\(([^()]*?)(?::\d+)?\)$")  # "name (path/file.py:123)" → name and path


INSTALL = ".venv/bin/pip install py-spy"


def available() -> bool:
    return _py_spy() is not None


def parse_arguments(parser: argparse.ArgumentParser, sampled: str) -> argparse.Namespace:
    """A benchmark's arguments with `--profile` (py-spy samples `sampled` during the run) and `--no-record`;
    stops before anything starts if `--profile` is asked for without py-spy."""
    parser.add_argument("--profile", action="store_true",
                        help=f"sample {sampled} with py-spy (install it first: {INSTALL})")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    if args.profile and not available():
        raise SystemExit(f"--profile needs py-spy: {INSTALL}")
    return args


def _py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Sampled:
    """py-spy samples `pids` (with their threads, idle ones left out) until `stop()`."""

    def __init__(self, pids: list[int], rate: int = 100):
        self._outputs = [Path(tempfile.mkstemp(prefix="cqs-py-spy-", suffix=".txt")[1]) for _ in pids]
        self._spies = [subprocess.Popen([_py_spy(), "record", "--pid", str(pid), "--format", "raw", "--rate",
                                         str(rate), "--nonblocking", "--output", str(output)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                       for pid, output in zip(pids, self._outputs, strict=True)]

    def stop(self) -> list[str]:
        """Collapsed stacks (`frame;frame;… count`), one per line, of every sampled process."""
        for spy in self._spies:
            spy.send_signal(signal.SIGINT)
        stacks = []
        for spy, output in zip(self._spies, self._outputs, strict=True):
            spy.wait(timeout=60)
            stacks += output.read_text().splitlines()
            output.unlink()
        return stacks


def top_functions(stacks: list[str], count: int = 15) -> list[str]:
    """Markdown rows: the functions holding the most samples, by own time and including callees."""
    own, inclusive, total = collections.Counter(), collections.Counter(), 0
    for line in stacks:
        frames, _, samples = line.rpartition(" ")
        if not frames or not samples.isdigit():
            continue
        names = [_name(frame) for frame in frames.split(";")]
        total += int(samples)
        own[names[-1]] += int(samples)
        for name in set(names):
            inclusive[name] += int(samples)
    if not total:
        return ["| (no samples) | | |"]
    rows = [f"| {name} | {100 * samples / total:.1f} % | {100 * inclusive[name] / total:.1f} % |"
            for name, samples in own.most_common(count)]
    rows += [f"| (incl. callees) {name} | {100 * own[name] / total:.1f} % | {100 * samples / total:.1f} % |"
             for name, samples in inclusive.most_common(count * 3) if _ours(name)][:count]
    return ["| function (file) | own samples | incl. callees |", "|---|---|---|", *rows,
            f"| ({total:,} samples) | | |"]


def _name(frame: str) -> str:
    match = _LINE.search(frame)
    if not match:
        return frame.strip()
    where = match.group(1)
    for marker in ("site-packages/", "/work/", "lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    where = re.sub(r"^wt/[^/]+/|^main/", "", where)
    return f"`{frame[:match.start()].strip()}` ({where})"


def _ours(name: str) -> bool:
    return "(services/" in name or "(shared/" in name
