"""Reads of quick phrases, the forbidden-phrase list and the auto-reply rules.

The desk's chat console calls ``phrase_suggest`` (the ``/`` menu of the reply box), ``phrase_search``
(suggested answers for the customer's latest message), ``autoreply_text`` and
``autoreply_no_answer_seconds``.
"""

import datetime as dt
import unicodedata

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import kept, roles, shopsettings
from kefu.replies import placeholders
from kefu.replies.models import (
    AutoReplyRule,
    ForbiddenPhrase,
    LintOverride,
    PhraseGroup,
    Promotion,
    QuickPhrase,
)
from kefu.replies.search_index import SEARCH_KIND
from kefu.replies.seed import PROMOTION
from kefu.search import analysis
from kefu.search import selectors as search_selectors

TRIGGERS = {choice.value for choice in AutoReplyRule.Trigger}


def _visible(user) -> Q:
    """Team phrases, and the user's own personal ones (never a colleague's)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Q(owner__isnull=True)
    return Q(owner__isnull=True) | Q(owner=user)


def can_manage_team_phrases(user) -> bool:
    return roles.has_role(user, roles.SUPERVISOR, roles.ADMIN)


def can_edit_phrase(user, phrase: QuickPhrase) -> bool:
    """Team phrases: supervisor or admin; a personal phrase: its owner."""
    if phrase.owner_id is None:
        return can_manage_team_phrases(user)
    return roles.is_staff_member(user) and phrase.owner_id == user.pk


def phrase_list(
    *, user, scope: str = "all", group_id: int | None = None, q: str = ""
) -> QuerySet[QuickPhrase]:
    """Phrases the user may use; ``scope`` "team" or "mine" narrows it. Most used first in each group."""
    qs = QuickPhrase.objects.filter(_visible(user)).select_related("group", "owner")
    if scope == "team":
        qs = qs.filter(owner__isnull=True)
    elif scope == "mine":
        qs = qs.filter(owner=user) if getattr(user, "is_authenticated", False) else qs.none()
    if group_id:
        qs = qs.filter(group_id=group_id)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(shortcut__icontains=q) | Q(text__icontains=q) | Q(group__name__icontains=q))
    return qs.order_by("group__position", "group__name", "-use_count", "id")


def phrase_export_list(*, user=None, scope: str = "team") -> QuerySet[QuickPhrase]:
    """What an export holds: the team's phrases, or (``scope="mine"``) the user's own."""
    qs = QuickPhrase.objects.select_related("group")
    if scope == "mine":
        qs = qs.filter(owner=user) if getattr(user, "is_authenticated", False) else qs.none()
    else:
        qs = qs.filter(owner__isnull=True)
    return qs.order_by("group__position", "group__name", "-use_count", "id")


def access_phrase(*, user, pk: int) -> QuickPhrase:
    """A phrase the user may see: a team phrase or their own; a colleague's personal phrase is hidden."""
    roles.require_staff(user)
    phrase = QuickPhrase.objects.filter(pk=pk).select_related("group", "owner").first()
    if phrase is None:
        raise Http404(_("快捷短语不存在。"))
    if phrase.owner_id is not None and phrase.owner_id != user.pk:
        raise PermissionDenied(_("这是其他客服的个人短语。"))
    return phrase


def phrase_group_list() -> QuerySet[PhraseGroup]:
    return PhraseGroup.objects.order_by("position", "name")


