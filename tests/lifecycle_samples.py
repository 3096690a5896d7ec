"""Replies of the lifecycle endpoints as the API sends them, built from
``spec/lifecycle-api.md``: an agent (with a conversation config to ignore),
agent summaries and branches, conversations, batch calls."""

from __future__ import annotations

import copy
from typing import Any

from tests.conftest import sip_trunk_number, twilio_number

AGENT_ID = "agent_3701k3ttaq12ewp8b7qv5rfyszkz"
CONVERSATION_ID = "conv_8701k4h2z3x5ve3a1n6qbv4t9s2m"
BATCH_ID = "btcal_5901k5c0v3eqf8atm2rd4w7n6kzp"

CONVERSATION_CONFIG: dict[str, Any] = {
    "asr": {
        "quality": "high",
        "provider": "elevenlabs",
        "user_input_audio_format": "pcm_16000",
        "keywords": [],
    },
    "turn": {"turn_timeout": 7.0, "mode": "turn", "turn_eagerness": "normal"},
    "tts": {
        "model_id": "eleven_flash_v2",
        "voice_id": "cjVigY5qzO86Huf0OWal",
        "agent_output_audio_format": "pcm_16000",
        "optimize_streaming_latency": 3,
        "stability": 0.5,
        "pronunciation_dictionary_locators": [],
    },
    "conversation": {
        "text_only": False,
        "max_duration_seconds": 600,
        "client_events": ["audio", "interruption"],
    },
    "agent": {
        "first_message": "Hello, how can I help?",
        "language": "en",
        "prompt": {
            "prompt": "You are a receptionist.",
            "llm": "gemini-2.0-flash",
            "temperature": 0.0,
            "tools": [
                {
                    "type": "system",
                    "name": "end_call",
                    "description": "",
                    "params": {"system_tool_type": "end_call"},
                }
            ],
        },
    },
}


def agent_reply(**overrides: Any) -> dict[str, Any]:
    """``GET /v1/convai/agents/{id}``, with two numbers and call limits."""
    agent: dict[str, Any] = {
        "agent_id": AGENT_ID,
        "name": "Receptionist",
        "conversation_config": copy.deepcopy(CONVERSATION_CONFIG),
        "metadata": {"created_at_unix_secs": 1735689600, "updated_at_unix_secs": 1738368000},
        "platform_settings": {
            "archived": False,
            "call_limits": {
                "agent_concurrency_limit": -1,
                "daily_limit": 100000,
                "bursting_enabled": True,
            },
            "widget": {"variant": "full", "placement": "bottom-right"},
            "privacy": {"record_voice": True, "retention_days": -1},
        },
        "phone_numbers": [twilio_number(), sip_trunk_number()],
        "workflow": {"nodes": {}, "edges": {}},
        "access_info": {"is_creator": True, "creator_name": "Ada", "role": "admin"},
        "tags": ["support", "en"],
        "version_id": "agtvrsn_0101k5",
        "branch_id": "agtbrch_0201k5",
        "main_branch_id": "agtbrch_0001k5",
    }
    agent.update(overrides)
    return agent


def agent_summary(**overrides: Any) -> dict[str, Any]:
    """One item of ``GET /v1/convai/agents``."""
    summary: dict[str, Any] = {
        "agent_id": AGENT_ID,
        "name": "Receptionist",
        "voice_id": "cjVigY5qzO86Huf0OWal",
        "tags": ["support"],
        "created_at_unix_secs": 1735689600,
        "updated_at_unix_secs": 1738368000,
        "last_call_time_unix_secs": 1739000000,
        "archived": False,
        "access_info": {"is_creator": True, "creator_name": "Ada", "role": "admin"},
    }
    summary.update(overrides)
    return summary


def agent_branch(**overrides: Any) -> dict[str, Any]:
    """``GET /v1/convai/agents/{id}/branches/{branch_id}``."""
    branch: dict[str, Any] = {
        "id": "agtbrch_0201k5",
        "name": "spring-campaign",
        "agent_id": AGENT_ID,
        "description": "A friendlier greeting",
        "created_at": 1736000000,
        "last_committed_at": 1737000000,
        "is_archived": False,
        "protection_status": "writer_perms_required",
    }
    branch.update(overrides)
    return branch


def twilio_phone_call(**overrides: Any) -> dict[str, Any]:
    """``metadata.phone_call`` of a conversation over Twilio."""
    call: dict[str, Any] = {
        "type": "twilio",
        "direction": "outbound",
        "phone_number_id": "phnum_2701kacmjq23fzaacdgqwt0qty0b",
        "agent_number": "+14155550100",
        "external_number": "+14155550199",
        "stream_sid": "MZ18ad3ab5a668481ce02b83e7395059f0",
        "call_sid": "CA5d3ab5a668481ce02b83e7395059f0a7",
        "call_result": "answered",
    }
    call.update(overrides)
    return call


