"""The replies and requests every benchmark uses: one per provider variant.

The bodies follow the API reference for ``PATCH /v1/convai/phone-numbers/{id}``
and are encoded once, as the server sends them.
"""

from __future__ import annotations

import json
from typing import Any

PHONE_NUMBER_ID = "phnum_0123456789abcdefghjkmnpqrs"
AGENT_ID = "agent_9876543210zyxwvtsrqpnmkjhg"
API_KEY = "sk_bench_not_a_real_key"

_AGENT = {
    "agent_id": AGENT_ID,
    "agent_name": "Support Agent",
    "environment": "production",
    "branch_id": None,
}

_OUTBOUND = {
    "address": "sip.carrier-one.example",
    "transport": "tls",
    "media_encryption": "required",
    "headers": {"X-Customer": "acme", "X-Region": "eu-west"},
    "attributes_to_headers": {"customer_id": "X-Customer-Id"},
    "has_auth_credentials": True,
    "username": "acme-trunk",
    "has_outbound_trunk": True,
}

_INBOUND = {
    "allowed_addresses": ["203.0.113.0/24", "198.51.100.7"],
    "allowed_numbers": ["+14155550100", "+14155550101"],
    "media_encryption": "allowed",
    "has_auth_credentials": False,
    "username": None,
    "remote_domains": ["carrier-one.example"],
    "attributes_to_headers": {},
}


def _number(provider: str, phone_number: str, label: str) -> dict[str, Any]:
    return {
        "provider": provider,
        "phone_number": phone_number,
        "label": label,
        "supports_inbound": True,
        "supports_outbound": True,
        "phone_number_id": PHONE_NUMBER_ID,
        "assigned_agent": _AGENT,
    }


REPLIES: dict[str, dict[str, Any]] = {
    "twilio": _number("twilio", "+14155550123", "Support US"),
    "exotel": _number("exotel", "+919876543210", "Support Bangalore"),
    "sip_trunk": {
        **_number("sip_trunk", "+4915123456789", "Main line Berlin"),
        "provider_config": _OUTBOUND,
        "outbound_trunk": _OUTBOUND,
        "inbound_trunk": _INBOUND,
        "livekit_stack": "standard",
        "store_sip_messages": True,
    },
}
"""A reply per provider, as decoded JSON."""

REPLY_BODIES: dict[str, bytes] = {
    provider: json.dumps(reply, separators=(",", ":")).encode()
    for provider, reply in REPLIES.items()
}
"""The same replies, as the server sends them."""

UPDATE_AGENT: dict[str, Any] = {"agent_id": AGENT_ID}
"""The update every client sends in the end-to-end benchmark."""

UPDATE_FULL: dict[str, Any] = {
    "agent_id": AGENT_ID,
    "label": "Main line Berlin",
    "inbound_trunk_config": {
        "allowed_addresses": ["203.0.113.0/24"],
        "allowed_numbers": ["+14155550100"],
        "media_encryption": "allowed",
        "credentials": {"username": "acme-in", "password": "s3cret"},
        "remote_domains": ["carrier-one.example"],
    },
    "outbound_trunk_config": {
        "address": "sip.carrier-one.example",
        "transport": "tls",
        "media_encryption": "required",
        "headers": {"X-Customer": "acme"},
        "credentials": {"username": "acme-out", "password": None},
    },
    "livekit_stack": "standard",
    "store_sip_messages": True,
    "environment": "production",
    "branch_id": None,
}
"""An update that sets every field, nested trunk configs included."""
