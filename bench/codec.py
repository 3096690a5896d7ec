"""Decode and encode costs, elevenphone's msgspec models against the official
SDK's pydantic models, with no I/O.

Decode: one reply body (bytes) to a typed phone number, per provider variant.
The official SDK reads a reply with ``json.loads`` and then its unchecked
``construct_type`` (what ``phone_numbers.update`` does); pydantic's validating
``TypeAdapter.validate_json`` over the same models is shown beside it.

Encode: one update to request-body bytes, validation included on both sides.
elevenphone validates a mapping against ``UpdatePhoneNumberRequest`` and
encodes it; the official SDK builds its pydantic request models (where its
validation happens), runs its body pipeline and ``json.dumps`` as httpx does.

``python -m bench.codec`` prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time
import typing
from collections.abc import Callable
from typing import Any

from bench.fixtures import REPLY_BODIES, UPDATE_AGENT, UPDATE_FULL

Case = Callable[[], object]


def time_per_call(case: Case, *, budget_s: float = 0.15, repeats: int = 5) -> float:
    """The best of ``repeats`` timings of ``case``, in microseconds per call."""
    number, elapsed = 1, 0.0
    while True:  # calibrate: enough calls to fill about budget_s / repeats
        start = time.perf_counter()
        for _ in range(number):
            case()
        elapsed = time.perf_counter() - start
        if elapsed >= budget_s / repeats:
            break
        number *= 2
    best = elapsed
    for _ in range(repeats - 1):
        start = time.perf_counter()
        for _ in range(number):
            case()
        best = min(best, time.perf_counter() - start)
    return best / number * 1e6


def elevenphone_cases() -> tuple[dict[str, Case], dict[str, Case]]:
    from elevenphone._wire import decode_phone_number, encode_update_request

    decode = {p: (lambda body=body: decode_phone_number(body)) for p, body in REPLY_BODIES.items()}
    encode = {
        "agent_id": lambda: encode_update_request(UPDATE_AGENT),
        "full": lambda: encode_update_request(UPDATE_FULL),
    }
    return decode, encode


def official_cases() -> tuple[dict[str, Case], dict[str, Case], dict[str, Case]]:
    import pydantic
    from elevenlabs import InboundSipTrunkConfigRequestModel, OutboundSipTrunkConfigRequestModel
    from elevenlabs.conversational_ai.phone_numbers.types.phone_numbers_update_response import (
        PhoneNumbersUpdateResponse,
        PhoneNumbersUpdateResponse_Exotel,
        PhoneNumbersUpdateResponse_SipTrunk,
        PhoneNumbersUpdateResponse_Twilio,
    )
    from elevenlabs.core.http_client import get_request_body
    from elevenlabs.core.serialization import convert_and_respect_annotation_metadata
    from elevenlabs.core.unchecked_base_model import construct_type

    def sdk_decode(body: bytes) -> object:
        return construct_type(type_=PhoneNumbersUpdateResponse, object_=json.loads(body))

    validated = pydantic.TypeAdapter(
        typing.Annotated[
            PhoneNumbersUpdateResponse_Twilio
            | PhoneNumbersUpdateResponse_Exotel
            | PhoneNumbersUpdateResponse_SipTrunk,
            pydantic.Field(discriminator="provider"),
        ]
    )
    omit: Any = ...

    def sdk_encode(fields: dict[str, Any]) -> bytes:
        inbound = fields.get("inbound_trunk_config", omit)
        outbound = fields.get("outbound_trunk_config", omit)
        if isinstance(inbound, dict):
            inbound = InboundSipTrunkConfigRequestModel(**inbound)
        if isinstance(outbound, dict):
            outbound = OutboundSipTrunkConfigRequestModel(**outbound)
        # As raw_client.AsyncRawPhoneNumbersClient.update builds it.
        body = {
            "agent_id": fields.get("agent_id", omit),
            "label": fields.get("label", omit),
            "inbound_trunk_config": convert_and_respect_annotation_metadata(
                object_=inbound, annotation=InboundSipTrunkConfigRequestModel, direction="write"
            ),
            "outbound_trunk_config": convert_and_respect_annotation_metadata(
                object_=outbound, annotation=OutboundSipTrunkConfigRequestModel, direction="write"
            ),
            "livekit_stack": fields.get("livekit_stack", omit),
            "store_sip_messages": fields.get("store_sip_messages", omit),
            "environment": fields.get("environment", omit),
            "branch_id": fields.get("branch_id", omit),
        }
        json_body, _ = get_request_body(json=body, data=None, request_options=None, omit=omit)
        # As httpx encodes json=.
        text = json.dumps(json_body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode()

    decode = {p: (lambda body=body: sdk_decode(body)) for p, body in REPLY_BODIES.items()}
    decode_validated = {
        p: (lambda body=body: validated.validate_json(body)) for p, body in REPLY_BODIES.items()
    }
    encode = {
        "agent_id": lambda: sdk_encode(UPDATE_AGENT),
        "full": lambda: sdk_encode(UPDATE_FULL),
    }
    return decode, decode_validated, encode


def _check_same_meaning() -> None:
    """Both sides must decode and encode the same things, or the timings mean nothing."""
    ep_decode, ep_encode = elevenphone_cases()
    sdk_decode, sdk_validated, sdk_encode = official_cases()
    for provider in REPLY_BODIES:
        decoders = (ep_decode[provider], sdk_decode[provider], sdk_validated[provider])
        for number in (decode() for decode in decoders):
            if getattr(number, "provider", None) != provider:
                raise AssertionError(f"{provider}: decoded as {number!r}")
    for name in ("agent_id", "full"):
        ours_body, theirs_body = json.loads(ep_encode[name]()), json.loads(sdk_encode[name]())
        if ours_body != theirs_body:
            raise AssertionError(f"encode {name}: {ours_body} != {theirs_body}")


def run() -> dict[str, Any]:
    _check_same_meaning()
    ep_decode, ep_encode = elevenphone_cases()
    sdk_decode, sdk_validated, sdk_encode = official_cases()
    return {
        "decode_us": {
            provider: {
                "elevenphone": time_per_call(ep_decode[provider]),
                "official": time_per_call(sdk_decode[provider]),
                "official_validated": time_per_call(sdk_validated[provider]),
            }
            for provider in REPLY_BODIES
        },
        "encode_us": {
            name: {
                "elevenphone": time_per_call(ep_encode[name]),
                "official": time_per_call(sdk_encode[name]),
            }
            for name in ep_encode
        },
    }


if __name__ == "__main__":
    json.dump(run(), sys.stdout, indent=2)
    print()
