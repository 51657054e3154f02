"""The production shape (docker-compose.yml, deploy/) cannot run here (no Docker engine), so
these tests check that everything it names exists in the code."""
from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import yaml

from cqs.topology import definitions
from shared.config import SERVICES

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = yaml.load((ROOT / "docker-compose.yml").read_text(), Loader=yaml.CSafeLoader)
KNOWN_ENV = {"CQS_DATABASE_URL", "CQS_BROKER_URL", "CQS_JWKS_URL", "CQS_NAMESPACE", "CQS_DATA_DIR",
             "CQS_AUDIT_KEY", "CQS_AUDIT_ANCHOR_DIR", "CQS_SIGNING_KEY_FILE", "CQS_PORTAL_SECRET_KEY",
             "CQS_SUBMISSION_URL", "CQS_REVIEW_URL", "CQS_SCORING_URL", "CQS_PUBLICATION_URL", "CQS_METRICS_PORT"}
NGINX = " ".join((ROOT / "deploy" / "nginx" / "cqs.conf").read_text().split())
# Read through one pattern: CQS_{service.upper()}_URL.
SERVICE_URL_VARIABLES = {f"CQS_{service.upper()}_URL" for service in SERVICES}


def test_every_service_has_a_web_and_a_worker_process():
    for service in SERVICES:
        web = COMPOSE["services"][f"{service}-web"]
        worker = COMPOSE["services"][f"{service}-worker"]
        assert f"services.{service}.bootstrap:create_app()" in " ".join(web["command"])
        assert worker["command"] == ["cqs", "worker", service, "--no-migrate"]


def test_each_service_migrates_as_its_owner_and_runs_as_its_least_privileged_role():
    init = (ROOT / "deploy" / "postgres" / "init-roles.sh").read_text()
    assert all(service in init for service in SERVICES) and "AUTHORIZATION" in init
    for service in SERVICES:
        migrate = COMPOSE["services"][f"{service}-migrate"]
        assert migrate["command"] == ["cqs", "migrate", service, "--grant-to", f"{service}_app"]
        assert f"//{service}_owner:" in migrate["environment"]["CQS_DATABASE_URL"]
        for process in ("web", "worker"):
            spec = COMPOSE["services"][f"{service}-{process}"]
            assert f"//{service}_app:" in spec["environment"]["CQS_DATABASE_URL"], (service, process)
            assert spec["depends_on"][f"{service}-migrate"] == {"condition": "service_completed_successfully"}
    urls = [spec.get("environment", {}).get("CQS_DATABASE_URL", "") for name, spec in COMPOSE["services"].items()
            if name not in ("postgres", "rabbitmq")]
    assert not any("//cqs:" in url or "//postgres:" in url for url in urls), "no service connects as the superuser"


def test_every_worker_is_healthy_only_while_ready_on_its_metrics_port():
    for service in SERVICES:
        worker = COMPOSE["services"][f"{service}-worker"]
        port = worker["environment"]["CQS_METRICS_PORT"]
        probe = " ".join(worker["healthcheck"]["test"])
        assert f"http://127.0.0.1:{port}/ready" in probe, service
    assert '"/ready"' in (ROOT / "shared" / "observability" / "worker_http.py").read_text()


def test_the_app_factories_and_cli_commands_the_compose_file_names_exist():
    for name, spec in COMPOSE["services"].items():
        command = " ".join(spec.get("command", []))
        for module, factory in re.findall(r"(services\.\w+\.bootstrap):(\w+)\(\)", command):
            assert callable(getattr(importlib.import_module(module), factory)), name
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'cqs = "cqs.cli:main"' in pyproject


def test_the_portal_and_the_reverse_proxy_serve_one_origin():
    portal = COMPOSE["services"]["portal-web"]
    assert "services.portal.bootstrap:create_app()" in " ".join(portal["command"])
    migrate = COMPOSE["services"]["portal-migrate"]
    assert migrate["command"] == ["cqs", "migrate", "portal", "--grant-to", "portal_app"]
    assert "//portal_owner:" in migrate["environment"]["CQS_DATABASE_URL"]
    assert "//portal_app:" in portal["environment"]["CQS_DATABASE_URL"]
    assert portal["depends_on"]["portal-migrate"] == {"condition": "service_completed_successfully"}
    assert "portal" in (ROOT / "deploy" / "postgres" / "init-roles.sh").read_text()
    assert COMPOSE["services"]["submission-web"]["environment"]["CQS_JWKS_URL"] == \
        "http://portal-web:8000/.well-known/jwks.json"
    assert "CQS_SIGNING_KEY_FILE" in portal["environment"]
    for service in SERVICES:
        assert f"location /{service}/ {{ proxy_pass http://{service}/; }}" in NGINX
        assert f"server {service}-web:8000;" in NGINX
        assert portal["environment"][f"CQS_{service.upper()}_URL"] == f"http://{service}-web:8000"
    assert "server portal-web:8000;" in NGINX and "location / { proxy_pass http://portal; }" in NGINX
    assert COMPOSE["services"]["nginx"]["volumes"][0].startswith("./deploy/nginx/cqs.conf:")


def test_every_environment_variable_named_is_read_by_the_code():
    code = "\n".join(path.read_text() for folder in ("cqs", "shared", "services/portal")
                     for path in (ROOT / folder).rglob("*.py"))
    for name, spec in COMPOSE["services"].items():
        if name in ("postgres", "rabbitmq", "nginx"):
            continue
        for variable in spec["environment"]:
            read = variable in code or (variable in SERVICE_URL_VARIABLES and "CQS_{service.upper()}_URL" in code)
            assert variable in KNOWN_ENV and read, f"{name}: {variable}"


def test_ports_and_files_exist():
    assert (ROOT / "deploy" / "Dockerfile").is_file()
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    assert "8000" in gunicorn
    for service in SERVICES:
        assert COMPOSE["services"][f"{service}-web"]["ports"][0].endswith(":8000")


def test_the_rabbitmq_definitions_file_matches_the_code():
    shipped = json.loads((ROOT / "deploy" / "rabbitmq" / "definitions.json").read_text())
    assert shipped == definitions(), "regenerate: python -m cqs.topology > deploy/rabbitmq/definitions.json"


def test_everything_between_the_processes_runs_over_tls_as_least_privileged_broker_users():
    rabbitmq_conf = (ROOT / "deploy" / "rabbitmq" / "rabbitmq.conf").read_text()
    assert "listeners.tcp = none" in rabbitmq_conf and "ssl_options.verify = verify_peer" in rabbitmq_conf
    assert "load_definitions = /etc/cqs/definitions.json" in rabbitmq_conf
    postgres_conf = (ROOT / "deploy" / "postgres" / "postgresql-tls.conf").read_text()
    assert "ssl = on" in postgres_conf and "ssl_min_protocol_version = 'TLSv1.2'" in postgres_conf
    hba = [line.split() for line in (ROOT / "deploy" / "postgres" / "pg_hba.conf").read_text().splitlines()
           if line.strip() and not line.startswith("#")]
    assert all(entry[0] in ("local", "hostssl") for entry in hba), "no plain-text network connections"
    for service in SERVICES:
        for process in ("migrate", "web", "worker"):
            environment = COMPOSE["services"][f"{service}-{process}"]["environment"]
            assert "sslmode=verify-full" in environment["CQS_DATABASE_URL"]
            assert environment["CQS_BROKER_URL"].startswith(f"amqps://cqs-{service}:")
    users = {user["name"] for user in definitions()["users"]}
    assert {f"cqs-{service}" for service in SERVICES} <= users and "guest" not in users
