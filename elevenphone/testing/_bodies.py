"""The request bodies of the phone-number endpoints: import (create) and update.

Field lists follow the API digest (§5, §8), written independently of the SDK's
models. Optional fields of the import body accept ``null`` as "not given" (the
API types them all ``Optional``); the trunk configs follow the OpenAPI schema of
the update endpoint, where ``transport`` and ``media_encryption`` have defaults
but are not nullable.
"""

from __future__ import annotations

from typing import Any

from ._validation import (
    ErrorItem,
    Field,
    boolean,
    checked,
    enum,
    list_of,
    model,
    nullable,
    redact,
    string,
    string_dict,
    string_list,
    tagged_union,
    validate_body,
)

#: Body fields whose values are secrets: never stored, reported or echoed by a 422.
SECRET_FIELDS = frozenset({"token", "api_token", "account_auth_token", "password"})

PROVIDERS = ("twilio", "exotel", "sip_trunk")
MEDIA_CODECS = ("G722/8000", "PCMU/8000", "PCMA/8000")

_MEDIA_ENCRYPTION = enum("disabled", "allowed", "required")
_TRANSPORT = enum("auto", "udp", "tcp", "tls")
_LIVEKIT_STACK = enum("standard", "static")
_TWILIO_REGION = enum("us1", "ie1", "au1")
_TWILIO_EDGE = enum(
    "ashburn",
    "dublin",
    "frankfurt",
    "sao-paulo",
    "singapore",
    "sydney",
    "tokyo",
    "umatilla",
    "roaming",
)
_EXOTEL_SUBDOMAIN = enum("api.in.exotel.com", "api.exotel.com")

_CREDENTIALS = model({"username": Field(string), "password": Field(nullable(string), None)})

_INBOUND_TRUNK_CONFIG = model(
    {
        "allowed_addresses": Field(nullable(string_list), None),
        "allowed_numbers": Field(nullable(string_list), None),
        "media_encryption": Field(_MEDIA_ENCRYPTION, "allowed"),
        "credentials": Field(nullable(_CREDENTIALS), None),
        "remote_domains": Field(nullable(string_list), None),
        "attributes_to_headers": Field(string_dict, {}),
    }
)

_OUTBOUND_TRUNK_CONFIG = model(
    {
        "address": Field(string),
        "transport": Field(_TRANSPORT, "auto"),
        "media_encryption": Field(_MEDIA_ENCRYPTION, "allowed"),
        "headers": Field(string_dict, {}),
        "attributes_to_headers": Field(string_dict, {}),
        "credentials": Field(nullable(_CREDENTIALS), None),
        "enabled_codecs": Field(nullable(list_of(enum(*MEDIA_CODECS))), None),
    }
)

#: Fields of ``UpdatePhoneNumberRequest`` that only mean something on SIP trunk numbers.
SIP_ONLY_FIELDS = (
    "inbound_trunk_config",
    "outbound_trunk_config",
    "livekit_stack",
    "store_sip_messages",
)

_UPDATE_REQUEST = model(
    {
        "agent_id": Field(nullable(string), None),
        "label": Field(nullable(string), None),
        "inbound_trunk_config": Field(nullable(_INBOUND_TRUNK_CONFIG), None),
        "outbound_trunk_config": Field(nullable(_OUTBOUND_TRUNK_CONFIG), None),
        "livekit_stack": Field(nullable(_LIVEKIT_STACK), None),
        "store_sip_messages": Field(nullable(boolean), None),
        "environment": Field(nullable(string), None),
        "branch_id": Field(nullable(string), None),
    },
    fill_defaults=False,
)


def _twilio_sid(sid: str) -> str | None:
    if sid.startswith(("AC", "SK")):
        return None
    return "sid must be a Twilio Account SID (AC...) or API Key SID (SK...)"


def _api_key_import(fields: dict[str, Any]) -> str | None:
    if fields["sid"].startswith("SK") and not fields.get("account_auth_token"):
        return "account_auth_token is required when sid is an API Key SID (SK...)"
    return None


_COMMON = {
    "phone_number": Field(string),
    "label": Field(string),
    "supports_inbound": Field(nullable(boolean), None),
    "supports_outbound": Field(nullable(boolean), None),
    "agent_id": Field(nullable(string), None),
}

_IMPORT_REQUEST = tagged_union(
    "provider",
    {
        "twilio": checked(
            model(
                {
                    **_COMMON,
                    "sid": Field(checked(string, _twilio_sid)),
                    "token": Field(string),
                    "account_auth_token": Field(nullable(string), None),
                    "region_config": Field(
                        nullable(
                            model(
                                {
                                    "region_id": Field(_TWILIO_REGION),
                                    "token": Field(string),
                                    "edge_location": Field(_TWILIO_EDGE),
                                }
                            )
                        ),
                        None,
                    ),
                    "enable_sms": Field(nullable(boolean), None),
                    "provider": Field(string, "twilio"),
                }
            ),
            _api_key_import,
        ),
        "exotel": model(
            {
                **_COMMON,
                "account_sid": Field(string),
                "api_key": Field(string),
                "api_token": Field(string),
                "api_subdomain": Field(_EXOTEL_SUBDOMAIN),
                "app_id": Field(string),
                "applet_url": Field(nullable(string), None),
                "provider": Field(string, "exotel"),
            }
        ),
        "sip_trunk": model(
            {
                **_COMMON,
                "inbound_trunk_config": Field(nullable(_INBOUND_TRUNK_CONFIG), None),
                "outbound_trunk_config": Field(nullable(_OUTBOUND_TRUNK_CONFIG), None),
                "provider": Field(string, "sip_trunk"),
            }
        ),
    },
)

#: The ``provider`` query filter (``TelephonyProvider``).
PROVIDER_FILTER = enum("twilio", "sip_trunk", "exotel")


def validate_update(body: Any) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Validate a decoded ``UpdatePhoneNumberRequest`` body.

    Returns ``(fields, errors)``: ``fields`` holds only the keys the body set,
    cleaned (lax booleans converted, nested defaults filled); ``errors`` is
    empty when the body is valid, and never echoes a password. A missing body
    (``None``) is an error.
    """
    fields, errors = validate_body(_UPDATE_REQUEST, body)
    return fields, redact(errors, SECRET_FIELDS)


def validate_import(body: Any) -> tuple[dict[str, Any], list[ErrorItem]]:
    """Validate a decoded import body (``twilio``, ``exotel`` or ``sip_trunk``, by ``provider``).

    Returns ``(fields, errors)`` like :func:`validate_update`, with defaults
    filled in; errors never echo a token or a password.
    """
    fields, errors = validate_body(_IMPORT_REQUEST, body)
    return fields, redact(errors, SECRET_FIELDS)
