"""Successful replies into Structs: a phone number into the Struct of its
provider, lists and pages item by item, calls, text. Whatever the bytes, a
body that does not decode raises :class:`APIResponseValidationError`, and so
does a reply about another phone number than the one asked for, or (for a
bulk run) one that does not show the change asked for."""

from __future__ import annotations

import functools
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


def _read_number(
    phone_number_id: str | None,
    change: ExpectedChange | None,
    body: bytes,
    status_code: int = 200,
) -> PhoneNumber:
    """Decode one phone number into the Struct of its ``provider``; with a
    ``phone_number_id``, check that the reply is that number, and with a
    ``change``, that it shows it. (The one function behind
    :func:`decode_phone_number` and :func:`phone_number_decoder`: a reply
    is read in one pass, in one Python frame.)"""
    decoder = None
    if body.startswith(_PROVIDER_FIRST):  # as the API sends it: one pass over the body
        decoder = _decoders_by_tag.get(body[_TAG_AT : body.find(b'"', _TAG_AT)])
    number: PhoneNumber
    try:
        if decoder is None:
            raise ValueError("the provider is not first")
        number = decoder.decode(body)
    except UNDECODABLE:  # read again, slowly, for the reason
        what = "a valid phone number"
        if decoder is None:
            provider = decode_reply(_tag_decoder, body, what=what, status_code=status_code)
            decoder = _decoders.get(provider.provider, _generic_decoder)
        number = decode_reply(decoder, body, what=what, status_code=status_code)
    if phone_number_id is None or (number.phone_number_id == phone_number_id and change is None):
        return number
    if number.phone_number_id != phone_number_id:
        problem = (
            f"the reply is about the phone number {clip(number.phone_number_id, 200)!r},"
            f" not {phone_number_id!r} that was asked for"
        )
    else:
        assert change is not None
        unshown = change.unshown(number)
        if unshown is None:
            return number
        problem = unshown
    raise APIResponseValidationError(problem, status_code=status_code, body=body)


decode_phone_number: Callable[[bytes, int], PhoneNumber] = functools.partial(
    _read_number, None, None
)
"""Decode one phone number into the Struct of its ``provider``:
``decode_phone_number(body, status_code)``.

A provider this version does not know becomes a :class:`GenericPhoneNumber`
(never another provider's Struct); unknown fields are ignored. Raises
:class:`APIResponseValidationError` when the body is not a phone number."""


def phone_number_decoder(
    phone_number_id: str,
    change: UpdatePhoneNumberRequest | ExpectedChange | None = None,
    *,
    unchecked: Container[str] = (),
) -> Callable[[bytes, int], PhoneNumber]:
    """A decoder of the reply about the phone number ``phone_number_id`` (to a
    get or an update): :func:`decode_phone_number`, then a check that the reply
    is that number and, given a ``change``, that it shows the change applied
    (see :class:`ExpectedChange` for what is compared).

    Args:
        phone_number_id: the number asked for, as given (not percent-encoded).
        change: the update sent, if the reply must show it (or what it must
            show, read from it once for many numbers).
        unchecked: names of fields of ``change`` not to compare.

    Returns:
        ``decode(body, status_code)``, which raises
        :class:`APIResponseValidationError` when the body is not a phone
        number, is another number, or does not show the change.
    """
    if isinstance(change, UpdatePhoneNumberRequest):
        change = ExpectedChange(change, unchecked)
    # A partial, not a closure: its call runs in C, into one Python frame.
    return functools.partial(_read_number, phone_number_id, change)


class ExpectedChange:
    """What a reply to an update must show of it, read from the update once.

    Compared: ``agent_id`` (``assigned_agent.agent_id``, None when no agent is
    assigned) and ``label``; ``branch_id`` and ``environment`` where the reply
    carries them. Not compared: a ``label`` cleared with None (the API words a
    cleared label as it likes); a ``branch_id`` or ``environment`` the reply
    leaves out or gives as null, or that it cannot carry because no agent is
    assigned (older replies leave them out); trunk settings (the reply shows
    them in another shape, without their secrets); and every field in
    ``unchecked`` (fields ``extra_body`` sent instead).

    Args:
        change: the update sent.
        unchecked: names of its fields not to compare.
    """

    __slots__ = ("_checks",)

    def __init__(self, change: UpdatePhoneNumberRequest, unchecked: Container[str] = ()) -> None:
        checks = []
        for name in _SHOWN:
            asked = getattr(change, name)
            if asked is UNSET or name in unchecked or (name == "label" and asked is None):
                continue
            checks.append((name, asked))
        self._checks: tuple[tuple[str, object], ...] = tuple(checks)

    def unshown(self, number: PhoneNumber) -> str | None:
        """What of the change ``number`` does not show, for a person; None if
        it shows every part it can."""
        agent = number.assigned_agent
        for name, asked in self._checks:
            shown: object
            if name == "agent_id":
                shown = None if agent is None else agent.agent_id
            elif name == "label":
                shown = number.label
            elif agent is None:  # it alone carries the branch and environment
                continue
            else:
                shown = getattr(agent, name)
                if shown is None:
                    continue
            if shown != asked:
                return _not_shown(name, asked, shown)
        return None


_SHOWN = ("agent_id", "label", "branch_id", "environment")
"""The fields of an update a reply shows, in the order they are compared."""


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
