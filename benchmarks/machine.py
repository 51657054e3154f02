"""What a benchmark ran on and under: the machine, its load, the other processes sharing it, and
appending a run's text to benchmarks/RESULTS.md under the benchmark's own heading."""
from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return (f"{os.cpu_count()} vCPU {model}, {memory:.0f} GB RAM, Linux {platform.release()}, "
            f"CPython {platform.python_version()}")


def load_average() -> float:
    return os.getloadavg()[0]


def other_processes(top: int = 5) -> str:
    """The busiest processes not started by this benchmark (by CPU over the last two seconds), and
    how many test runs (pytest) were going on: what shared the cores with the figures."""
    mine = {os.getpid(), *_descendants(os.getpid())}
    before = _cpu_ticks()
    subprocess.run(["sleep", "2"], check=True)
    after = _cpu_ticks()
    busy = sorted(((after[pid][0] - before[pid][0], pid, after[pid][1]) for pid in after
                   if pid in before and pid not in mine), reverse=True)
    ticks_per_s = os.sysconf("SC_CLK_TCK") * 2
    shown = ", ".join(f"{name} {100 * ticks / ticks_per_s:.0f}%" for ticks, _, name in busy[:top] if ticks)
    pytest_runs = sum(1 for _, _, name in busy if name.startswith("pytest"))
    return f"{pytest_runs} pytest processes of other sessions; busiest others: {shown or 'none'}"


def process_tree(pid: int) -> list[int]:
    """`pid` and its children (a gunicorn master's workers)."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [int(child) for child in children]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _descendants(pid: int) -> set[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    found = {int(child) for child in children}
    for child in list(found):
        found |= _descendants(child)
    return found


def _cpu_ticks() -> dict[int, tuple[int, str]]:
    """pid → (utime + stime ticks, a short name: the script pytest or python runs, or the command)."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ticks[int(entry.name)] = (int(fields[11]) + int(fields[12]), _short_name(argv))
    return ticks


def _short_name(argv: list[bytes]) -> str:
    words = [word.decode(errors="replace") for word in argv if word]
    if not words:
        return "?"
    text = " ".join(words)
    if "pytest" in text:
        return "pytest"
    names = [Path(word).name for word in words[:3] if not word.startswith("-")]
    return re.sub(r"\s+", " ", " ".join(names))[:40]


def record(heading: str, text: str) -> None:
    """Append a run under `heading` (a `## ` section of RESULTS.md), creating the section if new."""
    content = RESULTS.read_text(encoding="utf-8")
    stamp = f"\n### Run of {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC\n\n{text.strip()}\n"
    if heading not in content:
        content = content.rstrip("\n") + f"\n\n{heading}\n"
    start = content.index(heading) + len(heading)
    following = content.find("\n## ", start)
    end = len(content) if following < 0 else following
    content = content[:end].rstrip("\n") + "\n" + stamp + content[end:]
    RESULTS.write_text(content, encoding="utf-8")
