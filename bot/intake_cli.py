"""`knotbot intake ...`: what a clinic does with intake records from the command line."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import timedelta

from actions.intake.records import IntakeRecords, valid_ref
from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade
from actions.settings import database_url

UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def add_commands(commands: argparse._SubParsersAction) -> None:
    intake = commands.add_parser("intake", help="clinic intake records")
    intake.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or SQLite)")
    actions = intake.add_subparsers(dest="intake_command", required=True)
    erase = actions.add_parser("erase", help="delete one appointment's intake and its answers")
    erase.add_argument("ref", help="the appointment reference")
    purge = actions.add_parser(
        "purge", help="delete appointments, with their intakes, that started long enough ago"
    )
    purge.add_argument("--older-than", required=True, type=age, help="e.g. 30d, 12h or 4w")


def age(text: str) -> timedelta:
    match = re.fullmatch(r"(\d+)\s*([hdw])", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age like 30d, 12h or 4w")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


def run(args: argparse.Namespace, say) -> None:
    database = engine(args.database_url or database_url())
    upgrade(database)
    records = IntakeRecords(database)
    if args.intake_command == "erase":
        if not valid_ref(args.ref):
            sys.exit(f"knotbot: {args.ref!r} is not an appointment reference")
        if not records.erase(args.ref):
            sys.exit(f"knotbot: there is no intake for {args.ref}; nothing was deleted")
        say(f"Deleted the intake of {args.ref} and its answers")
    elif args.intake_command == "purge":
        count = records.purge(args.older_than)
        say(f"Deleted {count} appointment(s) older than {args.older_than}, with their intakes")
