"""Whom a waiting chat is offered to.

The chat app knows who is online and how many chats each agent has open; the team app knows the
groups, the shifts and each agent's limit of concurrent chats. The team app registers a chooser
here in its ``AppConfig.ready``; chat asks :func:`choose_agent` and, when nobody is registered,
falls back to its own rule (the online agent with the fewest open chats).
"""

from collections.abc import Callable

# chooser(*, group, open_chats) -> user id or None
#   group:       the conversation's group ("presales", "aftersales" or "" for any)
#   open_chats:  {user id: number of open chats} for every agent chat considers online
Chooser = Callable[..., int | None]

_CHOOSER: list[Chooser] = []


def register_chooser(chooser: Chooser) -> None:
    _CHOOSER[:] = [chooser]


def has_chooser() -> bool:
    return bool(_CHOOSER)


def choose_agent(*, group: str, open_chats: dict[int, int]) -> int | None:
    """The agent to offer the chat to, or None when nobody fits (the customer waits or leaves a
    message). Without a registered chooser: the least busy of ``open_chats``."""
    if _CHOOSER:
        return _CHOOSER[0](group=group, open_chats=open_chats)
    if not open_chats:
        return None
    return min(open_chats, key=lambda user_id: (open_chats[user_id], user_id))
