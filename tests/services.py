"""Real servers for the state and scale-out tests: Rasa replicas and action servers started
and killed at will, Redis and nginx from Debian's packages, each on a free port in a
temporary folder.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from actions.knowledge.database import engine
from actions.knowledge.seed import load
from actions.settings import PROJECT_ROOT
from bot.server.launch import model_path, server_commands, server_environment, train
from tests.conftest import wait_until_up
from tests.databases import free_port


@dataclass
class Service:
    """One server process: started, killed and started again on the same port."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    health_path: str
    log: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    def launch(self) -> Service:
        self.process = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_until_up(self) -> Service:
        # several servers load their models at once on two cores: give them time
        wait_until_up(self.url + self.health_path, self.process, self.log, timeout=420)
        return self

    def start(self) -> Service:
        return self.launch().wait_until_up()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """Gone at once, as a crashed machine would be: no graceful shutdown."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def stack_environment(actions_port: int, settings: dict[str, str]) -> dict[str, str]:
    """What `knotbot run` gives its servers, plus the test's settings (DATABASE_URL, ...)."""
    env = {**server_environment(actions_port), **settings}
    for name in ("KNOTBOT_API_TOKEN", "REDIS_URL", "SANIC_WORKERS"):
        if name not in settings:
            env.pop(name, None)
    return env


def action_server(name: str, settings: dict[str, str], logs: Path) -> Service:
    port = free_port()
    command = server_commands(model_path(), free_port(), port, free_port())["actions"]
    env = stack_environment(port, settings)
    return Service(name, command, env, port, "/health", logs / f"{name}.log")


def rasa_replica(name: str, actions: Service, settings: dict[str, str], logs: Path) -> Service:
    port = free_port()
    command = server_commands(model_path(), port, actions.port, free_port())["rasa"]
    env = stack_environment(actions.port, settings)
    return Service(name, command, env, port, "/", logs / f"{name}.log")


@contextmanager
def assistant(root: Path, rasa_settings: dict[str, str]) -> Iterator[tuple[Service, Service]]:
    """The Rasa server (with `rasa_settings`) and its action server, started, on the current
    model; the action server's knowledge base is an SQLite file in `root / "kb"`, so a test
    can take that folder away. Yields (rasa, actions); both are stopped afterwards."""
    if not model_path().exists():
        train()
    (root / "kb").mkdir()
    kb_url = f"sqlite:///{root / 'kb' / 'knotbot.db'}"
    load(engine(kb_url))
    actions = action_server("actions", {"DATABASE_URL": kb_url}, root)
    rasa = rasa_replica("rasa", actions, rasa_settings, root)
    try:
        yield rasa.start(), actions.start()
    finally:
        rasa.stop()
        actions.stop()


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway Redis; yields its URL."""
    with throwaway_server("redis-server", "Redis") as (binary, root, port, start):
        start([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", root])
        yield f"redis://127.0.0.1:{port}/0"


NGINX_PATH = "/usr/sbin:/usr/bin"
"""Debian puts nginx in /usr/sbin, which is not on everyone's PATH."""
NGINX_CONFIG = """
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    # REST turns go round the replicas; a socket.io session sticks to one (its polling
    # transport keeps state in the process that opened it)
    upstream rasa {{ {servers} }}
    upstream rasa_sticky {{ ip_hash; {servers} }}
    server {{
        listen 127.0.0.1:{port};
        location /socket.io/ {{
            proxy_pass http://rasa_sticky;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
        }}
        location / {{
            proxy_pass http://rasa;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


@contextmanager
def nginx_balancer(ports: list[int]) -> Iterator[str]:
    """nginx in front of the Rasa replicas; yields its URL."""
    servers = " ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;" for p in ports)
    with throwaway_server("nginx", "nginx", NGINX_PATH) as (binary, root, port, start):
        config = Path(root) / "nginx.conf"
        config.write_text(NGINX_CONFIG.format(root=root, port=port, servers=servers))
        start([binary, "-c", str(config), "-p", root])
        yield f"http://127.0.0.1:{port}"


@contextmanager
def throwaway_server(
    program: str, package: str, path: str | None = None
) -> Iterator[tuple[str, str, int, Callable[[list[str]], None]]]:
    """A Debian server program run in a temporary folder on a free port, stopped and
    cleaned up afterwards: yields its binary, the folder, the port and `start(command)`,
    which returns once the port answers."""
    binary = shutil.which(program, path=path)
    if binary is None:
        raise RuntimeError(f"{package} is not installed: apt-get install {program}")
    root, port = Path(tempfile.mkdtemp(prefix=f"knotbot-{package.lower()}-")), free_port()
    processes: list[subprocess.Popen] = []

    def start(command: list[str]) -> None:
        log = (root / "out.log").open("w")
        processes.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
        _wait_for_port(port, processes[-1])

    try:
        yield binary, str(root), port, start
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")
