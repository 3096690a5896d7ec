"""The request body and queries of batch calling.

``POST /v1/convai/batch-calling/submit`` takes ``call_name``, ``agent_id`` and
``recipients`` (required) and the optional fields of the spec; each recipient
is ``{id?, phone_number?, whatsapp_user_id?, conversation_initiation_client_data?}``,
its client data checked as an outbound call's. The fake places phone calls
only, so each recipient needs a ``phone_number`` (a 422 ``value_error`` at
the recipient), and the list needs one recipient at least (``too_short``).
Optional fields accept ``null`` as "not given".
"""

from __future__ import annotations

from typing import Any

from ._call_bodies import CLIENT_DATA, TELEPHONY_CALL_CONFIG
from ._validation import (
    ErrorItem,
    Field,
    any_dict,
    bounded,
    checked,
    integer,
    list_of,
    model,
    nullable,
    string,
    validate_body,
)

#: Pages of batches: ``limit`` from 1 to 100, 100 unless given.
MAX_BATCH_PAGE = 100


def _calls_a_phone(recipient: dict[str, Any]) -> str | None:
    if recipient.get("phone_number") is None:
        return "phone_number is required: this fake places phone calls only"
    return None


_RECIPIENT = checked(
    model(
        {
            "id": Field(nullable(string), None),
            "phone_number": Field(nullable(string), None),
            "whatsapp_user_id": Field(nullable(string), None),
            "conversation_initiation_client_data": Field(nullable(CLIENT_DATA), None),
        }
    ),
    _calls_a_phone,
)

_SUBMIT = model(
    {
        "call_name": Field(string),
        "agent_id": Field(string),
        "recipients": Field(list_of(_RECIPIENT, min_length=1)),
        "agent_phone_number_id": Field(nullable(string), None),
        "scheduled_time_unix": Field(nullable(integer), None),
        "timezone": Field(nullable(string), None),
        "branch_id": Field(nullable(string), None),
        "environment": Field(nullable(string), None),
        "telephony_call_config": Field(nullable(TELEPHONY_CALL_CONFIG), None),
        "target_concurrency_limit": Field(nullable(bounded(integer, ge=1)), None),
        "whatsapp_params": Field(nullable(any_dict), None),
    }
)

#: ``GET /v1/convai/batch-calling/workspace``.
LIST_QUERY = {
    "limit": Field(bounded(integer, ge=1, le=MAX_BATCH_PAGE), MAX_BATCH_PAGE),
    "last_doc": Field(string, None),
    "agent_id": Field(string, None),
}

#: ``GET /v1/convai/batch-calling/{batch_id}/export``.
EXPORT_QUERY = {"limit": Field(nullable(bounded(integer, ge=1)), None)}


def validate_submit(body: Any) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Validate a decoded submit body.

    Returns ``(fields, errors)``: ``fields`` with defaults filled in,
    ``errors`` empty when the body is valid.
    """
    return validate_body(_SUBMIT, body)
