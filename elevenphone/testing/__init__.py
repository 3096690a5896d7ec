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
    ``concurrency_limit=None``: with more than this many requests in flight, a
        request is answered 429 ``concurrent_limit_exceeded`` with the
        ``current-concurrent-requests`` and ``maximum-concurrent-requests`` headers.
``latency``, ``fault_rate``, ``fault_mix`` and ``concurrency_limit`` are plain
attributes: change them whenever you like, also while serving.

Lifecycle: ``async with FakeElevenLabs(...) as fake`` or ``await fake.start()``
... ``await fake.close()``.

Attributes and methods:
    ``base_url``, ``port``, ``api_key``.
    ``numbers``: ``{phone_number_id: number}``, each number the plain JSON dict
        the API returns; tests may read and edit it.
    ``agents``: ``{agent_id: agent_name}``; an unknown agent ID sent in an update
        is accepted and registered under a derived name (``"Agent <last 6>"``).
    ``requests``: a list of :class:`RecordedRequest` (``method``, ``path``,
        ``raw_path``, ``query``, ``headers``, ``body``, ``json``).
    ``stats``: :class:`FakeStats` (``requests``, ``statuses``, ``faults`` by kind,
        ``concurrency_rejections``, ``in_flight``, ``peak_in_flight``).
    ``add_number(provider=, phone_number=, label=, agent_id=, agent_name=,
        branch_id=, environment=, phone_number_id=) -> phone_number_id``.
    ``script(*faults)``: the next answers, one per request, first in first out;
        ``scripted_pending`` and ``clear_script()`` inspect and drop the queue.

Faults (:class:`Fault` constructors; all happen before any state changes):
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
A scripted fault is the next answer, whatever the request; otherwise the
concurrency limit is checked, then a random fault is drawn.

Served routes, checked in this order: route (404 ``{"detail": "Not Found"}``,
405), API key (401 ``invalid_api_key``), body/query validation (422, every
error in FastAPI/pydantic v2 shape), the phone number (404
``phone_number_not_found``):
    ``GET /v1/convai/phone-numbers`` (filters ``provider``, ``agent_id``,
    ``branch_id``), ``POST /v1/convai/phone-numbers`` (import, tagged by
    ``provider``: ``twilio`` or ``sip_trunk``), and ``GET``, ``PATCH``,
    ``DELETE /v1/convai/phone-numbers/{phone_number_id}``. The ID is one
    percent-decoded path segment: ``%2F`` and ``%2E%2E`` stay inside it.

Update rules where the reference is silent (the fake picks the strict reading,
so code that passes here does not lean on leniency):
    - An empty body is 422 ``missing``; send ``{}`` for "change nothing".
    - Unknown body fields are ignored, as pydantic does by default.
    - ``label: null`` sets the label to ``""``; ``livekit_stack: null`` and
      ``store_sip_messages: null`` restore the defaults (``standard``, ``true``).
    - SIP-only fields (trunk configs, ``livekit_stack``, ``store_sip_messages``)
      with a non-null value on a twilio/exotel number: 400 ``invalid_request``;
      ``null`` is a no-op.
    - A new ``agent_id`` starts with no branch or environment unless the same
      request sets them; ``branch_id``/``environment`` on a number left without
      an agent: 400 ``invalid_request`` (``null`` is a no-op).
    - A trunk config replaces the whole trunk; credentials without a password
      keep the stored one. Passwords are never returned, only
      ``has_auth_credentials`` and ``username``.

pytest: the ``fake_elevenlabs`` fixture (plugin ``elevenphone.testing.pytest_plugin``,
registered through the ``pytest11`` entry point) yields a started
``FakeElevenLabs(numbers=10, seed=0)`` and closes it after the test.

Command line: ``python -m elevenphone.testing --port 8080 --numbers 1000``
serves until Ctrl-C (``--help`` lists the options).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._faults import DelayFault, Fault, ResetFault, StatusFault, TruncateFault
    from ._server import FakeElevenLabs, RecordedRequest
    from ._stats import FakeStats

__all__ = [
    "DelayFault",
    "FakeElevenLabs",
    "FakeStats",
    "Fault",
    "RecordedRequest",
    "ResetFault",
    "StatusFault",
    "TruncateFault",
]

# Imported on first use: the pytest plugin imports this package in every test
# run, and aiohttp.web should only be loaded when the fake is actually used.
_HOMES = {
    "DelayFault": "._faults",
    "Fault": "._faults",
    "ResetFault": "._faults",
    "StatusFault": "._faults",
    "TruncateFault": "._faults",
    "FakeElevenLabs": "._server",
    "RecordedRequest": "._server",
    "FakeStats": "._stats",
}


def __getattr__(name: str) -> Any:
    import importlib

    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
