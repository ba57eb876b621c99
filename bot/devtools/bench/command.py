"""`knotbot bench`: the command line, and the order of the phases.

KnotBot is measured first (one conversation at a time, then `--concurrency` at a time),
then, with `--startup`, a fresh copy is started and timed, and with `--baseline` the plain
`rasa init` bot is trained, started and given the same turns: never two loads at once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import requests

from actions.settings import PROJECT_ROOT
from bot.devtools.bench import client, load, report, scripts, servers
from bot.devtools.bench.client import BenchError, Client
from bot.devtools.bench.report import Measurement
from bot.server import launch

LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def add_command(commands: argparse._SubParsersAction) -> None:
    bench = commands.add_parser("bench", help="latency, throughput and memory under load")
    bench.add_argument(
        "--url", default=f"http://127.0.0.1:{launch.RASA_PORT}", help="the Rasa server"
    )
    bench.add_argument("--token", help="the Rasa API token (default: KNOTBOT_API_TOKEN)")
    bench.add_argument("--concurrency", type=int, default=20, help="conversations at a time")
    bench.add_argument("--conversations", type=int, default=100, help="conversations in all")
    bench.add_argument("--single", type=int, help="conversations one at a time (one per vignette)")
    bench.add_argument(
        "--vignettes", type=Path, action="append", help="a vignettes file (again for more)"
    )
    bench.add_argument("--patient-sim", type=Path, default=scripts.PATIENT_SIM)
    bench.add_argument("--buttons", type=float, default=0.3, help="share of answers by button")
    bench.add_argument("--seed", type=int, default=0, help="the scripted patients' seed")
    bench.add_argument("--rasa-pid", type=int, help="the Rasa server (default: found by port)")
    bench.add_argument("--actions-pid", type=int, help="the action server (default: by port)")
    bench.add_argument("--startup", action="store_true", help="also time a fresh start-up")
    bench.add_argument(
        "--baseline", action="store_true", help="also measure a plain `rasa init` bot"
    )


def run(args: argparse.Namespace) -> None:
    try:
        errors = _run(args)
    except BenchError as error:
        sys.exit(f"knotbot bench: {error}")
    if errors:
        sys.exit(f"knotbot bench: {errors} turns or conversations failed (see above)")


def _run(args: argparse.Namespace) -> int:
    url = args.url.rstrip("/")
    token = args.token or os.environ.get("KNOTBOT_API_TOKEN")
    _check_rasa(url)
    sim = scripts.patient_sim(args.patient_sim)
    files = args.vignettes or scripts.VIGNETTES
    cases = scripts.vignettes(files)[: args.conversations]
    rasa_pid = args.rasa_pid or _local_pid(url)
    actions_pid = args.actions_pid or _actions_pid(rasa_pid)
    _say(f"KnotBot at {url} (Rasa server pid {rasa_pid}, action server pid {actions_pid})")
    _say(f"Recording {len(cases)} scripted conversations")
    recorded = asyncio.run(_record(url, token, sim, cases, args))
    before = report.machine()
    rows = _measure("knotbot", url, token, recorded, args, rasa_pid, actions_pid)
    _say("KnotBot's numbers (the report follows at the end):\n" + report.table(rows))
    ready, loading = _startup() if args.startup else (None, None)
    plain, plain_ready = _baseline(recorded, args) if args.baseline else ([], None)
    print(f"Machine: {before}, at the start")
    print(f"         {report.machine()}, at the end")
    turns = sum(len(script.turns) for script in recorded)
    print(
        f"Load: {len(recorded)} scripted conversations of {turns} turns in all "
        f"({', '.join(str(f) for f in files)}), {args.buttons:.0%} of answers by button"
    )
    print(report.render(rows, plain, ready, plain_ready, loading))
    return sum(len(row.run.errors) for row in rows + plain)


def _check_rasa(url: str) -> None:
    try:
        answer = requests.get(f"{url}/", timeout=10)
    except requests.RequestException:
        raise BenchError(
            f"nothing answers at {url}: start the assistant with `make run` "
            "(or point --url at a running one)"
        ) from None
    if "Rasa" not in answer.text:
        raise BenchError(f"{url} answers, but it is not a Rasa server: {answer.text[:80]!r}")


def _local_pid(url: str) -> int | None:
    address = urlparse(url)
    return servers.listening_pid(address.port or 80) if address.hostname in LOOPBACK else None


def _actions_pid(rasa_pid: int | None) -> int | None:
    port = (servers.actions_port(rasa_pid) if rasa_pid else None) or launch.ACTIONS_PORT
    return servers.listening_pid(port)


async def _record(url, token, sim, cases, args) -> list[scripts.Script]:
    async with client.session(len(cases)) as http:
        bot = Client(http, url, token)
        return list(
            await asyncio.gather(
                *(scripts.record(bot, sim, case, args.buttons, args.seed) for case in cases)
            )
        )


def _measure(bot, url, token, recorded, args, rasa_pid, actions_pid) -> list[Measurement]:
    """One conversation at a time, then `--concurrency` at a time."""
    rows = []
    for conversations, concurrency in (
        (args.single or len(recorded), 1),
        (args.conversations, args.concurrency),
    ):
        _say(f"{bot}: {conversations} conversations, {concurrency} at a time")
        with servers.PeakMemory(rasa_pid) as rasa, servers.PeakMemory(actions_pid) as actions:
            run = asyncio.run(_load(url, token, recorded, conversations, concurrency, bot))
        rows.append(Measurement(bot, concurrency, run, rasa.peak, actions.peak))
    return rows


async def _load(url, token, recorded, conversations, concurrency, bot) -> load.Run:
    async with client.session(concurrency) as http:
        plain = bot == "plain"
        return await load.replay(
            Client(http, url, token), recorded, conversations, concurrency, plain
        )


def _startup() -> tuple[dict[str, float], int | None]:
    """Seconds from spawning each of KnotBot's servers (as `knotbot run` does) to its answer,
    and the Rasa server's peak memory meanwhile (loading the model is its most)."""
    model = launch.model_path()
    if not model.exists():
        raise BenchError("no trained model matches the current data: run `make train` first")
    rasa_port, actions_port = servers.free_port(), servers.free_port()
    commands = launch.server_commands(model, rasa_port, actions_port)
    env = launch.server_environment(actions_port)
    ready_urls = {
        "action server": ("actions", f"http://127.0.0.1:{actions_port}/health"),
        "Rasa server": ("rasa", f"http://127.0.0.1:{rasa_port}/"),
    }
    _say("Starting a fresh copy of KnotBot's servers to time their start-up")
    with tempfile.TemporaryDirectory(prefix="knotbot-bench-") as logs:
        started = [
            servers.start(name, commands[key], ready, env, PROJECT_ROOT, Path(logs))
            for name, (key, ready) in ready_urls.items()
        ]
        try:
            with servers.PeakMemory(started[1].process.pid) as rasa:
                ready = {server.name: server.wait_until_ready() for server in started}
            return ready, rasa.peak
        finally:
            for server in started:
                server.stop()


def _baseline(recorded, args) -> tuple[list[Measurement], float]:
    """The plain bot: trained, started (timed), then the same turns in the patients' words."""
    env = launch.server_environment()  # the same logging and warnings as KnotBot's servers
    with tempfile.TemporaryDirectory(prefix="knotbot-plain-") as tmp:
        folder = Path(tmp) / "plain"
        _say(f"Training a plain `rasa init` bot in {folder} (about two minutes)")
        servers.init_plain_bot(folder, env)
        port = servers.free_port()
        url = f"http://127.0.0.1:{port}"
        server = servers.start(
            "plain", servers.plain_command(folder, port), f"{url}/", env, folder, Path(tmp)
        )
        try:
            ready = server.wait_until_ready()
            rows = _measure("plain", url, None, recorded, args, server.process.pid, None)
        finally:
            server.stop()
    return rows, ready


def _say(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)
