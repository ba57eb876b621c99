"""`knotbot`: build, train, run and talk to the assistant.

knotbot lexicon      build the spaCy lexicon pipeline from data/lexicon
knotbot kb ...       load, check and query the knowledge base (knotbot kb -h)
knotbot intake ...   invite, erase or purge clinic intake records (knotbot intake -h)
knotbot trackers purge  delete conversations past the retention (KNOTBOT_TRACKER_RETENTION)
knotbot staff ...    add, disable, enable, reset-password or list staff accounts
knotbot audit export the audit trail of who opened which intake, as CSV
knotbot train        train the Rasa model, only when config or data changed
knotbot run          all of the above, then the action server, the Rasa server and the web app
knotbot web          the web app alone: the demo clinic page, the chat widget, the body map
knotbot chat         talk to the running assistant in the terminal
knotbot nlu-report   measure the model on the held-out NLU test set, against the baseline
knotbot red-flags    measure the running assistant on the red-flag set (docs/red-flags.md)
knotbot understanding  measure the running assistant on the held-out sets (docs/understanding.md)
knotbot bench        latency, throughput and memory of the running assistant under load
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shlex
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import requests

from actions.settings import PROJECT_ROOT, database_url
from bot.cli import intake, knowledge, staff, trackers
from bot.devtools.bench import command as bench
from bot.server.channels.limits import REFUSAL_STATUSES
from bot.server.launch import (
    RASA_PORT,
    WEB_PORT,
    build_lexicon,
    rasa_url,
    say,
    server_commands,
    server_environment,
    train,
)

# Wider than loopback (behind a proxy, in a container) only with the clinic API token set.
WEB_HOST = os.environ.get("KNOTBOT_WEB_HOST", "127.0.0.1")


def web(port: int, rasa: str, host: str = WEB_HOST) -> None:
    # contract.md: KNOTBOT_API_TOKEN protects the clinic endpoints too when no staff token is set
    token = os.environ.get("KNOTBOT_CLINIC_TOKEN") or os.environ.get("KNOTBOT_API_TOKEN")
    if not token and not _is_loopback(host):
        sys.exit(
            f"knotbot: KNOTBOT_WEB_HOST is {host}, so the clinic API's intakes would be open "
            "to anyone who can reach it: set KNOTBOT_CLINIC_TOKEN (the clinic's API token), "
            "or listen on 127.0.0.1"
        )
    from actions.knowledge.database import engine
    from actions.knowledge.migrate import upgrade
    from bot.web.app import create_app
    from bot.web.staff.desk import StaffDesk

    upgrade(engine())  # the intake tables, when the knowledge base was loaded before them
    try:
        desk = StaffDesk.on(engine())
    except ValueError as wrong_setting:
        sys.exit(f"knotbot: {wrong_setting}")
    app = create_app(
        rasa_url=rasa,
        booking_url=os.environ.get("KNOTBOT_BOOKING_URL", "/#booking"),
        locale=os.environ.get("KNOTBOT_LOCALE", "en-US"),
        clinic_token=token,
        desk=desk,
        # behind an HTTPS proxy the app may see plain HTTP: the public address says the truth
        always_secure=(os.environ.get("KNOTBOT_PUBLIC_WEB_URL") or "").startswith("https://"),
    )
    say(f"Web app on http://{host}:{port}/ (the chat widget talks to {rasa})")
    app.run(host=host, port=port, access_log=False, motd=False, workers=1)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: only "localhost" is sure to stay on this machine
        return host == "localhost"


def run() -> None:
    from honcho.manager import Manager

    knowledge.load_knowledge_base(database_url(), say)
    model = train()
    say(telegram_status())
    manager = Manager()
    env = server_environment()
    for name, command in server_commands(model).items():
        manager.add_process(name, shlex.join(command), env=env, cwd=str(PROJECT_ROOT))
    threading.Thread(target=_announce_when_ready, daemon=True).start()
    manager.loop()  # Ctrl-C (or SIGTERM) stops both servers
    sys.exit(manager.returncode)


def telegram_status(env: Mapping[str, str] = os.environ) -> str:
    if not env.get("TELEGRAM_TOKEN"):
        return "Telegram is off: set TELEGRAM_TOKEN (and TELEGRAM_WEBHOOK_URL) to turn it on"
    webhook = env.get("TELEGRAM_WEBHOOK_URL")
    if not webhook:
        return "Telegram is on, but TELEGRAM_WEBHOOK_URL is not set: register the webhook yourself"
    return f"Telegram is on: its webhook {webhook} is registered when the Rasa server starts"


def _announce_when_ready(timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{RASA_PORT}/", timeout=2).raise_for_status()
        except requests.RequestException:
            time.sleep(2)
            continue
        say(
            f"KnotBot is ready. Open http://127.0.0.1:{WEB_PORT}/ to chat in the browser, "
            "chat in this terminal with `make chat`, or POST to "
            f"http://127.0.0.1:{RASA_PORT}/webhooks/rest/webhook "
            '({"sender": "me", "message": "hello"}). Clinic staff read intakes at '
            f"http://127.0.0.1:{WEB_PORT}/staff/ with an account of their own "
            '(`.venv/bin/knotbot staff add NAME --name "Full Name" --role admin`). '
            "Ctrl-C stops everything."
        )
        return


def chat(url: str) -> None:
    sender = f"terminal-{os.getpid()}"
    print("Talk to KnotBot (Ctrl-D to leave). Type a number to press a button.")
    buttons: list[dict[str, str]] = []
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            reply = requests.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
            )
            if reply.status_code not in REFUSAL_STATUSES.values():
                reply.raise_for_status()
        except requests.RequestException as error:
            print(f"Cannot reach KnotBot at {url} ({error}). Is `make run` running?")
            continue
        buttons = []
        for message in reply.json():
            if message.get("text"):
                print(f"bot> {message['text']}")
            for button in message.get("buttons") or []:
                buttons.append(button)
                print(f"     [{len(buttons)}] {button['title']}")
            if message.get("custom"):
                print(f"bot> {json.dumps(message['custom'])}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="knotbot", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("lexicon", help="build the spaCy lexicon pipeline")
    knowledge.add_commands(commands)
    intake.add_commands(commands)
    trackers.add_commands(commands)
    staff.add_commands(commands)
    bench.add_command(commands)
    train_parser = commands.add_parser("train", help="train when config or data changed")
    train_parser.add_argument("--force", action="store_true", help="train even when unchanged")
    commands.add_parser("run", help="load, train when needed, start both servers")
    web_parser = commands.add_parser("web", help="the web app: demo page, widget, body map")
    web_parser.add_argument("--port", type=int, default=WEB_PORT)
    web_parser.add_argument("--rasa-url", default=rasa_url(), help="the Rasa server for the widget")
    chat_parser = commands.add_parser("chat", help="talk to the running assistant")
    chat_parser.add_argument("--url", default=f"http://127.0.0.1:{RASA_PORT}")
    report_parser = commands.add_parser(
        "nlu-report", help="measure the model on the held-out NLU test set"
    )
    report_parser.add_argument("--save", action="store_true", help="make this the baseline")
    report_parser.add_argument("--out", type=Path, help="keep rasa's full reports here")
    red_flags_parser = commands.add_parser(
        "red-flags", help="measure the running assistant on the red-flag set (make run first)"
    )
    red_flags_parser.add_argument("--url", default=f"http://127.0.0.1:{RASA_PORT}")
    red_flags_parser.add_argument(
        "--out", type=Path, default=Path("docs/red-flags.md"), help="where the report goes"
    )
    understanding_parser = commands.add_parser(
        "understanding",
        help="measure the running assistant on the held-out first messages and questions",
    )
    understanding_parser.add_argument("--url", default=f"http://127.0.0.1:{RASA_PORT}")
    understanding_parser.add_argument(
        "--save", action="store_true", help="record these figures as the ones not to fall below"
    )
    understanding_parser.add_argument(
        "-v", "--verbose", action="store_true", help="list each case it got wrong"
    )
    args = parser.parse_args(argv)

    os.chdir(PROJECT_ROOT)
    if args.command == "lexicon":
        build_lexicon()
    elif args.command == "kb":
        knowledge.run(args, say)
    elif args.command == "intake":
        intake.run(args, say)
    elif args.command == "trackers":
        trackers.run(args, say)
    elif args.command in ("staff", "audit"):
        staff.run(args, say)
    elif args.command == "train":
        train(force=args.force)
    elif args.command == "run":
        run()
    elif args.command == "web":
        web(args.port, args.rasa_url)
    elif args.command == "chat":
        chat(args.url.rstrip("/"))
    elif args.command == "bench":
        bench.run(args)
    elif args.command == "nlu-report":
        nlu_report_command(save=args.save, out=args.out)
    elif args.command == "red-flags":
        red_flags_command(args.url.rstrip("/"), args.out)
    elif args.command == "understanding":
        understanding_command(args.url.rstrip("/"), save=args.save, verbose=args.verbose)


def nlu_report_command(save: bool, out: Path | None) -> None:
    from bot.devtools import nlu_report

    model = train()
    say(f"Testing {model.name} on {nlu_report.TEST_SET.relative_to(PROJECT_ROOT)}")
    numbers = nlu_report.evaluate(model, out)
    base = nlu_report.baseline()
    print(nlu_report.table(numbers, base))
    if save:
        nlu_report.save(numbers)
        say(f"Saved as the baseline in {nlu_report.BASELINE.relative_to(PROJECT_ROOT)}")
    elif problems := nlu_report.regressions(numbers, base):
        sys.exit("knotbot: worse than the baseline or the targets:\n" + "\n".join(problems))


def _require_running(url: str) -> None:
    """Stop with what to do when the assistant the measurement talks to is not up."""
    try:
        requests.get(url, timeout=5).raise_for_status()
    except requests.RequestException as error:
        sys.exit(f"knotbot: cannot reach the assistant at {url} ({error}); start it with make run")


def red_flags_command(url: str, out: Path) -> None:
    from bot.devtools import red_flag_eval

    _require_running(url)
    cases, confirmed_by = red_flag_eval.load(red_flag_eval.RED_FLAG_SET, red_flag_eval.FRESH_SET)
    say(f"{len(cases)} conversations with {url}, 4 at a time")
    outcomes = red_flag_eval.run(url, cases, confirmed_by)
    out.write_text(red_flag_eval.report(outcomes))
    say(f"Report written to {out}")
    if problems := red_flag_eval.failures(outcomes, parts=("held_out", "dev", "fresh")):
        sys.exit("knotbot: what the red-flag set forbids:\n" + "\n".join(problems))


def understanding_command(url: str, save: bool, verbose: bool) -> None:
    from bot.devtools import understanding

    _require_running(url)
    say(
        f"Held-out first messages and questions with {url}, 4 at a time. Durations count "
        f"from {understanding.WRITTEN_ON}: start the assistant with "
        f"KNOTBOT_TODAY={understanding.WRITTEN_ON} for them to read right"
    )
    results = understanding.run(url)
    numbers, counted = understanding.figures(results), understanding.sizes(results)
    if verbose:
        print("\n".join(understanding.misses(results)))
    print(understanding.table(numbers, counted, understanding.baseline()))
    if save:
        understanding.save(numbers)
        understanding.REPORT.write_text(understanding.report(numbers, counted))
        recorded = (understanding.BASELINE, understanding.REPORT)
        say("Recorded in " + " and ".join(str(p.relative_to(PROJECT_ROOT)) for p in recorded))
    elif problems := understanding.regressions(numbers, understanding.baseline()):
        sys.exit("knotbot: below the recorded figures:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
