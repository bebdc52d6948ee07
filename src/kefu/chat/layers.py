"""The channel layer of the embedded single process (no Redis).

Channels' in-memory layer walks every group membership of the process for expired entries on each
send, receive and group send: with hundreds of customers' windows open that walk costs more than
the push itself. Here it runs at most once a second; what expires (a message nobody picked up in a
minute, a membership older than a day) still goes, a moment later.

It also hands each receiver the event itself (a copy of its top level) instead of a deep copy per
receiver: the chat's events are built fresh for each push and no socket changes what it receives,
and a push to every console or with a chat's latest lines would otherwise copy it once per socket.
"""

import asyncio
import time

from channels import layers
from channels.exceptions import ChannelFull


class InMemoryChannelLayer(layers.InMemoryChannelLayer):
    clean_every = 1.0  # seconds between two expiry walks

    _cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at < self.clean_every:
            return
        self._cleaned_at = now
        super()._clean_expired()

    async def send(self, channel, message):
        assert isinstance(message, dict), "message is not a dict"
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message
        queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
        try:
            queue.put_nowait((time.time() + self.expiry, dict(message)))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None
