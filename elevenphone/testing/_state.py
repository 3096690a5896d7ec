"""The fake's in-memory state: phone numbers, agents, and the rules that change them.

Numbers are stored exactly as the API returns them (plain JSON dicts), so what
a test reads from ``fake.numbers`` is what a client receives. Changes are built
on a copy and swapped in whole, so a rejected update leaves no trace.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any

from . import _data
from ._validation import SIP_ONLY_FIELDS


class PhoneNumberNotFound(LookupError):
    """No phone number has the requested ID."""


class UpdateRejected(ValueError):
    """The update is well-formed but makes no sense for this number (answered 400)."""


class PhoneNumberStore:
    """Phone numbers keyed by ID, the agent registry, and a seeded ID source."""

    def __init__(
        self,
        *,
        numbers: int,
        seed: int,
        agent_ids: Iterable[str] | Mapping[str, str] | None = None,
    ) -> None:
        rng = random.Random(f"data-{seed}")
        self._ids = random.Random(f"ids-{seed}")
        if agent_ids is None:
            self.agents = _data.generate_agents(rng, max(1, min(numbers // 10, 25)))
        elif isinstance(agent_ids, Mapping):
            self.agents = dict(agent_ids)
        else:
            self.agents = {agent_id: _data.agent_name_for(agent_id) for agent_id in agent_ids}
        self.numbers = _data.generate_numbers(
            rng, numbers, self.agents, assign_all=agent_ids is not None
        )

    def agent_name(self, agent_id: str) -> str:
        """Return the registered name of ``agent_id``, registering a derived one if unknown."""
        return self.agents.setdefault(agent_id, _data.agent_name_for(agent_id))

    def new_phone_number_id(self) -> str:
        """Return a fresh, unused ``phnum_`` ID (deterministic under the seed)."""
        while True:
            pid = _data.new_id(self._ids, "phnum_")
            if pid not in self.numbers:
                return pid

    def get(self, phone_number_id: str) -> dict[str, Any]:
        """Return the number. Raises :class:`PhoneNumberNotFound`."""
        try:
            return self.numbers[phone_number_id]
        except KeyError:
            raise PhoneNumberNotFound(phone_number_id) from None

    def list(
        self,
        *,
        provider: str | None = None,
        agent_id: str | None = None,
        branch_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Return the numbers matching every filter given, in insertion order."""
        found = []
        for number in self.numbers.values():
            agent = number.get("assigned_agent") or {}
            if provider is not None and number.get("provider") != provider:
                continue
            if agent_id is not None and agent.get("agent_id") != agent_id:
                continue
            if branch_id is not None and agent.get("branch_id") != branch_id:
                continue
            found.append(number)
        return found

    def delete(self, phone_number_id: str) -> None:
        """Remove the number. Raises :class:`PhoneNumberNotFound`."""
        self.get(phone_number_id)
        del self.numbers[phone_number_id]

    def update(self, phone_number_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Apply a validated partial update and return the number's new state.

        ``fields`` holds only the keys the request set: an absent key leaves the
        value alone, ``None`` clears it. Raises :class:`PhoneNumberNotFound`, and
        :class:`UpdateRejected` for SIP trunk settings on a non-SIP number or a
        branch/environment on a number without an agent.
        """
        current = self.get(phone_number_id)
        is_sip = current.get("provider") == "sip_trunk"
        if not is_sip:
            given = [name for name in SIP_ONLY_FIELDS if fields.get(name) is not None]
            if given:
                raise UpdateRejected(
                    f"{', '.join(given)} can only be set on sip_trunk phone numbers,"
                    f" not on {current.get('provider')} numbers"
                )
        updated = dict(current)
        updated["assigned_agent"] = self._assigned_agent(current.get("assigned_agent"), fields)
        if "label" in fields:
            updated["label"] = fields["label"] or ""
        if is_sip:
            self._update_sip(updated, fields)
        self.numbers[phone_number_id] = updated
        return updated

    def _assigned_agent(
        self, assigned: dict[str, Any] | None, fields: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        if "agent_id" in fields:
            agent_id = fields["agent_id"]
            if agent_id is None:
                assigned = None
            elif assigned is None or assigned.get("agent_id") != agent_id:
                # Branches belong to an agent: a new agent starts without one.
                assigned = _data.agent_info(agent_id, self.agent_name(agent_id))
        for name in ("environment", "branch_id"):
            if name not in fields:
                continue
            if assigned is not None:
                assigned = {**assigned, name: fields[name]}
            elif fields[name] is not None:
                raise UpdateRejected(f"{name} needs an agent assigned to the phone number")
        return assigned

    @staticmethod
    def _update_sip(number: dict[str, Any], fields: Mapping[str, Any]) -> None:
        if "livekit_stack" in fields:
            number["livekit_stack"] = fields["livekit_stack"] or "standard"
        if "store_sip_messages" in fields:
            stored = fields["store_sip_messages"]
            number["store_sip_messages"] = True if stored is None else stored
        if "outbound_trunk_config" in fields:
            outbound = outbound_from_config(
                fields["outbound_trunk_config"], number.get("outbound_trunk")
            )
            number["outbound_trunk"] = outbound
            number["provider_config"] = None if outbound is None else dict(outbound)
        if "inbound_trunk_config" in fields:
            number["inbound_trunk"] = inbound_from_config(
                fields["inbound_trunk_config"], number.get("inbound_trunk")
            )

    def import_number(self, fields: Mapping[str, Any]) -> str:
        """Create a number from a validated import body and return its new ID."""
        provider = fields["provider"]
        pid = self.new_phone_number_id()
        sip = provider == "sip_trunk"
        outbound = outbound_from_config(fields.get("outbound_trunk_config"), None) if sip else None
        self.numbers[pid] = _data.phone_number(
            phone_number_id=pid,
            provider=provider,
            number=fields["phone_number"],
            label=fields["label"],
            assigned_agent=None,
            outbound=outbound,
            inbound=inbound_from_config(fields.get("inbound_trunk_config"), None) if sip else None,
            livekit_stack=fields.get("livekit_stack", "standard"),
        )
        return pid

    def add_number(
        self,
        *,
        provider: str = "twilio",
        phone_number: str | None = None,
        label: str | None = None,
        agent_id: str | None = None,
        agent_name: str | None = None,
        branch_id: str | None = None,
        environment: str | None = None,
        phone_number_id: str | None = None,
    ) -> str:
        """Add a number directly (no request) and return its ID; see ``FakeElevenLabs``."""
        pid = phone_number_id or self.new_phone_number_id()
        assigned = None
        if agent_id is not None:
            if agent_name is not None:
                self.agents[agent_id] = agent_name
            assigned = _data.agent_info(
                agent_id, self.agent_name(agent_id), environment=environment, branch_id=branch_id
            )
        if phone_number is None:
            phone_number = self._free_test_number()
        self.numbers[pid] = _data.phone_number(
            phone_number_id=pid,
            provider=provider,
            number=phone_number,
            label=label if label is not None else f"Number {len(self.numbers) + 1}",
            assigned_agent=assigned,
        )
        return pid

    def _free_test_number(self) -> str:
        taken = {number.get("phone_number") for number in self.numbers.values()}
        serial = len(self.numbers)
        while f"+1555{serial:07d}" in taken:
            serial += 1
        return f"+1555{serial:07d}"


def _credentials(config: Mapping[str, Any], previous: Mapping[str, Any] | None) -> tuple[Any, bool]:
    """Return ``(username, has_auth_credentials)``; a missing password keeps the old one."""
    credentials = config.get("credentials")
    if credentials is None:
        return None, False
    if credentials.get("password") is not None:
        return credentials["username"], True
    return credentials["username"], bool(previous and previous.get("has_auth_credentials"))


def outbound_from_config(
    config: Mapping[str, Any] | None, previous: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """Turn an ``outbound_trunk_config`` into the outbound trunk the API reports."""
    if config is None:
        return None
    username, has_auth = _credentials(config, previous)
    trunk = _data.outbound_trunk(
        address=config["address"],
        transport=config["transport"],
        media_encryption=config["media_encryption"],
        headers=config["headers"],
        attributes_to_headers=config["attributes_to_headers"],
        username=username,
    )
    trunk["has_auth_credentials"] = has_auth
    return trunk


def inbound_from_config(
    config: Mapping[str, Any] | None, previous: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """Turn an ``inbound_trunk_config`` into the inbound trunk the API reports."""
    if config is None:
        return None
    username, has_auth = _credentials(config, previous)
    trunk = _data.inbound_trunk(
        allowed_addresses=config["allowed_addresses"],
        allowed_numbers=config["allowed_numbers"],
        media_encryption=config["media_encryption"],
        username=username,
        remote_domains=config["remote_domains"],
        attributes_to_headers=config["attributes_to_headers"],
    )
    trunk["has_auth_credentials"] = has_auth
    return trunk
