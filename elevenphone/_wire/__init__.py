"""The pure wire layer: request bodies and paths in, typed results or errors out.

Nothing here does I/O, so every rule can be tested by feeding bytes in and
checking what comes out. The transport (:mod:`elevenphone._transport`) moves
the bytes; this package gives them meaning: ``paths`` (each id one
percent-encoded segment), ``requests`` (queries, headers, bodies),
``sendable`` (what JSON and HTTP can carry), ``decipher`` (the reply
decision: a value or a typed error), ``replies`` (2xx bodies into Structs),
``errors`` (error replies into typed errors) and ``secrets`` (the
secrets of a request, kept out of what errors show). The rest of the SDK
imports them from here, except ``lifecycle`` (the replies about agents,
conversations and batch calls), which is imported from its module, so that
``import elevenphone`` does not load it.

Whatever bytes a reply holds (invalid UTF-8, JSON nested a million deep, the
wrong shape, a body cut at the size cap), decoding ends in a typed error:
:class:`APIResponseValidationError` for a 2xx, the status's own
:class:`APIStatusError` otherwise. Nothing raw escapes.
"""

from .decipher import decipher
from .errors import (
    error_from_response,
    header_int,
    parse_retry_after,
    too_large_error,
)
from .paths import (
    AGENTS_PATH,
    BATCH_CALLS_PATH,
    BATCH_SUBMIT_PATH,
    BATCH_WORKSPACE_PATH,
    CONVERSATIONS_PATH,
    agent_branch_path,
    agent_path,
    batch_call_path,
    conversation_path,
    id_segment,
)
from .queries import QueryKind, query_kinds, query_of
from .replies import (
    ExpectedChange,
    decode_bytes,
    decode_created_phone_number,
    decode_exotel_call,
    decode_nothing,
    decode_phone_number,
    decode_phone_number_list,
    decode_phone_number_page,
    decode_reply,
    decode_sip_message_page,
    decode_sip_trunk_call,
    decode_text,
    decode_twilio_call,
    phone_number_decoder,
    struct_decoder,
)
from .requests import (
    OUTBOUND_CALL_PATHS,
    PHONE_NUMBER_PAGES_PATH,
    PHONE_NUMBERS_PATH,
    REGISTER_CALL_PATH,
    check_header_value,
    encode_body,
    encode_update_request,
    merge_extra_body,
    optional_query,
    phone_number_path,
    query_value,
    sip_messages_path,
)
from .secrets import (
    NO_SECRETS,
    REDACTED,
    Secrets,
    raise_unchained,
    redact,
    redact_error,
    secret_forms,
    secret_values,
)
from .sendable import MAX_DEPTH, check_sendable

__all__ = [
    "AGENTS_PATH",
    "BATCH_CALLS_PATH",
    "BATCH_SUBMIT_PATH",
    "BATCH_WORKSPACE_PATH",
    "CONVERSATIONS_PATH",
    "MAX_DEPTH",
    "NO_SECRETS",
    "OUTBOUND_CALL_PATHS",
    "PHONE_NUMBERS_PATH",
    "PHONE_NUMBER_PAGES_PATH",
    "REDACTED",
    "REGISTER_CALL_PATH",
    "ExpectedChange",
    "QueryKind",
    "Secrets",
    "agent_branch_path",
    "agent_path",
    "batch_call_path",
    "check_header_value",
    "check_sendable",
    "conversation_path",
    "decipher",
    "decode_bytes",
    "decode_created_phone_number",
    "decode_exotel_call",
    "decode_nothing",
    "decode_phone_number",
    "decode_phone_number_list",
    "decode_phone_number_page",
    "decode_reply",
    "decode_sip_message_page",
    "decode_sip_trunk_call",
    "decode_text",
    "decode_twilio_call",
    "encode_body",
    "encode_update_request",
    "error_from_response",
    "header_int",
    "id_segment",
    "merge_extra_body",
    "optional_query",
    "parse_retry_after",
    "phone_number_decoder",
    "phone_number_path",
    "query_kinds",
    "query_of",
    "query_value",
    "raise_unchained",
    "redact",
    "redact_error",
    "secret_forms",
    "secret_values",
    "sip_messages_path",
    "struct_decoder",
    "too_large_error",
]
