"""The assistant as the `knotbot` commands build and start it: the lexicon pipeline, the
trained model and its name, the ports, and the servers' command lines and environment.

`knotbot` (bot/cli/knotbot.py), `knotbot kb` (bot/cli/knowledge.py) and `knotbot bench`
(bot/devtools/bench/) share these; this module imports none of them.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from actions.settings import DATA_DIR, PROJECT_ROOT, database_url

BOT_DIR = PROJECT_ROOT / "bot"
MODELS_DIR = PROJECT_ROOT / "models"
LEXICON_PIPELINE = MODELS_DIR / "spacy" / "knotbot-lexicon"
TRAINING_INPUTS = [
    BOT_DIR / "config.yml",
    BOT_DIR / "domain",
    DATA_DIR / "nlu",
    DATA_DIR / "rules",
    DATA_DIR / "stories",
    DATA_DIR / "lexicon",
    DATA_DIR / "red_flags",
    BOT_DIR / "server" / "nlu",  # the custom components, FAQ selector and lexicon reader
]
# The contract's ports; the variables let a second copy (or a test) run beside the first.
RASA_PORT = int(os.environ.get("KNOTBOT_RASA_PORT", "5005"))
ACTIONS_PORT = int(os.environ.get("KNOTBOT_ACTIONS_PORT", "5055"))
WEB_PORT = int(os.environ.get("KNOTBOT_WEB_PORT", "8080"))


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def build_lexicon() -> Path:
    from bot.server.nlu import lexicon

    path, count = lexicon.build(DATA_DIR / "lexicon", LEXICON_PIPELINE)
    say(f"Lexicon pipeline with {count} patterns saved to {path.relative_to(PROJECT_ROOT)}")
    return path


def lexicon_pipeline(path: Path = LEXICON_PIPELINE):
    """The built lexicon pipeline, or None when it is not built yet."""
    import spacy

    return spacy.load(path) if (path / "meta.json").exists() else None


def training_fingerprint() -> str:
    digest = hashlib.sha256()
    for root in TRAINING_INPUTS:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path() -> Path:
    return MODELS_DIR / f"knotbot-{training_fingerprint()}.tar.gz"


def train(force: bool = False) -> Path:
    build_lexicon()
    model = model_path()
    if model.exists() and not force:
        say(f"Model {model.name} matches the current config and data: no training needed")
        return model
    say(f"Training {model.name} (about two minutes on two cores)")
    _rasa(
        "train",
        "--config",
        "bot/config.yml",
        "--domain",
        "bot/domain",
        "--data",
        "data/nlu",
        "data/rules",
        "data/stories",
        "--out",
        str(MODELS_DIR),
        "--fixed-model-name",
        model.name.removesuffix(".tar.gz"),
        "--force",
    )
    return model


def _rasa(*args: str) -> None:
    result = subprocess.run([_bin("rasa"), *args], cwd=PROJECT_ROOT, check=False)
    if result.returncode:
        sys.exit(f"knotbot: 'rasa {args[0]}' failed (exit {result.returncode}); see above.")


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def server_commands(
    model: Path,
    rasa_port: int = RASA_PORT,
    actions_port: int = ACTIONS_PORT,
    web_port: int = WEB_PORT,
) -> dict[str, list[str]]:
    """The action server's, the Rasa server's and the web app's command lines. The Rasa
    server is `rasa run` with KnotBot's patches of Rasa applied first (bot/server/serve.py)."""
    token = os.environ.get("KNOTBOT_API_TOKEN")
    rasa = [
        sys.executable,
        "-m",
        "bot.server.serve",
        "run",
        "--model",
        str(model),
        "--endpoints",
        "bot/endpoints.yml",
        "--credentials",
        "bot/credentials.yml",
        "--enable-api",
        "--cors",
        "*",
        "--interface",
        "0.0.0.0" if token else "127.0.0.1",
        "--port",
        str(rasa_port),
    ]
    if token:
        rasa += ["--auth-token", token]
    actions = [_bin("rasa"), "run", "actions", "--actions", "actions", "--port", str(actions_port)]
    web = [_bin("knotbot"), "web", "--port", str(web_port), "--rasa-url", rasa_url(rasa_port)]
    return {"actions": actions, "rasa": rasa, "web": web}


def rasa_url(rasa_port: int = RASA_PORT) -> str:
    """Where a browser finds the Rasa server (KNOTBOT_PUBLIC_RASA_URL behind a proxy)."""
    return os.environ.get("KNOTBOT_PUBLIC_RASA_URL") or f"http://127.0.0.1:{rasa_port}"


def server_environment(actions_port: int = ACTIONS_PORT) -> dict[str, str]:
    return {
        **os.environ,
        "KNOTBOT_ACTION_ENDPOINT": f"http://127.0.0.1:{actions_port}/webhook",
        "DATABASE_URL": database_url(),
        # the action server listens where rasa-sdk reads this; only Rasa calls it
        "SANIC_HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
        # Rasa reports usage to Rasa Technologies unless told not to: nothing leaves a clinic
        "RASA_TELEMETRY_ENABLED": "false",
        # Rasa 3.6's dependencies warn about their own deprecations at every start
        "PYTHONWARNINGS": "ignore::DeprecationWarning,ignore::PendingDeprecationWarning",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
