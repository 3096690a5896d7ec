"""The calls' side of :class:`~elevenphone.testing.FakeElevenLabs`: the calls
placed, agents, conversations, batches and webhooks.

A base class of ``FakeElevenLabs`` only (its own module keeps the server's
module short): ``FakeElevenLabs.__init__`` sets the stores it reads. The
reference renders these members with the class.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._batches import BatchStore
from ._calls import CallLog, PlacedCall, RegisteredCall
from ._conversations import ConversationStore, check_call_result
from ._lifecycle import CallRunner, check_call_duration
from ._state import PhoneNumberStore
from ._webhooks import WebhookDelivery, WebhookSender


class CallControls:
    """Calls, agents, conversations, batches and webhooks of the fake."""

    _store: PhoneNumberStore
    _calls: CallLog
    _conversations: ConversationStore
    _batches: BatchStore
    _lifecycle: CallRunner

    def _set_up_calls(
        self,
        seed: int,
        call_duration: float | None,
        webhook_url: str | None,
        webhook_secret: str | None,
    ) -> None:
        self._conversations = ConversationStore(seed)
        self._batches = BatchStore(seed, self._conversations)
        self._calls = CallLog(seed, self._conversations)
        webhooks = WebhookSender(None, None)
        self._lifecycle = CallRunner(self._conversations, self._batches, webhooks)
        self.call_duration = call_duration
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret

    @property
    def calls(self) -> list[PlacedCall]:
        """Every outbound call the fake accepted, in order (see :class:`PlacedCall`)."""
        return self._calls.calls

    @property
    def registered_calls(self) -> list[RegisteredCall]:
        """Every call registered through Twilio's register-call (see :class:`RegisteredCall`)."""
        return self._calls.registered_calls

    @property
    def call_duration(self) -> float | None:
        """Seconds from placing a call to its end (None: until :meth:`end_call`)."""
        return self._lifecycle.call_duration

    @call_duration.setter
    def call_duration(self, value: float | None) -> None:
        self._lifecycle.call_duration = check_call_duration(value)

    @property
    def webhook_url(self) -> str | None:
        """Where the webhooks of ended calls are POSTed (None: nowhere)."""
        return self._lifecycle.webhooks.url

    @webhook_url.setter
    def webhook_url(self, value: str | None) -> None:
        self._lifecycle.webhooks.url = _text_or_none(value, "webhook_url")

    @property
    def webhook_secret(self) -> str | None:
        """The secret that signs the webhooks (None: they go unsigned)."""
        return self._lifecycle.webhooks.secret

    @webhook_secret.setter
    def webhook_secret(self, value: str | None) -> None:
        self._lifecycle.webhooks.secret = _text_or_none(value, "webhook_secret")

    @property
    def agents(self) -> dict[str, dict[str, Any]]:
        """Agents by ID, each as ``GET /v1/convai/agents/{id}`` returns it plus
        its ``branches`` (mutable); ``phone_numbers`` is recomputed on each read."""
        return self._store.agent_registry.refresh(self._store.numbers)

    @property
    def conversations(self) -> dict[str, dict[str, Any]]:
        """Conversations by ID, each as ``GET /v1/convai/conversations/{id}`` returns it."""
        return self._conversations.conversations

    @property
    def batch_calls(self) -> dict[str, dict[str, Any]]:
        """Batches by ID, each as ``GET /v1/convai/batch-calling/{id}`` returns it."""
        return self._batches.batch_calls

    @property
    def batch_peak_in_flight(self) -> dict[str, int]:
        """The most calls each batch had under way at once, by batch ID."""
        return self._batches.peaks

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every webhook sent, in order (see :class:`WebhookDelivery`)."""
        return self._lifecycle.webhooks.deliveries

    def add_agent(
        self,
        agent_id: str,
        *,
        name: str | None = None,
        archived: bool = False,
        branches: Iterable[str | tuple[str, bool]] = (),
    ) -> dict[str, Any]:
        """Add an agent, or update a known one, and return its record in :attr:`agents`.

        Args:
            agent_id: its ID.
            name: its name (None: the known one, or one derived from the ID).
            archived: whether it is archived.
            branches: branches to add, each an ID or an ``(ID, archived)``
                pair; the first branch an agent gets is its main branch.

        Raises:
            TypeError: a branch that is neither.
        """
        return self._store.agent_registry.add(
            agent_id, name=name, archived=archived, branches=branches
        )

    def script_call_result(self, phone_number: str, result: str | None) -> None:
        """Make every call to ``phone_number`` end with ``result``.

        Args:
            phone_number: the number called, as the request gives it.
            result: ``answered`` (the default for every number),
                ``voicemail``, ``busy``, ``no_answer`` or ``failed``; None
                forgets the script.

        Raises:
            ValueError: another ``result``.
        """
        if result is None:
            self._conversations.call_results.pop(phone_number, None)
        else:
            self._conversations.call_results[phone_number] = check_call_result(result)

    def end_call(self, conversation_id: str) -> bool:
        """End a call under way now, with its scripted result.

        Args:
            conversation_id: the call's conversation.

        Returns:
            Whether the call was under way (False: it had ended, or is unknown).
        """
        return self._lifecycle.end_call(conversation_id)

    async def wait_for_calls(self) -> None:
        """Wait until every call has ended, every batch that is due has called
        its recipients, and every webhook has been delivered (or failed).

        Batches scheduled later are not waited for.

        Raises:
            RuntimeError: a call under way was placed with
                ``call_duration=None``: only :meth:`end_call` ends it.
        """
        await self._lifecycle.settle()


def _text_or_none(value: object, name: str) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(f"{name} must be a non-empty str or None, not {value!r}")
    return value
