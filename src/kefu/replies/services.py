"""Writes of quick phrases, forbidden phrases and auto-replies: permission, validation, history.

Who may do what: any staff member manages their own personal phrases; team phrases, the forbidden
list and the auto-replies are the supervisor's or admin's (agents may read them). The search index
(kind="phrase") is kept in step with the phrase table in the same transaction.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import roles, shopsettings
from kefu.core.activity import activity_record
from kefu.core.types import User
from kefu.replies import placeholders
from kefu.replies.linter import LintHit
from kefu.replies.models import (
    AutoReplyRule,
    ForbiddenPhrase,
    LintOverride,
    PhraseGroup,
    Promotion,
    QuickPhrase,
)
from kefu.replies.search_index import phrase_index, phrase_unindex
from kefu.replies.selectors import can_edit_phrase, promotion_get

TEXT_MAX = 1000
GROUP_MAX = 50
SHORTCUT_MAX = 20
DEFAULT_GROUP = "常用"
_SHORTCUT = re.compile(r"^[0-9A-Za-z_\-\u3400-\u9fff]+$")


# --- rendering and counting (called by the desk when a phrase is inserted / a reply is sent) -----


def phrase_render(*, phrase, buyer: str = "", agent_name: str = "", order_number: str = "") -> str:
    """The phrase's text with {买家} {客服} {店铺} {订单号} {发货截止时间} filled in.

    {店铺} and {发货截止时间} come from the shop settings ``shop_name`` and ``shipping_cutoff``. An
    unknown buyer is "亲"; a placeholder with no value (no order yet) stays visible so the agent
    fills it in before sending.
    """
    values = {**placeholders.shop_values(buyer=buyer), "客服": agent_name, "订单号": order_number}
    return placeholders.fill(phrase.text, values)


def phrase_use_record(*, phrase, by: User) -> None:
    """Count one use (an insert into a reply). F() so two agents inserting at once both count.

    No history entry: uses are counted, not audited (thousands a day in a promotion).
    """
    roles.require_staff(by)
    if phrase.owner_id is not None and phrase.owner_id != by.pk:
        raise PermissionDenied(_("这是其他客服的个人短语。"))
    QuickPhrase.objects.filter(pk=phrase.pk).update(use_count=F("use_count") + 1, last_used_at=timezone.now())


@transaction.atomic
def lint_override_record(*, by: User, text: str, hits: list[LintHit]) -> None:
    """The agent sent despite the linter's hits: count each forbidden phrase once and log the message."""
    if not hits:
        return
    names = list(dict.fromkeys(hit.phrase for hit in hits))
    ForbiddenPhrase.objects.filter(phrase__in=names).update(override_count=F("override_count") + 1)
    LintOverride.objects.create(
        by=by if getattr(by, "is_authenticated", False) else None, text=text[: TEXT_MAX * 2], phrases=names
    )


# --- quick phrases ---------------------------------------------------------------------------


def _clean_group_name(name: str) -> str:
    name = " ".join((name or "").split()) or DEFAULT_GROUP
    if len(name) > GROUP_MAX:
        raise ValidationError({"group": _("分组名称不能超过 %(n)d 个字。") % {"n": GROUP_MAX}})
    return name


def group_get_or_create(name: str) -> PhraseGroup:
    """The group called ``name``, made at the end of the list when new (race-safe on the unique name)."""
    name = _clean_group_name(name)
    group = PhraseGroup.objects.filter(name=name).first()
    if group is not None:
        return group
    position = (PhraseGroup.objects.aggregate(m=Max("position"))["m"] or 0) + 1
    try:
        with transaction.atomic():
            return PhraseGroup.objects.create(name=name, position=position)
    except IntegrityError:
        return PhraseGroup.objects.get(name=name)


def clean_phrase_fields(*, text: str, shortcut: str, group: str) -> tuple[str, str, str]:
    """Validated (text, shortcut, group name); raises ValidationError with every field's error."""
    errors = {}
    text = (text or "").strip()
    shortcut = unicodedata.normalize("NFKC", shortcut or "").strip().lstrip("/")
    if not text:
        errors["text"] = _("请填写短语内容。")
    elif len(text) > TEXT_MAX:
        errors["text"] = _("短语内容不能超过 %(n)d 个字。") % {"n": TEXT_MAX}
    if shortcut and len(shortcut) > SHORTCUT_MAX:
        errors["shortcut"] = _("快捷键不能超过 %(n)d 个字符。") % {"n": SHORTCUT_MAX}
    elif shortcut and not _SHORTCUT.match(shortcut):
        errors["shortcut"] = _("快捷键只能用字母、数字、汉字、下划线和短横线，不能有空格。")
    group_name = " ".join((group or "").split()) or DEFAULT_GROUP
    if len(group_name) > GROUP_MAX:
        errors["group"] = _("分组名称不能超过 %(n)d 个字。") % {"n": GROUP_MAX}
    if errors:
        raise ValidationError(errors)
    return text, shortcut, group_name


