"""Rasa's check of the action server's responses, with the schema's validator built once.

Rasa 3.6.21 checks every response of the action server with `jsonschema.validate(result,
schema)` (`RemoteAction._validate_action_result`). jsonschema 4.17's `validate` first
checks the *schema itself* against its Draft 2020-12 metaschema, on every call: 147 ms a
response on this machine, against 3 ms for the response. KnotBot's forms call the action
server several times a turn, and py-spy put half of the Rasa server's time there
(docs/performance.md). The schema never changes, so it is checked once and its validators
kept, and each response gets exactly `jsonschema.validate`'s verdict and error (the same
validator class, the same `best_match` error, Rasa's own message added).

Even then, most of the 3 ms went to the schema's `oneOf` over the 23 kinds of event:
every event is tried against every kind, and each kind that does not match builds its
error. The kinds are told apart by `event` alone (each is `{"event": {"const": kind}}`),
so an event whose `event` is a string matches the others never: `oneOf` passes exactly
when the event matches its own kind. A response is therefore first checked that way, and
only one that fails is checked in full, for Rasa's own error.
"""

from __future__ import annotations

from copy import deepcopy
from functools import cache
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

RASA_VALIDATE = RemoteAction._validate_action_result
"""Rasa's own method, kept so that tests can compare the two."""


class ResponseCheck:
    """Rasa's schema for an action server response, as validators built once."""

    def __init__(self, schema: dict[str, Any]) -> None:
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)
        self.full = validator_class(schema)

        without_kinds = deepcopy(schema)
        kinds = without_kinds["properties"]["events"]["items"].pop("oneOf")
        self.without_kinds = validator_class(without_kinds)
        self.kind = {
            branch["properties"]["event"]["const"]: validator_class(branch) for branch in kinds
        }
        # the reasoning above holds only if no two kinds share a name
        assert len(self.kind) == len(kinds), "two kinds of event share a name"

    def is_valid(self, result: Any) -> bool:
        """The full schema's verdict, without trying every event against every kind."""
        if not self.without_kinds.is_valid(result):
            return False
        # now every event is an object whose `event` is a string
        for event in result.get("events", []):
            kind = self.kind.get(event["event"])
            if kind is None or not kind.is_valid(event):
                return False
        return True


@cache
def response_check() -> ResponseCheck:
    return ResponseCheck(RemoteAction.action_response_format_spec())


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    check = response_check()
    if check.is_valid(result):
        return True
    error = best_match(check.full.iter_errors(result))
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
    """Make every `RemoteAction` use the validators built once (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
