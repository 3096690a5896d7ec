"""Seeded generation of realistic phone numbers, agents and IDs for the fake.

Everything here is pure: the same ``random.Random`` state gives the same data,
so a fake built with a fixed seed holds identical numbers on every run.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping, Sequence
from typing import Any

#: The lowercase Crockford-like alphabet of current ElevenLabs IDs (no i, l, o, u).
ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_LENGTH = 28

PROVIDERS = ("twilio", "exotel", "sip_trunk")

_AGENT_ROLES = (
    "Support",
    "Sales",
    "Billing",
    "Onboarding",
    "Appointments",
    "Front Desk",
    "Collections",
    "Retention",
)
_AGENT_STYLES = ("Agent", "Assistant", "Concierge", "Bot", "Desk")
_LABEL_PURPOSES = ("Support", "Sales", "Billing", "Main line", "After hours", "Campaign", "Returns")
_LABEL_PLACES = ("US", "UK", "Berlin", "Austin", "Toronto", "Bangalore", "Mumbai", "Dublin")
_ENVIRONMENTS = ("production", "staging")
_SIP_HOSTS = ("sip.carrier-one.example", "trunk.voip-two.example", "203.0.113.10")


def new_id(rng: random.Random, prefix: str) -> str:
    """Return ``prefix`` followed by 28 characters of :data:`ID_ALPHABET`."""
    return prefix + "".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH))


_SHORT_AGENT_ID = 12


def agent_name_for(agent_id: str) -> str:
    """Derive a stable, readable name for an agent the registry does not know.

    The ID without its ``agent_`` prefix names it: whole when short
    (``agent_B``: ``"Agent B"``), by its last 6 characters when long, as real
    IDs are (``agent_3701k3ttaq12ewp8b7qv5rfyszkz``: ``"Agent fyszkz"``).
    """
    return _name_for("Agent", agent_id, "agent_")


def branch_name_for(branch_id: str) -> str:
    """Derive a readable name for a branch, as :func:`agent_name_for` does for agents."""
    return _name_for("Branch", branch_id, "agtbrch_")


def _name_for(noun: str, identifier: str, prefix: str) -> str:
    tail = identifier.removeprefix(prefix) or identifier
    return f"{noun} {tail if len(tail) <= _SHORT_AGENT_ID else tail[-6:]}"


def call_ids(rng: random.Random, provider: str) -> dict[str, str]:
    """Return the IDs the API answers a placed call with, as it names them.

    ``conversation_id``, and Twilio's ``CA...`` or Exotel's ``callSid``, or a
    LiveKit-style ``SCL_...`` ``sip_call_id`` for a SIP trunk.
    """
    ids = {"conversation_id": new_id(rng, "conv_")}
    if provider == "twilio":
        ids["callSid"] = "CA" + hex_digits(rng, 32)
    elif provider == "exotel":
        ids["callSid"] = hex_digits(rng, 32)
    else:
        alphabet = string.ascii_letters + string.digits
        ids["sip_call_id"] = "SCL_" + "".join(rng.choices(alphabet, k=12))
    return ids


def hex_digits(rng: random.Random, digits: int) -> str:
    """Return ``digits`` random lowercase hex digits."""
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def generate_agents(rng: random.Random, count: int) -> dict[str, str]:
    """Return ``count`` agents as ``{agent_id: agent_name}``."""
    agents: dict[str, str] = {}
    while len(agents) < count:
        name = f"{rng.choice(_AGENT_ROLES)} {rng.choice(_AGENT_STYLES)}"
        agents[new_id(rng, "agent_")] = name
    return agents


def _e164(rng: random.Random, provider: str) -> str:
    if provider == "exotel":
        return f"+91{rng.choice('6789')}{rng.randrange(10**9):09d}"
    country = rng.choice(("us", "us", "uk") if provider == "twilio" else ("us", "uk", "de"))
    if country == "us":
        area = f"{rng.randrange(2, 10)}{rng.randrange(100):02d}"
        return f"+1{area}{rng.randrange(2, 10)}{rng.randrange(10**6):06d}"
    if country == "uk":
        return f"+447{rng.randrange(10**9):09d}"
    return f"+4915{rng.randrange(10**9):09d}"


def outbound_trunk(
    *,
    address: str,
    transport: str = "auto",
    media_encryption: str = "allowed",
    headers: Mapping[str, str] | None = None,
    attributes_to_headers: Mapping[str, str] | None = None,
    username: str | None = None,
    enabled_codecs: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Return an outbound trunk as the API reports it (never with a password).

    ``enabled_codecs`` ``None`` (or empty) means every supported codec is offered.
    """
    return {
        "address": address,
        "transport": transport,
        "media_encryption": media_encryption,
        "headers": dict(headers or {}),
        "attributes_to_headers": dict(attributes_to_headers or {}),
        "has_auth_credentials": username is not None,
        "username": username,
        "has_outbound_trunk": True,
        "enabled_codecs": None if enabled_codecs is None else list(enabled_codecs),
    }


