"""Seeded, realistic SIP messages for a number's SIP log (``SipLogMessage``).

Messages come in dialogs: an INVITE with its SDP offer, ``100 Trying``,
``180 Ringing``, ``200 OK`` with the answer, ACK, BYE and its ``200 OK``; about
one call in six is refused with ``486 Busy Here`` instead (its 486 carries the
``error_message``). ``direction`` is seen from ElevenLabs: ``in`` received,
``out`` sent. Addresses are documentation ranges (RFC 5737) unless the number's
outbound trunk names a host. Pure: the same generator state gives the same messages.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any, NamedTuple

#: 2026-01-01T00:00:00Z: where a number's first generated message is dated by default.
EPOCH_UNIX_MICRO = 1_767_225_600_000_000

ELEVENLABS_SIP_HOST = "sip.rtc.elevenlabs.io"
_LOCAL_ADDRESS = "192.0.2.10"
_CODEC_PAYLOADS = {"PCMU/8000": 0, "PCMA/8000": 8, "G722/8000": 9}
_DIRECTIONS = ("inbound", "outbound")


class _Step(NamedTuple):
    what: str  # the request method or the response status line
    cseq: int
    method: str  # of the transaction
    by_caller: bool
    sdp: bool
    delay: tuple[int, int]  # microseconds after the previous message, low and high


_ANSWERED = (
    _Step("INVITE", 1, "INVITE", True, True, (0, 0)),
    _Step("100 Trying", 1, "INVITE", False, False, (2_000, 20_000)),
    _Step("180 Ringing", 1, "INVITE", False, False, (50_000, 300_000)),
    _Step("200 OK", 1, "INVITE", False, True, (1_000_000, 8_000_000)),
    _Step("ACK", 1, "ACK", True, False, (20_000, 80_000)),
    _Step("BYE", 2, "BYE", True, False, (10_000_000, 120_000_000)),
    _Step("200 OK", 2, "BYE", False, False, (20_000, 80_000)),
)
_BUSY = (
    _Step("INVITE", 1, "INVITE", True, True, (0, 0)),
    _Step("100 Trying", 1, "INVITE", False, False, (2_000, 20_000)),
    _Step("486 Busy Here", 1, "INVITE", False, False, (300_000, 3_000_000)),
    _Step("ACK", 1, "ACK", True, False, (20_000, 80_000)),
)

Party = tuple[str, str, str, str]  # (phone number, host, port, IP address)


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _remote_host(number: Mapping[str, Any], rng: random.Random) -> tuple[str, str]:
    """Return ``(host, transport)`` of the far end of the number's calls."""
    trunk = number.get("outbound_trunk") or {}
    host = trunk.get("address") or f"203.0.113.{rng.randrange(1, 255)}"
    transport = trunk.get("transport") or "udp"
    return str(host), "UDP" if transport == "auto" else str(transport).upper()


def _sdp(host: str, rng: random.Random, codecs: list[str]) -> str:
    payloads = [_CODEC_PAYLOADS[codec] for codec in codecs]
    lines = [
        "v=0",
        f"o=- {rng.randrange(10**9, 10**10)} 1 IN IP4 {host}",
        "s=-",
        f"c=IN IP4 {host}",
        "t=0 0",
        f"m=audio {rng.randrange(10_000, 60_000, 2)} RTP/AVP {' '.join(map(str, payloads))} 101",
        *(f"a=rtpmap:{_CODEC_PAYLOADS[codec]} {codec}" for codec in codecs),
        "a=rtpmap:101 telephone-event/8000",
        "a=sendrecv",
    ]
    return "\r\n".join(lines) + "\r\n"


