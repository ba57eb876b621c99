"""The servers under test: found by port, watched for memory, or started and timed.

Memory is the resident set (RSS) of a server and its children (Sanic's workers when
SANIC_WORKERS is above 1), sampled in a thread so that a busy event loop cannot skip it.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import psutil
import requests

from bot.devtools.bench.client import BenchError

RASA = str(Path(sys.executable).parent / "rasa")
READY_TIMEOUT = 300  # seconds; a server still loading after five minutes is stuck


def listening_pid(port: int) -> int | None:
    """The process listening on a local TCP port (the oldest, when workers share it)."""
    try:
        pids = {
            c.pid
            for c in psutil.net_connections(kind="tcp")
            # laddr is () for a socket with no local port
            if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.pid
        }
    except psutil.AccessDenied:
        return None
    return min(pids, key=lambda pid: psutil.Process(pid).create_time(), default=None)


def actions_port(rasa_pid: int) -> int | None:
    """The action server's port, from the KNOTBOT_ACTION_ENDPOINT the Rasa server runs with."""
    try:
        endpoint = psutil.Process(rasa_pid).environ().get("KNOTBOT_ACTION_ENDPOINT")
    except (psutil.AccessDenied, psutil.NoSuchProcess):
        return None
    return urlparse(endpoint).port if endpoint else None


def rss(pid: int) -> int:
    """Bytes resident in a process and all its children."""
    process = psutil.Process(pid)
    family = [process, *process.children(recursive=True)]
    total = 0
    for member in family:
        with contextlib.suppress(psutil.NoSuchProcess):  # a worker that just exited
            total += member.memory_info().rss
    return total


class PeakMemory:
    """The highest RSS of a process tree while the `with` block runs (None: not watched)."""

    def __init__(self, pid: int | None, every: float = 0.2):
        self.pid = pid
        self.every = every
        self.peak: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        if self.pid:
            self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        pid = self.pid
        if not pid:  # not watched (__enter__ starts no thread then)
            return
        while True:
            try:
                self.peak = max(self.peak or 0, rss(pid))
            except psutil.NoSuchProcess:
                return
            if self._stop.wait(self.every):
                return


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    ready_url: str
    log: Path
    started: float
    """time.monotonic() when the process was spawned."""

    def wait_until_ready(self) -> float:
        """Seconds from the spawn until the server answers at `ready_url`."""
        while time.monotonic() - self.started < READY_TIMEOUT:
            if self.process.poll() is not None:
                raise BenchError(
                    f"the {self.name} server exited with {self.process.returncode} while "
                    f"starting; the end of its log ({self.log}):\n{_tail(self.log)}"
                )
            try:
                if requests.get(self.ready_url, timeout=2).ok:
                    return time.monotonic() - self.started
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise BenchError(f"the {self.name} server did not answer in {READY_TIMEOUT} s: {self.log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(
    name: str, command: list[str], ready_url: str, env: dict, cwd: Path, logs: Path
) -> Server:
    log = logs / f"{name}.log"
    started = time.monotonic()
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server(name, process, ready_url, log, started)


def init_plain_bot(folder: Path, env: dict) -> None:
    """`rasa init --no-prompt`: the moodbot, trained (about two minutes on two cores)."""
    folder.mkdir(parents=True)
    log = folder.parent / f"{folder.name}-init.log"
    with log.open("w") as out:
        done = subprocess.run(
            [RASA, "init", "--no-prompt", "--init-dir", str(folder)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode or not list((folder / "models").glob("*.tar.gz")):
        raise BenchError(f"`rasa init` failed (exit {done.returncode}):\n{_tail(log)}")


def plain_command(folder: Path, port: int) -> list[str]:
    model = str(folder / "models")
    return [
        RASA,
        "run",
        "--model",
        model,
        "--enable-api",
        "--interface",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def _tail(log: Path, characters: int = 3000) -> str:
    return log.read_text(errors="replace")[-characters:] if log.exists() else "(no log)"