def _shortcut_taken(shortcut: str, owner, exclude_pk: int | None = None) -> str | None:
    """Why ``/shortcut`` cannot be this phrase's, or None. One shortcut inserts one phrase: a
    personal phrase may not hide a team phrase's shortcut, nor a team phrase take one an agent
    already uses for her own."""
    if not shortcut:
        return None
    qs = QuickPhrase.objects.filter(shortcut=shortcut).select_related("owner")
    qs = qs.filter(Q(owner__isnull=True) | Q(owner=owner)) if owner is not None else qs
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    other = qs.order_by("owner_id").first()
    if other is None:
        return None
    if other.owner is None:
        where = _("团队短语“%(text)s”") % {"text": other.text[:20]}
    elif owner is not None and other.owner_id == getattr(owner, "pk", None):
        where = _("您的短语“%(text)s”") % {"text": other.text[:20]}
    else:
        who = other.owner.get_full_name() or other.owner.username
        where = _("%(who)s 的个人短语") % {"who": who}
    return _("快捷键“/%(s)s”已用于%(where)s，请换一个。") % {"s": shortcut, "where": where}


def _require_scope(by: User, team: bool) -> None:
    roles.require_staff(by)
    if team:
        roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)


@transaction.atomic
def phrase_create(
    *, text: str, by: User, group: str = "", shortcut: str = "", team: bool = False
) -> QuickPhrase:
    """A new phrase: a team phrase (``team``, supervisor/admin) or the author's personal one."""
    _require_scope(by, team)
    text, shortcut, group_name = clean_phrase_fields(text=text, shortcut=shortcut, group=group)
    owner = None if team else by
    if taken := _shortcut_taken(shortcut, owner):
        raise ValidationError({"shortcut": taken})
    try:
        with transaction.atomic():
            phrase = QuickPhrase.objects.create(
                group=group_get_or_create(group_name),
                text=text,
                shortcut=shortcut,
                owner=owner,
                created_by=by,
            )
    except IntegrityError:  # the same shortcut created by a colleague a moment ago
        raise ValidationError({"shortcut": _("快捷键“%(s)s”已被使用。") % {"s": shortcut}}) from None
    phrase_index([phrase])
    activity_record(target=phrase, actor=by, verb="phrase_create", message=text[:100])
    return phrase


@transaction.atomic
def phrase_update(*, phrase: QuickPhrase, by: User, text: str, group: str, shortcut: str = "") -> QuickPhrase:
    roles.require_staff(by)
    phrase = QuickPhrase.objects.select_for_update().select_related("group").get(pk=phrase.pk)
    if not can_edit_phrase(by, phrase):
        raise PermissionDenied(
            _("团队短语只有主管或管理员可以修改。") if phrase.is_team else _("只能修改自己的个人短语。")
        )
    text, shortcut, group_name = clean_phrase_fields(text=text, shortcut=shortcut, group=group)
    owner = phrase.owner
    if taken := _shortcut_taken(shortcut, owner, exclude_pk=phrase.pk):
        raise ValidationError({"shortcut": taken})
    changed = [
        name
        for name, old, new in (
            ("text", phrase.text, text),
            ("shortcut", phrase.shortcut, shortcut),
            ("group", phrase.group.name, group_name),
        )
        if old != new
    ]
    phrase.text = text
    phrase.shortcut = shortcut
    phrase.group = group_get_or_create(group_name)
    phrase.save(update_fields=["text", "shortcut", "group", "updated_at"])
    phrase_index([phrase])
    activity_record(
        target=phrase, actor=by, verb="phrase_update", message=text[:100], data={"changed": changed}
    )
    return phrase


