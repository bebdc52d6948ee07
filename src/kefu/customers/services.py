"""Writes of the customers: profiles, merges, tags, exports, satisfaction, misdescriptions, the blacklist.

The blacklist is the shop's rule for returns (退货及客户管理): a customer who misdescribes goods
``blacklist_threshold`` times (5) is blacklisted and refused; only a supervisor lifts it.
"""

import json
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import roles, shopsettings, spreadsheets, worklist
from kefu.core.activity import activity_record
from kefu.customers import selectors, senders
from kefu.customers.models import (
    Customer,
    CustomerContact,
    CustomerExport,
    CustomerGroup,
    CustomerMerge,
    Notice,
    NoticeMessage,
    ReturnVisit,
    Satisfaction,
    SatisfactionKind,
    VisitOutcome,
)
from kefu.customers.selectors import customer_find, normalize_phone

LIMITS = {"name": 64, "buyer_nick": 64, "im_id": 64, "phone": 32, "company": 120, "address": 255}


def _clean(values: dict) -> dict:
    cleaned = {k: " ".join((v or "").split()) for k, v in values.items() if k in LIMITS}
    if "phone" in cleaned:
        cleaned["phone"] = normalize_phone(cleaned["phone"])
    errors = {
        k: _("不能超过 %(n)d 个字。") % {"n": LIMITS[k]} for k, v in cleaned.items() if len(v) > LIMITS[k]
    }
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def customer_create(
    *,
    by,
    name: str = "",
    buyer_nick: str = "",
    im_id: str = "",
    phone: str = "",
    company: str = "",
    address: str = "",
    note: str = "",
) -> Customer:
    roles.require_staff(by)
    values = _clean(
        {"name": name, "buyer_nick": buyer_nick, "im_id": im_id, "phone": phone}
        | {"company": company, "address": address}
    )
    if not (values["name"] or values["buyer_nick"] or values["im_id"] or values["phone"]):
        raise ValidationError({"name": _("请至少填写姓名、买家会员名、IM 或手机中的一项。")})
    if values["buyer_nick"] and customer_find(buyer_nick=values["buyer_nick"]):
        raise ValidationError(
            {"buyer_nick": _("已有会员名为“%(nick)s”的客户。") % {"nick": values["buyer_nick"]}}
        )
    customer = Customer.objects.create(note=(note or "").strip(), **values)
    activity_record(target=customer, actor=by, verb="customer_create", message=customer.display_name)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by, **fields) -> Customer:
    """Change the profile fields given (name, buyer_nick, im_id, phone, company, address, note)."""
    roles.require_staff(by)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    values = _clean(fields)
    if "note" in fields:
        values["note"] = (fields["note"] or "").strip()
    if values.get("buyer_nick"):
        other = customer_find(buyer_nick=values["buyer_nick"])
        if other and other.pk != customer.pk:
            raise ValidationError(
                {"buyer_nick": _("已有会员名为“%(nick)s”的客户。") % {"nick": values["buyer_nick"]}}
            )
    changed = [k for k, v in values.items() if getattr(customer, k) != v]
    for k in changed:
        setattr(customer, k, values[k])
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
        activity_record(target=customer, actor=by, verb="customer_update", data={"changed": changed})
    return customer


def customer_find_or_create(
    *, by, name: str = "", buyer_nick: str = "", phone: str = "", im_id: str = ""
) -> Customer | None:
    """The customer a case is about: found by nick or phone, created when new; None without a key.

    A found customer gains the keys it lacked (a phone given on a complaint, a nick on a case).
    """
    if not ((buyer_nick or "").strip() or (phone or "").strip() or (im_id or "").strip()):
        return None
    found = customer_find(buyer_nick=buyer_nick or im_id, phone=phone)
    if found is None:
        return customer_create(by=by, name=name, buyer_nick=buyer_nick, im_id=im_id, phone=phone)
    missing = {
        k: v
        for k, v in (("name", name), ("buyer_nick", buyer_nick), ("phone", phone), ("im_id", im_id))
        if (v or "").strip() and not getattr(found, k)
    }
    if missing:
        found = customer_update(customer=found, by=by, **missing)
    return found


