"""Audit the locked dependencies with pip-audit (PyPI's vulnerability data): fail on any known
vulnerability; when the vulnerability service cannot be reached from this machine (every
package skipped, or no answer at all), say so loudly and do not fail the build on the network.

    .venv/bin/python .ci/audit_dependencies.py requirements.lock
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

OK, VULNERABLE, UNREACHABLE = 0, 1, 0


def verdict(report: dict) -> tuple[int, str]:
    """(exit code, message) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    audited = [d for d in dependencies if "skip_reason" not in d]
    if vulnerable:
        lines = [f"  {d['name']} {d.get('version', '')}: " + ", ".join(v["id"] for v in d["vulns"]) for d in vulnerable]
        return VULNERABLE, "known vulnerabilities in the locked dependencies:\n" + "\n".join(lines)
    if not audited:
        return UNREACHABLE, (f"NOT AUDITED: pip-audit could not get vulnerability data for any of the "
                             f"{len(dependencies)} locked packages (the vulnerability service is out of reach)")
    skipped = len(dependencies) - len(audited)
    return OK, f"no known vulnerabilities in {len(audited)} locked packages ({skipped} could not be audited)"


def main(lock: str) -> int:
    command = [str(Path(sys.executable).parent / "pip-audit"), "-r", lock, "--disable-pip", "--no-deps", "-f", "json",
               "--progress-spinner", "off"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print("NOT AUDITED: pip-audit gave no report (the vulnerability service is out of reach?)\n"
              + result.stderr[-2000:], file=sys.stderr)
        return UNREACHABLE
    code, message = verdict(report)
    print(f"pip-audit {lock}: {message}", file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "requirements.lock"))
