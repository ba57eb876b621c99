"""`knotbot intake ...`: what a clinic does with intake records from the command line."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime, timedelta
from urllib.parse import quote

import dateparser

from actions.intake.conversations import erase_conversation, erase_intake
from actions.intake.records import IntakeRecords, valid_ref
from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade
from actions.settings import clinic_time, database_url, tracker_database_url
from bot.web.staff.audit import COMMAND_LINE, AuditTrail, command_line_actor

UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def add_commands(commands: argparse._SubParsersAction) -> None:
    intake = commands.add_parser("intake", help="clinic intake records")
    intake.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or SQLite)")
    actions = intake.add_subparsers(dest="intake_command", required=True)
    invite = actions.add_parser(
        "invite", help="register an appointment and print the links that start its intake"
    )
    invite.add_argument("ref", help="the appointment reference (3-64 letters, digits, - or _)")
    invite.add_argument(
        "--at",
        required=True,
        type=appointment_time,
        help='when it starts: ISO 8601 or words ("2026-12-01 10:00", "tomorrow 9am"), in '
        "KNOTBOT_CLINIC_TIMEZONE (UTC when unset) unless a zone is given",
    )
    erase = actions.add_parser("erase", help="delete one appointment's intake and its answers")
    erase.add_argument("ref", help="the appointment reference")
    purge = actions.add_parser(
        "purge", help="delete appointments, with their intakes, that started long enough ago"
    )
    purge.add_argument(
        "--older-than",
        type=age,
        default=age(os.environ.get("KNOTBOT_INTAKE_RETENTION") or "30d"),
        help="how long after the appointment, e.g. 30d, 12h or 4w (default: "
        "KNOTBOT_INTAKE_RETENTION, else 30d, as the consent text promises)",
    )


def age(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)\s*([hdw])", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age like 30d, 12h or 4w")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


def appointment_time(text: str) -> datetime:
    zone = os.environ.get("KNOTBOT_CLINIC_TIMEZONE") or "UTC"
    moment = dateparser.parse(
        text,
        languages=["en"],
        settings={
            "TIMEZONE": zone,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "YMD",
        },
    )
    if moment is None:
        raise argparse.ArgumentTypeError(
            f'{text!r} is not a date and time; try "2026-12-01 10:00" or "tomorrow 9am"'
        )
    return moment


def intake_links(ref: str) -> dict[str, str]:
    """Where a patient starts the intake of `ref`: the web page, Telegram and REST."""
    web = os.environ.get("KNOTBOT_PUBLIC_WEB_URL") or (
        f"http://127.0.0.1:{os.environ.get('KNOTBOT_WEB_PORT', '8080')}"
    )
    links = {"Web chat": f"{web.rstrip('/')}/?intake={quote(ref)}"}
    bot_name = os.environ.get("TELEGRAM_BOT_NAME")
    links["Telegram"] = (
        f"https://t.me/{bot_name}?start={ref}"
        if bot_name
        else "off (set TELEGRAM_BOT_NAME and TELEGRAM_TOKEN)"
    )
    links["REST first message"] = "/start_intake" + json.dumps({"appointment_ref": ref})
    return links


def run(args: argparse.Namespace, say) -> None:
    database = engine(args.database_url or database_url())
    upgrade(database)
    records = IntakeRecords(database)
    if args.intake_command == "invite":
        if not valid_ref(args.ref):
            sys.exit(
                f"knotbot: {args.ref!r} is not an appointment reference: use 3 to 64 "
                "letters, digits, '-' or '_'"
            )
        records.register_appointment(args.ref, args.at)
        say(f"Registered appointment {args.ref} on {clinic_time(args.at)}")
        for channel, link in intake_links(args.ref).items():
            say(f"  {channel}: {link}")
    elif args.intake_command == "erase":
        if not valid_ref(args.ref):
            sys.exit(f"knotbot: {args.ref!r} is not an appointment reference")
        events = erase_intake(records, engine(tracker_database_url(args.database_url)), args.ref)
        if events is None:
            sys.exit(f"knotbot: there is no intake for {args.ref}; nothing was deleted")
        actor = command_line_actor()
        AuditTrail(database).record(actor, "intake_erase", COMMAND_LINE, args.ref)
        say(f"Deleted the intake of {args.ref}, its answers and the conversation ({events} events)")
    elif args.intake_command == "purge":
        purged = records.purge(args.older_than)
        conversations = engine(tracker_database_url(args.database_url))
        for conversation in purged.conversations:
            erase_conversation(conversations, conversation)
        say(
            f"Deleted {purged.appointments} appointment(s) older than {args.older_than}, with "
            f"their intakes and the {len(purged.conversations)} conversation(s) that gave them"
        )