@transaction.atomic
def phrase_delete(*, phrase: QuickPhrase, by: User) -> None:
    roles.require_staff(by)
    if not can_edit_phrase(by, phrase):
        raise PermissionDenied(
            _("团队短语只有主管或管理员可以删除。") if phrase.is_team else _("只能删除自己的个人短语。")
        )
    phrase_unindex([phrase.pk])
    activity_record(target=phrase, actor=by, verb="phrase_delete", message=phrase.text[:100])
    phrase.delete()


@transaction.atomic
def phrase_group_rename(*, group: PhraseGroup, name: str, by: User) -> PhraseGroup:
    """Rename a group (it holds team phrases too, so supervisor/admin only)."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    name = _clean_group_name(name)
    if PhraseGroup.objects.filter(name=name).exclude(pk=group.pk).exists():
        raise ValidationError({"name": _("分组“%(name)s”已存在。") % {"name": name}})
    old = group.name
    group.name = name
    group.save(update_fields=["name"])
    phrase_index(QuickPhrase.objects.filter(group=group).select_related("group"))
    activity_record(target=group, actor=by, verb="phrase_group_rename", message=f"{old} → {name}")
    return group


@transaction.atomic
def phrase_group_move(*, group: PhraseGroup, offset: int, by: User) -> None:
    """Move a group up (offset -1) or down (+1) in the phrase panel; positions renumbered 1…n."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    order = list(
        PhraseGroup.objects.select_for_update().order_by("position", "name").values_list("id", flat=True)
    )
    i = order.index(group.pk)
    j = min(max(i + offset, 0), len(order) - 1)
    order.insert(j, order.pop(i))
    for position, group_id in enumerate(order, start=1):
        PhraseGroup.objects.filter(pk=group_id).exclude(position=position).update(position=position)


@transaction.atomic
def phrase_group_delete(*, group: PhraseGroup, by: User) -> None:
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    count = QuickPhrase.objects.filter(group=group).count()
    if count:
        raise ValidationError(
            _("分组“%(name)s”下还有 %(n)d 条短语，请先移走或删除。") % {"name": group.name, "n": count}
        )
    activity_record(target=group, actor=by, verb="phrase_group_delete", message=group.name)
    group.delete()


# --- import ----------------------------------------------------------------------------------


@dataclass
class ImportRow:
    line: int
    group: str = ""
    shortcut: str = ""
    text: str = ""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    fatal: str = ""  # the file as a whole could not be read; nothing was imported

    @property
    def good(self) -> int:
        return self.created + self.updated + self.unchanged

    def add_error(self, line: int, reason: str) -> None:
        self.errors.append((line, reason))


