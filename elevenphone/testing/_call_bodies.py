"""The request bodies of the call endpoints (digest §9): outbound calls and register-call.

``conversation_initiation_client_data`` is checked field by field, except
``conversation_config_override``, whose five sections (``asr``, ``turn``,
``tts``, ``conversation``, ``agent``) are only checked to be objects.
Optional fields accept ``null`` as "not given".
"""

from __future__ import annotations

from typing import Any

from ._validation import (
    ErrorItem,
    Field,
    Validator,
    any_dict,
    boolean,
    bounded,
    checked,
    enum,
    integer,
    list_of,
    literal,
    model,
    nullable,
    string,
    string_list,
    validate_body,
)

CONVERSATION_INITIATION_SOURCES = (
    "unknown",
    "android_sdk",
    "node_js_sdk",
    "react_native_sdk",
    "react_sdk",
    "js_sdk",
    "python_sdk",
    "widget",
    "sip_trunk",
    "twilio",
    "exotel",
    "genesys",
    "avaya",
    "audiocodes",
    "swift_sdk",
    "whatsapp",
    "twilio_sms",
    "flutter_sdk",
    "zendesk_integration",
    "slack_integration",
    "telegram_integration",
    "intercom_integration",
    "freshdesk_integration",
    "salesforce_integration",
    "template_preview",
    "genesys_bot_connector",
    "subagent_tool",
)
TWILIO_ANSWERED_BY = (
    "human",
    "fax",
    "unknown",
    "machine_start",
    "machine_end_beep",
    "machine_end_silence",
    "machine_end_other",
)
MAX_START_PROCEDURE_IDS = 5

_OBJECT = model({})  # any object: the fields inside are not checked

_CONVERSATION_CONFIG_OVERRIDE = model(
    {
        name: Field(nullable(_OBJECT), None)
        for name in ("asr", "turn", "tts", "conversation", "agent")
    }
)

#: ``conversation_initiation_client_data`` (outbound calls, register-call, batch recipients).
CLIENT_DATA = model(
    {
        "conversation_config_override": Field(nullable(_CONVERSATION_CONFIG_OVERRIDE), None),
        "custom_llm_extra_body": Field(nullable(any_dict), None),
        "user_id": Field(nullable(string), None),
        "source_info": Field(
            nullable(
                model(
                    {
                        "source": Field(nullable(enum(*CONVERSATION_INITIATION_SOURCES)), None),
                        "version": Field(nullable(string), None),
                    }
                )
            ),
            None,
        ),
        "branch_id": Field(nullable(string), None),
        "environment": Field(nullable(string), None),
        "starting_workflow_node_id": Field(nullable(string), None),
        "procedure_ids": Field(nullable(string_list), None),
        "start_procedure_ids": Field(
            nullable(list_of(string, max_length=MAX_START_PROCEDURE_IDS)), None
        ),
        "dynamic_variables": Field(nullable(any_dict), None),
    }
)


def _one_rule_per_action(config: dict[str, Any]) -> str | None:
    actions = [rule["action"] for rule in config.get("actions") or []]
    if len(actions) != len(set(actions)):
        return "each action may appear in at most one rule; list all its verdicts together"
    return None


_MACHINE_DETECTION = checked(
    model(
        {
            "mode": Field(nullable(enum("enable", "detect_message_end")), None),
            "actions": Field(
                nullable(
                    list_of(
                        model(
                            {
                                "action": Field(literal("hang_up"), "hang_up"),
                                "answered_by": Field(list_of(enum(*TWILIO_ANSWERED_BY))),
                            }
                        )
                    )
                ),
                None,
            ),
        }
    ),
    _one_rule_per_action,
)

#: ``telephony_call_config`` (outbound calls and batches).
TELEPHONY_CALL_CONFIG = model(
    {
        "ringing_timeout_secs": Field(nullable(bounded(integer, ge=1)), None),
        "twilio_call_recording_enabled": Field(nullable(boolean), None),
        "twilio_machine_detection": Field(nullable(_MACHINE_DETECTION), None),
    }
)


def _outbound_call(provider: str) -> Validator:
    fields = {
        "agent_id": Field(string),
        "agent_phone_number_id": Field(string),
        "to_number": Field(string),
        "conversation_initiation_client_data": Field(nullable(CLIENT_DATA), None),
    }
    if provider == "twilio":
        fields["call_recording_enabled"] = Field(nullable(boolean), None)
    fields["telephony_call_config"] = Field(nullable(TELEPHONY_CALL_CONFIG), None)
    return model(fields)


_OUTBOUND_CALL = {
    provider: _outbound_call(provider) for provider in ("twilio", "sip_trunk", "exotel")
}

_REGISTER_CALL = model(
    {
        "agent_id": Field(string),
        "from_number": Field(string),
        "to_number": Field(string),
        "direction": Field(nullable(enum("inbound", "outbound")), None),
        "conversation_initiation_client_data": Field(nullable(CLIENT_DATA), None),
    }
)


def validate_outbound_call(provider: str, body: Any) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Validate the body of ``provider``'s outbound-call endpoint.

    Returns ``(fields, errors)``: ``fields`` with defaults filled in, ``errors``
    empty when the body is valid. ``call_recording_enabled`` is a field of the
    Twilio body only (elsewhere it is ignored, like any unknown field).
    """
    return validate_body(_OUTBOUND_CALL[provider], body)


def validate_register_call(body: Any) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Validate the body of ``POST /v1/convai/twilio/register-call``."""
    return validate_body(_REGISTER_CALL, body)
