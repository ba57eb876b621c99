"""The message size limit on Rasa's HTTP API, as on the channels (bot/server/channels/limits.py).

`POST /model/parse` and `POST /conversations/{id}/messages` run the NLU pipeline on their
`text`, and one text of 100,000 characters drove the Rasa server to 20 GB and the kernel's
OOM killer (DIET's attention grows with the square of the length). The API is for clinic
systems, behind KNOTBOT_API_TOKEN or on loopback, but one faulty client must not take the
server down for every patient. A text over KNOTBOT_MAX_MESSAGE_CHARS gets 413 in Rasa's
own error shape, before the NLU runs and before anything is stored.

Rasa builds its app itself, so the REST channel adds this middleware to it when the server
starts (`limit_message_size`).
"""

from __future__ import annotations

import re
from http import HTTPStatus

import rasa
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

PARSED_TEXT = re.compile(r"/model/parse|/conversations/.+/messages")


def too_long(request: Request, max_chars: int) -> response.HTTPResponse | None:
    if request.method != "POST" or not PARSED_TEXT.fullmatch(request.path):
        return None
    try:
        text = request.json.get("text") if isinstance(request.json, dict) else None
    except InvalidUsage:
        return None  # Rasa answers a body that is not JSON itself
    if not isinstance(text, str) or len(text) <= max_chars:
        return None
    return response.json(
        {
            "version": rasa.__version__,
            "status": "failure",
            "message": f"The text has {len(text):,} characters; at most {max_chars:,} "
            "are read (KNOTBOT_MAX_MESSAGE_CHARS). Send a shorter text.",
            "reason": "MessageTooLong",
            "details": {"parameter": "text", "in": "body", "max_chars": max_chars},
            "help": None,
            "code": HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        },
        status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    )


def limit_message_size(app: Sanic, max_chars: int) -> None:
    """Add the limit to the app's requests (the REST channel calls this once, at start, with
    the channels' limit: bot/server/channels/limits.py)."""
    app.register_middleware(lambda request: too_long(request, max_chars), "request")
