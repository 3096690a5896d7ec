"""A faithful in-memory fake of the ElevenLabs phone-numbers API and its calls, for tests.

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
        Either way these agents exist (``agents``); without it, seeded ones do.
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
    ``call_duration=1.0``: seconds from placing a call to its end, the first
        half ringing (``initiated``), the second talking (``in-progress``, for
        calls that connect); ``0``: a few turns of the event loop; ``None``:
        the call connects at the next turn and ends only by ``end_call``.
    ``webhook_url=None``, ``webhook_secret=None``: where to POST the webhook of
        each call that ends, and the secret that signs it (``None``: unsigned).
``concurrency_limit``, ``other_clients_in_flight`` and ``rate_limit`` each take
a value or a *schedule* keyed by the number of requests received before the
one checked, so a test needs no timing: ``concurrency_limit=[(0, 16), (300, 4),
(600, 16)]`` allows 16 to requests 1-300, 4 to requests 301-600, 16 after
(before a schedule's first step: no limit, no other clients). The concurrency
limit is checked first; a request it refuses takes no token. Neither applies
to a scripted fault. ``latency``, ``fault_rate``, ``fault_mix``, every limit,
``call_duration``, ``webhook_url`` and ``webhook_secret`` are attributes:
change them whenever you like, also while serving (a bad value raises
``ValueError`` and changes nothing).

Lifecycle: ``async with FakeElevenLabs(...) as fake`` or ``await fake.start()``
... ``await fake.close()``. Closing stops the calls where they are and cancels
the webhooks under way (each says so in its ``error``).

Attributes and methods:
    ``base_url``, ``port``, ``api_key``.
    ``numbers``: ``{phone_number_id: number}``, each number the plain JSON dict
        the API returns; tests may read and edit it.
    ``agents``: ``{agent_id: agent}``, each as ``GET /v1/convai/agents/{id}``
        returns it (``agent_id``, ``name``, ``conversation_config``,
        ``metadata``, ``platform_settings`` with ``archived`` and
        ``call_limits``, ``phone_numbers``, ``tags``, ``version_id``,
        ``branch_id``, ``main_branch_id``) plus ``branches``: ``{branch_id:
        branch}``, each as ``GET .../branches/{id}`` returns it. Edit them at
        will (archive, set ``call_limits``); delete one and GET answers 404.
        ``phone_numbers`` is recomputed from ``numbers`` on each read. Every
        agent a number is assigned to exists, with the number's branch: seeded
        ones, ``add_number``'s, and an unknown agent ID sent in an update, an
        import or a call, registered under a derived name (``agent_B`` as
        ``"Agent B"``, a long ID by its last 6 characters: ``"Agent fyszkz"``).
        An agent's first branch is its main branch (``main_branch_id``, and
        the ``branch_id`` GET answers when not asked another). Times are made
        up: agents are created a day apart from 2025-01-01, in the order seen.
    ``conversations``: ``{conversation_id: conversation}``, each as ``GET
        /v1/convai/conversations/{id}`` returns it: one per outbound call
        accepted and per batch recipient called (register-call starts none).
    ``batch_calls``: ``{batch_id: batch}``, each as ``GET
        /v1/convai/batch-calling/{id}`` returns it (with ``recipients``).
    ``batch_peak_in_flight``: ``{batch_id: n}``, the most calls each batch had
        under way at once.
    ``webhook_deliveries``: a list of :class:`WebhookDelivery` (``type``,
        ``conversation_id``, ``url``, ``body``, ``signature``, then ``status``
        or ``error``; ``done``), one per webhook sent, in order.
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
    ``add_agent(agent_id, *, name=None, archived=False, branches=()) -> agent``:
        add an agent, or update one (its name if given, ``archived``, more
        branches); ``branches`` are IDs or ``(ID, archived)`` pairs.
    ``script_call_result(phone_number, result)``: every call to that number (as
        the request spells it) ends ``answered`` (the default), ``voicemail``,
        ``busy``, ``no_answer`` or ``failed``; ``None`` forgets the script.
    ``end_call(conversation_id) -> bool``: end a call under way now, with its
        result; ``False`` if it was not under way.
    ``await wait_for_calls()``: until every call has ended, every batch that is
        due has called its recipients and every webhook is delivered (or
        failed); never waits on a clock, nor for batches scheduled later.
        ``RuntimeError`` while a call placed with ``call_duration=None`` runs.
    ``script(*faults, method=None, path=None)``: the next answers, one per
        request, first in first out; with ``method`` and/or ``path`` (exact, or
        an ``fnmatch`` pattern such as ``"/v1/convai/*/outbound-call"``), only
        for the requests that match, the others served normally;
        ``scripted_pending`` and ``clear_script()`` inspect and drop the queue.

Calls: each outbound call, and each call of a batch, is a conversation. It
starts ``initiated`` (``phone_call`` with ``type`` ``twilio``, ``sip_trunking``
or ``exotel``, ``direction`` ``outbound``, both numbers, ``call_sid`` the
``callSid`` or ``sip_call_id`` answered, ``call_result`` ``null``), goes
``in-progress`` if it connects (``answered``, ``voicemail``), then ends, by
``call_duration`` or ``end_call``, as its scripted result says:
    ``answered``: ``done``, "Call ended by remote party", ``call_successful``
        ``success``, a three-turn transcript, audio flags set.
    ``voicemail``: ``done``, "Voicemail detected", ``failure``, no transcript.
    ``busy``, ``no_answer``: ``done``, "Line busy" / "No answer", ``failure``.
    ``failed``: ``failed``, "Call failed", ``failure``, ``metadata.error``
        ``{"code": 500, "reason": ...}``.
``call_result`` and ``termination_reason`` are set, and ``analysis`` written
(with ``transcript_summary`` and ``call_summary_title``), when it ends.
``start_time_unix_secs`` is the clock at the call; ``call_duration_secs`` is a
seeded talk time (20-180 s answered, 8-30 s voicemail, else 0), not the fake's.
A call that connected makes a ``post_call_transcription`` webhook (``data``:
the conversation as GET returns it); one that never did a
``call_initiation_failure`` (``agent_id``, ``conversation_id``,
``failure_reason`` ``busy``, ``no-answer`` or ``failed``, ``metadata``
``{"type", "body"}``). Each is POSTed once to ``webhook_url`` (body ``{"type",
"event_timestamp", "data"}``; header ``ElevenLabs-Signature: t=<unix>,v0=<hex>``,
``hex`` the HMAC-SHA256 of ``f"{t}."`` and the body keyed with
``webhook_secret``), in a task of its own, within 10 seconds: a receiver down,
slow or answering an error never holds up the fake; a failure is logged
(logger ``elevenphone.testing``) and kept in ``webhook_deliveries``.

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
        placed, the number imported or updated, the batch submitted or
        retried, whatever the API answers), then
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
the request and the state (400 ``invalid_request``, 409). A resource missing
is a 404 ``{"detail": {"status": ..., "message": ...}}`` whose ``status`` is
``phone_number_not_found``, ``agent_not_found``, ``branch_not_found``,
``conversation_not_found`` or ``batch_call_not_found``:
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
    ``GET /v1/convai/agents/{agent_id}``: the agent (without ``branches``);
        query ``branch_id`` (the agent's, else 404 ``branch_not_found``) and
        ``version_id`` (not checked) are answered back as ``branch_id``,
        ``version_id``.
    ``GET /v1/convai/agents``: pages of ``{"agents", "next_cursor",
        "has_more"}``, each an ``AgentSummary`` (``agent_id``, ``name``,
        ``voice_id``, ``tags``, ``created_at_unix_secs``,
        ``updated_at_unix_secs``, ``last_call_time_unix_secs``, ``archived``,
        ``access_info``); query ``page_size``, ``cursor``, ``search``,
        ``archived``, ``sort_by`` (``name``, ``created_at``, ``updated_at``,
        ``call_count_7d``; default ``created_at``), ``sort_direction`` (default
        ``desc``).
    ``GET /v1/convai/agents/{agent_id}/branches/{branch_id}``: ``id``,
        ``name``, ``agent_id``, ``description``, ``created_at``,
        ``last_committed_at``, ``is_archived``.
    ``GET /v1/convai/conversations/{conversation_id}``: the conversation.
    ``GET /v1/convai/conversations``: pages of ``{"conversations",
        "next_cursor", "has_more"}``, newest first, each a
        ``ConversationSummary`` (``agent_id``, ``agent_name``,
        ``conversation_id``, ``branch_id``, ``start_time_unix_secs``,
        ``call_duration_secs``, ``message_count``, ``status``,
        ``call_successful``, ``termination_reason``, ``call_summary_title``,
        ``direction``, and ``transcript_summary`` with ``summary_mode=include``);
        query ``page_size``, ``cursor``, ``agent_id``, ``phone_number_ids``
        (repeated), ``call_start_after_unix``, ``call_start_before_unix``
        (both exclusive), ``branch_id``, ``call_successful``, ``summary_mode``.
    ``GET /v1/convai/conversations/{conversation_id}/sip-messages``: pages as
        a number's, of the messages in its number's SIP log whose ``call_id``
        is its ``phone_call.call_id`` (none unless a test logged them).
    ``POST /v1/convai/batch-calling/submit``: answers the ``BatchCall``
        (``id``, ``name``, ``agent_id``, ``agent_name``, ``phone_number_id``,
        ``phone_provider``, ``branch_id``, ``branch_name``, ``environment``,
        ``timezone``, ``created_at_unix``, ``scheduled_time_unix``,
        ``last_updated_at_unix``, ``status``, ``retry_count``,
        ``total_calls_dispatched``, ``total_calls_scheduled``,
        ``total_calls_finished``, ``telephony_call_config``,
        ``target_concurrency_limit``).
    ``GET /v1/convai/batch-calling/workspace``: ``{"batch_calls", "next_doc",
        "has_more"}``, newest first; query ``limit`` (1 to 100, default 100),
        ``last_doc`` (the ``next_doc`` of the page before), ``agent_id``.
    ``GET``, ``DELETE /v1/convai/batch-calling/{batch_id}``: the batch with its
        ``recipients`` (``id``, ``phone_number``, ``status``,
        ``conversation_id``, ``created_at_unix``, ``updated_at_unix``,
        ``conversation_initiation_client_data``); DELETE answers 204, no body,
        and keeps the batch's conversations.
    ``POST .../{batch_id}/cancel``, ``POST .../{batch_id}/retry``: the batch.
    ``GET .../{batch_id}/export``: CSV (``text/csv``) with the columns ``id``,
        ``phone_number``, ``status``, ``conversation_id``, ``created_at_unix``,
        ``updated_at_unix``; query ``limit``: the first N recipients.

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
    - A ``branch_id`` the agent does not have is registered on it.
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
    - A call to a number is its scripted result, matched on ``to_number`` as
      sent (``"+1 555..."`` is another number than ``"+1555..."``).
    - Register-call needs no imported number; its ``direction`` defaults to
      ``inbound`` in the TwiML (the record keeps what was sent). The stream URL
      in the TwiML is a placeholder: the fake serves no media stream.
    Agents:
    - ``GET /v1/convai/agents`` without ``archived`` lists archived agents too;
      ``search`` is a case-insensitive substring of the name.
    Batch calling:
    - Submit checks, after the body: the agent (404 ``agent_not_found``: a
      batch does not register an unknown agent), ``agent_phone_number_id``
      (400 when left out, 404 when unknown), ``branch_id`` (404), then the
      number can call (400, as for a call). Each recipient needs a
      ``phone_number`` (422 ``value_error`` at the recipient: no WhatsApp),
      and there is one at least (``too_short``); a number given twice is
      called twice. ``target_concurrency_limit`` must be at least 1.
    - A batch calls at most ``target_concurrency_limit`` recipients at a time;
      left out, the smaller of half the workspace's limit (the fake's is 20)
      and 70% of the agent's ``call_limits.agent_concurrency_limit`` (when
      above 0), at least 1. A batch is ``pending`` until its first call (and
      while ``scheduled_time_unix`` is ahead), ``in_progress`` while it calls,
      ``completed`` once no recipient is pending or under way. Recipients go
      ``initiated``, ``in_progress``, then ``completed`` (answered),
      ``voicemail``, or ``failed`` (busy, no answer, failed).
      ``total_calls_dispatched`` counts calls placed, ``total_calls_finished``
      calls ended, ``total_calls_scheduled`` the recipients plus the retried.
    - Cancel: pending recipients become ``cancelled``, the calls under way end
      as they would; an ended batch (``completed``, ``failed``,
      ``cancelled``) is 400. Retry: the ``failed`` recipients are called again
      and ``retry_count`` grows by one; a batch still ``pending`` or
      ``in_progress`` is 400.
    - ``next_doc`` is an opaque cursor bound to ``agent_id`` (422 at
      ``["query", "last_doc"]`` otherwise).

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
``--retry-after``, ``--webhook-url``, ``--webhook-secret``. It prints ``serving
N numbers on URL`` and an ``export ELEVENLABS_BASE_URL=...
ELEVENLABS_API_KEY=...`` line; a bad option exits 2, a port that cannot be
bound 1.
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
