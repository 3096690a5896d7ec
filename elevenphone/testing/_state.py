"""The fake's in-memory state: phone numbers, agents, SIP logs, and the rules that change them.

Every agent a number is assigned to is registered (:mod:`._agents`), with the
branch the number names, whether the number was seeded, added, imported or
updated: an unknown agent ID is accepted and registered, as the fake always has.

Numbers are stored exactly as the API returns them (plain JSON dicts), so what
a test reads from ``fake.numbers`` is what a client receives. Changes are built
on a copy and swapped in whole, so a rejected update leaves no trace. Secrets
sent on import are never stored (see :mod:`._trunks`).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping
from typing import Any

from . import _data, _sip_log
from ._agents import AgentRegistry
from ._bodies import SIP_ONLY_FIELDS
from ._trunks import inbound_from_config, outbound_from_config, provider_settings


class PhoneNumberNotFound(LookupError):
    """No phone number has the requested ID."""


class UpdateRejected(ValueError):
    """The update is well-formed but makes no sense for this number (answered 400)."""


class PhoneNumberExists(ValueError):
    """An import names a phone number the account already holds (answered 409)."""


class PhoneNumberStore:
    """Phone numbers keyed by ID, the agent registry, SIP logs, and seeded ID sources."""

    def __init__(
        self,
        *,
        numbers: int,
        seed: int,
        agent_ids: Iterable[str] | Mapping[str, str] | None = None,
    ) -> None:
        rng = random.Random(f"data-{seed}")
        self._ids = random.Random(f"ids-{seed}")
        self._sip_rng = random.Random(f"sip-{seed}")
        if agent_ids is None:
            names = _data.generate_agents(rng, max(1, min(numbers // 10, 25)))
        elif isinstance(agent_ids, Mapping):
            names = dict(agent_ids)
        else:
            names = {agent_id: _data.agent_name_for(agent_id) for agent_id in agent_ids}
        self.agent_registry = AgentRegistry()
        #: Agents by ID, each as the API returns it plus its ``branches``.
        self.agents = self.agent_registry.records
        for agent_id, name in names.items():
            self.agent_registry.register(agent_id, name)
        self.numbers = _data.generate_numbers(rng, numbers, names, assign_all=agent_ids is not None)
        for number in self.numbers.values():
            self._register_agent_of(number)
        #: What each import configured beyond the number, without secrets.
        self.provider_settings: dict[str, dict[str, Any]] = {}
        #: SIP messages by phone number ID, in the order they were added.
        self.sip_messages: dict[str, list[dict[str, Any]]] = {}
        self._created: dict[str, int] = {}
        self._serial = itertools.count()

    def agent_name(self, agent_id: str) -> str:
        """Return the registered name of ``agent_id``, registering a derived one if unknown."""
        return self.agent_registry.name(agent_id)

    def _register_agent_of(self, number: Mapping[str, Any]) -> None:
        """Register the agent (and branch) ``number`` is assigned to, if it is."""
        assigned = number.get("assigned_agent") or {}
        agent_id = assigned.get("agent_id")
        if agent_id is None:
            return
        self.agent_registry.register(agent_id)
        if assigned.get("branch_id") is not None:
            self.agent_registry.add_branch(agent_id, assigned["branch_id"])

    def new_phone_number_id(self) -> str:
        """Return a fresh, unused ``phnum_`` ID (deterministic under the seed)."""
        while True:
            pid = _data.new_id(self._ids, "phnum_")
            if pid not in self.numbers:
                return pid

    def new_id(self, prefix: str) -> str:
        """Return a fresh ID with ``prefix`` from the seeded ID source."""
        return _data.new_id(self._ids, prefix)

    def get(self, phone_number_id: str) -> dict[str, Any]:
        """Return the number. Raises :class:`PhoneNumberNotFound`."""
        try:
            return self.numbers[phone_number_id]
        except KeyError:
            raise PhoneNumberNotFound(phone_number_id) from None

    def creation_order(self) -> list[tuple[int, dict[str, Any]]]:
        """Return ``(serial, number)`` for every number, oldest first.

        The serial is fixed when the fake first sees a number, so it survives
        deletions; numbers a test put into ``numbers`` directly get theirs now.
        """
        for pid in self.numbers:
            if pid not in self._created:
                self._created[pid] = next(self._serial)
        return sorted(
            ((self._created[pid], number) for pid, number in self.numbers.items()),
            key=lambda pair: pair[0],
        )

    def find(
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
        """Remove the number, its settings and its SIP log. Raises :class:`PhoneNumberNotFound`."""
        self.get(phone_number_id)
        del self.numbers[phone_number_id]
        self.provider_settings.pop(phone_number_id, None)
        self.sip_messages.pop(phone_number_id, None)
        self._created.pop(phone_number_id, None)

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
        self._register_agent_of(updated)
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
        """Create a number from a validated import body and return its new ID.

        Raises :class:`PhoneNumberExists` when the account already holds the
        same ``phone_number`` (compared as sent), whatever its provider.
        """
        number = fields["phone_number"]
        for existing in self.numbers.values():
            if existing.get("phone_number") == number:
                raise PhoneNumberExists(
                    f"Phone number {number} is already imported"
                    f" as {existing.get('phone_number_id')}"
                )
        provider = fields["provider"]
        pid = self.new_phone_number_id()
        sip = provider == "sip_trunk"
        agent_id = fields.get("agent_id")
        body = _data.phone_number(
            phone_number_id=pid,
            provider=provider,
            number=number,
            label=fields["label"],
            assigned_agent=None
            if agent_id is None
            else _data.agent_info(agent_id, self.agent_name(agent_id)),
            outbound=outbound_from_config(fields.get("outbound_trunk_config"), None)
            if sip
            else None,
            inbound=inbound_from_config(fields.get("inbound_trunk_config"), None) if sip else None,
        )
        for name in ("supports_inbound", "supports_outbound"):
            if fields.get(name) is not None:
                body[name] = fields[name]
        self.numbers[pid] = body
        self.provider_settings[pid] = provider_settings(fields)
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
                self.agent_registry.register(agent_id, agent_name)
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
        self._register_agent_of(self.numbers[pid])
        return pid

    def _free_test_number(self) -> str:
        taken = {number.get("phone_number") for number in self.numbers.values()}
        serial = len(self.numbers)
        while f"+1555{serial:07d}" in taken:
            serial += 1
        return f"+1555{serial:07d}"

    def add_sip_message(self, phone_number_id: str, message: Mapping[str, Any]) -> None:
        """Append ``message`` to the SIP log as given. Raises :class:`PhoneNumberNotFound`."""
        self.get(phone_number_id)
        self.sip_messages.setdefault(phone_number_id, []).append(dict(message))

    def add_sip_dialog(
        self,
        phone_number_id: str,
        *,
        count: int,
        direction: str | None = None,
        start_unix_micro: int | None = None,
        remote_number: str | None = None,
        call_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Log ``count`` realistic SIP messages for the number; return them.

        Raises :class:`PhoneNumberNotFound`, ``ValueError`` for a bad
        ``count`` or ``direction``.
        """
        number = self.get(phone_number_id)
        log = self.sip_messages.setdefault(phone_number_id, [])
        if start_unix_micro is None:
            start_unix_micro = max(
                (m.get("created_at_unix_micro", 0) for m in log),
                default=_sip_log.EPOCH_UNIX_MICRO,
            )
            start_unix_micro += 1_000_000 if log else 0
        messages = _sip_log.generate(
            self._sip_rng,
            number,
            count=count,
            direction=direction,
            start_unix_micro=start_unix_micro,
            remote_number=remote_number,
            call_id=call_id,
        )
        log.extend(messages)
        return messages
