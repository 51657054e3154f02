"""The Kubernetes shape (deploy/kustomization.yaml, deploy/k8s/) cannot run here, so these tests
check it against the code: every command, variable, port, probe and pooled database it names
exists, every web and worker process (the four services' and the portal's) runs several replicas,
and every image names a real release."""
from __future__ import annotations

import configparser
import importlib
import re
import tomllib
from pathlib import Path

import pytest
import yaml

from shared import db
from shared.config import SERVICES
from shared.messaging import topology

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
KUSTOMIZATION = yaml.load((DEPLOY / "kustomization.yaml").read_text(), Loader=yaml.CSafeLoader)
DOCUMENTS = [doc for resource in KUSTOMIZATION["resources"]
             for doc in yaml.load_all((DEPLOY / resource).read_text(), Loader=yaml.CSafeLoader) if doc]
CODE = "\n".join(path.read_text() for folder in ("cqs", "shared", "services")
                 for path in (ROOT / folder).rglob("*.py")) \
    + (DEPLOY / "gunicorn.conf.py").read_text()
WORKER_HTTP = (ROOT / "shared" / "observability" / "worker_http.py").read_text()
PORTAL = "portal"
DEPLOYABLES = (*SERVICES, PORTAL)  # the portal is web only: no worker
# Read through one pattern: CQS_{service.upper()}_URL (services/portal/settings.py).
SERVICE_URL_VARIABLES = {f"CQS_{service.upper()}_URL" for service in SERVICES}
CONFIG = {literal.split("=", 1)[0]: literal.split("=", 1)[1]
          for generator in KUSTOMIZATION["configMapGenerator"] if generator["name"] == "cqs-config"
          for literal in generator["literals"]}


def workloads() -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in DOCUMENTS if doc["kind"] in ("Deployment", "StatefulSet", "Job")}


def cqs_containers():
    for name, workload in workloads().items():
        for container in workload["spec"]["template"]["spec"]["containers"]:
            if container["image"] == "cqs":
                yield name, container


def env_of(container: dict) -> dict[str, str]:
    values = {item["name"]: item.get("value", "<secret>") for item in container.get("env", [])}
    if any(source["configMapRef"]["name"] == "cqs-config" for source in container.get("envFrom", [])):
        values = {**CONFIG, **values}
    return values


def test_every_file_the_kustomization_names_exists():
    for resource in KUSTOMIZATION["resources"]:
        assert (DEPLOY / resource).is_file(), resource
    for generator in KUSTOMIZATION["configMapGenerator"]:
        for entry in generator.get("files", []):
            assert (DEPLOY / entry.split("=", 1)[1]).is_file(), entry


def test_every_service_and_the_portal_run_a_migration_and_several_web_and_worker_replicas():
    found = workloads()
    for deployable in DEPLOYABLES:
        assert found[f"{deployable}-migrate"]["spec"]["template"]["spec"]["containers"][0]["command"] == [
            "cqs", "migrate", deployable, "--grant-to", f"{deployable}_app"]
        web = found[f"{deployable}-web"]
        assert web["spec"]["replicas"] >= 2
        assert web["spec"]["template"]["spec"]["containers"][0]["command"][-1] == \
            f"services.{deployable}.bootstrap:create_app()"
    for service in SERVICES:
        worker = found[f"{service}-worker"]
        assert worker["spec"]["replicas"] >= 2
        assert worker["spec"]["template"]["spec"]["containers"][0]["command"] == [
            "cqs", "worker", service, "--no-migrate"]
    assert f"{PORTAL}-worker" not in found


def test_every_command_exists_in_the_code():
    cli = "\n".join(path.read_text() for path in (ROOT / "cqs").glob("*.py"))
    for name, container in cqs_containers():
        command = container["command"]
        if command[0] == "gunicorn":
            assert (ROOT / command[command.index("-c") + 1]).is_file()
            module, factory = re.fullmatch(r"([\w.]+):(\w+)\(\)", command[-1]).groups()
            assert callable(getattr(importlib.import_module(module), factory)), name
        else:
            assert command[0] == "cqs" and f'"{command[1]}"' in cli and command[2] in DEPLOYABLES, name
            for flag in (arg for arg in command[3:] if arg.startswith("--")):
                assert f'"{flag}"' in cli, (name, flag)