def _raw(
    step: _Step,
    *,
    call_id: str,
    caller: Party,
    callee: Party,
    transport: str,
    tags: tuple[str, str],
    branch: str,
    sdp: str,
) -> str:
    """One SIP message as text; the caller sends every request of the dialog."""
    from_number, from_host, from_port, from_ip = caller
    to_number, to_host, to_port, _ = callee
    from_tag, to_tag = tags
    is_request = not step.what[0].isdigit()
    if is_request:
        uri = f"sip:{to_number}@{to_host}:{to_port};transport={transport.lower()}"
        lines = [f"{step.what} {uri} SIP/2.0"]
    else:
        lines = [f"SIP/2.0 {step.what}"]
    lines.append(f"Via: SIP/2.0/{transport} {from_ip}:{from_port};branch=z9hG4bK{branch}")
    if is_request:
        lines.append("Max-Forwards: 70")
    to_tag_part = "" if step.what in ("INVITE", "100 Trying") else f";tag={to_tag}"
    lines += [
        f"From: <sip:{from_number}@{from_host}>;tag={from_tag}",
        f"To: <sip:{to_number}@{to_host}>{to_tag_part}",
        f"Call-ID: {call_id}",
        f"CSeq: {step.cseq} {step.method}",
    ]
    if step.sdp:
        contact_number, _, contact_port, contact_ip = caller if step.by_caller else callee
        lines.append(f"Contact: <sip:{contact_number}@{contact_ip}:{contact_port}>")
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(sdp.encode())}")
    return "\r\n".join(lines) + "\r\n\r\n" + sdp


def generate(
    rng: random.Random,
    number: Mapping[str, Any],
    *,
    count: int,
    direction: str | None = None,
    start_unix_micro: int = EPOCH_UNIX_MICRO,
    remote_number: str | None = None,
    call_id: str | None = None,
) -> list[dict[str, Any]]:
    """Return ``count`` SIP messages of calls to (``inbound``) or from (``outbound``) ``number``.

    ``direction`` ``None`` alternates, starting inbound. ``remote_number`` is the
    other party (a fresh US number per call by default); ``call_id`` fixes the
    Call-ID of the first dialog. Raises ``ValueError`` for a negative
    ``count`` or an unknown ``direction``.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if direction is not None and direction not in _DIRECTIONS:
        raise ValueError(f"direction must be 'inbound', 'outbound' or None, not {direction!r}")
    own_number = str(number.get("phone_number", ""))
    remote_host, transport = _remote_host(number, rng)
    is_ip = remote_host.replace(".", "").isdigit()
    remote_ip = remote_host if is_ip else f"203.0.113.{rng.randrange(1, 255)}"
    port = "5061" if transport == "TLS" else "5060"
    codecs = list((number.get("outbound_trunk") or {}).get("enabled_codecs") or _CODEC_PAYLOADS)
    messages: list[dict[str, Any]] = []
    now = start_unix_micro
    dialog = 0
    while len(messages) < count:
        inbound = (direction or _DIRECTIONS[dialog % 2]) == "inbound"
        other = remote_number or f"+1{rng.randrange(200, 1000)}555{rng.randrange(10**4):04d}"
        ours = (own_number, ELEVENLABS_SIP_HOST, port, _LOCAL_ADDRESS)
        theirs = (other, remote_host, port, remote_ip)
        caller, callee = (theirs, ours) if inbound else (ours, theirs)
        this_call_id = (call_id if dialog == 0 else None) or (
            f"{_hex(rng, 8)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 4)}-{_hex(rng, 12)}"
        )
        tags = (_hex(rng, 8), _hex(rng, 8))
        branches = {method: _hex(rng, 10) for method in ("INVITE", "ACK", "BYE")}
        steps = _BUSY if rng.random() < 1 / 6 else _ANSWERED
        for step in steps:
            if len(messages) == count:
                break
            now += rng.randint(*step.delay)
            sender = caller if step.by_caller else callee
            sdp = _sdp(sender[3], rng, codecs) if step.sdp else ""
            # ElevenLabs is the callee of an inbound call: it receives what the caller sends.
            received = step.by_caller == inbound
            messages.append(
                {
                    "call_id": this_call_id,
                    "phone_numbers": [caller[0], callee[0]],
                    "local_address": f"{_LOCAL_ADDRESS}:{port}",
                    "remote_address": f"{remote_host}:{port}",
                    "transport": transport,
                    "raw_message": _raw(
                        step,
                        call_id=this_call_id,
                        caller=caller,
                        callee=callee,
                        transport=transport,
                        tags=tags,
                        branch=branches[step.method],
                        sdp=sdp,
                    ),
                    "error_message": ""
                    if step.what[0] in "12" or not step.what[0].isdigit()
                    else step.what,
                    "direction": "in" if received else "out",
                    "created_at_unix_micro": now,
                }
            )
        now += rng.randint(5_000_000, 60_000_000)
        dialog += 1
    return messages
