"""The calls' progress on the event loop: each call's steps, batches' dispatch, webhooks.

:class:`CallRunner` gives every conversation a task that waits half of
``call_duration`` before the call connects and half again before it ends
(``0``: a loop turn each; ``None``: the call connects at the next loop turn
and only ends when told, :meth:`CallRunner.end_call`). When a call ends, its
batch recipient moves, its webhook goes out, and the batches dispatch the
next recipients. :meth:`CallRunner.kick` starts what the API's last request
made due; a timer wakes it for a batch scheduled later. The rules themselves
live in the pure stores (:mod:`._conversations`, :mod:`._batches`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable

from ._batches import BatchStore
from ._conversations import ConversationStore
from ._webhooks import WebhookSender

#: Seconds from placing a call to its end, unless told otherwise.
DEFAULT_CALL_DURATION = 1.0

_log = logging.getLogger("elevenphone.testing")


def check_call_duration(value: float | None) -> float | None:
    """Return ``value`` if it is a call duration (None or a finite number >= 0).

    Raises:
        ValueError: anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"call_duration must be a number of seconds or None, not {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"call_duration must be >= 0 seconds, not {value!r}")
    return float(value)


class CallRunner:
    """Drives the conversations and batches of one fake while it serves."""

    def __init__(
        self,
        conversations: ConversationStore,
        batches: BatchStore,
        webhooks: WebhookSender,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.call_duration: float | None = DEFAULT_CALL_DURATION
        self.webhooks = webhooks
        self._conversations = conversations
        self._batches = batches
        self._clock = clock
        self._calls: dict[str, asyncio.Task[None]] = {}
        self._held: set[str] = set()  # calls only end_call ends
        self._tasks: set[asyncio.Task[None]] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._serving = False

    def open(self) -> None:
        """Start driving calls (the fake has started)."""
        self._serving = True

    def kick(self) -> None:
        """Start the calls that are due: the conversations the API started and
        the batch recipients due a call; arm the timer of the next scheduled batch."""
        if not self._serving:
            return
        loop = asyncio.get_running_loop()
        self._batches.dispatch()
        for conversation_id in self._conversations.take_new():
            if self.call_duration is None:
                self._held.add(conversation_id)
            task = loop.create_task(self._drive(conversation_id, self.call_duration))
            self._calls[conversation_id] = task
            self._tasks.add(task)
            task.add_done_callback(self._forget)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        due = self._batches.next_due()
        if due is not None:
            self._timer = loop.call_later(max(due - self._clock(), 0.0), self.kick)

    def end_call(self, conversation_id: str) -> bool:
        """End the call now, with its scripted result; return whether it was under way."""
        task = self._calls.pop(conversation_id, None)
        self._held.discard(conversation_id)
        if task is None:
            return False
        task.cancel()
        self._end(conversation_id)
        return True

    async def settle(self) -> None:
        """Wait until no call is under way, no due recipient waits and no webhook is on its way.

        Raises:
            RuntimeError: a call under way only ends when told (it would never end).
        """
        while True:
            self.kick()
            held = sorted(self._held & self._calls.keys())
            if held:
                raise RuntimeError(
                    f"{len(held)} calls under way end only with end_call (call_duration=None),"
                    f" such as {held[0]}: end them first"
                )
            pending = {*self._calls.values(), *self.webhooks.pending}
            if not pending:
                return
            await asyncio.wait(pending)

    async def close(self) -> None:
        """Stop every call where it is, cancel the deliveries under way, and wait for both."""
        self._serving = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        tasks = list(self._tasks)
        self._calls.clear()
        self._held.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.webhooks.close()

    async def _drive(self, conversation_id: str, duration: float | None) -> None:
        if duration is None:
            await asyncio.sleep(0)
            self._connect(conversation_id)
            await asyncio.get_running_loop().create_future()  # until end_call or close
            return
        await asyncio.sleep(duration / 2)
        self._connect(conversation_id)
        await asyncio.sleep(duration / 2)
        self._calls.pop(conversation_id, None)
        self._end(conversation_id)

    def _connect(self, conversation_id: str) -> None:
        if self._conversations.connect(conversation_id):
            self._batches.conversation_changed(conversation_id)

    def _end(self, conversation_id: str) -> None:
        events = self._conversations.finish(conversation_id)
        self._batches.conversation_changed(conversation_id)
        for event in events:
            self.webhooks.send(event)
        self.kick()

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.error("a call of the fake failed", exc_info=task.exception())