def test_every_environment_variable_is_read_by_the_code_or_feeds_another():
    for name, container in cqs_containers():
        env = env_of(container)
        fed = {match for value in env.values() for match in re.findall(r"\$\((\w+)\)", value)}
        for variable in env:
            read = (f'"{variable}"' in CODE or variable.startswith("AWS_")  # boto3 reads the AWS_ variables
                    or (variable in SERVICE_URL_VARIABLES and 'f"CQS_{service.upper()}_URL"' in CODE))
            assert read or variable in fed, f"{name}: {variable} is read by nothing"
        for variable in fed:
            assert variable in env, f"{name}: $({variable}) is not defined before it is used"


def test_the_configured_values_are_ones_the_code_accepts(monkeypatch):
    monkeypatch.setenv("CQS_QUEUE_TYPE", CONFIG["CQS_QUEUE_TYPE"])
    assert topology.queue_type() == "quorum"
    for name, container in cqs_containers():
        env = env_of(container)
        assert env.get("CQS_DATABASE_POOLER", "") in db.POOLERS, name


def test_web_and_worker_processes_connect_through_pgbouncer_as_their_service_role():
    ini = configparser.ConfigParser()
    ini.read_string((DEPLOY / "k8s" / "pgbouncer.ini").read_text())
    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    pooled_port = ini["pgbouncer"]["listen_port"]
    for service in DEPLOYABLES:
        assert f"SET search_path TO {service}'" in ini["databases"][f"cqs_{service}"]
        for process in ("web", "worker") if service in SERVICES else ("web",):
            [container] = workloads()[f"{service}-{process}"]["spec"]["template"]["spec"]["containers"]
            env = env_of(container)
            assert re.fullmatch(rf"postgresql\+psycopg://{service}_app:\$\(\w+\)@pgbouncer:{pooled_port}/cqs_{service}",
                                env["CQS_DATABASE_URL"]), (service, process)
            assert env["CQS_DATABASE_POOLER"] == "pgbouncer"
        [migrate] = workloads()[f"{service}-migrate"]["spec"]["template"]["spec"]["containers"]
        assert f"//{service}_owner:" in env_of(migrate)["CQS_DATABASE_URL"]
        assert "CQS_DATABASE_POOLER" not in env_of(migrate)


@pytest.fixture
def app_routes(monkeypatch, tmp_path):
    monkeypatch.setenv("CQS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CQS_API_URL", "http://127.0.0.1:9")  # the portal's pages are not called here
    for variable in ("CQS_DATABASE_URL", "CQS_BROKER_URL", "CQS_JWKS_URL", *SERVICE_URL_VARIABLES):
        monkeypatch.delenv(variable, raising=False)

    def routes(service: str) -> set[str]:
        app = importlib.import_module(f"services.{service}.bootstrap").create_app()
        return {rule.rule for rule in app.url_map.iter_rules()}
    return routes


def test_ports_and_probes_are_the_ones_the_processes_serve(app_routes):
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    assert "os.environ.get('PORT', '8000')" in gunicorn
    for name, container in cqs_containers():
        ports = {port["name"]: port["containerPort"] for port in container.get("ports", [])}
        env = env_of(container)
        if container["command"][0] == "gunicorn":
            assert ports == {"http": 8000}, name
            routes = app_routes(name.removesuffix("-web"))
            assert {"/health", "/ready"} <= routes, name
            scraped = workloads()[name]["spec"]["template"]["metadata"].get("annotations", {})
            if scraped.get("prometheus.io/scrape") == "true":
                assert scraped["prometheus.io/path"] in routes and scraped["prometheus.io/port"] == "8000", name
        elif container["command"][1] == "worker":
            assert ports == {"metrics": int(env["CQS_METRICS_PORT"])}, name
        for probe in ("readinessProbe", "livenessProbe"):
            if probe in container:
                http = container[probe]["httpGet"]
                assert http["port"] in ports, (name, probe)
                if container["command"][0] == "gunicorn":
                    assert http["path"] in routes, (name, probe)
        if container["command"][1] == "worker":
            # shared/observability/worker_http.py: ready only while consuming from the broker.
            assert container["readinessProbe"]["httpGet"]["path"] == "/ready", name
            assert container["livenessProbe"]["httpGet"]["path"] == "/health", name
            assert '"/ready"' in WORKER_HTTP and '"/health"' in WORKER_HTTP