@transaction.atomic
def customer_misdescription_record(*, customer: Customer, by, reason: str) -> Customer:
    """Count one misdescription of the goods; at the threshold the customer is blacklisted.

    The count goes up with F() under a row lock, so two agents recording at once both count and
    exactly one of them crosses the threshold.
    """
    roles.require_staff(by)
    Customer.objects.filter(pk=customer.pk).update(misdescription_count=F("misdescription_count") + 1)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    threshold = int(shopsettings.get("blacklist_threshold"))
    activity_record(
        target=customer,
        actor=by,
        verb="customer_misdescription",
        message=reason,
        data={"count": customer.misdescription_count},
    )
    if not customer.blacklisted and threshold > 0 and customer.misdescription_count >= threshold:
        _blacklist(
            customer,
            by=None,
            reason=_("虚假描述物品已达 %(n)d 次（自动）：%(last)s")
            % {"n": customer.misdescription_count, "last": reason},
        )
    return customer


def _blacklist(customer: Customer, *, by, reason: str) -> None:
    customer.blacklisted = True
    customer.blacklisted_at = timezone.now()
    customer.blacklist_reason = reason[:255]
    customer.blacklisted_by = by
    customer.save(
        update_fields=["blacklisted", "blacklisted_at", "blacklist_reason", "blacklisted_by", "updated_at"]
    )
    activity_record(target=customer, actor=by, verb="customer_blacklist", message=customer.blacklist_reason)


@transaction.atomic
def customer_blacklist_add(*, customer: Customer, by, reason: str) -> Customer:
    """A supervisor blacklists a customer by hand (a known fraudster), with the reason."""
    roles.require_role(by, roles.SUPERVISOR)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写加入黑名单的原因。")})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.blacklisted:
        raise ValidationError(_("该客户已在黑名单中。"))
    _blacklist(customer, by=by, reason=reason)
    return customer


@transaction.atomic
def customer_blacklist_lift(*, customer: Customer, by, reason: str) -> Customer:
    """A supervisor lifts the blacklist; the misdescription count starts again from zero."""
    roles.require_role(by, roles.SUPERVISOR)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写解除黑名单的原因。")})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not customer.blacklisted:
        raise ValidationError(_("该客户不在黑名单中。"))
    previous = {"reason": customer.blacklist_reason, "count": customer.misdescription_count}
    customer.blacklisted = False
    customer.blacklisted_at = None
    customer.blacklist_reason = ""
    customer.blacklisted_by = None
    customer.misdescription_count = 0
    customer.save(
        update_fields=[
            "blacklisted",
            "blacklisted_at",
            "blacklist_reason",
            "blacklisted_by",
            "misdescription_count",
            "updated_at",
        ]
    )
    activity_record(target=customer, actor=by, verb="customer_blacklist_lift", message=reason, data=previous)
    return customer


# --- identity: chats and questions that name a buyer ------------------------------------------------


def customer_for_buyer(*, buyer_nick: str, name: str = "", phone: str = "") -> Customer | None:
    """The profile of the member name a chat or a question names, created when new (no user: the
    buyer named themselves), with the time of this contact (a lead until an order follows). A phone
    given becomes the profile's phone only when it had none; the member name is the identity,
    never the phone. None without a member name."""
    nick = " ".join((buyer_nick or "").split())[:64]
    if not nick:
        return None
    now = timezone.now()
    found = selectors.customer_for_nick(nick)
    if found is not None:
        changes: dict[str, Any] = {"last_contact_at": now}
        if name and not found.name:
            changes["name"] = name[:64]
        if phone and not found.phone:
            changes["phone"] = normalize_phone(phone)[:32]
        Customer.objects.filter(pk=found.pk).update(**changes, updated_at=now)
        for key, value in changes.items():
            setattr(found, key, value)
        return found
    try:
        with transaction.atomic():
            return Customer.objects.create(
                buyer_nick=nick,
                name=(name or "")[:64],
                phone=normalize_phone(phone)[:32],
                last_contact_at=now,
            )
    except IntegrityError:  # created meanwhile by an import or another chat
        return customer_for_buyer(buyer_nick=nick, name=name, phone=phone)