def phrase_suggest(*, user, query: str, limit: int = 8) -> list[QuickPhrase]:
    """The ``/`` menu of the reply box: what the agent typed after "/".

    Shortcut matches first (the exact shortcut, then shortcuts starting with it), then phrases whose
    text contains it; among equals the most used first. Team phrases and the user's own.
    """
    q = unicodedata.normalize("NFKC", query or "").strip().lstrip("/").strip()
    qs = QuickPhrase.objects.filter(_visible(user)).select_related("group")
    if not q:
        return list(qs.order_by("-use_count", "id")[:limit])
    rank = Case(
        When(shortcut__iexact=q, then=Value(0)),
        When(shortcut__istartswith=q, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    qs = qs.filter(Q(shortcut__istartswith=q) | Q(text__icontains=q)).annotate(rank=rank)
    return list(qs.order_by("rank", "-use_count", "id")[:limit])


def phrase_search(*, user, text: str, limit: int = 3) -> list[QuickPhrase]:
    """The quick phrases that best answer a customer's message, through the shared search index."""
    if not (text or "").strip() or limit <= 0:
        return []
    own = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    hits = search_selectors.search_all(kind=SEARCH_KIND, query=text)
    ids = [h.object_id for h in hits if h.category_id is None or h.category_id == own][: limit * 4]
    found = QuickPhrase.objects.filter(_visible(user), id__in=ids).select_related("group").in_bulk()
    # A short phrase shares a stray character with almost any message (果 of 如果 with 芒果干); a
    # suggested answer must share at least one word or bigram of the message.
    terms = {*analysis.words(text, search_mode=False), *analysis.grams(text)}
    out = []
    for i in ids:
        phrase = found.get(i)
        if phrase is None:
            continue
        haystack = analysis.normalize(f"{phrase.group.name} {phrase.text}")
        if any(len(term) > 1 and term in haystack for term in terms):
            out.append(phrase)
        if len(out) == limit:
            break
    return out


def forbidden_phrase_list(*, active_only: bool = False) -> QuerySet[ForbiddenPhrase]:
    qs = ForbiddenPhrase.objects.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("phrase")


def lint_override_list(*, limit: int = 50) -> QuerySet[LintOverride]:
    return LintOverride.objects.select_related("by").order_by("-created_at", "-id")[:limit]


# --- auto-reply ---------------------------------------------------------------------------


def autoreply_rule_list() -> list[AutoReplyRule]:
    order = [c.value for c in AutoReplyRule.Trigger]
    return sorted(AutoReplyRule.objects.select_related("updated_by"), key=lambda r: order.index(r.trigger))


def promotion_get() -> Promotion:
    """The promotion-mode row (created switched off by the data migration; made here if deleted)."""
    promotion = Promotion.objects.order_by("id").first()
    if promotion is None:
        promotion = Promotion.objects.create(**PROMOTION)
    return promotion


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%m月%d日 %H:%M").lstrip("0").replace("月0", "月")


def promotion_period(promotion: Promotion) -> str:
    """The period as customers read it: 11月1日 00:00—11月11日 23:59."""
    if promotion.starts_at and promotion.ends_at:
        return f"{_local(promotion.starts_at)}—{_local(promotion.ends_at)}"
    if promotion.ends_at:
        return _("截至%(end)s") % {"end": _local(promotion.ends_at)}
    if promotion.starts_at:
        return _("%(start)s起") % {"start": _local(promotion.starts_at)}
    return ""


def promotion_render(promotion: Promotion, *, buyer: str = "") -> str:
    values = {
        **placeholders.shop_values(buyer=buyer),
        "活动名称": promotion.name,
        "活动时间": promotion_period(promotion),
        "活动内容": promotion.offer,
    }
    return placeholders.fill(promotion.text, values, drop_empty=True).replace("（）", "")


def _autoreply_rules_read() -> tuple[Promotion | None, dict[str, str]]:
    """Promotion mode's row and the switched-on rules' texts by trigger: the greeting's two reads."""
    texts: dict[str, str] = {}
    for trigger, text in AutoReplyRule.objects.filter(is_enabled=True).values_list("trigger", "text"):
        texts.setdefault(trigger, text)
    return Promotion.objects.order_by("id").first(), texts


# Kept a few seconds inside the chat sockets (``kefu.core.kept``): every new chat is greeted from
# them; saving a rule or promotion mode in this process empties the store (the chat connects it).
_autoreply_rules = kept.Kept(_autoreply_rules_read)


def autoreply_rules_clear(**_kwargs) -> None:
    _autoreply_rules.clear()


def autoreply_text(*, trigger: str, buyer: str = "") -> str | None:
    """The automatic reply to send for ``trigger``, placeholders filled; None when that rule is off.

    For "first_message" while promotion mode runs (switched on and inside its period) the promotion
    text, carrying its name, period and offer, is sent instead of the plain welcome. Inside the chat
    sockets (``kept.keeping``) the rules are read at most every few seconds; the period is still
    judged against the moment of the message.
    """
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown auto-reply trigger: {trigger!r}")
    if kept.is_keeping():
        promotion, texts = _autoreply_rules.get()
        if (
            trigger == AutoReplyRule.Trigger.FIRST_MESSAGE
            and promotion is not None
            and promotion.is_running()
        ):
            return promotion_render(promotion, buyer=buyer)
        text = texts.get(trigger, "")
    else:
        if trigger == AutoReplyRule.Trigger.FIRST_MESSAGE:
            promotion = Promotion.objects.order_by("id").first()
            if promotion is not None and promotion.is_running():
                return promotion_render(promotion, buyer=buyer)
        rule = AutoReplyRule.objects.filter(trigger=trigger, is_enabled=True).first()
        text = rule.text if rule is not None else ""
    if not text.strip():
        return None
    return placeholders.fill(text, placeholders.shop_values(buyer=buyer), drop_empty=True)


def autoreply_no_answer_seconds() -> int:
    """The N of "no agent answers within N seconds" (shop setting ``autoreply_no_answer_seconds``)."""
    return max(1, int(shopsettings.get("autoreply_no_answer_seconds")))


def _clock(value: str, default: dt.time) -> dt.time:
    try:
        hours, minutes = (int(part) for part in str(value).strip().split(":", 1))
    except (TypeError, ValueError):
        return default
    if (hours, minutes) == (24, 0):
        return dt.time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        return default
    return dt.time(hours, minutes)


def autoreply_is_off_hours(now: dt.datetime | None = None) -> bool:
    """Outside the shop's working hours (``work_hours_start``–``work_hours_end``, local time).

    An end before the start spans midnight (20:00–02:00); equal times mean service around the clock.
    """
    start = _clock(shopsettings.get("work_hours_start"), dt.time(9, 0))
    end = _clock(shopsettings.get("work_hours_end"), dt.time(23, 0))
    if start == end:
        return False
    at = timezone.localtime(now or timezone.now()).time()
    if start < end:
        return not (start <= at < end)
    return end <= at < start
