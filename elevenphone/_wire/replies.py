"""Successful replies into Structs: a phone number into the Struct of its
provider, lists and pages item by item, calls, text. Whatever the bytes, a
body that does not decode raises :class:`APIResponseValidationError`, and so
does a reply about another phone number than the one asked for, or (for a
bulk run) one that does not show the change asked for."""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Any, TypeVar

import msgspec
from msgspec import UNSET

from .._exceptions import (
    APIResponseValidationError,
)
from .._models import (
    PHONE_NUMBER_TYPES,
    CreatePhoneNumberResponse,
    ExotelOutboundCallResponse,
    GenericPhoneNumber,
    PhoneNumber,
    PhoneNumberPage,
    SIPMessage,
    SIPMessagePage,
    SIPTrunkOutboundCallResponse,
    TwilioOutboundCallResponse,
    UpdatePhoneNumberRequest,
)
from ._shared import UNDECODABLE, clip

T = TypeVar("T")

_raw_list_decoder = msgspec.json.Decoder(list[msgspec.Raw])


def _shape_error(exc: BaseException) -> str:
    """What a decode failure says, in a few words (never the body itself)."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    if isinstance(exc, UnicodeDecodeError):
        return f"it is not valid UTF-8 (byte {exc.start})"
    return clip(str(exc))


def decode_reply(
    decoder: msgspec.json.Decoder[T], body: bytes, *, what: str, status_code: int = 200
) -> T:
    """Decode a 2xx body with ``decoder``.

    Raises:
        APIResponseValidationError: the body does not decode into ``what``,
            whatever its bytes.
    """
    try:
        return decoder.decode(body)
    except UNDECODABLE as exc:
        reason = _shape_error(exc)
    # Raised here, outside the except block: the msgspec error (a
    # UnicodeDecodeError holds the whole body) is not chained to it.
    raise APIResponseValidationError(
        f"the reply is not {what}: {reason}", status_code=status_code, body=body
    )


class _ProviderTag(msgspec.Struct):
    """Just the ``provider`` of a phone number, to pick its decoder."""

    provider: str


_tag_decoder = msgspec.json.Decoder(_ProviderTag)
_decoders: dict[str, msgspec.json.Decoder[Any]] = {
    provider: msgspec.json.Decoder(struct) for provider, struct in PHONE_NUMBER_TYPES.items()
}
_generic_decoder = msgspec.json.Decoder(GenericPhoneNumber)
# The API sends the provider first, compact. The Struct that tag selects checks
# it again (its provider field is a Literal), so a body this misreads fails to
# decode rather than decoding as another provider.
_PROVIDER_FIRST = b'{"provider":"'
_TAG_AT = len(_PROVIDER_FIRST)
_decoders_by_tag = {provider.encode(): decoder for provider, decoder in _decoders.items()}


def decode_phone_number(body: bytes, status_code: int = 200) -> PhoneNumber:
    """Decode one phone number into the Struct of its ``provider``.

    A provider this version does not know becomes a :class:`GenericPhoneNumber`
    (never another provider's Struct); unknown fields are ignored.

    Raises:
        APIResponseValidationError: the body is not a phone number.
    """
    decoder = None
    if body.startswith(_PROVIDER_FIRST):  # as the API sends it: one pass over the body
        decoder = _decoders_by_tag.get(body[_TAG_AT : body.find(b'"', _TAG_AT)])
    if decoder is not None:
        try:
            number: PhoneNumber = decoder.decode(body)
        except UNDECODABLE:
            pass  # read again below, for the reason
        else:
            return number
    what = "a valid phone number"
    if decoder is None:
        provider = decode_reply(_tag_decoder, body, what=what, status_code=status_code).provider
        decoder = _decoders.get(provider, _generic_decoder)
    number = decode_reply(decoder, body, what=what, status_code=status_code)
    return number


def phone_number_decoder(
    phone_number_id: str,
    change: UpdatePhoneNumberRequest | None = None,
    *,
    unchecked: Container[str] = (),
) -> Callable[[bytes, int], PhoneNumber]:
    """A decoder of the reply about the phone number ``phone_number_id`` (to a
    get or an update): :func:`decode_phone_number`, then a check that the reply
    is that number and, given a ``change``, that it shows the change applied.

    What a reply can show of a change, and is compared: ``agent_id``
    (``assigned_agent.agent_id``, None when no agent is assigned) and
    ``label``; ``branch_id`` and ``environment`` where the reply carries them.
    Not compared: a ``label`` cleared with None (the API words a cleared label
    as it likes); a ``branch_id`` or ``environment`` the reply leaves out or
    gives as null, or that it cannot carry because no agent is assigned (older
    replies leave them out); trunk settings (the reply shows them in another
    shape, without their secrets); and every field in ``unchecked`` (fields
    ``extra_body`` sent instead).

    Args:
        phone_number_id: the number asked for, as given (not percent-encoded).
        change: the update sent, if the reply must show it.
        unchecked: names of fields of ``change`` not to compare.

    Returns:
        ``decode(body, status_code)``, which raises
        :class:`APIResponseValidationError` when the body is not a phone
        number, is another number, or does not show the change.
    """

    def decode(body: bytes, status_code: int = 200) -> PhoneNumber:
        number = decode_phone_number(body, status_code)
        if number.phone_number_id != phone_number_id:
            problem = (
                f"the reply is about the phone number {clip(number.phone_number_id, 200)!r},"
                f" not {phone_number_id!r} that was asked for"
            )
        elif change is None:
            return number
        else:
            unshown = _unshown_change(change, number, unchecked)
            if unshown is None:
                return number
            problem = unshown
        raise APIResponseValidationError(problem, status_code=status_code, body=body)

    return decode


def _unshown_change(
    change: UpdatePhoneNumberRequest, number: PhoneNumber, unchecked: Container[str]
) -> str | None:
    """What of ``change`` the reply ``number`` does not show, for a person; None
    if it shows every part it can (see :func:`phone_number_decoder`)."""
    # Plain compares in a row: this runs once per item of every bulk run.
    agent = number.assigned_agent
    asked: object = change.agent_id
    if asked is not UNSET:
        shown = None if agent is None else agent.agent_id
        if shown != asked and "agent_id" not in unchecked:
            return _not_shown("agent_id", asked, shown)
    asked = change.label
    # A label cleared with None is not compared: how a reply words it is the API's.
    if (
        asked is not UNSET
        and asked is not None
        and number.label != asked
        and "label" not in unchecked
    ):
        return _not_shown("label", asked, number.label)
    if agent is None:  # it alone carries the branch and environment
        return None
    asked, shown = change.branch_id, agent.branch_id
    if asked is not UNSET and shown is not None and shown != asked and "branch_id" not in unchecked:
        return _not_shown("branch_id", asked, shown)
    asked, shown = change.environment, agent.environment
    if (
        asked is not UNSET
        and shown is not None
        and shown != asked
        and "environment" not in unchecked
    ):
        return _not_shown("environment", asked, shown)
    return None


def _not_shown(name: str, asked: object, shown: object) -> str:
    return (
        f"the reply does not show the change: {name} was asked to be {asked!r},"
        f" the reply shows {clip(repr(shown), 200)}"
    )


def decode_phone_number_list(body: bytes, status_code: int = 200) -> list[PhoneNumber]:
    """Decode the list endpoint's JSON array of phone numbers.

    Raises:
        APIResponseValidationError: the body is not an array of phone numbers.
    """
    what = "a list of phone numbers"
    items = decode_reply(_raw_list_decoder, body, what=what, status_code=status_code)
    return _decode_numbers(items, "list", body, status_code)


def _decode_numbers(
    items: list[msgspec.Raw], container: str, body: bytes, status_code: int
) -> list[PhoneNumber]:
    """Each item into the Struct of its provider; the first that does not
    decode fails the whole ``body``, naming its index in the ``container``."""
    numbers = []
    for index, item in enumerate(items):
        try:
            numbers.append(decode_phone_number(bytes(item), status_code))
        except APIResponseValidationError as exc:
            message = exc.message
        else:
            continue
        raise APIResponseValidationError(
            f"item {index} of the {container}: {message}", status_code=status_code, body=body
        )
    return numbers


def struct_decoder(model: type[T], what: str) -> Callable[[bytes, int], T]:
    """A decoder of 2xx bodies into ``model``; see :func:`decode_reply`."""
    decoder = msgspec.json.Decoder(model)

    def decode(body: bytes, status_code: int = 200) -> T:
        return decode_reply(decoder, body, what=what, status_code=status_code)

    decode.__doc__ = f"Decode {what}; raises APIResponseValidationError if the body is not."
    return decode


decode_created_phone_number = struct_decoder(CreatePhoneNumberResponse, "an imported number's id")
decode_twilio_call = struct_decoder(TwilioOutboundCallResponse, "a placed Twilio call")
decode_sip_trunk_call = struct_decoder(SIPTrunkOutboundCallResponse, "a placed SIP trunk call")
decode_exotel_call = struct_decoder(ExotelOutboundCallResponse, "a placed Exotel call")


def decode_nothing(body: bytes, status_code: int = 200) -> None:
    """For a reply that carries nothing the caller needs (a delete's ``{}``)."""
    return None


def decode_bytes(body: bytes, status_code: int = 200) -> bytes:
    """A reply taken as it came (an export's CSV), within the client's
    ``max_response_bytes`` as every reply is."""
    return body


def decode_text(body: bytes, status_code: int = 200) -> str:
    """A text reply (register-call's TwiML), as a str.

    Raises:
        APIResponseValidationError: the body is not UTF-8.
    """
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        reason = _shape_error(exc)
    raise APIResponseValidationError(
        f"the reply is not text: {reason}", status_code=status_code, body=body
    )


class _RawPhoneNumberPage(msgspec.Struct):
    phone_numbers: list[msgspec.Raw]
    next_cursor: str | None = None
    has_more: bool | None = None


class _RawSIPMessagePage(msgspec.Struct):
    sip_messages: list[SIPMessage]
    next_cursor: str | None = None
    has_more: bool | None = None


_raw_page_decoder = msgspec.json.Decoder(_RawPhoneNumberPage)
_raw_sip_page_decoder = msgspec.json.Decoder(_RawSIPMessagePage)


def _has_more(has_more: bool | None, next_cursor: str | None) -> bool:
    # The API may leave has_more out: a next cursor then says there is more.
    return bool(next_cursor) if has_more is None else has_more


def decode_sip_message_page(body: bytes, status_code: int = 200) -> SIPMessagePage:
    """Decode a page of a phone number's SIP messages.

    Raises:
        APIResponseValidationError: the body is not a page of SIP messages.
    """
    page = decode_reply(
        _raw_sip_page_decoder, body, what="a page of SIP messages", status_code=status_code
    )
    return SIPMessagePage(
        sip_messages=page.sip_messages,
        next_cursor=page.next_cursor,
        has_more=_has_more(page.has_more, page.next_cursor),
    )


def decode_phone_number_page(body: bytes, status_code: int = 200) -> PhoneNumberPage:
    """Decode a page of the v2 list, each number into the Struct of its provider.

    Raises:
        APIResponseValidationError: the body is not a page of phone numbers.
    """
    what = "a page of phone numbers"
    page = decode_reply(_raw_page_decoder, body, what=what, status_code=status_code)
    return PhoneNumberPage(
        phone_numbers=_decode_numbers(page.phone_numbers, "page", body, status_code),
        next_cursor=page.next_cursor,
        has_more=_has_more(page.has_more, page.next_cursor),
    )
