"""What the chat keeps in the server process between messages, instead of reading it for each one.

- the shop's stored settings (the chat sockets' rate limits, the working hours, the routing rules):
  read once, then kept ``KEEP_SECONDS``;
- the reply linter's switched-on phrases (every agent reply is checked against them): the same;
- inside ``keeping()`` (every database call of the sockets enters it): the greeting (the auto-reply
  rules and promotion mode, ``replies.selectors``), and what routing reads (the team's members, today's
  rota, the promotions: ``team.selectors``), each kept the same ``KEEP_SECONDS``
  (``kefu.core.kept``). Outside the sockets they are read afresh.

A change saved in this process (the settings page, the linter's phrase list, the auto-reply rules;
the team app connects its own) empties the store at once (``connect`` in the app's ready); a change
saved by another server process is seen here within ``KEEP_SECONDS``.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save

from kefu.core import kept, shopsettings
from kefu.core.models import ShopSetting
from kefu.replies import linter
from kefu.replies import selectors as replies_selectors
from kefu.replies.models import AutoReplyRule, ForbiddenPhrase, Promotion

KEEP_SECONDS = kept.KEEP_SECONDS
keeping = kept.keeping


_settings = kept.Kept(shopsettings.stored_values)
_lint_rules = kept.Kept(linter.active_rules)


def shop_settings() -> dict[str, Any]:
    """The shop's stored settings, for ``shopsettings.snapshot(values=…)``."""
    return _settings.kept()


def lint_rules() -> list[linter.LintRule]:
    return _lint_rules.kept()


def clear() -> None:
    """Empty every store of the process (the chat's, the greeting's, the routing's)."""
    kept.clear_all()


def connect() -> None:
    """Empty the store when this process saves a setting, a linter phrase, an auto-reply rule or
    promotion mode."""
    for signal in (post_save, post_delete):
        signal.connect(_settings.clear, sender=ShopSetting, dispatch_uid="chat-caches-settings")
        signal.connect(_lint_rules.clear, sender=ForbiddenPhrase, dispatch_uid="chat-caches-lint")
        for model in (AutoReplyRule, Promotion):
            signal.connect(
                replies_selectors.autoreply_rules_clear,
                sender=model,
                dispatch_uid=f"chat-caches-{model.__name__}",
            )
