"""``FakeElevenLabs``: the API served on ``aiohttp.web`` at 127.0.0.1.

This module is the I/O edge of the fake: it records requests, applies the
account's limits, adds latency and faults, then hands the request to the pure
:class:`~elevenphone.testing._api.ElevenLabsApi`; :mod:`._replies` writes the
answer (or breaks the connection).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any

from aiohttp import web

from . import _replies
from ._api import ElevenLabsApi
from ._call_controls import CallControls
from ._faults import (
    DEFAULT_FAULT_MIX,
    AfterActingFault,
    DelayFault,
    Fault,
    FaultSchedule,
    StatusFault,
)
from ._lifecycle import DEFAULT_CALL_DURATION
from ._limits import AccountLimits, Latency, Setting, draw_latency, schedule
from ._recording import RecordedRequest, record
from ._responses import ApiResponse
from ._state import PhoneNumberNotFound, PhoneNumberStore
from ._stats import FakeStats, count_answer, throttle_code


class FakeElevenLabs(CallControls):
    """An in-memory ElevenLabs phone-numbers API, and the life of its calls, on a local port.

    See the :mod:`elevenphone.testing` docstring for the whole API. ``latency``,
    ``fault_rate``, ``fault_mix``, the limits (``concurrency_limit``,
    ``other_clients_in_flight``, ``rate_limit``, ``rate_limit_burst``,
    ``rate_limit_retry_after``), ``call_duration``, ``webhook_url`` and
    ``webhook_secret`` are attributes that may be changed at any time, also
    while serving.
    """

    def __init__(
        self,
        *,
        api_key: str = "test-key",
        numbers: int = 0,
        seed: int = 0,
        agent_ids: Iterable[str] | Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        latency: Latency = 0.0,
        fault_rate: float = 0.0,
        fault_mix: Sequence[Fault] | None = None,
        concurrency_limit: Setting = None,
        other_clients_in_flight: Setting = 0,
        rate_limit: Setting = None,
        rate_limit_burst: int | None = None,
        rate_limit_retry_after: bool = False,
        call_duration: float | None = DEFAULT_CALL_DURATION,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        """Build the fake (not yet serving; use ``async with`` or :meth:`start`).

        The limits take a value, or a *schedule* keyed by the number of
        requests received before the one checked: ``[(0, 16), (300, 4)]``
        allows 16 to requests 1-300, then 4.

        Args:
            api_key: the only ``xi-api-key`` accepted.
            numbers: how many realistic numbers to start with (twilio, exotel
                and sip_trunk).
            seed: makes numbers, IDs, random faults and random latency
                repeatable.
            agent_ids: agents to put the seeded numbers on, round-robin; a
                mapping ``{agent_id: agent_name}`` also names them.
            host: the address to serve on.
            port: the port to serve on (0 picks a free one).
            latency: seconds added to every request, or ``(low, high)`` for a
                seeded uniform random delay per request.
            fault_rate: the probability that a request fails transiently.
            fault_mix: the faults a random failure picks from (None: 500,
                502, 503, 429 with and without ``Retry-After``, a reset).
            concurrency_limit: requests the account may have in flight
                (None: no limit); beyond it, 429 ``concurrent_limit_exceeded``.
            other_clients_in_flight: requests another client of the account
                has in flight, counted against ``concurrency_limit``.
            rate_limit: requests per second (None: no limit); beyond it, 429
                ``rate_limit_exceeded``.
            rate_limit_burst: the rate limit's token bucket size (None: one
                second's worth, at least 1).
            rate_limit_retry_after: whether a ``rate_limit_exceeded`` 429 says
                ``Retry-After``.
            call_duration: seconds from placing a call to its end, half of
                them ringing; 0 ends it within a few loop turns; None never
                ends it unless :meth:`end_call` does.
            webhook_url: where to POST the webhook of each call that ends
                (None: no webhooks).
            webhook_secret: the secret that signs them (None: unsigned).

        Raises:
            ValueError: a negative ``numbers``, a ``fault_rate`` outside
                [0, 1], a ``concurrency_limit`` below 1, a negative
                ``other_clients_in_flight``, a ``rate_limit`` that is not
                positive, a ``rate_limit_burst`` below 1, a malformed
                schedule, a negative ``call_duration``, or an empty
                ``webhook_url`` or ``webhook_secret``.
        """
        if numbers < 0:
            raise ValueError("numbers must be >= 0")
        if not 0.0 <= fault_rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        self._limits = AccountLimits()
        self._settings: dict[str, Setting] = {}
        self.concurrency_limit = concurrency_limit
        self.other_clients_in_flight = other_clients_in_flight
        self.rate_limit = rate_limit
        self.rate_limit_burst = rate_limit_burst
        self.rate_limit_retry_after = rate_limit_retry_after
        self._received = 0
        self.api_key = api_key
        self.host = host
        self.latency: Latency = latency
        self.fault_rate = fault_rate
        self.fault_mix: Sequence[Fault] = (
            DEFAULT_FAULT_MIX if fault_mix is None else tuple(fault_mix)
        )
        self.requests: list[RecordedRequest] = []
        self.stats = FakeStats()
        self._store = PhoneNumberStore(numbers=numbers, seed=seed, agent_ids=agent_ids)
        self._set_up_calls(seed, call_duration, webhook_url, webhook_secret)
        self._api = ElevenLabsApi(
            self._store, self._calls, self._conversations, self._batches, api_key
        )
        self._faults = FaultSchedule(seed)
        self._latency_rng = random.Random(f"latency-{seed}")
        # The suite's hook: when set, awaited in place of ``latency`` by each
        # request let through, so that a test holds requests until an event
        # (every request of a window arrived, say) rather than for a time.
        self._hold: Callable[[], Awaitable[None]] | None = None
        self._requested_port = port
        self._port: int | None = None
        self._runner: web.AppRunner | None = None

    @property
    def concurrency_limit(self) -> Setting:
        """Requests the account may have in flight, ``None`` for no limit, or a schedule.

        A schedule ``[(0, 16), (300, 4), (600, 16)]`` is keyed by the number of
        requests received before the one checked. Beyond the limit: 429
        ``concurrent_limit_exceeded``.
        """
        return self._settings["concurrency_limit"]

    @concurrency_limit.setter
    def concurrency_limit(self, value: Setting) -> None:
        self._limits.concurrency_limit = schedule(value, "concurrency_limit", int, minimum=1)
        self._settings["concurrency_limit"] = value

    @property
    def other_clients_in_flight(self) -> Setting:
        """Requests another client of the same account has in flight (a value or a schedule).

        They count toward ``concurrency_limit`` and ``current-concurrent-requests``.
        """
        return self._settings["other_clients_in_flight"]

    @other_clients_in_flight.setter
    def other_clients_in_flight(self, value: Setting) -> None:
        self._limits.other_clients_in_flight = schedule(
            value, "other_clients_in_flight", int, minimum=0, allow_none=False
        )
        self._settings["other_clients_in_flight"] = value

    @property
    def rate_limit(self) -> Setting:
        """Requests per second the account may send, ``None`` for no limit, or a schedule.

        A token bucket on the event loop's clock, full at first; beyond it, 429
        ``rate_limit_exceeded``.
        """
        return self._settings["rate_limit"]

    @rate_limit.setter
    def rate_limit(self, value: Setting) -> None:
        self._limits.rate_limit = schedule(value, "rate_limit", float, minimum=0.001)
        self._settings["rate_limit"] = value

    @property
    def rate_limit_burst(self) -> int | None:
        """The token bucket's size; ``None`` means one second's worth (at least 1)."""
        return self._limits.rate_limit_burst

    @rate_limit_burst.setter
    def rate_limit_burst(self, value: int | None) -> None:
        if value is not None and (isinstance(value, bool) or value < 1):
            raise ValueError("rate_limit_burst must be >= 1 or None")
        self._limits.rate_limit_burst = value

    @property
    def rate_limit_retry_after(self) -> bool:
        """Whether a ``rate_limit_exceeded`` 429 says ``Retry-After`` (whole seconds)."""
        return self._limits.retry_after

    @rate_limit_retry_after.setter
    def rate_limit_retry_after(self, value: bool) -> None:
        self._limits.retry_after = bool(value)

    @property
    def numbers(self) -> dict[str, dict[str, Any]]:
        """Phone numbers by ID, each exactly as the API returns it (mutable)."""
        return self._store.numbers

    @property
    def provider_settings(self) -> dict[str, dict[str, Any]]:
        """What each number imported through the API was configured with, by ID.

        Twilio: ``sid``, ``region_config`` (``region_id``, ``edge_location``),
        ``enable_sms``; Exotel: ``account_sid``, ``api_key``, ``api_subdomain``,
        ``app_id``, ``applet_url`` (the API's default when not sent). Secrets are
        never kept: only ``has_token``, ``has_account_auth_token``,
        ``has_api_token`` say they were sent. SIP trunk numbers get ``{}``
        (their trunks are on the number).
        """
        return self._store.provider_settings

    @property
    def sip_messages(self) -> dict[str, list[dict[str, Any]]]:
        """Each number's SIP log, oldest added first, each message a ``SipLogMessage`` dict."""
        return self._store.sip_messages

    @property
    def port(self) -> int:
        """The port served on. Raises ``RuntimeError`` before :meth:`start`."""
        if self._port is None:
            raise RuntimeError("FakeElevenLabs is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://host:port``. Raises ``RuntimeError`` before :meth:`start`."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

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
        """Add a phone number directly and return its ID.

        Args:
            provider: ``twilio``, ``exotel`` or ``sip_trunk``.
            phone_number: the E.164 number (None: a fresh one).
            label: its label (None: a fresh one).
            agent_id: the agent to assign it to (None: unassigned).
            agent_name: a name to register for ``agent_id``; without it the
                registry's name (or a derived one) is used.
            branch_id: the agent branch (only with an ``agent_id``).
            environment: the agent environment (only with an ``agent_id``).
            phone_number_id: its ID (None: a fresh ``phnum_`` one).
        """
        return self._store.add_number(
            provider=provider,
            phone_number=phone_number,
            label=label,
            agent_id=agent_id,
            agent_name=agent_name,
            branch_id=branch_id,
            environment=environment,
            phone_number_id=phone_number_id,
        )

    def add_sip_messages(
        self,
        phone_number_id: str,
        count: int = 7,
        *,
        direction: str | None = None,
        start_unix_micro: int | None = None,
        remote_number: str | None = None,
        call_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Log ``count`` realistic SIP messages for a number and return them.

        Messages come in calls (INVITE, 100 Trying, 180 Ringing, 200 OK, ACK,
        BYE, 200 OK; about one call in six refused with 486 Busy Here), seven
        per answered call. Seeded.

        Args:
            phone_number_id: the number whose log they go to.
            count: how many messages.
            direction: ``"inbound"`` or ``"outbound"`` makes every call go
                that way; ``None`` alternates, starting inbound.
            start_unix_micro: the date of the first message (None: 2026-01-01
                for a number's first messages, else a second after its latest).
            remote_number: the other party (None: a fresh one per call).
            call_id: the Call-ID of the first call (None: a fresh one).

        Raises:
            KeyError: no number has ``phone_number_id``.
            ValueError: a negative ``count`` or an unknown ``direction``.
        """
        try:
            return self._store.add_sip_dialog(
                phone_number_id,
                count=count,
                direction=direction,
                start_unix_micro=start_unix_micro,
                remote_number=remote_number,
                call_id=call_id,
            )
        except PhoneNumberNotFound:
            raise KeyError(phone_number_id) from None

    def add_sip_message(self, phone_number_id: str, message: Mapping[str, Any]) -> None:
        """Append ``message`` to a number's SIP log exactly as given (no checks).

        Args:
            phone_number_id: the number whose log it goes to.
            message: a ``SipLogMessage`` dict, as the API returns it.

        Raises:
            KeyError: no number has ``phone_number_id``.
        """
        try:
            self._store.add_sip_message(phone_number_id, message)
        except PhoneNumberNotFound:
            raise KeyError(phone_number_id) from None

    def script(self, *faults: Fault, method: str | None = None, path: str | None = None) -> None:
        """Queue ``faults`` as the answers to the next requests, one each, in order.

        Without ``method`` and ``path``, a scripted fault answers the next
        request, whatever it is. With them, the faults answer only the
        requests that match, in order; the others are served as if nothing
        were scripted. Aim at the request under test, not at one your code
        sends first (``calls.outbound`` looks the number up with a GET before
        its POST)::

            fake.script(
                Fault.after_acting(Fault.reset()),
                method="POST",
                path="/v1/convai/*/outbound-call",
            )

        A scripted fault is used before the account's limits and random
        faults are considered. Each answers the first request it matches,
        in the order scripted, across calls of ``script``.

        Args:
            *faults: the answers to give, first in first out.
            method: answer only requests of this method (any case), such as
                ``"POST"`` (None: any method).
            path: answer only requests to this path, percent-decoded and
                without the query, as ``RecordedRequest.path`` shows it:
                an exact path (``"/v1/convai/phone-numbers"``) or an
                ``fnmatch`` pattern, where ``*`` also matches ``/``
                (``"/v1/convai/phone-numbers/*"``; None: any path).

        Raises:
            TypeError: one of ``faults`` is not a :class:`Fault`, or
                ``method`` or ``path`` is not a ``str``.
            ValueError: an empty ``method``, or a ``path`` that does not
                start with ``/``.
        """
        self._faults.script(*faults, method=method, path=path)

    @property
    def scripted_pending(self) -> int:
        """How many scripted faults have not been used yet."""
        return self._faults.pending

    def clear_script(self) -> None:
        """Drop the scripted faults not used yet."""
        self._faults.clear()

    async def start(self) -> None:
        """Start serving. Raises ``RuntimeError`` if already started, ``OSError`` if the
        port cannot be bound."""
        if self._runner is not None:
            raise RuntimeError("FakeElevenLabs is already started")
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._lifecycle.open()

    async def close(self) -> None:
        """Stop the calls where they are, cancel webhooks under way, stop serving
        and drop open connections; calling it twice is harmless."""
        await self._lifecycle.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeElevenLabs:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _next_latency(self) -> float:
        return draw_latency(self.latency, self._latency_rng)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.requests.append(record(request, body))
        stats = self.stats
        stats.requests += 1
        stats.in_flight += 1
        stats.peak_in_flight = max(stats.peak_in_flight, stats.in_flight)
        limits = self._limits.in_force(self._received)
        self._received += 1
        stats.concurrency_limit = limits.concurrency_limit
        stats.other_clients_in_flight = limits.other_clients_in_flight
        stats.rate_limit = limits.rate_limit
        try:
            fault = self._faults.next_scripted(request.method, request.path)
            if fault is None:
                now = asyncio.get_running_loop().time()
                refusal = self._limits.admit(limits, stats.in_flight, now)
                if refusal is not None:
                    if throttle_code(refusal.body) == "concurrent_limit_exceeded":
                        stats.concurrency_rejections += 1
                    return self._respond(refusal)
                fault = self._faults.next_random(self.fault_rate, self.fault_mix)
            delay = self._next_latency()
            if self._hold is not None:
                await self._hold()
            elif delay > 0:
                await asyncio.sleep(delay)
            if fault is not None:
                stats.faults[fault.kind] += 1
                if isinstance(fault, DelayFault):
                    await asyncio.sleep(fault.seconds)
                elif not isinstance(fault, AfterActingFault):
                    return await self._inject(fault, request)
            # One value per name, the last one sent, as Starlette reads a query.
            query = {name: value for name, value in request.query.items()}
            repeated = {name: request.query.getall(name) for name in query}
            answer = self._api.handle(
                request.method, request.rel_url.raw_path, query, request.headers, body, repeated
            )
            self._lifecycle.kick()  # start the calls the request made
            if isinstance(fault, AfterActingFault):
                # The API has acted; now the reply is lost on the way back.
                if isinstance(fault.reply, DelayFault):
                    await asyncio.sleep(fault.reply.seconds)
                else:
                    return await self._inject(fault.reply, request)
            return self._respond(answer)
        finally:
            stats.in_flight -= 1

    def _respond(self, answer: ApiResponse) -> web.Response:
        count_answer(self.stats, answer.status, answer.body)
        return _replies.response(answer)

    async def _inject(self, fault: Fault, request: web.Request) -> web.StreamResponse:
        if isinstance(fault, StatusFault):
            count_answer(self.stats, fault.http_status, fault.body)
        return await _replies.inject(fault, request)