# --- tags, merges -------------------------------------------------------------------------------------


@transaction.atomic
def customer_tags_set(*, customer: Customer, by, tags: list[str] | str) -> Customer:
    """Set the customer's tags (comma-separated text or a list); duplicates and blanks dropped."""
    roles.require_staff(by)
    if isinstance(tags, str):
        tags = tags.replace("，", ",").split(",")
    cleaned: list[str] = []
    for tag in tags:
        tag = " ".join(str(tag).split())
        if tag and tag not in cleaned:
            if len(tag) > 20:
                raise ValidationError({"tags": _("每个标签不能超过 20 个字。")})
            cleaned.append(tag)
    if len(cleaned) > 20:
        raise ValidationError({"tags": _("标签最多 20 个。")})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.tags != cleaned:
        customer.tags = cleaned
        customer.save(update_fields=["tags", "updated_at"])
        activity_record(target=customer, actor=by, verb="customer_tags", message="、".join(cleaned))
    return customer


FIGURES = ("orders_count", "paid_orders", "refunds_count", "bad_reviews_count", "complaints_count")


@transaction.atomic
def customer_merge(*, kept: Customer, merged: Customer, by) -> Customer:
    """A supervisor merges two profiles of one buyer: ``kept`` takes everything ``merged`` had (its
    contacts, cases, complaints, reviews, work items, ratings, notes, tags, figures and blacklist);
    the merge is recorded with who did it and what the merged profile was."""
    roles.require_role(by, roles.SUPERVISOR)
    if kept.pk == merged.pk:
        raise ValidationError(_("不能把客户与自己合并。"))
    rows = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])}
    if len(rows) != 2:
        raise ValidationError(_("要合并的客户不存在。"))
    kept, merged = rows[kept.pk], rows[merged.pk]
    snapshot = {
        field.name: field.value_to_string(merged)
        for field in Customer._meta.concrete_fields
        if field.name not in ("id",)
    }
    # everything pointing at the merged profile, in any app, now points at the kept one
    for rel in Customer._meta.related_objects:
        if not rel.one_to_many or rel.related_model is CustomerMerge:
            continue
        manager = rel.related_model._default_manager
        if rel.related_model is CustomerContact:
            known = CustomerContact.objects.filter(customer=kept).values_list(
                "phone", "receiver_name", "address"
            )
            for contact in CustomerContact.objects.filter(customer=merged):
                if (contact.phone, contact.receiver_name, contact.address) in set(known):
                    contact.delete()
            CustomerContact.objects.filter(customer=merged).update(customer=kept)
            continue
        manager.filter(**{rel.field.name: merged}).update(**{rel.field.name: kept})
    for field in ("name", "im_id", "company", "phone", "address"):
        if not getattr(kept, field) and getattr(merged, field):
            setattr(kept, field, getattr(merged, field))
    if merged.note and merged.note not in kept.note:
        kept.note = "\n".join(n for n in (kept.note, merged.note) if n)
    kept.tags = list(dict.fromkeys([*(kept.tags or []), *(merged.tags or [])]))
    for field in FIGURES:
        setattr(kept, field, getattr(kept, field) + getattr(merged, field))
    kept.paid_amount += merged.paid_amount
    kept.misdescription_count += merged.misdescription_count
    for field, pick in (("first_paid_at", min), ("last_paid_at", max), ("last_order_at", max)):
        values = [v for v in (getattr(kept, field), getattr(merged, field)) if v is not None]
        setattr(kept, field, pick(values) if values else None)
    if merged.blacklisted and not kept.blacklisted:
        kept.blacklisted, kept.blacklisted_at = True, merged.blacklisted_at
        kept.blacklist_reason, kept.blacklisted_by = merged.blacklist_reason, merged.blacklisted_by
    merged_id = merged.pk
    CustomerMerge.objects.create(
        kept=kept, merged_id=merged_id, merged_nick=merged.buyer_nick, merged_data=snapshot, merged_by=by
    )
    merged.delete()
    kept.save()
    activity_record(
        target=kept,
        actor=by,
        verb="customer_merge",
        message=merged.buyer_nick or merged.display_name,
        data={"merged_id": merged_id},
    )
    return kept


