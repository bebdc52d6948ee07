"""What the chat keeps in the server process between messages, instead of reading it for each one.

- the shop's stored settings (the chat sockets' rate limits, the working hours, the routing rules):
  read once, then kept ``KEEP_SECONDS``;
- the reply linter's switched-on phrases (every agent reply is checked against them): the same.

A change saved in this process (the settings page, the linter's phrase list) empties the store at
once (``connect`` in the app's ready); a change saved by another server process is seen here
within ``KEEP_SECONDS``.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_delete, post_save

from kefu.core import shopsettings
from kefu.core.models import ShopSetting
from kefu.replies import linter
from kefu.replies.models import ForbiddenPhrase

KEEP_SECONDS = 5.0


class _Kept:
    """One value read by ``load`` and kept for ``KEEP_SECONDS`` (thread-safe: the sockets' database
    calls run on several threads)."""

    def __init__(self, load: Callable[[], Any]) -> None:
        self.load = load
        self.lock = threading.Lock()
        self.value: Any = None
        self.read_at = 0.0
        self.generation = 0

    def get(self) -> Any:
        with self.lock:
            if self.value is not None and time.monotonic() - self.read_at < KEEP_SECONDS:
                return self.value
            generation = self.generation
        value = self.load()
        with self.lock:
            if generation == self.generation:  # not emptied while it was being read
                self.value, self.read_at = value, time.monotonic()
        return value

    def clear(self, **_kwargs: Any) -> None:
        with self.lock:
            self.value = None
            self.generation += 1


_settings = _Kept(shopsettings.stored_values)
_lint_rules = _Kept(linter.active_rules)


def shop_settings() -> dict[str, Any]:
    """The shop's stored settings, for ``shopsettings.snapshot(values=…)``."""
    return _settings.get()


def lint_rules() -> list[linter.LintRule]:
    return _lint_rules.get()


def clear() -> None:
    _settings.clear()
    _lint_rules.clear()


def connect() -> None:
    """Empty the store when this process saves a setting or a linter phrase."""
    for signal in (post_save, post_delete):
        signal.connect(_settings.clear, sender=ShopSetting, dispatch_uid="chat-caches-settings")
        signal.connect(_lint_rules.clear, sender=ForbiddenPhrase, dispatch_uid="chat-caches-lint")