def _first_error(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(m for messages in exc.message_dict.values() for m in messages)
    return "；".join(exc.messages)


@transaction.atomic
def phrases_import(
    *, rows: Iterable[ImportRow], by: User, team: bool = False, report: ImportReport | None = None
) -> ImportReport:
    """Add the rows as team phrases (``team``, supervisor/admin) or as the importer's own.

    A row is the same phrase as an existing one when its shortcut matches (or, without a shortcut,
    its text): it is then updated in place, so importing the same file twice duplicates nothing.
    A bad row is reported by its line number and skipped; the good rows land.
    """
    _require_scope(by, team)
    report = report or ImportReport()
    owner = None if team else by
    scope = QuickPhrase.objects.select_for_update().select_related("group")
    scope = scope.filter(owner__isnull=True) if team else scope.filter(owner=by)
    existing_rows = list(scope.order_by("id"))
    by_shortcut = {p.shortcut: p for p in existing_rows if p.shortcut}
    # A row without a shortcut is the phrase with the same text, shortcut or not (an export whose
    # shortcut column was dropped must not double the set).
    by_text: dict[str, QuickPhrase] = {}
    for p in existing_rows:
        by_text.setdefault(p.text, p)
    seen_shortcuts: dict[str, int] = {}
    seen_texts: dict[str, int] = {}
    groups: dict[str, PhraseGroup] = {}
    touched: list[QuickPhrase] = []
    for row in rows:
        try:
            text, shortcut, group_name = clean_phrase_fields(
                text=row.text, shortcut=row.shortcut, group=row.group
            )
        except ValidationError as exc:
            report.add_error(row.line, _first_error(exc))
            continue
        key_seen = seen_shortcuts if shortcut else seen_texts
        key = shortcut or text
        if key in key_seen:
            report.add_error(
                row.line,
                (_("快捷键“%(s)s”与第 %(n)d 行重复") if shortcut else _("内容与第 %(n)d 行重复"))
                % {"s": shortcut, "n": key_seen[key]},
            )
            continue
        key_seen[key] = row.line
        existing = by_shortcut.get(shortcut) if shortcut else by_text.get(text)
        if existing is not None and not (row.group or "").strip():
            group = existing.group  # no group in the file: the phrase stays where the shop put it
        else:
            if group_name not in groups:
                groups[group_name] = group_get_or_create(group_name)
            group = groups[group_name]
        if existing is None:
            phrase = QuickPhrase.objects.create(
                group=group, text=text, shortcut=shortcut, owner=owner, created_by=by
            )
            report.created += 1
            touched.append(phrase)
        elif existing.text == text and existing.group_id == group.pk:
            report.unchanged += 1
        else:
            existing.text = text
            existing.group = group
            existing.save(update_fields=["text", "group", "updated_at"])
            report.updated += 1
            touched.append(existing)
    phrase_index(touched)
    if report.created or report.updated:
        activity_record(
            target=by,
            actor=by,
            verb="phrases_import",
            message=_("导入快捷短语：新增 %(c)d 条，更新 %(u)d 条")
            % {"c": report.created, "u": report.updated},
            data={
                "team": team,
                "created": report.created,
                "updated": report.updated,
                "errors": len(report.errors),
            },
        )
    return report


# --- forbidden phrases (the linter's list) ---------------------------------------------------


def _clean_forbidden(data: dict, exclude_pk: int | None = None) -> dict:
    errors = {}
    phrase = (data.get("phrase") or "").strip()
    suggestion = (data.get("suggestion") or "").strip()
    match = data.get("match") or ForbiddenPhrase.Match.CONTAINS
    if not phrase:
        errors["phrase"] = _("请填写禁用说法。")
    elif len(phrase) > 50:
        errors["phrase"] = _("禁用说法不能超过 50 个字。")
    elif ForbiddenPhrase.objects.filter(phrase=phrase).exclude(pk=exclude_pk or 0).exists():
        errors["phrase"] = _("“%(p)s”已在禁用列表中。") % {"p": phrase}
    if not suggestion:
        errors["suggestion"] = _("请填写建议说法，告诉客服应该怎么说。")
    elif len(suggestion) > 200:
        errors["suggestion"] = _("建议说法不能超过 200 个字。")
    if match not in ForbiddenPhrase.Match.values:
        errors["match"] = _("匹配方式无效。")
    for name, limit in (("reason", 200), ("customer_trigger", 50), ("exceptions", 300)):
        if len(data.get(name) or "") > limit:
            errors[name] = _("不能超过 %(n)d 个字。") % {"n": limit}
    if errors:
        raise ValidationError(errors)
    return {
        "phrase": phrase,
        "suggestion": suggestion,
        "match": match,
        "reason": (data.get("reason") or "").strip(),
        "customer_trigger": " ".join((data.get("customer_trigger") or "").split()),
        "exceptions": " ".join((data.get("exceptions") or "").split()),
        "fact_exempt": bool(data.get("fact_exempt")),
        "is_active": bool(data.get("is_active", True)),
    }


@transaction.atomic
def forbidden_phrase_create(
    *,
    phrase: str,
    suggestion: str,
    by: User,
    reason: str = "",
    match: str = ForbiddenPhrase.Match.CONTAINS,
    customer_trigger: str = "",
    exceptions: str = "",
    fact_exempt: bool = False,
    is_active: bool = True,
) -> ForbiddenPhrase:
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    values = _clean_forbidden(locals())
    try:
        with transaction.atomic():
            row = ForbiddenPhrase.objects.create(**values)
    except IntegrityError:
        raise ValidationError({"phrase": _("“%(p)s”已在禁用列表中。") % {"p": values["phrase"]}}) from None
    activity_record(target=row, actor=by, verb="forbidden_phrase_create", message=row.phrase)
    return row


@transaction.atomic
def forbidden_phrase_update(
    *,
    forbidden: ForbiddenPhrase,
    by: User,
    phrase: str,
    suggestion: str,
    reason: str = "",
    match: str = ForbiddenPhrase.Match.CONTAINS,
    customer_trigger: str = "",
    exceptions: str = "",
    fact_exempt: bool = False,
    is_active: bool = True,
) -> ForbiddenPhrase:
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    data = {k: v for k, v in locals().items() if k not in ("forbidden", "by")}
    row = ForbiddenPhrase.objects.select_for_update().get(pk=forbidden.pk)
    values = _clean_forbidden(data, exclude_pk=row.pk)
    for name, value in values.items():
        setattr(row, name, value)
    row.save(update_fields=[*values, "updated_at"])
    activity_record(target=row, actor=by, verb="forbidden_phrase_update", message=row.phrase)
    return row


@transaction.atomic
def forbidden_phrase_delete(*, forbidden: ForbiddenPhrase, by: User) -> None:
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    activity_record(target=forbidden, actor=by, verb="forbidden_phrase_delete", message=forbidden.phrase)
    forbidden.delete()


# --- auto-reply ------------------------------------------------------------------------------


@transaction.atomic
def autoreply_rule_update(*, trigger: str, by: User, text: str, is_enabled: bool) -> AutoReplyRule:
    """Edit one auto-reply's text and switch it on or off (supervisor/admin)."""
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    if trigger not in AutoReplyRule.Trigger.values:
        raise ValidationError({"trigger": _("未知的自动回复类型。")})
    text = (text or "").strip()
    if is_enabled and not text:
        raise ValidationError({"text": _("启用的自动回复需要填写回复内容。")})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": _("回复内容不能超过 %(n)d 个字。") % {"n": TEXT_MAX}})
    rule, _created = AutoReplyRule.objects.select_for_update().get_or_create(
        trigger=trigger, defaults={"text": text, "is_enabled": is_enabled}
    )
    rule.text = text
    rule.is_enabled = is_enabled
    rule.updated_by = by
    rule.save(update_fields=["text", "is_enabled", "updated_by", "updated_at"])
    activity_record(
        target=rule,
        actor=by,
        verb="autoreply_update",
        message=rule.get_trigger_display(),
        data={"on": is_enabled},
    )
    return rule


@transaction.atomic
def autoreply_no_answer_seconds_set(*, seconds: int, by: User) -> int:
    """The N of "no agent answers within N seconds", kept as the shop setting of that name."""
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        raise ValidationError({"seconds": _("请填写整数秒数。")}) from None
    if not 5 <= seconds <= 3600:
        raise ValidationError({"seconds": _("等待时间应在 5 到 3600 秒之间。")})
    return shopsettings.shop_setting_set(key="autoreply_no_answer_seconds", value=seconds, by=by)


@transaction.atomic
def promotion_update(
    *,
    by: User,
    is_enabled: bool,
    name: str,
    offer: str,
    text: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Promotion:
    """Set promotion mode. Switched on, it needs a name, the offer and a text that carries them.

    The point is that the customer's first answer in a promotion tells them what is on,
    so a text without {活动内容} or the offer itself is refused while the mode is on.
    """
    roles.require_role(by, roles.SUPERVISOR, roles.ADMIN)
    name, offer, text = (name or "").strip(), (offer or "").strip(), (text or "").strip()
    errors = {}
    for field_name, value, limit in (
        ("name", name, 100),
        ("offer", offer, TEXT_MAX),
        ("text", text, TEXT_MAX),
    ):
        if len(value) > limit:
            errors[field_name] = _("不能超过 %(n)d 个字。") % {"n": limit}
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = _("结束时间要晚于开始时间。")
    for field_name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if moment is not None and timezone.is_naive(moment):
            errors[field_name] = _("时间需带时区。")
    if is_enabled:
        if not name:
            errors.setdefault("name", _("开启大促模式需要填写活动名称。"))
        if not offer:
            errors.setdefault("offer", _("开启大促模式需要填写活动内容（例如：全场5折包邮）。"))
        if not text:
            errors.setdefault("text", _("请填写大促欢迎语。"))
        elif "{活动内容}" not in text and (not offer or offer not in text):
            errors.setdefault("text", _("大促欢迎语要写明活动内容：请加入 {活动内容}。"))
    if errors:
        raise ValidationError(errors)
    promotion = promotion_get()
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    promotion.is_enabled = is_enabled
    promotion.name = name
    promotion.offer = offer
    promotion.text = text or promotion.text
    promotion.starts_at = starts_at
    promotion.ends_at = ends_at
    promotion.updated_by = by
    promotion.save(
        update_fields=[
            "is_enabled",
            "name",
            "offer",
            "text",
            "starts_at",
            "ends_at",
            "updated_by",
            "updated_at",
        ]
    )
    activity_record(
        target=promotion, actor=by, verb="promotion_update", message=name, data={"on": is_enabled}
    )
    return promotion