# --- exports (admins only, every one recorded) -------------------------------------------------------

EXPORT_FORMATS = ("json", "csv", "xlsx")


def customers_export(
    *, by, fmt: str = "json", channel: str = "page", group: CustomerGroup | None = None
) -> tuple[bytes, int]:
    """The profiles (of a group, or all) as json, csv or xlsx, and how many; only an admin exports,
    and every export is recorded (who, when, format, rows). Phones are masked in exports too."""
    if by is not None or channel != "cli":
        roles.require_role(by, roles.ADMIN)
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(_("不支持的导出格式：%(fmt)s（可选 json、csv、xlsx）") % {"fmt": fmt})
    table = selectors.levels()
    qs = selectors.group_members(group=group) if group else selectors.profiles_for_export()
    rows = [selectors.profile_row(c, table=table) for c in qs.iterator(chunk_size=5000)]
    if fmt == "json":
        data = json.dumps(rows, ensure_ascii=False, indent=1).encode()
    else:
        header = list(selectors.EXPORT_FIELDS)
        values = [[_cell(row[k]) for k in header] for row in rows]
        if fmt == "csv":
            data = spreadsheets.csv_bytes(header, values)
        else:
            data = spreadsheets.xlsx_bytes(_("客户"), header, values)
    CustomerExport.objects.create(
        by=by if getattr(by, "pk", None) else None,
        channel=channel,
        format=fmt,
        rows=len(rows),
        filters={"group": group.name} if group else {},
    )
    return data, len(rows)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value


# --- satisfaction -------------------------------------------------------------------------------------

SURVEY_SALT = "kefu.customers.survey"


def satisfaction_submit(
    *,
    kind: str,
    source_id: int,
    score: int,
    comment: str = "",
    agent_id: int | None = None,
    customer: Customer | None = None,
) -> Satisfaction:
    """The customer's own rating (1–5, optional comment) of a chat, case, complaint or visit; once per
    source (a second rating is refused). Never a default: nothing is stored unless the customer rates."""
    if kind not in SatisfactionKind.values:
        raise ValidationError({"kind": _("未知的评价类型。")})
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ValidationError({"score": _("请选择 1 到 5 分。")})
    comment = " ".join((comment or "").split())
    if len(comment) > 500:
        raise ValidationError({"comment": _("意见不能超过 500 个字。")})
    try:
        with transaction.atomic():
            return Satisfaction.objects.create(
                kind=kind,
                source_id=int(source_id),
                score=score,
                comment=comment,
                agent_id=agent_id,
                customer=customer,
            )
    except IntegrityError:
        raise ValidationError(_("您已经评价过了，感谢您的反馈。")) from None


def survey_token(
    *, kind: str, source_id: int, agent_id: int | None = None, customer_id: int | None = None
) -> str:
    """The signed token of a no-account survey link (满意度调查链接) for this case, complaint or visit."""
    return signing.dumps({"k": kind, "s": int(source_id), "a": agent_id, "c": customer_id}, salt=SURVEY_SALT)


