"""A faithful in-memory fake of the ElevenLabs phone-numbers API, for tests.

``FakeElevenLabs`` serves the API on ``aiohttp.web`` at 127.0.0.1. It follows
the public API reference, validates bodies like the real FastAPI service, and
does not import the SDK, so a misreading shared by both cannot hide::

    from elevenphone.testing import Fault, FakeElevenLabs

    async with FakeElevenLabs(api_key="test-key", numbers=50, seed=1) as fake:
        fake.base_url   # "http://127.0.0.1:<free port>"
        fake.script(Fault.rate_limited(), Fault.reset())
        ...             # point the code under test at fake.base_url, fake.api_key
        assert fake.requests[-1].json == {"agent_id": "agent_x"}

Constructor (all keyword-only, all optional):
    ``api_key="test-key"``: the only accepted ``xi-api-key``.
    ``numbers=0``: how many realistic numbers to start with (twilio, exotel and
        sip_trunk; ``phnum_``/``agent_``/``agtbrch_`` IDs; E.164 numbers; labels;
        about one in ten unassigned, one in five on a branch and environment).
    ``seed=0``: makes numbers, IDs, random faults and random latency repeatable.
    ``agent_ids=None``: agents to put the seeded numbers on, round-robin, none
        left unassigned: ``agent_ids=["agent_a"]`` puts all of them on
        ``agent_a``. A mapping ``{agent_id: agent_name}`` also names them.
    ``host="127.0.0.1"``, ``port=0`` (0 picks a free port).
    ``latency=0.0``: seconds added to every request, or ``(low, high)`` for a
        seeded uniform random delay per request.
    ``fault_rate=0.0``: probability that a request fails transiently.
    ``fault_mix=None``: the faults a random failure picks from; by default 500
        and 503 (JSON), 502 (HTML page), 429 ``rate_limit_exceeded`` with and
        without ``Retry-After``, and a connection reset.
    ``concurrency_limit=None``: with more than this many requests in flight
        (this client's plus ``other_clients_in_flight``), a request is answered
        429 ``concurrent_limit_exceeded`` with the ``current-concurrent-requests``
        (both clients') and ``maximum-concurrent-requests`` headers.
    ``other_clients_in_flight=0``: requests another client of the same account
        has in flight, taking part of the account's concurrency.
    ``rate_limit=None``: requests per second; beyond it, 429
        ``rate_limit_exceeded``. A token bucket on the event loop's clock
        (``loop.time()``), full at first and again after the limit was lifted;
        ``rate_limit_burst=None`` is its size (``None``: one second's worth, at
        least 1); ``rate_limit_retry_after=False`` adds ``Retry-After`` (the
        seconds until the next token, rounded up to a whole second).
``concurrency_limit``, ``other_clients_in_flight`` and ``rate_limit`` each take
a value or a *schedule* keyed by the number of requests received before the
one checked, so a test needs no timing: ``concurrency_limit=[(0, 16), (300, 4),
(600, 16)]`` allows 16 to requests 1-300, 4 to requests 301-600, 16 after
(before a schedule's first step: no limit, no other clients). The concurrency
limit is checked first; a request it refuses takes no token. Neither applies
to a scripted fault. ``latency``, ``fault_rate``, ``fault_mix`` and every limit
are attributes: change them whenever you like, also while serving (a bad value
raises ``ValueError`` and changes nothing).

Lifecycle: ``async with FakeElevenLabs(...) as fake`` or ``await fake.start()``
... ``await fake.close()``.

Attributes and methods:
    ``base_url``, ``port``, ``api_key``.
    ``numbers``: ``{phone_number_id: number}``, each number the plain JSON dict
        the API returns; tests may read and edit it.
    ``agents``: ``{agent_id: agent_name}``; an unknown agent ID sent in an
        update, an import or a call is accepted and registered under a derived
        name: ``agent_B`` as ``"Agent B"``, a long ID by its last 6 characters
        (``"Agent fyszkz"``).
    ``provider_settings``: ``{phone_number_id: settings}`` for numbers imported
        through the API: what the import configured that the API never returns
        (Twilio ``sid``, ``region_config``, ``enable_sms``; Exotel
        ``account_sid``, ``api_key``, ``api_subdomain``, ``app_id``,
        ``applet_url``), secrets only as ``has_token`` / ``has_api_token`` /
        ``has_account_auth_token`` flags.
    ``sip_messages``: ``{phone_number_id: [SipLogMessage dict, ...]}``.
    ``calls``: a list of :class:`PlacedCall`, one per outbound call accepted
        (``provider``, ``endpoint``, ``agent_id``, ``agent_phone_number_id``,
        ``from_number``, ``to_number``, the optional fields as sent, ``body``,
        and the ``conversation_id``, ``call_sid`` or ``sip_call_id`` answered).
    ``registered_calls``: a list of :class:`RegisteredCall` (register-call).
    ``requests``: a list of :class:`RecordedRequest` (``method``, ``path``,
        ``raw_path``, ``query``, ``headers``, ``body``, ``json``): the only
        place where the secrets a client sent can be read back.
    ``stats``: :class:`FakeStats`: ``requests``, ``statuses``, ``throttled``
        (429s by ``code``), ``faults`` by kind, ``concurrency_rejections``,
        ``in_flight``, ``peak_in_flight``, and the limits in force for the
        latest request (``concurrency_limit``, ``other_clients_in_flight``,
        ``rate_limit``); ``as_dict()`` for a report.
    ``add_number(provider=, phone_number=, label=, agent_id=, agent_name=,
        branch_id=, environment=, phone_number_id=) -> phone_number_id``.
    ``add_sip_messages(phone_number_id, count=7, *, direction=None,
        start_unix_micro=None, remote_number=None, call_id=None) -> messages``:
        log realistic, seeded SIP messages (INVITE with SDP, 100 Trying, 180
        Ringing, 200 OK, ACK, BYE, 200 OK per answered call; about one call in
        six refused with 486 Busy Here, whose message carries
        ``error_message``). ``direction`` ``"inbound"``/``"outbound"`` is the
        calls' direction (``None`` alternates); each message's ``direction`` is
        ``in`` (received by ElevenLabs) or ``out``. Dated from 2026-01-01, or a
        second after the number's latest message. Placing a call through the
        API never writes to the SIP log.
    ``add_sip_message(phone_number_id, message)``: log one message exactly as given.
    ``script(*faults, method=None, path=None)``: the next answers, one per
        request, first in first out; with ``method`` and/or ``path`` (exact, or
        an ``fnmatch`` pattern such as ``"/v1/convai/*/outbound-call"``), only
        for the requests that match, the others served normally;
        ``scripted_pending`` and ``clear_script()`` inspect and drop the queue.

Faults (:class:`Fault` constructors; all but ``after_acting`` happen before
any state changes):
    ``Fault.status(status, body=b"", headers=None)``: any answer; a dict/list body
        is sent as JSON, a ``str`` starting with ``<`` as HTML.
    ``Fault.rate_limited(retry_after=None)``, ``Fault.server_error(status=500)``,
        ``Fault.html_error(status=502)``: ready-made status faults.
    ``Fault.reset()``: the connection is reset, nothing is answered. Note that
        aiohttp itself retries GET, PUT and DELETE once after a reset, so a
        single reset is only seen by a PATCH or POST.
    ``Fault.truncate(body=..., missing=64, status=200)``: ``Content-Length``
        promises more bytes than are sent before the connection closes.
    ``Fault.delay(seconds)``: the answer is held back, then given normally.
    ``Fault.after_acting(reply)``: the request is handled in full (the call is
        placed, the number imported or updated, whatever the API answers), then
        ``reply`` replaces the answer: ``Fault.reset()``, a status fault such
        as ``Fault.server_error(503)``, ``Fault.truncate()``, or
        ``Fault.delay(seconds)`` (the real answer, that late). Counted in
        ``stats.faults["after_acting"]``; it may be scripted or put in ``fault_mix``.
Before the API sees a request: the first scripted fault that matches it (any
request, unless scripted with ``method=``/``path=``) is its answer; otherwise
the concurrency limit, then the rate limit are checked (429), then a random
fault is drawn, then ``latency`` is waited.

Served routes (digest §1), checked in this order: route (404 ``{"detail":
"Not Found"}``) and method (405 with ``Allow``), API key (401
``invalid_api_key``), body and query validation (422, every error in
FastAPI/pydantic v2 shape, ``loc`` starting ``"body"`` or ``"query"``), the
phone number named (404 ``phone_number_not_found``), then the rules between
the request and the state (400 ``invalid_request``, 409):
    ``GET /v1/convai/phone-numbers``: a plain array; filters ``provider``,
        ``agent_id``, ``branch_id``.
    ``POST /v1/convai/phone-numbers``: import, tagged by ``provider``
        (``twilio``, ``exotel``, ``sip_trunk``), every field of digest §5;
        answers ``{"phone_number_id": ...}``.
    ``GET``, ``PATCH``, ``DELETE /v1/convai/phone-numbers/{phone_number_id}``;
        DELETE answers ``{}``. The ID is one percent-decoded path segment:
        ``%2F`` and ``%2E%2E`` stay inside it.
    ``GET /v1/convai/phone-numbers/{phone_number_id}/sip-messages``: pages of
        ``{"sip_messages", "next_cursor", "has_more"}``, newest first
        (``created_at_unix_micro``, then the later added); ``page_size``, ``cursor``.
    ``GET /v1/convai/v2/phone-numbers``: pages of ``{"phone_numbers",
        "next_cursor", "has_more"}`` holding the full number objects; query
        ``page_size``, ``search``, ``label``, ``phone_number``, ``provider``,
        ``supports_outbound``, ``agent_id``, ``branch_id``, ``sort_by``
        (``label``, ``phone_number``), ``sort_direction`` (``asc``, ``desc``),
        ``cursor``.
    ``POST /v1/convai/twilio/outbound-call``, ``/v1/convai/sip-trunk/outbound-call``,
        ``/v1/convai/exotel/outbound-call``: answer ``success``, ``message``,
        ``conversation_id`` and ``callSid`` (camelCase; Twilio, Exotel) or
        ``sip_call_id`` (SIP trunk); recorded in ``calls``.
    ``POST /v1/convai/twilio/register-call``: answers TwiML (a ``<Response>``
        with ``<Connect><Stream>`` and ``<Parameter>``s naming the agent, the
        conversation, the direction and both numbers) as ``text/xml;
        charset=utf-8``; recorded in ``registered_calls``. Its 422s are JSON.

Where the reference is silent, the fake picks the strict reading, so code that
passes here does not lean on leniency.
    Every endpoint:
    - Unknown body fields are ignored, as pydantic does by default.
    - Query values are read like FastAPI: the last of a repeated name, lax
      integers (``" 7"``, ``"7.0"``) and booleans (``"1"``, ``"yes"``).
    - An unknown ``agent_id`` is accepted and registered.
    Update:
    - An empty body is 422 ``missing``; send ``{}`` for "change nothing".
    - ``label: null`` sets the label to ``""``; ``livekit_stack: null`` and
      ``store_sip_messages: null`` restore the defaults (``standard``, ``true``).
    - SIP-only fields (trunk configs, ``livekit_stack``, ``store_sip_messages``)
      with a non-null value on a twilio/exotel number: 400 ``invalid_request``;
      ``null`` is a no-op.
    - A new ``agent_id`` starts with no branch or environment unless the same
      request sets them; ``branch_id``/``environment`` on a number left without
      an agent: 400 ``invalid_request`` (``null`` is a no-op).
    - A trunk config replaces the whole trunk (``enabled_codecs`` left out is
      ``null``: every codec offered); credentials without a password keep the
      stored one.
    Import:
    - A ``phone_number`` the account already holds (the same string, under any
      provider) is 409 ``phone_number_already_exists``; nothing is created.
    - Twilio ``sid`` must start ``AC`` or ``SK`` (422 ``value_error`` at the
      sid), and an ``SK`` API Key SID needs ``account_auth_token`` (422
      ``value_error`` at ``["body", "twilio"]``).
    - Optional fields accept ``null`` as "not given"; ``supports_inbound``,
      ``supports_outbound`` and ``enable_sms`` default to ``true``.
    - ``livekit_stack`` and ``store_sip_messages`` are not fields of the create
      body: ignored, so an imported SIP number starts ``standard``, ``true``.
    - ``agent_id`` assigns the new number; the phone number's format is not checked.
    Secrets (``token``, ``api_token``, ``account_auth_token``, the region
    ``token``, SIP ``password``) are never stored nor returned: passwords show
    as ``has_auth_credentials``, and a 422 echoing the body masks each one as
    ``"**********"`` (FastAPI would echo it). Only ``requests`` holds them.
    Pages (v2 list and SIP messages):
    - ``page_size`` defaults to 30 and must be 1 to 100 (422
      ``greater_than_equal`` / ``less_than_equal``).
    - Keyset pagination behind an opaque cursor: numbers added or deleted
      between pages never make a page repeat or skip another number. The
      cursor is bound to the query's filters and sort (``page_size`` may
      change): with another query, or garbled, it is 422 ``value_error`` at
      ``["query", "cursor"]``, judged once the rest of the query is valid.
      ``next_cursor`` is ``null`` and ``has_more`` ``false`` on the last page,
      even when it is exactly full.
    - v2 ``search``: an exact ``phone_number_id``, or a case-insensitive
      substring of the label or the phone number. ``label``: a case-insensitive
      substring. ``phone_number``: the whole number, exactly.
      ``supports_outbound``: the number's flag is exactly that value.
    - v2 order: creation order unless ``sort_by``; ``sort_by`` compares the
      strings by code point, ties in creation order; ``sort_direction``
      (default ``asc``) reverses either.
    - SIP messages are served for any provider's number, whatever its
      ``store_sip_messages``: the log holds what the test put there.
    Calls:
    - An ``agent_phone_number_id`` of another provider than the endpoint's
      is 400 ``invalid_request`` (naming the right endpoint), as is a number
      with ``supports_outbound: false`` and a SIP trunk number without an
      outbound trunk. Refused calls are not recorded.
    - ``ringing_timeout_secs`` must be at least 1; each AMD ``action`` may
      appear in one rule only (422 ``value_error``); ``call_recording_enabled``
      is a field of the Twilio body only (ignored by the others).
    - ``conversation_config_override`` is checked loosely: an object whose
      sections (``asr``, ``turn``, ``tts``, ``conversation``, ``agent``) are objects.
    - Register-call needs no imported number; its ``direction`` defaults to
      ``inbound`` in the TwiML (the record keeps what was sent). The stream URL
      in the TwiML is a placeholder: the fake serves no media stream.

pytest: the ``fake_elevenlabs`` fixture (plugin ``elevenphone.testing.pytest_plugin``,
registered through the ``pytest11`` entry point) yields a started
``FakeElevenLabs(numbers=10, seed=0)`` and closes it after the test.

Command line: ``python -m elevenphone.testing [OPTIONS]`` and ``elevenphone
fake-server [OPTIONS]`` are one entry point (``elevenphone.testing.__main__.main``)
with one set of options, serving until Ctrl-C or SIGTERM: ``--host``
(127.0.0.1), ``--port`` (8080; 0 picks a free one), ``--numbers`` (100, where
the constructor's default is 0), ``--seed``, ``--api-key``/``--key``
(test-key), ``--agent-id`` (repeatable), ``--fault-rate``, ``--latency SECONDS``
or ``LOW,HIGH``, ``--concurrency-limit``, ``--other-clients-in-flight`` and
``--rate-limit`` (a value or a schedule ``REQUESTS:VALUE,...`` such as
``0:16,300:4``; ``none`` lifts a limit), ``--rate-limit-burst``,
``--retry-after``. It prints ``serving N numbers on URL`` and an ``export
ELEVENLABS_BASE_URL=... ELEVENLABS_API_KEY=...`` line; a bad option exits 2, a
port that cannot be bound 1.
"""

