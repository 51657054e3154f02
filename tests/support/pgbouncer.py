"""A PgBouncer of the test's own, in transaction pooling in front of the shared PostgreSQL, as
deploy/k8s runs it: one pooled database per service, whose server connections use the service's
schema (`connect_query`)."""
from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

from tests.support.polling import eventually
from tests.support.processes import free_port


@contextlib.contextmanager
def pgbouncer(database_url: str, services: list[str], pool_size: int = 2):
    """Yield service → the URL of its pooled database; PgBouncer stops afterwards."""
    # Readable by the postgres user, which PgBouncer switches to when started as root.
    workdir = Path(tempfile.mkdtemp(prefix="cqs-pgbouncer-"))
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    target = sa.engine.make_url(database_url)
    port = free_port()
    os.chmod(workdir, 0o777)
    databases = "\n".join(
        f"cqs_{service} = host={target.host or '127.0.0.1'} port={target.port or 5432} dbname={target.database} "
        f"user={target.username or 'postgres'} connect_query='SET search_path TO {service}'"
        for service in services)
    (workdir / "users.txt").write_text(f'"{target.username or "postgres"}" ""\n')
    (workdir / "pgbouncer.ini").write_text(f"""[databases]
{databases}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {workdir / "users.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
ignore_startup_parameters = extra_float_digits
logfile = {workdir / "pgbouncer.log"}
pidfile = {workdir / "pgbouncer.pid"}
""")
    for name in ("users.txt", "pgbouncer.ini"):
        os.chmod(workdir / name, 0o644)
    command = [binary, str(workdir / "pgbouncer.ini")]
    if getpass.getuser() == "root":
        command[1:1] = ["-u", "postgres"]
    process = subprocess.Popen(command, stdout=open(workdir / "stdout.log", "w"), stderr=subprocess.STDOUT)
    try:
        _wait_listening(port, process, workdir)
        yield {service: target.set(host="127.0.0.1", port=port, database=f"cqs_{service}", password=None)
               .render_as_string(hide_password=False) for service in services}
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_listening(port: int, process: subprocess.Popen, workdir: Path, timeout_s: float = 15) -> None:
    def listening() -> bool:
        if process.poll() is not None:
            logs = [path.read_text() for path in (workdir / "stdout.log", workdir / "pgbouncer.log") if path.exists()]
            raise RuntimeError("pgbouncer exited: " + "\n".join(logs))
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
        return False

    eventually(listening, timeout_s=timeout_s, interval_s=0.1, what=f"pgbouncer listening on port {port}")
