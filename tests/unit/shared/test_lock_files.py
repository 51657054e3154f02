"""The committed lock files pin every dependency pyproject.toml names, with hashes, and agree with each other."""
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def named(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def test_the_runtime_lock_pins_every_runtime_dependency_within_its_range():
    runtime = pins("requirements.lock")
    for line in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["s3"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in runtime, f"{name} is not in requirements.lock: run python3 dev.py lock"
        assert requirement.specifier.contains(runtime[name]), f"{name}=={runtime[name]} is outside {requirement}"


def test_the_development_lock_adds_the_test_tools_and_keeps_every_runtime_pin():
    runtime, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert named(PROJECT["optional-dependencies"]["test"]) <= development.keys()
    assert {name: development.get(name) for name in runtime} == runtime


def test_every_pin_carries_a_hash():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        for block in re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text.split("\n", 6)[-1]):
            if PIN.match(block):
                assert "--hash=sha256:" in block, f"{lock}: {block.splitlines()[0]} has no hash"
