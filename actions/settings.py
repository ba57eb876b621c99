"""Where KnotBot's data and database are, from the environment or the project's defaults."""

from __future__ import annotations

import os
from datetime import datetime
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


def emergency_number(locale: str | None = None) -> str:
    """The emergency number for a BCP 47 locale's country ("en-GB": 999), else the default."""
    numbers = emergency_numbers()
    subtags = (locale or "").replace("_", "-").split("-")
    country = next((tag.upper() for tag in subtags[1:] if len(tag) == 2 and tag.isalpha()), "")
    default = os.environ.get("KNOTBOT_EMERGENCY_NUMBER") or numbers["default"]
    return numbers["countries"].get(country, default)


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