def conversation_reply(**overrides: Any) -> dict[str, Any]:
    """``GET /v1/convai/conversations/{id}`` of a finished outbound call."""
    conversation: dict[str, Any] = {
        "agent_id": AGENT_ID,
        "agent_name": "Receptionist",
        "conversation_id": CONVERSATION_ID,
        "status": "done",
        "user_id": "customer-42",
        "branch_id": "agtbrch_0201k5",
        "version_id": "agtvrsn_0101k5",
        "environment": "production",
        "transcript": [
            {
                "role": "agent",
                "message": "Hello, how can I help?",
                "time_in_call_secs": 0,
                "tool_calls": [],
                "llm_usage": {"model_usage": {}},
            },
            {"role": "user", "message": "I'd like to book a table.", "time_in_call_secs": 3},
            {"role": "agent", "message": None, "time_in_call_secs": 5},
        ],
        "metadata": {
            "start_time_unix_secs": 1739000000,
            "accepted_time_unix_secs": 1739000004,
            "call_duration_secs": 42,
            "queue_wait_secs": 0.5,
            "cost": 310,
            "cost_fiat": 0.0412,
            "termination_reason": "Call ended by remote party",
            "error": None,
            "phone_call": twilio_phone_call(),
            "batch_call": {
                "batch_call_id": BATCH_ID,
                "batch_call_recipient_id": "rcpt_0001",
            },
            "timezone": "Europe/London",
            "main_language": "en",
            "charging": {"dev_discount": False, "tier": "pro"},
            "feedback": {"overall_score": None, "likes": 0, "dislikes": 0},
        },
        "analysis": {
            "call_successful": "success",
            "transcript_summary": "The caller booked a table for two.",
            "call_success_score": 0.9,
            "call_summary_title": "Table booking",
            "evaluation_criteria_results": {
                "booked": {"criteria_id": "booked", "result": "success", "rationale": "yes"}
            },
            "data_collection_results": {
                "party_size": {"data_collection_id": "party_size", "value": 2}
            },
        },
        "conversation_initiation_client_data": {
            "dynamic_variables": {"customer_name": "Grace"},
            "source_info": {"source": "python_sdk", "version": "2.78.0"},
        },
        "has_audio": True,
        "has_user_audio": True,
        "has_response_audio": True,
        "has_auxiliary_audio": False,
        "user_message_count": 1,
        "agent_message_count": 2,
        "tag_ids": ["tag_vip"],
    }
    conversation.update(overrides)
    return conversation


def conversation_summary(**overrides: Any) -> dict[str, Any]:
    """One item of ``GET /v1/convai/conversations``."""
    summary: dict[str, Any] = {
        "agent_id": AGENT_ID,
        "agent_name": "Receptionist",
        "conversation_id": CONVERSATION_ID,
        "branch_id": "agtbrch_0201k5",
        "start_time_unix_secs": 1739000000,
        "call_duration_secs": 42,
        "message_count": 3,
        "status": "done",
        "call_successful": "success",
        "termination_reason": "Call ended by remote party",
        "transcript_summary": "The caller booked a table for two.",
        "call_summary_title": "Table booking",
        "direction": "outbound",
        "rating": None,
    }
    summary.update(overrides)
    return summary


def batch_call_reply(**overrides: Any) -> dict[str, Any]:
    """A batch call, as submit, cancel, retry and the list return it."""
    batch: dict[str, Any] = {
        "id": BATCH_ID,
        "phone_number_id": "phnum_2701kacmjq23fzaacdgqwt0qty0b",
        "phone_provider": "twilio",
        "name": "Spring reminders",
        "agent_id": AGENT_ID,
        "branch_id": "agtbrch_0201k5",
        "branch_name": "spring-campaign",
        "environment": "production",
        "created_at_unix": 1739000000,
        "scheduled_time_unix": 1739003600,
        "timezone": "Europe/London",
        "total_calls_dispatched": 3,
        "total_calls_scheduled": 5,
        "total_calls_finished": 2,
        "last_updated_at_unix": 1739003700,
        "status": "in_progress",
        "retry_count": 1,
        "telephony_call_config": {"ringing_timeout_secs": 30},
        "target_concurrency_limit": 2,
        "agent_name": "Receptionist",
        "whatsapp_params": None,
    }
    batch.update(overrides)
    return batch


def batch_recipient(**overrides: Any) -> dict[str, Any]:
    """One recipient of ``GET /v1/convai/batch-calling/{id}``."""
    recipient: dict[str, Any] = {
        "id": "rcpt_0001",
        "phone_number": "+14155550199",
        "whatsapp_user_id": None,
        "status": "completed",
        "created_at_unix": 1739000000,
        "updated_at_unix": 1739003800,
        "conversation_id": CONVERSATION_ID,
        "conversation_initiation_client_data": {"dynamic_variables": {"customer_name": "Grace"}},
    }
    recipient.update(overrides)
    return recipient
