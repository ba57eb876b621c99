"""Where KnotBot's data and database are, from the environment or the project's defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("KNOTBOT_DATA_DIR", PROJECT_ROOT / "data"))
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'knotbot.db'}"


def database_url() -> str:
    """The SQLAlchemy URL of the knowledge base and records: DATABASE_URL or embedded SQLite."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def emergency_number() -> str:
    return os.environ.get("KNOTBOT_EMERGENCY_NUMBER", "911")