def survey_read(token: str) -> dict:
    """What a survey token names; ValidationError when it is forged or expired."""
    max_age = int(shopsettings.get("survey_link_days")) * 86400
    try:
        data = signing.loads(token, salt=SURVEY_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ValidationError(_("评价链接已过期。")) from None
    except signing.BadSignature:
        raise ValidationError(_("评价链接无效。")) from None
    return {
        "kind": data["k"],
        "source_id": data["s"],
        "agent_id": data.get("a"),
        "customer_id": data.get("c"),
    }


def survey_submit(*, token: str, score: int, comment: str = "") -> Satisfaction:
    """A customer rates through the link: the token says what is rated, by whom it was handled."""
    data = survey_read(token)
    customer = Customer.objects.filter(pk=data["customer_id"]).first() if data["customer_id"] else None
    return satisfaction_submit(
        kind=data["kind"],
        source_id=data["source_id"],
        score=score,
        comment=comment,
        agent_id=data["agent_id"],
        customer=customer,
    )


# --- groups --------------------------------------------------------------------------------------------


@transaction.atomic
def group_save(
    *, by, name: str, kind: str, filters: dict, nicks: str = "", group: CustomerGroup | None = None
) -> CustomerGroup:
    """Create or change a group: a saved filter, or a static list of member names (one a line)."""
    roles.require_staff(by)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("请填写分组名称。")})
    same_name = CustomerGroup.objects.filter(name=name)
    if group is not None:
        same_name = same_name.exclude(pk=group.pk)
    if same_name.exists():
        raise ValidationError({"name": _("已有同名分组。")})
    if kind == CustomerGroup.FILTER and not filters:
        raise ValidationError({"kind": _("请至少填写一个筛选条件。")})
    wanted = [n.strip() for n in (nicks or "").splitlines() if n.strip()]
    found = list(Customer.objects.filter(buyer_nick__in=wanted)) if kind == CustomerGroup.STATIC else []
    if kind == CustomerGroup.STATIC:
        missing = sorted(set(wanted) - {c.buyer_nick for c in found})
        if missing:
            raise ValidationError({"nicks": _("找不到这些会员名：%(n)s") % {"n": "、".join(missing[:10])}})
    if group is None:
        group = CustomerGroup.objects.create(name=name, kind=kind, filters=filters, created_by=by)
        verb = "customer_group_create"
    else:
        group.name, group.kind, group.filters = name, kind, filters
        group.save()
        verb = "customer_group_update"
    if kind == CustomerGroup.STATIC:
        group.members.set(found)
    activity_record(target=group, actor=by, verb=verb, message=name, data={"filters": filters})
    return group


# --- return visits (回访) -------------------------------------------------------------------------------


def visit_plan(*, by, group: CustomerGroup, plan: str, reason: str = "", agent=None) -> int:
    """Plan a visit to every customer of the group (a plan visits a customer once); how many were new."""
    roles.require_role(by, roles.SUPERVISOR)
    plan = " ".join((plan or "").split())
    if not plan:
        raise ValidationError({"plan": _("请填写回访计划名称。")})
    ids = selectors.group_members(group=group).values_list("id", flat=True)
    with transaction.atomic():
        before = ReturnVisit.objects.filter(plan=plan).count()
        for start in range(0, 1_000_000, 5000):
            chunk = list(ids[start : start + 5000])
            if not chunk:
                break
            ReturnVisit.objects.bulk_create(
                [ReturnVisit(customer_id=pk, plan=plan, reason=reason[:200], agent=agent) for pk in chunk],
                ignore_conflicts=True,
            )
        created = ReturnVisit.objects.filter(plan=plan).count() - before
        activity_record(target=group, actor=by, verb="customer_visit_plan", message=plan, data={"n": created})
    return created


def in_rest_hours(now=None) -> bool:
    """Whether the shop's rest hours (``visit_rest_hours``, e.g. 21:00-09:00) hold now (shop time)."""
    raw = str(shopsettings.get("visit_rest_hours") or "")
    try:
        start_s, end_s = (part.strip() for part in raw.split("-", 1))
        start = tuple(int(x) for x in start_s.split(":"))
        end = tuple(int(x) for x in end_s.split(":"))
    except ValueError:
        return False
    local = timezone.localtime(now or timezone.now())
    current = (local.hour, local.minute)
    if start <= end:
        return start <= current < end
    return current >= start or current < end


