"""Rasa's check of the action server's responses, with the schema's validator built once.

Rasa 3.6.21 checks every response of the action server with `jsonschema.validate(result,
schema)` (`RemoteAction._validate_action_result`). jsonschema 4.17's `validate` first
checks the *schema itself* against its Draft 2020-12 metaschema, on every call: 147 ms a
response on this machine, against 3 ms for the response. KnotBot's forms call the action
server several times a turn, and py-spy put half of the Rasa server's time there
(docs/performance.md). The schema never changes, so it is checked once and its validator
kept; each response is then validated exactly as `jsonschema.validate` does (the same
validator class, the same `best_match` error, Rasa's own message added).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Validator
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

RASA_VALIDATE = RemoteAction._validate_action_result
"""Rasa's own method, kept so that tests can compare the two."""


@cache
def response_validator() -> Validator:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    error = best_match(response_validator().iter_errors(result))
    if error is None:
        return True
    # Rasa's words (rasa/core/actions/action.py), so its logs read the same
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        "from the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def check_responses_with_one_validator() -> None:
    """Make every `RemoteAction` use the validator built once (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
