"""The phone-numbers resource: ``client.phone_numbers``."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from msgspec import UNSET, UnsetType

from ._models import (
    InboundSIPTrunkConfig,
    LivekitStack,
    OutboundSIPTrunkConfig,
    PhoneNumber,
    UpdatePhoneNumberRequest,
)
from ._wire import (
    PHONE_NUMBERS_PATH,
    decode_phone_number,
    decode_phone_number_list,
    encode_update_request,
    phone_number_path,
)

if TYPE_CHECKING:
    from ._client import ElevenPhone

__all__ = ["PhoneNumbers"]


class PhoneNumbers:
    """Calls on ``/v1/convai/phone-numbers``. Reached as ``client.phone_numbers``."""

    def __init__(self, client: ElevenPhone) -> None:
        self._client = client

    async def update(
        self,
        phone_number_id: str,
        request: UpdatePhoneNumberRequest | None = None,
        *,
        agent_id: str | None | UnsetType = UNSET,
        label: str | None | UnsetType = UNSET,
        inbound_trunk_config: InboundSIPTrunkConfig | Mapping[str, Any] | None | UnsetType = UNSET,
        outbound_trunk_config: OutboundSIPTrunkConfig
        | Mapping[str, Any]
        | None
        | UnsetType = UNSET,
        livekit_stack: LivekitStack | str | None | UnsetType = UNSET,
        store_sip_messages: bool | None | UnsetType = UNSET,
        environment: str | None | UnsetType = UNSET,
        branch_id: str | None | UnsetType = UNSET,
    ) -> PhoneNumber:
        """Update a phone number: assign its agent, branch and environment, or
        change its label and SIP trunk settings.

        Pass either a :class:`UpdatePhoneNumberRequest` or the fields as keyword
        arguments. Only the fields given are sent: an omitted field is left
        unchanged by the API, and ``None`` clears it (``agent_id=None``
        unassigns the number). Nested configs take the Structs or plain dicts.

        Returns:
            The phone number as updated.

        Raises:
            TypeError: ``phone_number_id`` is not a str, or both ``request`` and
                field keywords were given.
            ValueError: ``phone_number_id`` is empty.
            InvalidRequestError: a field does not fit the schema (nothing is sent).
            ValidationError: the API refused the update (422).
            NotFoundError: no such phone number (404).
            AuthenticationError, PermissionDeniedError: the key was refused.
            APIStatusError: any other non-2xx reply, after retries.
            APIConnectionError, APITimeoutError: no reply, after retries.
        """
        path = phone_number_path(phone_number_id)
        fields = {
            name: value
            for name, value in (
                ("agent_id", agent_id),
                ("label", label),
                ("inbound_trunk_config", inbound_trunk_config),
                ("outbound_trunk_config", outbound_trunk_config),
                ("livekit_stack", livekit_stack),
                ("store_sip_messages", store_sip_messages),
                ("environment", environment),
                ("branch_id", branch_id),
            )
            if value is not UNSET
        }
        if request is not None:
            if fields:
                raise TypeError(
                    "pass either an UpdatePhoneNumberRequest or field keywords, not both"
                )
            if not isinstance(request, UpdatePhoneNumberRequest):
                raise TypeError(
                    f"request must be an UpdatePhoneNumberRequest, not {type(request).__name__}"
                )
            body = encode_update_request(request)
        else:
            body = encode_update_request(fields)
        reply = await self._client._request("PATCH", path, body=body)
        return decode_phone_number(reply.body, status_code=reply.status)

    async def get(self, phone_number_id: str) -> PhoneNumber:
        """Fetch one phone number.

        Raises:
            TypeError, ValueError: ``phone_number_id`` is not a non-empty str.
            NotFoundError: no such phone number (404).
            APIStatusError, APIConnectionError: as for :meth:`update`.
        """
        path = phone_number_path(phone_number_id)
        reply = await self._client._request("GET", path)
        return decode_phone_number(reply.body, status_code=reply.status)

    async def list(
        self,
        *,
        provider: str | None = None,
        agent_id: str | None = None,
        branch_id: str | None = None,
    ) -> builtins.list[PhoneNumber]:
        """List the account's phone numbers, optionally filtered.

        Args:
            provider: only numbers of this provider (``twilio``, ``sip_trunk``,
                ``exotel``).
            agent_id: only numbers assigned to this agent.
            branch_id: only numbers on this agent branch.

        Raises:
            TypeError: a filter is not a str.
            APIStatusError, APIConnectionError: as for :meth:`update`.
        """
        query: dict[str, str] = {}
        for name, value in (
            ("provider", provider),
            ("agent_id", agent_id),
            ("branch_id", branch_id),
        ):
            if value is None:
                continue
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a str, not {type(value).__name__}")
            query[name] = str(value)
        reply = await self._client._request("GET", PHONE_NUMBERS_PATH, query=query)
        return decode_phone_number_list(reply.body, status_code=reply.status)
