"""Where KnotBot's data and database are, from the environment or the project's defaults."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("KNOTBOT_DATA_DIR", PROJECT_ROOT / "data"))
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'knotbot.db'}"


def database_url() -> str:
    """The SQLAlchemy URL of the knowledge base and records: DATABASE_URL or embedded SQLite."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def today() -> date:
    """The date the assistant reads "since Tuesday" against: KNOTBOT_TODAY (an ISO date) when
    set, else the machine's. Evaluations set it so that sets written on one day (the held-out
    sets of `knotbot understanding`) read the same on any other."""
    given = (os.environ.get("KNOTBOT_TODAY") or "").strip()
    return date.fromisoformat(given) if given else date.today()


def tracker_database_url(url: str | None = None) -> str:
    """Where the Rasa server keeps conversations: the same database, except with SQLite, where
    they get a file of their own beside it (SQLite lets one process write at a time, and
    the action server writes intake records while the Rasa server writes trackers)."""
    parsed = make_url(url or database_url())
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return str(parsed)
    stem, dot, suffix = parsed.database.rpartition(".")
    trackers = f"{stem}-trackers.{suffix}" if dot else f"{parsed.database}-trackers"
    return str(parsed.set(database=trackers))


LOCALE_SOURCES = ("locale", "language_code")
"""Where a conversation's first message says where the person is, most trusted first: the
page's or client's `locale` (the widget's data-locale, REST or socket.io metadata), then the
Telegram user's `language_code` (bot/server/channels/telegram.py), which names a country only
sometimes ("en-GB", "pt-br"; often just "en")."""
LOCALE_TAG = re.compile(r"[A-Za-z0-9]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,15}")
"""A BCP 47 (or POSIX, `en_GB`) tag; anything else names no country."""
LOCALE_MAX_CHARS = 100


def emergency_number(metadata: object = None) -> str:
    """The one emergency number of a conversation, from the metadata of its first message:
    the number of the country of `locale`, else of `language_code`, when
    data/emergency_numbers.yml lists that country; else the clinic's
    KNOTBOT_EMERGENCY_NUMBER; else the file's default. Anything unreadable (not a mapping,
    not a string, no country, an unlisted one) falls through to the next source.

    The session start (actions/session.py) calls it once per conversation and keeps the
    answer in the `emergency_number` slot, which everything the person sees reads; the web
    app calls it for the widget's first paint, before the conversation has begun."""
    countries = emergency_numbers()["countries"]
    given = metadata if isinstance(metadata, Mapping) else {}
    for source in LOCALE_SOURCES:
        country = locale_country(given.get(source))
        if country in countries:
            return str(countries[country])
    return clinic_emergency_number()


def clinic_emergency_number() -> str:
    """The clinic's setting, KNOTBOT_EMERGENCY_NUMBER, else data/emergency_numbers.yml's
    default."""
    return (os.environ.get("KNOTBOT_EMERGENCY_NUMBER") or "").strip() or str(
        emergency_numbers()["default"]
    )


def locale_country(tag: object) -> str | None:
    """The region of a language tag, upper case ("en-GB", "pt-br", "zh-Hant-TW", "en_NZ"),
    or None: the first two-letter subtag after the language, before any extension."""
    if not isinstance(tag, str) or len(tag) > LOCALE_MAX_CHARS or not LOCALE_TAG.fullmatch(tag):
        return None
    for subtag in tag.replace("_", "-").split("-")[1:]:
        if len(subtag) == 1:
            return None  # an extension or private use ("x-..."): no region after it
        if len(subtag) == 2 and subtag.isalpha():
            return subtag.upper()
    return None


@cache
def emergency_numbers() -> dict:
    """data/emergency_numbers.yml: `default` and `countries` (ISO code: number), checked:
    a country YAML read as something else (a bare `NO` is false) would never be found."""
    path = DATA_DIR / "emergency_numbers.yml"
    numbers = yaml.safe_load(path.read_text())
    entries = [("default", numbers.get("default")), *numbers.get("countries", {}).items()]
    for code, number in entries:
        valid_code = code == "default" or (
            isinstance(code, str) and len(code) == 2 and code.isascii() and code.isupper()
        )
        if not valid_code or not isinstance(number, str) or not number.isdigit():
            raise ValueError(f"{path}: {code!r}: {number!r} is not a country code and a number")
    return numbers


def clinic_time(moment: datetime) -> str:
    """An appointment time as a patient reads it, in the clinic's zone (KNOTBOT_CLINIC_TIMEZONE,
    an IANA name; UTC when unset): "Tuesday 1 December at 10:00"."""
    zone = ZoneInfo(os.environ.get("KNOTBOT_CLINIC_TIMEZONE") or "UTC")
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"
