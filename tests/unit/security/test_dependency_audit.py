import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / ".ci" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_a_known_vulnerability_fails_the_build():
    code, message = audit.verdict({"dependencies": [
        {"name": "flask", "version": "0.12", "vulns": [{"id": "PYSEC-2019-179", "fix_versions": ["1.0"]}]},
        {"name": "pyyaml", "version": "6.0", "vulns": []}]})
    assert code == 1 and "flask 0.12: PYSEC-2019-179" in message


def test_an_unreachable_vulnerability_service_is_reported_but_does_not_fail_the_build():
    code, message = audit.verdict({"dependencies": [
        {"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be audited: flask (3.1.0)"}]})
    assert code == 0 and message.startswith("NOT AUDITED")


def test_a_clean_audit_passes():
    code, message = audit.verdict({"dependencies": [{"name": "flask", "version": "3.1.0", "vulns": []}]})
    assert code == 0 and "no known vulnerabilities in 1" in message