@transaction.atomic
def visit_record(*, visit: ReturnVisit, by, outcome: str, note: str = "", now=None) -> ReturnVisit:
    """Record the outcome of a visit; never in the rest hours. A problem puts a work item in the inbox."""
    roles.require_staff(by)
    now = now or timezone.now()
    if in_rest_hours(now):
        raise ValidationError(_("现在是客户休息时间，请不要打扰客户，稍后再回访。"))
    if outcome not in VisitOutcome.values:
        raise ValidationError({"outcome": _("请选择回访结果。")})
    visit = ReturnVisit.objects.select_for_update().get(pk=visit.pk)
    if visit.state == ReturnVisit.DONE:
        raise ValidationError(_("这次回访已经记录过了。"))
    visit.state, visit.outcome, visit.note = ReturnVisit.DONE, outcome, (note or "").strip()
    visit.agent, visit.done_at = by, now
    visit.save()
    if outcome == VisitOutcome.PROBLEM:
        worklist.work_put(
            source="visit",
            source_id=visit.pk,
            title=_("回访发现问题：%(note)s") % {"note": visit.note[:80] or visit.plan},
            customer=visit.customer,
            customer_label=visit.customer.display_name,
            priority=worklist.Priority.HIGH,
            by=by,
        )
    activity_record(
        target=visit.customer, actor=by, verb="customer_visit", message=visit.get_outcome_display()
    )
    return visit


def visit_script(*, visit: ReturnVisit, agent_name: str, shop: str = "") -> list[str]:
    """The script's opening, asking and closing lines, with the customer's name filled in. The
    buyer hears it in Chinese whatever language the desk speaks, so nothing here is translated."""
    values = {
        "name": visit.customer.name or visit.customer.buyer_nick or "顾客",
        "shop": shop or str(shopsettings.get("shop_name")) or "本店",
        "agent": agent_name,
    }
    lines = []
    for key in ("visit_script_opening", "visit_script_asking", "visit_script_closing"):
        text = str(shopsettings.get(key))
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        lines.append(text)
    return lines


# --- notices to affected customers ---------------------------------------------------------------------

# minutes to wait after the n-th failure
BACKOFF_MINUTES = (1, 5, 30, 120, 720)


def notice_text(*, notice: Notice, customer: Customer) -> str:
    values = {"name": customer.name or customer.buyer_nick or _("顾客"), "nick": customer.buyer_nick}
    text = notice.template
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


@transaction.atomic
def notice_create(
    *, by, title: str, template: str, channel: str = "outbox", filters: dict, group=None
) -> Notice:
    roles.require_role(by, roles.SUPERVISOR)
    if channel not in senders.names():
        raise ValidationError({"channel": _("未知的发送方式。")})
    if not (title or "").strip() or not (template or "").strip():
        raise ValidationError({"template": _("请填写通知标题和内容。")})
    if not filters and group is None:
        raise ValidationError({"filters": _("请至少选择一个筛选条件或客户分组。")})
    notice = Notice.objects.create(
        title=title.strip()[:100],
        template=template.strip(),
        channel=channel,
        filters=filters,
        group=group,
        created_by=by,
    )
    activity_record(target=notice, actor=by, verb="customer_notice_create", message=notice.title)
    return notice


def notice_preview(*, notice: Notice, limit: int = 5) -> dict:
    """How many customers the notice reaches, and the first messages as they will read."""
    qs = selectors.notice_recipients(notice=notice)
    return {"count": qs.count(), "samples": [notice_text(notice=notice, customer=c) for c in qs[:limit]]}


