"""The channel layer of the embedded single process (no Redis).

Channels' in-memory layer walks every group membership of the process for expired entries on each
send, receive and group send: with hundreds of customers' windows open that walk costs more than
the push itself. Here it runs at most once a second; what expires (a message nobody picked up in a
minute, a membership older than a day) still goes, a moment later.
"""

import time

from channels import layers


class InMemoryChannelLayer(layers.InMemoryChannelLayer):
    clean_every = 1.0  # seconds between two expiry walks

    _cleaned_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned_at < self.clean_every:
            return
        self._cleaned_at = now
        super()._clean_expired()
