"""A RabbitMQ node of the test's own, for tests that need a broker outage.

The machine's broker is shared with everything else running here, so a test never stops it:
it starts a separate node (own node name, AMQP and distribution ports, data and log dirs,
Erlang cookie, no plugins and none of the machine's config files), stops and starts only that
one, and kills it by its process id at the end.
"""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

from kombu import Connection

from tests.support.polling import eventually
from tests.support.processes import free_port

# The Debian package's /usr/sbin scripts re-run themselves as the `rabbitmq` user; the real
# scripts run as whoever calls them, with the environment given here.
PACKAGED_SCRIPTS = Path("/usr/lib/rabbitmq/bin")


def _script(name: str) -> str | None:
    packaged = PACKAGED_SCRIPTS / name
    return str(packaged) if packaged.exists() else shutil.which(name)


def available() -> bool:
    return _script("rabbitmq-server") is not None and _script("rabbitmqctl") is not None


class RabbitMQNode:
    def __init__(self, base: Path):
        self.name = f"cqs-test-{secrets.token_hex(4)}@localhost"
        self.port = free_port()
        self.url = f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"
        self._cookie = secrets.token_hex(16)
        self._base = base
        self._process: subprocess.Popen | None = None
        config = base / "rabbitmq.conf"
        config.write_text(f"listeners.tcp.default = 127.0.0.1:{self.port}\n")
        plugins = base / "enabled_plugins"
        plugins.write_text("[].\n")
        empty_env = base / "rabbitmq-env.conf"
        empty_env.write_text("")
        self._env = {
            **os.environ,
            "HOME": str(base),
            "RABBITMQ_NODENAME": self.name,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port),
            "RABBITMQ_DIST_PORT": str(free_port()),
            "RABBITMQ_MNESIA_BASE": str(base / "mnesia"),
            "RABBITMQ_LOG_BASE": str(base / "log"),
            "RABBITMQ_CONFIG_FILE": str(base / "rabbitmq"),
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(base / "advanced.config"),
            "RABBITMQ_CONF_ENV_FILE": str(empty_env),
            "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "RABBITMQ_PID_FILE": str(base / "node.pid"),
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": f"-setcookie {self._cookie}",
            "RABBITMQ_CTL_ERL_ARGS": f"-setcookie {self._cookie}",
        }

    def start(self, timeout_s: float = 90) -> None:
        log = open(self._base / "server.out", "w")
        self._process = subprocess.Popen([_script("rabbitmq-server")], env=self._env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)

        def started() -> RuntimeError | None:  # the node registers with epmd a few seconds after the VM starts
            try:
                self.ctl("await_startup", timeout_s=timeout_s)
                return None
            except RuntimeError as error:
                if self._process.poll() is not None:
                    raise
                return error

        eventually(started, lambda error: error is None, timeout_s=timeout_s, interval_s=0.5,
                   what=f"node {self.name} started")

    def ctl(self, *args: str, timeout_s: float = 90) -> None:
        command = [_script("rabbitmqctl"), "-n", self.name, "--erlang-cookie", self._cookie, *args]
        result = subprocess.run(command, env=self._env, capture_output=True, text=True, timeout=timeout_s)
        if result.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {self.name} failed:\n{result.stdout}"
                               f"\n{result.stderr}\n{self._tail()}")

    def _tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self._base / "server.out").read_text()[-3000:]
        return ""

    def stop_app(self) -> None:
        self.ctl("stop_app")

    def start_app(self) -> None:
        self.ctl("start_app")
        self.ctl("await_startup")
        self.wait_reachable()

    def wait_reachable(self, timeout_s: float = 30) -> None:
        def connection_error() -> Exception | None:
            try:
                with Connection(self.url, connect_timeout=2) as conn:
                    conn.ensure_connection(max_retries=1, timeout=2)
                return None
            except Exception as error:  # whatever stops a client connecting, until the node takes one
                return error

        eventually(connection_error, lambda error: error is None, timeout_s=timeout_s, interval_s=0.2,
                   what=f"node {self.name} reachable")

    def kill(self) -> None:
        """End this node only: its own process group, by id."""
        if self._process is None or self._process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()


@contextlib.contextmanager
def rabbitmq_node(base: Path):
    """A running RabbitMQ node of the caller's own in `base` (a fresh directory); gone afterwards."""
    node = RabbitMQNode(base)
    try:
        node.start()
        node.wait_reachable()
        yield node
    finally:
        node.kill()