def test_every_service_object_selects_pods_and_ports_that_exist():
    templates = {name: workload["spec"]["template"] for name, workload in workloads().items()}
    for service in (doc for doc in DOCUMENTS if doc["kind"] == "Service"):
        selector = service["spec"]["selector"]
        matching = [template for template in templates.values()
                    if selector.items() <= template["metadata"]["labels"].items()]
        assert matching, service["metadata"]["name"]
        port_names = {port["name"] for template in matching for container in template["spec"]["containers"]
                      for port in container.get("ports", [])}
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names, (service["metadata"]["name"], port)


def _secret_env(container: dict) -> set[str]:
    return {item["name"] for item in container.get("env", []) if "secretKeyRef" in item.get("valueFrom", {})}


def test_the_portal_holds_its_secrets_and_the_services_find_its_keys():
    [portal] = workloads()["portal-web"]["spec"]["template"]["spec"]["containers"]
    env = env_of(portal)
    assert {"CQS_PORTAL_SECRET_KEY", "CQS_RATE_LIMIT_STORAGE_URL", "CQS_AUDIT_KEY"} <= _secret_env(portal)
    # The signing key is a file from a Secret mounted read-only, not a variable.
    volumes = {volume["name"]: volume for volume in workloads()["portal-web"]["spec"]["template"]["spec"]["volumes"]}
    [mount] = [mount for mount in portal["volumeMounts"] if env["CQS_SIGNING_KEY_FILE"].startswith(mount["mountPath"] + "/")]
    assert mount["readOnly"] and "secret" in volumes[mount["name"]]
    services = {doc["metadata"]["name"]: doc for doc in DOCUMENTS if doc["kind"] == "Service"}
    for service in SERVICES:
        assert env[f"CQS_{service.upper()}_URL"] == f"http://{service}"
        assert services[service]["spec"]["ports"][0]["port"] == 80
    assert services[PORTAL]["spec"]["ports"][0]["port"] == 80
    jwks_urls = {env_of(container).get("CQS_JWKS_URL") for _name, container in cqs_containers()} - {None}
    assert jwks_urls == {f"http://{PORTAL}/.well-known/jwks.json"}
    assert "/.well-known/jwks.json" in (ROOT / "services" / "portal" / "entrypoints" / "auth.py").read_text()


def test_every_web_process_counts_its_rate_limits_where_all_its_replicas_see_them():
    for name, container in cqs_containers():
        if container["command"][0] == "gunicorn":
            assert "CQS_RATE_LIMIT_STORAGE_URL" in _secret_env(container), name


def test_every_image_names_a_release_not_latest_or_a_placeholder():
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    [cqs] = [image for image in KUSTOMIZATION["images"] if image["name"] == "cqs"]
    assert cqs["newTag"] == version, "tag the image with the release it was built from"
    images = [container["image"] for doc in DOCUMENTS if doc["kind"] in ("Deployment", "StatefulSet", "Job")
              for container in doc["spec"]["template"]["spec"]["containers"] if container["image"] != "cqs"]
    images += [doc["spec"]["image"] for doc in DOCUMENTS if doc["kind"] == "RabbitmqCluster"]
    assert images
    for image in images:
        name, _, tag = image.partition(":")
        # A version, optionally with the image's build suffix: never `latest`, none, or a placeholder.
        assert re.fullmatch(r"v?\d+(\.\d+)*(-[\w.]+)?", tag), f"{image}: no release tag"
