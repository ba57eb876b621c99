"""Rasa's command line with KnotBot's patches of Rasa in force (bot/server/rasa_patches.py).

    python -m bot.server.serve run --model models --endpoints bot/endpoints.yml ...

is `rasa run --model models ...` with `rasa_patches.apply()` first: the way `knotbot run`
(bot/server/launch.py's server_commands), the tests' servers, docker-compose and Kubernetes
start the Rasa server. Sanic's workers (SANIC_WORKERS) are forked from this process, so they have
the patches too. On another Rasa than the patches were written for it stops with the
reason, before Rasa starts. Run it from the project's root, as `rasa` itself.
"""

from __future__ import annotations

import sys

from bot.server import rasa_patches


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    try:
        rasa_patches.apply()
    except rasa_patches.RasaPatchError as error:
        sys.exit(f"knotbot: the Rasa server is not started: {error}")
    print(f"knotbot: {rasa_patches.summary()}", file=sys.stderr, flush=True)

    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]  # Rasa reads its arguments (and the model) from here
    rasa_main()


if __name__ == "__main__":
    main()
