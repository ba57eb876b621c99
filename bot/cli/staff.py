"""`knotbot staff ...` and `knotbot audit export`: the clinic's staff accounts and the audit
trail of who opened what, from the command line of the server."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime, timezone

from actions.knowledge.database import engine
from actions.knowledge.migrate import upgrade
from actions.settings import database_url
from bot.web.staff.accounts import AccountError, StaffAccounts
from bot.web.staff.audit import COMMAND_LINE, AuditTrail, command_line_actor, write_csv
from bot.web.staff.schema import ROLES


def add_commands(commands: argparse._SubParsersAction) -> None:
    staff = commands.add_parser("staff", help="clinic staff accounts")
    staff.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or SQLite)")
    actions = staff.add_subparsers(dest="staff_command", required=True)
    add = actions.add_parser("add", help="give a person an account")
    add.add_argument("username", help="2-64 lowercase letters, digits, '.', '_' or '-'")
    add.add_argument("--name", required=True, help="the person's full name, as pages show it")
    add.add_argument("--role", choices=ROLES, default="staff", help="admins manage accounts")
    for name, what in [
        ("disable", "end the account's sessions and refuse its sign-ins"),
        ("enable", "let a disabled account sign in again"),
        ("reset-password", "set a new password, ending the account's sessions"),
    ]:
        actions.add_parser(name, help=what).add_argument("username")
    for parser in (add, actions.choices["reset-password"]):
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input (for scripts)",
        )
    actions.add_parser("list", help="every account, its role and whether it is active")

    audit = commands.add_parser("audit", help="the audit trail of staff and API access")
    audit.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or SQLite)")
    audit_actions = audit.add_subparsers(dest="audit_command", required=True)
    export = audit_actions.add_parser("export", help="the trail as CSV, newest first")
    export.add_argument("--since", type=day, help="only entries from this date on (YYYY-MM-DD)")
    export.add_argument("--output", "-o", help="write to this file instead of standard output")


def day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-01") from None


def run(args: argparse.Namespace, say) -> None:
    database = engine(args.database_url or database_url())
    upgrade(database)
    trail = AuditTrail(database)
    actor = command_line_actor()
    if args.command == "audit":
        export(trail, args, actor)
        return
    accounts = StaffAccounts(database)
    try:
        if args.staff_command == "add":
            added = accounts.add(args.username, args.name, args.role, password(args))
            trail.record(actor, "account_add", COMMAND_LINE, added.username)
            say(f"Added {added.role} account {added.username} ({added.name})")
        elif args.staff_command == "list":
            for account in accounts.all():
                last = account.last_login_at.isoformat() if account.last_login_at else "never"
                state = "active" if account.active else "disabled"
                print(f"{account.username}\t{account.role}\t{state}\t{account.name}\t{last}")
        else:
            change = args.staff_command
            if change == "reset-password":
                changed = accounts.set_password(args.username, password(args))
                action = "password_set"
            else:
                changed = getattr(accounts, change)(args.username)
                action = f"account_{change}"
            trail.record(actor, action, COMMAND_LINE, changed.username)
            say(f"{change.replace('-', ' ').capitalize()}: {changed.username}; its sessions ended")
    except AccountError as problem:
        sys.exit(f"knotbot: {problem}")


def password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        sys.exit("knotbot: type the password at a terminal, or pass --password-stdin")
    first = getpass.getpass("Password (at least 12 characters): ")
    if getpass.getpass("The same password again: ") != first:
        sys.exit("knotbot: the two passwords differ; nothing was changed")
    return first


def export(trail: AuditTrail, args: argparse.Namespace, actor: str) -> None:
    entries = trail.entries(since=args.since)
    trail.record(actor, "audit_export", COMMAND_LINE)
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as out:
            write_csv(entries, out)
        print(f"knotbot: {len(entries)} entries written to {args.output}", file=sys.stderr)
    else:
        write_csv(entries, sys.stdout)