def notice_send(*, notice: Notice, by, now=None) -> dict:
    """Write one message per affected customer (never twice per customer: the notice's messages are
    unique per customer, so sending again only reaches newly affected ones) and try to deliver them."""
    roles.require_role(by, roles.SUPERVISOR)
    now = now or timezone.now()
    with transaction.atomic():
        recipients = selectors.notice_recipients(notice=notice).exclude(notices__notice=notice)
        NoticeMessage.objects.bulk_create(
            [
                NoticeMessage(
                    notice=notice,
                    customer=c,
                    channel=notice.channel,
                    text=notice_text(notice=notice, customer=c),
                    next_try_at=now,
                )
                for c in recipients.iterator(chunk_size=2000)
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        Notice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(sent_at=now)
        activity_record(target=notice, actor=by, verb="customer_notice_send", message=notice.title)
    return notices_deliver(now=now, notice=notice)


def notices_deliver(
    *, now=None, notice: Notice | None = None, message_ids: list[int] | None = None
) -> dict[str, int]:
    """Deliver the messages due (new, or failed and waiting out their back-off); a failure records
    its reason and tries again later, never losing the message. Also the sweep."""
    now = now or timezone.now()
    limit = int(shopsettings.get("notice_max_attempts"))
    due = NoticeMessage.objects.filter(
        state__in=[NoticeMessage.PENDING, NoticeMessage.FAILED], next_try_at__lte=now, attempts__lt=limit
    ).select_related("customer", "notice")
    if notice is not None:
        due = due.filter(notice=notice)
    if message_ids is not None:
        due = due.filter(pk__in=message_ids)
    sent = failed = 0
    for message in due.order_by("id")[:500]:
        sender = senders.get(message.channel)
        try:
            if sender is None:
                raise senders.SendError(f"未知的发送方式 {message.channel}")
            sender(message)
        except senders.SendError as exc:
            wait = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES) - 1)]
            NoticeMessage.objects.filter(pk=message.pk).update(
                state=NoticeMessage.FAILED,
                attempts=F("attempts") + 1,
                last_error=str(exc)[:255],
                next_try_at=now + timedelta(minutes=wait),
            )
            failed += 1
        else:
            NoticeMessage.objects.filter(pk=message.pk).update(
                state=NoticeMessage.SENT,
                attempts=F("attempts") + 1,
                last_error="",
                sent_at=now,
                next_try_at=None,
            )
            sent += 1
    return {"notices_sent": sent, "notices_failed": failed}


def message_channel_for(*, phone: str = "", email: str = "") -> str:
    """How a single message reaches someone by the contacts they left: an e-mail when they gave
    one, a text message when they gave a phone and the shop set its SMS gateway, otherwise the
    outbox (an agent passes it on in the platform's chat)."""
    if email:
        return "email"
    if phone and str(shopsettings.get("notice_sms_webhook") or "").startswith(("http://", "https://")):
        return "sms"
    return "outbox"


def customer_message_send(
    *,
    subject: str,
    text: str,
    phone: str = "",
    email: str = "",
    customer: Customer | None = None,
    channel: str = "",
    source: str = "",
    source_id: int | None = None,
) -> NoticeMessage:
    """One message to one person through the notices' senders (the channel told by the contacts
    when not given), recorded with its state like a notice's; it is tried after the caller's
    transaction commits, and a failure is retried by the ``customer_notices`` sweep with back-off."""
    channel = channel or message_channel_for(phone=phone, email=email)
    if channel not in senders.names():
        raise ValidationError({"channel": _("未知的发送方式。")})
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写通知标题和内容。")})
    message = NoticeMessage.objects.create(
        customer=customer,
        channel=channel,
        subject=(subject or "").strip()[:100],
        phone=(phone or "").strip()[:20],
        email=(email or "").strip()[:254],
        source=source[:24],
        source_id=source_id,
        text=text.strip(),
        next_try_at=timezone.now(),
    )
    transaction.on_commit(lambda: message_deliver(message_id=message.pk))
    return message


def message_deliver(*, message_id: int) -> dict[str, int]:
    """Try one message now (a single message right after it was written)."""
    return notices_deliver(message_ids=[message_id])