from __future__ import annotations

import inspect
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._calls import PlacedCall, RegisteredCall
    from ._faults import (
        AfterActingFault,
        DelayFault,
        Fault,
        ResetFault,
        StatusFault,
        TruncateFault,
    )
    from ._recording import RecordedRequest
    from ._server import FakeElevenLabs
    from ._stats import FakeStats
    from ._webhooks import WebhookDelivery

__all__ = [
    "AfterActingFault",
    "DelayFault",
    "FakeElevenLabs",
    "FakeStats",
    "Fault",
    "PlacedCall",
    "RecordedRequest",
    "RegisteredCall",
    "ResetFault",
    "StatusFault",
    "TruncateFault",
    "WebhookDelivery",
]

# Imported on first use: the pytest plugin imports this package in every test
# run, and aiohttp.web should only be loaded when the fake is actually used.
_HOMES = {
    "AfterActingFault": "._faults",
    "DelayFault": "._faults",
    "Fault": "._faults",
    "ResetFault": "._faults",
    "StatusFault": "._faults",
    "TruncateFault": "._faults",
    "FakeElevenLabs": "._server",
    "RecordedRequest": "._recording",
    "FakeStats": "._stats",
    "PlacedCall": "._calls",
    "RegisteredCall": "._calls",
    "WebhookDelivery": "._webhooks",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # All at once: the fake uses every one of them, and each then names this
    # package as its module, whichever was asked for first.
    import importlib

    for public, home in _HOMES.items():
        value = getattr(importlib.import_module(home, __name__), public)
        _present(value)
        globals()[public] = value
    return globals()[name]


def _present(cls: type) -> None:
    """Make ``cls`` name this package as its module (``elevenphone.testing.Fault``
    in a traceback), its annotations first resolved where they were written,
    since their readers look names up in ``cls.__module__``.

    The SDK's classes get the same from ``elevenphone._public``; the fake imports
    nothing of the SDK, so it keeps its own copy.
    """
    if not cls.__module__.startswith(f"{__name__}."):
        return
    written = inspect.get_annotations(cls)
    scope = {**vars(cls), **vars(sys.modules[cls.__module__])}
    cls.__annotations__ = {name: _evaluated(value, scope) for name, value in written.items()}
    cls.__module__ = __name__


def _evaluated(annotation: object, scope: dict[str, Any]) -> object:
    if not isinstance(annotation, str):
        return annotation
    try:
        return eval(annotation, scope)
    except Exception:  # a name imported for type checkers only: left as written
        return annotation


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
