"""Values a server process keeps for a few seconds instead of reading them again and again.

On a busy day the chat's sockets handle dozens of new chats a second, and each would read the same
rules (the greeting, the team's members and rota, the promotions). A :class:`Kept` value is read by
its ``load`` once and then kept ``KEEP_SECONDS``:

- ``Kept.kept()`` always answers from the store (for callers that are themselves the sockets);
- ``Kept.get()`` answers from the store only inside :func:`keeping` (the sockets' database calls
  enter it) and reads afresh everywhere else — pages, the API, sweeps and commands always see the
  rows as they are.

A change saved in this process empties the store at once (the owning app connects ``clear`` to the
model's save and delete); a change saved by another server process is seen within ``KEEP_SECONDS``.
Thread-safe: the sockets' database calls run on several threads.
"""

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

KEEP_SECONDS = 5.0

T = TypeVar("T")

_keeping: contextvars.ContextVar[bool] = contextvars.ContextVar("kefu_keeping", default=False)
_every: list["Kept[Any]"] = []


@contextmanager
def keeping() -> Iterator[None]:
    """Inside: ``Kept.get()`` may answer from the store (at most ``KEEP_SECONDS`` old)."""
    token = _keeping.set(True)
    try:
        yield
    finally:
        _keeping.reset(token)


def is_keeping() -> bool:
    return _keeping.get()


class Kept(Generic[T]):
    """One value read by ``load`` and kept for ``KEEP_SECONDS``."""

    def __init__(self, load: Callable[[], T]) -> None:
        self.load = load
        self.lock = threading.Lock()
        self.value: T | None = None
        self.read_at = 0.0
        self.generation = 0
        _every.append(self)

    def kept(self) -> T:
        with self.lock:
            if self.value is not None and time.monotonic() - self.read_at < KEEP_SECONDS:
                return self.value
            generation = self.generation
        value = self.load()
        with self.lock:
            if generation == self.generation:  # not emptied while it was being read
                self.value, self.read_at = value, time.monotonic()
        return value

    def get(self) -> T:
        return self.kept() if _keeping.get() else self.load()

    def clear(self, **_kwargs: Any) -> None:
        with self.lock:
            self.value = None
            self.generation += 1


def clear_all() -> None:
    """Empty every store of the process (tests start each from the database)."""
    for kept in _every:
        kept.clear()