def inbound_trunk(
    *,
    allowed_addresses: Sequence[str] | None = None,
    allowed_numbers: Sequence[str] | None = None,
    media_encryption: str = "allowed",
    username: str | None = None,
    remote_domains: Sequence[str] | None = None,
    attributes_to_headers: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Return an inbound trunk as the API reports it (never with a password)."""
    return {
        "allowed_addresses": list(allowed_addresses or []),
        "allowed_numbers": None if allowed_numbers is None else list(allowed_numbers),
        "media_encryption": media_encryption,
        "has_auth_credentials": username is not None,
        "username": username,
        "remote_domains": None if remote_domains is None else list(remote_domains),
        "attributes_to_headers": dict(attributes_to_headers or {}),
    }


def agent_info(
    agent_id: str, agent_name: str, *, environment: str | None = None, branch_id: str | None = None
) -> dict[str, Any]:
    """Return the ``assigned_agent`` object of a phone number."""
    return {
        "agent_id": agent_id,
        "agent_name": agent_name,
        "environment": environment,
        "branch_id": branch_id,
    }


def phone_number(
    *,
    phone_number_id: str,
    provider: str,
    number: str,
    label: str,
    assigned_agent: dict[str, Any] | None,
    outbound: dict[str, Any] | None = None,
    inbound: dict[str, Any] | None = None,
    livekit_stack: str = "standard",
    store_sip_messages: bool = True,
) -> dict[str, Any]:
    """Return a phone number shaped exactly like the API's response for ``provider``."""
    body: dict[str, Any] = {
        "provider": provider,
        "phone_number": number,
        "label": label,
        "supports_inbound": True,
        "supports_outbound": True,
        "phone_number_id": phone_number_id,
        "assigned_agent": assigned_agent,
    }
    if provider == "sip_trunk":
        body["provider_config"] = None if outbound is None else dict(outbound)
        body["outbound_trunk"] = outbound
        body["inbound_trunk"] = inbound
        body["livekit_stack"] = livekit_stack
        body["store_sip_messages"] = store_sip_messages
    return body


def _random_sip_trunks(rng: random.Random) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    outbound = None
    if rng.random() < 0.85:
        outbound = outbound_trunk(
            address=rng.choice(_SIP_HOSTS),
            transport=rng.choice(("auto", "udp", "tcp", "tls")),
            media_encryption=rng.choice(("disabled", "allowed", "required")),
            username=f"trunk{rng.randrange(1000):03d}" if rng.random() < 0.6 else None,
        )
    inbound = inbound_trunk(
        allowed_addresses=[f"198.51.100.{rng.randrange(1, 255)}"] if rng.random() < 0.5 else [],
        media_encryption=rng.choice(("disabled", "allowed", "required")),
        username=f"inbound{rng.randrange(1000):03d}" if rng.random() < 0.3 else None,
    )
    return outbound, inbound


def generate_numbers(
    rng: random.Random, count: int, agents: Mapping[str, str], *, assign_all: bool
) -> dict[str, dict[str, Any]]:
    """Return ``count`` phone numbers keyed by ``phone_number_id``.

    Numbers are spread over the three providers and assigned round-robin to
    ``agents``; unless ``assign_all``, about one in ten is left unassigned.
    About one assigned number in five carries a branch and an environment.
    """
    agent_ids = list(agents)
    numbers: dict[str, dict[str, Any]] = {}
    used_numbers: set[str] = set()
    while len(numbers) < count:
        index = len(numbers)
        provider = (
            PROVIDERS[index % len(PROVIDERS)] if rng.random() < 0.7 else rng.choice(PROVIDERS)
        )
        number = _e164(rng, provider)
        if number in used_numbers:
            continue
        used_numbers.add(number)
        assigned = None
        if agent_ids and (assign_all or rng.random() >= 0.1):
            agent_id = agent_ids[index % len(agent_ids)]
            branched = rng.random() < 0.2
            assigned = agent_info(
                agent_id,
                agents[agent_id],
                environment=rng.choice(_ENVIRONMENTS) if branched else None,
                branch_id=new_id(rng, "agtbrch_") if branched else None,
            )
        outbound, inbound = _random_sip_trunks(rng) if provider == "sip_trunk" else (None, None)
        pid = new_id(rng, "phnum_")
        numbers[pid] = phone_number(
            phone_number_id=pid,
            provider=provider,
            number=number,
            label=f"{rng.choice(_LABEL_PURPOSES)} {rng.choice(_LABEL_PLACES)} {index + 1}",
            assigned_agent=assigned,
            outbound=outbound,
            inbound=inbound,
            livekit_stack="static" if rng.random() < 0.2 else "standard",
            store_sip_messages=rng.random() < 0.8,
        )
    return numbers
