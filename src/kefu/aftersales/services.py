"""Writes of after-sales cases, complaints and bad reviews.

Every change goes through a function here: it checks the role, validates (Chinese messages per
field), locks or conditionally updates the row two agents could touch, tells the inbox (through
``kefu.core.worklist``, in the same transaction) whether the row still waits on the team and until
when, and writes one history entry on the row, so its page shows who changed what, from the pages,
the API and the sweep alike.
"""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.aftersales import rules
from kefu.aftersales.models import (
    FINAL_CASE_STATES,
    QUICK_STEPS,
    REFUND_KINDS,
    AfterSalesCase,
    BadReview,
    CaseKind,
    CasePhoto,
    CaseState,
    Complaint,
    ComplaintChannel,
    Damage,
    InspectionResult,
    Rating,
    RefundChannel,
    ReviewOutcome,
    Satisfaction,
)
from kefu.core import roles, worklist
from kefu.core.activity import activity_record, changes_since
from kefu.core.types import User
from kefu.core.worklist import Priority
from kefu.customers import services as customer_services
from kefu.customers.models import Customer
from kefu.orders.models import Order, OrderState, ShippingMethod


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else _("系统")


def _customer_label(customer: Customer | None, *fallbacks: str) -> str:
    if customer is not None:
        return customer.display_name[:120]
    return next((f for f in fallbacks if f), "")[:120]


# --- after-sales cases ----------------------------------------------------------------------

CASE_TEXT_LIMITS = {
    "order_number": 32,
    "item_title": 200,
    "waybill": 64,
    "reason": 200,
    "buyer_nick": 64,
    "buyer_phone": 32,
    "exclusion": 60,
}


def _money(value, field: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors[field] = _("请填写正确的金额。")
        return None
    if amount < 0:
        errors[field] = _("金额不能为负数。")
    return amount


# Paid, and not (wholly) shipped: a refund request on such an order has the shorter timer.
UNSHIPPED_ORDER_STATES: tuple[str, ...] = (OrderState.WAIT_SELLER_SEND, OrderState.SELLER_CONSIGNED_PART)


def case_deadline(case: AfterSalesCase) -> datetime | None:
    """When the next thing must happen on the case, from the refund timers; drives the item's due."""
    state = case.state
    if state in FINAL_CASE_STATES:
        return None
    if state == CaseState.REQUESTED:
        if case.kind in REFUND_KINDS:
            deadline = rules.seller_response_deadline(case.requested_at)
            if case.order is not None and case.order.state in UNSHIPPED_ORDER_STATES:
                deadline = min(deadline, rules.unshipped_refund_deadline(case.requested_at))
            return deadline
        return rules.handle_deadline(case.requested_at)
    if state == CaseState.REFUSED and case.refused_at:
        return rules.buyer_after_refusal_deadline(case.refused_at)
    if state == CaseState.AWAITING_RETURN and case.agreed_at:
        return rules.return_ship_deadline(case.agreed_at)
    if state == CaseState.RETURN_SHIPPED and case.return_shipped_at:
        return rules.return_confirm_deadline(case.return_shipped_at, case.return_method)
    if state == CaseState.RECEIVED and case.received_at:
        return rules.handle_deadline(case.received_at)
    if state == CaseState.REFUND_PENDING:
        return rules.handle_deadline(case.inspected_at or case.agreed_at or timezone.now())
    return None


def case_title(case: AfterSalesCase) -> str:
    return f"{CaseKind(case.kind).label}：{case.item_title or case.reason or case.order_number or ''}"[:200]


def case_work_put(
    *, case: AfterSalesCase, by: User | None, priority: int | None = None, label: str = ""
) -> None:
    """Tell the inbox where the case stands: done when final, otherwise due at its next deadline
    and waiting while the ball is with the buyer."""
    if case.state in FINAL_CASE_STATES:
        worklist.work_done(source="aftersales", source_id=case.pk, by=by)
        return
    worklist.work_put(
        source="aftersales",
        source_id=case.pk,
        title=case_title(case),
        customer=case.customer,
        customer_label=label or _customer_label(case.customer, case.buyer_nick),
        due_at=case_deadline(case),
        waiting=case.state in (CaseState.REFUSED, CaseState.AWAITING_RETURN),
        priority=priority,
        created_at=case.requested_at,
        by=by,
    )


def _case_saved(
    case: AfterSalesCase, *, fields: list[str], by: User | None, verb: str, message: str = "", data=None
) -> None:
    """Save the case's changed fields (the case is locked), bring its inbox item in step, and record
    the change."""
    case.version += 1
    case.save(update_fields=[*fields, "version"])
    case_work_put(case=case, by=by)
    activity_record(target=case, actor=by, verb=verb, message=message, data=data or {})


def _changed_since(row, saves: int) -> str:
    """ "Changed meanwhile": who changed the row since the editor opened it, when and what."""
    return _("您打开后，这张单已被修改（%(changes)s）。请查看最新内容后再保存，您填写的内容仍在表单里。") % {
        "changes": changes_since(row, saves)
    }


def _locked_case(case: AfterSalesCase, *states: str) -> AfterSalesCase:
    case = AfterSalesCase.objects.select_for_update(of=("self",)).select_related("customer").get(pk=case.pk)
    if states and case.state not in states:
        raise ValidationError(
            _("售后单当前状态为“%(state)s”，不能执行此操作。") % {"state": case.get_state_display()}
        )
    return case


def _clean_case_fields(values: dict, errors: dict) -> dict:
    out = {}
    for key, value in values.items():
        if key in CASE_TEXT_LIMITS:
            value = " ".join(str(value or "").split())
            if len(value) > CASE_TEXT_LIMITS[key]:
                errors[key] = _("不能超过 %(n)d 个字。") % {"n": CASE_TEXT_LIMITS[key]}
        elif key in ("amount", "outbound_postage", "return_postage", "refund_requested"):
            value = _money(value, key, errors)
        elif key == "quantity":
            try:
                value = int(value or 1)
                if value < 1:
                    raise ValueError
            except (TypeError, ValueError):
                errors[key] = _("数量至少为 1。")
                value = 1
        elif key == "details":
            value = (value or "").strip()
        elif key == "damage":
            value = value or ""
            if value not in Damage.values:
                errors[key] = _("请选择破损情况。")
        elif key == "exclusion":
            value = value or ""
        out[key] = value
    if out.get("exclusion") and out["exclusion"] not in rules.shopsettings.get("no_reason_return_exclusions"):
        errors["exclusion"] = _("不在店铺设置的不支持七天无理由商品列表中。")
    return out


CASE_FIELDS = (
    "order_number",
    "purchase_date",
    "item_title",
    "quantity",
    "amount",
    "waybill",
    "details",
    "reason",
    "buyer_nick",
    "buyer_phone",
    "quality_problem",
    "free_shipping",
    "outbound_postage",
    "return_postage",
    "received_by_buyer_at",
    "exclusion",
    "damage",
    "refund_requested",
    "return_required",
)


def _from_order(order: Order) -> dict:
    """The registration lines of a case (订单编号、购买日期、产品、数量、金额、运单号), read off the order."""
    lines = [line for line in order.lines.all() if not line.is_gift]
    first = lines[0] if lines else None
    return {
        "order_number": order.number,
        "purchase_date": timezone.localtime(order.paid_at or order.created_at).date(),
        "item_title": (first.title if first else "")[:200],
        "quantity": sum(line.quantity for line in lines) or 1,
        "amount": order.paid_amount,
        "waybill": order.waybill,
        "buyer_nick": order.buyer_nick,
        "buyer_phone": order.receiver_phone,
        "outbound_postage": order.postage,
        "free_shipping": order.postage == 0,
    }


@transaction.atomic
def case_create(
    *,
    by: User,
    kind: str,
    order: Order | None = None,
    customer_name: str = "",
    priority: int = Priority.NORMAL,
    requested_at: datetime | None = None,
    **fields,
) -> AfterSalesCase:
    """Register an after-sales case (and its inbox item), linked to the order when there is one.

    Fields left empty are filled from the order; the customer is found or created by nick/phone.
    """
    roles.require_staff(by)
    errors: dict = {}
    if kind not in CaseKind.values:
        errors["kind"] = _("请选择售后类型。")
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValidationError(_("未知的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    values = {**(_from_order(order) if order else {})}
    values.update({k: v for k, v in fields.items() if v not in (None, "")})
    if "free_shipping" in fields and fields["free_shipping"] is not None:
        values["free_shipping"] = bool(fields["free_shipping"])
    values = _clean_case_fields(values, errors)
    if not (values.get("order_number") or values.get("waybill") or values.get("buyer_nick")):
        errors["order_number"] = _("请填写订单编号、快递运单号或买家会员名中的至少一项。")
    if (
        kind == CaseKind.REFUND_ONLY
        and values.get("refund_requested") is None
        and values.get("amount") is None
    ):
        errors["refund_requested"] = _("请填写申请退款金额。")
    if priority not in Priority.values:
        errors["priority"] = _("优先级无效。")
    if errors:
        raise ValidationError(errors)
    if kind == CaseKind.RETURN_REFUND:
        values["return_required"] = True
    if kind in REFUND_KINDS and values.get("refund_requested") is None:
        values["refund_requested"] = values.get("amount")
    customer = customer_services.customer_find_or_create(
        by=by,
        name=customer_name,
        buyer_nick=values.get("buyer_nick", ""),
        phone=values.get("buyer_phone", ""),
    )
    requested_at = requested_at or timezone.now()
    case = AfterSalesCase.objects.create(
        kind=kind, order=order, customer=customer, requested_at=requested_at, **values
    )
    label = _customer_label(customer, customer_name, values.get("buyer_nick", ""))
    case_work_put(case=case, by=by, priority=priority, label=label)
    activity_record(target=case, actor=by, verb="case_create", message=case_title(case))
    return case


@transaction.atomic
def case_update(
    *, case: AfterSalesCase, by: User, expected_version: int | None = None, **fields
) -> AfterSalesCase:
    """Correct the registration, postage or eligibility fields of an open case.

    ``expected_version`` is the version the editor's form was loaded at: when a colleague saved the
    case since, nothing is written and the editor is told who changed what, so a form loaded
    earlier never silently puts back the old text."""
    roles.require_staff(by)
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise ValidationError(_("未知的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    case = _locked_case(case)
    if expected_version is not None and case.version != expected_version:
        raise ValidationError(_changed_since(case, case.version - expected_version))
    if case.is_final:
        raise ValidationError(_("售后单已结束，不能再修改。"))
    errors: dict = {}
    values = _clean_case_fields(fields, errors)
    if errors:
        raise ValidationError(errors)
    changed = [k for k, v in values.items() if getattr(case, k) != v]
    for k in changed:
        setattr(case, k, values[k])
    if case.kind == CaseKind.RETURN_REFUND:
        case.return_required = True
    if changed:
        _case_saved(case, fields=changed, by=by, verb="case_update", data={"changed": changed})
    return case


@transaction.atomic
def case_agree(*, case: AfterSalesCase, by: User) -> AfterSalesCase:
    """The seller agrees: a return is awaited (7 days for the buyer), or the refund is due now."""
    roles.require_role(by, roles.AFTERSALES, roles.SUPERVISOR)
    case = _locked_case(case, CaseState.REQUESTED)
    if case.kind not in (*REFUND_KINDS, CaseKind.EXCHANGE):
        raise ValidationError(_("补发和问题件不需要同意，直接登记处理结果。"))
    case.agreed_at = timezone.now()
    case.state = CaseState.AWAITING_RETURN if case.needs_return else CaseState.REFUND_PENDING
    _case_saved(
        case, fields=["agreed_at", "state"], by=by, verb="case_agree", message=case.get_state_display()
    )
    return case


@transaction.atomic
def case_refuse(*, case: AfterSalesCase, by: User, reason: str) -> AfterSalesCase:
    """The seller refuses (also after a failed inspection); the buyer has 7 days to act."""
    roles.require_role(by, roles.AFTERSALES, roles.SUPERVISOR)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写拒绝原因，买家会看到。")})
    case = _locked_case(case, CaseState.REQUESTED, CaseState.RECEIVED)
    case.state = CaseState.REFUSED
    case.refused_at = timezone.now()
    case.refuse_reason = reason[:255]
    _case_saved(
        case, fields=["state", "refused_at", "refuse_reason"], by=by, verb="case_refuse", message=reason
    )
    return case


@transaction.atomic
def case_request_modified(
    *, case: AfterSalesCase, by: User, note: str = "", refund_requested: Decimal | str | None = None
) -> AfterSalesCase:
    """After a refusal the buyer changed the request: it is pending again, the seller's 5 days anew."""
    roles.require_staff(by)
    case = _locked_case(case, CaseState.REFUSED)
    errors: dict = {}
    amount = _money(refund_requested, "refund_requested", errors)
    if errors:
        raise ValidationError(errors)
    case.state = CaseState.REQUESTED
    case.requested_at = timezone.now()
    fields = ["state", "requested_at"]
    if amount is not None:
        case.refund_requested = amount
        fields.append("refund_requested")
    _case_saved(case, fields=fields, by=by, verb="case_request_modified", message=note.strip())
    return case


@transaction.atomic
def case_return_shipped(
    *,
    case: AfterSalesCase,
    by: User,
    waybill: str,
    courier: str = "",
    method: str = ShippingMethod.EXPRESS,
    shipped_at: datetime | None = None,
) -> AfterSalesCase:
    """The buyer sent the goods back: the seller now has 10 days (express) / 30 (surface) to confirm."""
    roles.require_staff(by)
    waybill = " ".join((waybill or "").split())
    errors = {}
    if not waybill:
        errors["waybill"] = _("请填写退货运单号。")
    if method not in (ShippingMethod.EXPRESS, ShippingMethod.SURFACE):
        errors["method"] = _("退货方式只能是快递或平邮。")
    if errors:
        raise ValidationError(errors)
    case = _locked_case(case, CaseState.AWAITING_RETURN)
    case.state = CaseState.RETURN_SHIPPED
    case.return_waybill = waybill[:64]
    case.return_courier = (courier or "").strip()[:32]
    case.return_method = method
    case.return_shipped_at = shipped_at or timezone.now()
    _case_saved(
        case,
        fields=["state", "return_waybill", "return_courier", "return_method", "return_shipped_at"],
        by=by,
        verb="case_return_shipped",
        message=f"{case.return_courier} {waybill}".strip(),
    )
    return case


@transaction.atomic
def case_receive(*, case: AfterSalesCase, by: User) -> AfterSalesCase:
    """The return arrived at the shop; it waits for inspection (检查登记)."""
    roles.require_staff(by)
    case = _locked_case(case, CaseState.RETURN_SHIPPED)
    case.state = CaseState.RECEIVED
    case.received_at = timezone.now()
    _case_saved(case, fields=["state", "received_at"], by=by, verb="case_receive")
    return case


@transaction.atomic
def case_inspect(
    *, case: AfterSalesCase, by: User, condition: str, result: str, photo: File | None = None
) -> AfterSalesCase:
    """Register the inspection of a return: condition and result, with the photo taken at the bench
    when there is one. Accepted → the refund is due (or, for an exchange, the new item is to be
    sent); rejected → the refund is refused with the reason."""
    roles.require_staff(by)
    condition = (condition or "").strip()
    errors = {}
    if not condition:
        errors["condition"] = _("请填写退货商品的完整程度。")
    if result not in (InspectionResult.ACCEPTED, InspectionResult.PARTIAL, InspectionResult.REJECTED):
        errors["result"] = _("请选择验货结果。")
    if errors:
        raise ValidationError(errors)
    case = _locked_case(case, CaseState.RECEIVED)
    if case.inspection_result:
        raise ValidationError(_("这件退货已经验过了。"))
    case.inspection_condition = condition[:255]
    case.inspection_result = result
    case.inspected_at = timezone.now()
    case.inspected_by = by
    fields = ["inspection_condition", "inspection_result", "inspected_at", "inspected_by"]
    if result == InspectionResult.REJECTED:
        case.state = CaseState.REFUSED
        case.refused_at = case.inspected_at
        case.refuse_reason = (_("验货不合格：%(c)s") % {"c": condition})[:255]
        fields += ["state", "refused_at", "refuse_reason"]
    elif case.is_refund:
        case.state = CaseState.REFUND_PENDING
        fields.append("state")
    _case_saved(
        case,
        fields=fields,
        by=by,
        verb="case_inspect",
        message=f"{InspectionResult(result).label}：{condition}",
    )
    if photo is not None:
        # In the same transaction: an inspection is not registered without the photo that was taken.
        case_photo_add(case=case, by=by, image=photo, purpose=CasePhoto.Purpose.INSPECTION)
    return case


@transaction.atomic
def case_refund(
    *,
    case: AfterSalesCase,
    by: User,
    amount,
    channel: str,
    rights_protection: bool = False,
    refunded_at: datetime | None = None,
) -> AfterSalesCase:
    """Register the refund (退款登记): amount and channel; a rights-protection (维权) refund is
    marked so the statistics count it."""
    roles.require_role(by, roles.AFTERSALES, roles.SUPERVISOR)
    errors: dict = {}
    value = _money(amount, "amount", errors)
    if value is None and "amount" not in errors:
        errors["amount"] = _("请填写退款金额。")
    elif value is not None and value <= 0 and "amount" not in errors:
        errors["amount"] = _("退款金额必须大于 0。")
    if channel not in RefundChannel.values:
        errors["channel"] = _("请选择退款渠道。")
    if errors:
        raise ValidationError(errors)
    case = _locked_case(case, CaseState.REFUND_PENDING)
    split = rules.postage_split(
        quality_problem=case.quality_problem,
        free_shipping=case.free_shipping,
        outbound_postage=case.outbound_postage,
        return_postage=case.return_postage,
    )
    if case.amount is not None and value is not None:
        ceiling = case.amount + (split.seller_owes_buyer or Decimal(0))
        if value > ceiling:
            raise ValidationError(
                {"amount": _("退款金额不能超过 %(max)s 元（货款加应由卖家承担的运费）。") % {"max": ceiling}}
            )
    case.state = CaseState.REFUNDED
    case.refund_amount = value
    case.refund_channel = channel
    case.rights_protection = bool(rights_protection)
    case.refunded_at = refunded_at or timezone.now()
    case.refunded_by = by
    case.closed_at = case.refunded_at
    _case_saved(
        case,
        fields=[
            "state",
            "refund_amount",
            "refund_channel",
            "rights_protection",
            "refunded_at",
            "refunded_by",
            "closed_at",
        ],
        by=by,
        verb="case_refund",
        message=f"¥{value} {RefundChannel(channel).label}" + (" 维权" if rights_protection else ""),
    )
    return case


@transaction.atomic
def case_reship(
    *, case: AfterSalesCase, by: User, waybill: str, courier: str = "", note: str = ""
) -> AfterSalesCase:
    """Send the replacement: a reshipment (补发) from its registration, an exchange after the
    accepted inspection of the return."""
    roles.require_staff(by)
    waybill = " ".join((waybill or "").split())
    if not waybill:
        raise ValidationError({"waybill": _("请填写补发/换货的运单号。")})
    case = _locked_case(case, CaseState.REQUESTED, CaseState.RECEIVED)
    if case.kind == CaseKind.RESHIPMENT and case.state != CaseState.REQUESTED:
        raise ValidationError(_("补发单状态不对。"))
    if case.kind == CaseKind.EXCHANGE and case.inspection_result not in (
        InspectionResult.ACCEPTED,
        InspectionResult.PARTIAL,
    ):
        raise ValidationError(_("换货须先收到退货并验货合格。"))
    if case.kind not in (CaseKind.RESHIPMENT, CaseKind.EXCHANGE):
        raise ValidationError(_("只有补发和换货需要发出新商品。"))
    case.reship_waybill = waybill[:64]
    case.reship_courier = (courier or "").strip()[:32]
    case.resolution = (note or "").strip() or _("已发出，运单号 %(w)s") % {"w": waybill}
    case.state = CaseState.RESOLVED
    case.closed_at = timezone.now()
    _case_saved(
        case,
        fields=["reship_waybill", "reship_courier", "resolution", "state", "closed_at"],
        by=by,
        verb="case_reship",
        message=f"{case.reship_courier} {waybill}".strip(),
    )
    return case


@transaction.atomic
def case_resolve(*, case: AfterSalesCase, by: User, resolution: str) -> AfterSalesCase:
    """A problem parcel or returned parcel is settled: what was done, in the register's 详情."""
    roles.require_staff(by)
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("请填写处理结果。")})
    case = _locked_case(case, CaseState.REQUESTED)
    if case.kind not in (CaseKind.PROBLEM_PARCEL, CaseKind.RETURNED_PARCEL):
        raise ValidationError(_("退款、换货和补发按各自的流程处理。"))
    case.resolution = resolution
    case.state = CaseState.RESOLVED
    case.closed_at = timezone.now()
    _case_saved(
        case, fields=["resolution", "state", "closed_at"], by=by, verb="case_resolve", message=resolution
    )
    return case


@transaction.atomic
def case_close(*, case: AfterSalesCase, by: User, reason: str) -> AfterSalesCase:
    """Close an open case without a refund (the buyer withdrew, a duplicate), with the reason."""
    roles.require_staff(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写关闭原因。")})
    case = _locked_case(case)
    if case.is_final:
        raise ValidationError(_("售后单已经结束了。"))
    case.state = CaseState.CLOSED
    case.close_reason = reason[:255]
    case.closed_at = timezone.now()
    _case_saved(case, fields=["state", "close_reason", "closed_at"], by=by, verb="case_close", message=reason)
    return case


@transaction.atomic
def case_misdescription_record(*, case: AfterSalesCase, by: User, note: str) -> AfterSalesCase:
    """Record that the customer misdescribed the goods on this case; counted once per case on the
    customer, who is blacklisted automatically at the shop's threshold: a buyer who keeps misdescribing goods is not served blindly again."""
    roles.require_staff(by)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请说明客户虚假描述的情况。")})
    case = _locked_case(case)
    if case.misdescribed:
        raise ValidationError(_("这张售后单已经登记过虚假描述。"))
    if case.customer is None:
        raise ValidationError(_("这张售后单没有关联客户，无法计入黑名单次数。"))
    case.misdescribed = True
    case.misdescription_note = note[:255]
    customer = customer_services.customer_misdescription_record(
        customer=case.customer, by=by, reason=f"{case} — {note}"[:255]
    )
    case.customer = customer
    _case_saved(
        case,
        fields=["misdescribed", "misdescription_note"],
        by=by,
        verb="case_misdescription",
        message=note,
        data={"count": customer.misdescription_count, "blacklisted": customer.blacklisted},
    )
    return case


@transaction.atomic
def case_photo_add(*, case: AfterSalesCase, by: User, image, purpose: str) -> CasePhoto:
    roles.require_staff(by)
    if purpose not in CasePhoto.Purpose.values:
        raise ValidationError({"purpose": _("请选择照片用途。")})
    if image is None:
        raise ValidationError({"image": _("请选择照片。")})
    if getattr(image, "size", 0) > 10 * 1024 * 1024:
        raise ValidationError({"image": _("照片不能超过 10 MB。")})
    photo = CasePhoto(case=case, purpose=purpose, image=image, uploaded_by=by)
    photo.full_clean(exclude=["case", "uploaded_by"])
    photo.save()
    activity_record(target=case, actor=by, verb="case_photo", message=str(CasePhoto.Purpose(purpose).label))
    return photo


# --- complaints -----------------------------------------------------------------------------

COMPLAINT_FIELDS = (
    "customer_name",
    "phone",
    "buyer_nick",
    "channel",
    "problem",
    "product",
    "product_batch",
    "production_date",
    "first_judgement",
    "promised_reply_at",
    "expected_handling_at",
    "department",
    "cause",
    "proposed_handling",
    "customer_informed_at",
    "completion_date",
    "follow_up",
)


def _clean_complaint(values: dict, errors: dict) -> dict:
    limits = {"customer_name": 64, "phone": 32, "buyer_nick": 64, "product": 200, "product_batch": 64}
    limits["department"] = 60
    out = {}
    for key, value in values.items():
        if key in limits:
            value = " ".join(str(value or "").split())
            if len(value) > limits[key]:
                errors[key] = _("不能超过 %(n)d 个字。") % {"n": limits[key]}
        elif key in ("problem", "first_judgement", "cause", "proposed_handling", "follow_up"):
            value = (value or "").strip()
        elif key == "channel" and value not in ComplaintChannel.values:
            errors[key] = _("请选择投诉渠道。")
        out[key] = value
    return out


@transaction.atomic
def complaint_create(
    *,
    by: User,
    customer_name: str,
    channel: str,
    problem: str,
    order: Order | None = None,
    priority: int = Priority.HIGH,
    received_at: datetime | None = None,
    **fields,
) -> Complaint:
    """Record a complaint (the first lines of the 《客户投诉反馈表》); due the same day by default."""
    roles.require_staff(by)
    unknown = set(fields) - set(COMPLAINT_FIELDS)
    if unknown:
        raise ValidationError(_("未知的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    errors: dict = {}
    values = _clean_complaint(
        {"customer_name": customer_name, "channel": channel, "problem": problem, **fields}, errors
    )
    if not values.get("customer_name"):
        errors["customer_name"] = _("请填写客户名称。")
    if not values.get("problem"):
        errors["problem"] = _("请填写客户不满意的内容。")
    if not (values.get("phone") or values.get("buyer_nick")):
        errors["phone"] = _("请留下客户的电话或旺旺，方便回复调查结果。")
    if errors:
        raise ValidationError(errors)
    customer = customer_services.customer_find_or_create(
        by=by,
        name=values["customer_name"],
        buyer_nick=values.get("buyer_nick", ""),
        phone=values.get("phone", ""),
    )
    received_at = received_at or timezone.now()
    complaint = Complaint.objects.create(customer=customer, order=order, received_at=received_at, **values)
    _complaint_work_put(complaint=complaint, by=by, priority=priority)
    activity_record(target=complaint, actor=by, verb="complaint_create", message=values["problem"][:200])
    return complaint


def complaint_due_at(complaint: Complaint) -> datetime:
    """The earliest promise the shop made: the same-day answer, or an earlier time it promised."""
    promises = [d for d in (complaint.promised_reply_at, complaint.expected_handling_at) if d]
    return min([rules.complaint_due(complaint.received_at), *promises])


def _complaint_work_put(*, complaint: Complaint, by: User | None, priority: int | None = None) -> None:
    worklist.work_put(
        source="complaint",
        source_id=complaint.pk,
        title=(_("投诉：%(p)s") % {"p": complaint.problem})[:200],
        customer=complaint.customer,
        customer_label=_customer_label(complaint.customer, complaint.customer_name),
        due_at=complaint_due_at(complaint),
        priority=priority,
        created_at=complaint.received_at,
        by=by,
    )


def _complaint_save(complaint: Complaint, fields: list[str]) -> None:
    """Save the (locked) complaint's fields and move its version on."""
    complaint.version += 1
    complaint.save(update_fields=[*fields, "version"])


def _locked_complaint(complaint: Complaint) -> Complaint:
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.closed_at:
        raise ValidationError(_("投诉已结案，不能再修改。"))
    return complaint


@transaction.atomic
def complaint_update(
    *, complaint: Complaint, by: User, expected_version: int | None = None, **fields
) -> Complaint:
    """Fill in the next lines of the 《客户投诉反馈表》 as the complaint goes through its steps.
    ``expected_version``: as for a case, a form loaded before a colleague's save is refused."""
    roles.require_staff(by)
    unknown = set(fields) - set(COMPLAINT_FIELDS)
    if unknown:
        raise ValidationError(_("未知的字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    complaint = _locked_complaint(complaint)
    if expected_version is not None and complaint.version != expected_version:
        raise ValidationError(_changed_since(complaint, complaint.version - expected_version))
    errors: dict = {}
    values = _clean_complaint(fields, errors)
    if "customer_name" in values and not values["customer_name"]:
        errors["customer_name"] = _("请填写客户名称。")
    if "problem" in values and not values["problem"]:
        errors["problem"] = _("请填写客户不满意的内容。")
    if errors:
        raise ValidationError(errors)
    changed = [k for k, v in values.items() if getattr(complaint, k) != v]
    for k in changed:
        setattr(complaint, k, values[k])
    if changed:
        _complaint_save(complaint, changed)
        _complaint_work_put(complaint=complaint, by=by)
        activity_record(target=complaint, actor=by, verb="complaint_update", data={"changed": changed})
    return complaint


@transaction.atomic
def complaint_sign_off(*, complaint: Complaint, by: User) -> Complaint:
    """The department head signs the form before it goes to the quality department (部门领导签字)."""
    roles.require_role(by, roles.SUPERVISOR)
    complaint = _locked_complaint(complaint)
    if complaint.signed_off_at:
        raise ValidationError(_("投诉反馈表已经签过字了。"))
    if not (complaint.first_judgement and complaint.promised_reply_at):
        raise ValidationError(_("请先填写初步判定和承诺回复时间，再请主管签字。"))
    complaint.signed_off_by = by
    complaint.signed_off_at = timezone.now()
    _complaint_save(complaint, ["signed_off_by", "signed_off_at"])
    activity_record(target=complaint, actor=by, verb="complaint_sign_off")
    return complaint


@transaction.atomic
def complaint_step_set(*, complaint: Complaint, by: User, step: str, done: bool) -> Complaint:
    """Tick one of the six quick-handling steps (安抚 … 感谢理解) on the complaint's checklist."""
    roles.require_staff(by)
    keys = [key for key, _label in QUICK_STEPS]
    if step not in keys:
        raise ValidationError({"step": _("未知的步骤。")})
    complaint = _locked_complaint(complaint)
    steps = set(complaint.quick_steps)
    steps.add(step) if done else steps.discard(step)
    complaint.quick_steps = [k for k in keys if k in steps]
    _complaint_save(complaint, ["quick_steps"])
    activity_record(
        target=complaint,
        actor=by,
        verb="complaint_step",
        message=str(dict(QUICK_STEPS)[step]),
        data={"done": done},
    )
    return complaint


@transaction.atomic
def complaint_close(*, complaint: Complaint, by: User, satisfaction: str, follow_up: str = "") -> Complaint:
    """Close the complaint with the customer's satisfaction, the form's last line."""
    roles.require_staff(by)
    complaint = _locked_complaint(complaint)
    errors = {}
    if satisfaction not in (Satisfaction.SATISFIED, Satisfaction.PARTLY, Satisfaction.UNSATISFIED):
        errors["satisfaction"] = _("请记录客户对处理结果的满意度。")
    if not complaint.proposed_handling:
        errors["proposed_handling"] = _("请先填写处理意见并告知客户。")
    if errors:
        raise ValidationError(errors)
    complaint.satisfaction = satisfaction
    if follow_up.strip():
        complaint.follow_up = follow_up.strip()
    complaint.closed_at = timezone.now()
    _complaint_save(complaint, ["satisfaction", "follow_up", "closed_at"])
    worklist.work_done(source="complaint", source_id=complaint.pk, by=by, at=complaint.closed_at)
    activity_record(
        target=complaint, actor=by, verb="complaint_close", message=str(Satisfaction(satisfaction).label)
    )
    return complaint


def complaint_steps(complaint: Complaint) -> list[dict]:
    """The handling steps of a complaint in the shop's order, each done or not, for the page's
    walk-through."""
    c = complaint
    steps = [
        (_("平息抱怨，记录客户名称、电话、不满意内容、生产批次"), bool(c.customer_name and c.problem)),
        (_("初步判定问题所在"), bool(c.first_judgement)),
        (
            _("告诉客户何时回复调查结果，写明客户期望处理时间"),
            bool(c.promised_reply_at and c.expected_handling_at),
        ),
        (_("部门领导签字"), bool(c.signed_off_at)),
        (_("转交品质部等部门调查"), bool(c.department)),
        (_("得到调查原因"), bool(c.cause)),
        (_("告知客户原因和处理意见，道歉并说明完成时间"), bool(c.proposed_handling and c.completion_date)),
        (_("跟进处理结果"), bool(c.follow_up)),
        (_("询问客户满意度并记录"), bool(c.satisfaction)),
    ]
    current = next((i for i, (_label, done) in enumerate(steps) if not done), len(steps))
    return [
        {"n": i + 1, "label": label, "done": done, "current": i == current}
        for i, (label, done) in enumerate(steps)
    ]


# --- bad reviews ----------------------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    by: User,
    buyer_nick: str,
    rating: str,
    reviewed_at: datetime,
    text: str = "",
    order: Order | None = None,
    order_number: str = "",
    item_title: str = "",
) -> BadReview:
    """Record a neutral or bad review. Anyone on the team records it; only a supervisor settles it
    (客服无权处理中差评，应由专人负责: a reply to a public review speaks for the shop), so the item
    needs the supervisor role."""
    roles.require_staff(by)
    buyer_nick = " ".join((buyer_nick or (order.buyer_nick if order else "")).split())
    order_number = " ".join((order_number or (order.number if order else "")).split())
    errors = {}
    if not buyer_nick:
        errors["buyer_nick"] = _("请填写买家会员名。")
    if rating not in Rating.values:
        errors["rating"] = _("请选择中评或差评。")
    now = timezone.now()
    if reviewed_at is None:
        errors["reviewed_at"] = _("请填写评价时间。")
    elif reviewed_at > now:
        errors["reviewed_at"] = _("评价时间不能晚于现在。")
    if len(buyer_nick) > 64 or len(order_number) > 32 or len(item_title) > 200:
        errors["buyer_nick" if len(buyer_nick) > 64 else "order_number"] = _("内容过长。")
    if errors:
        raise ValidationError(errors)
    customer = customer_services.customer_find_or_create(by=by, buyer_nick=buyer_nick)
    review = BadReview.objects.create(
        customer=customer,
        order=order,
        order_number=order_number,
        buyer_nick=buyer_nick,
        item_title=(item_title or "").strip(),
        rating=rating,
        text=(text or "").strip(),
        reviewed_at=reviewed_at,
        final_due_at=rules.review_final_due(reviewed_at),
        change_deadline=rules.review_change_deadline(reviewed_at),
        settle_by=rules.review_due(reviewed_at=reviewed_at, now=now),
    )
    _review_work_put(
        review=review, by=by, priority=Priority.HIGH if rating == Rating.BAD else Priority.NORMAL
    )
    activity_record(target=review, actor=by, verb="review_record", message=str(Rating(rating).label))
    return review


def _review_work_put(*, review: BadReview, by: User | None, priority: int | None = None) -> None:
    # Only a supervisor settles a neutral or bad review: the item needs that role from the start.
    worklist.work_put(
        source="review",
        source_id=review.pk,
        title=f"{Rating(review.rating).label}：{(review.text or review.item_title or review.order_number)[:180]}",
        customer=review.customer,
        customer_label=_customer_label(review.customer, review.buyer_nick),
        due_at=review.settle_by,
        required_role=roles.SUPERVISOR,
        priority=priority,
        by=by,
    )


def _locked_review(review: BadReview) -> BadReview:
    review = BadReview.objects.select_for_update().get(pk=review.pk)
    if review.closed_at:
        raise ValidationError(_("该中差评已经处理完了。"))
    return review


@transaction.atomic
def review_postpone(*, review: BadReview, by: User, reason: str) -> BadReview:
    """Not settled today (the buyer could not be reached): due tomorrow before 18:30, never past
    the final 3-day limit."""
    roles.require_role(by, roles.SUPERVISOR)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写未能当天处理的原因，例如客户联系不上。")})
    review = _locked_review(review)
    base = max(timezone.now(), review.settle_by or timezone.now())
    new_due = rules.review_due(reviewed_at=review.reviewed_at, now=base)
    if review.settle_by and new_due <= review.settle_by:
        raise ValidationError(_("已到最长处理期限，不能再延期，请今天处理或记录为未解决。"))
    review.settle_by = new_due
    review.postponed_count += 1
    review.save(update_fields=["settle_by", "postponed_count"])
    _review_work_put(review=review, by=by)
    activity_record(target=review, actor=by, verb="review_postpone", message=reason)
    return review


@transaction.atomic
def review_close(
    *, review: BadReview, by: User, outcome: str, public_reply: str = "", note: str = ""
) -> BadReview:
    """Settle the review: the buyer changed it, or a reasoned public reply was given, or it stays
    unresolved with the reason. Only a supervisor may."""
    roles.require_role(by, roles.SUPERVISOR)
    public_reply = (public_reply or "").strip()
    note = (note or "").strip()
    errors = {}
    if outcome not in (ReviewOutcome.CHANGED, ReviewOutcome.EXPLAINED, ReviewOutcome.UNRESOLVED):
        errors["outcome"] = _("请选择处理结果。")
    if outcome == ReviewOutcome.EXPLAINED and not public_reply:
        errors["public_reply"] = _("请填写给出的公开解释。")
    if outcome == ReviewOutcome.UNRESOLVED and not note:
        errors["note"] = _("请填写未能解决的原因。")
    if errors:
        raise ValidationError(errors)
    review = _locked_review(review)
    review.outcome = outcome
    review.public_reply = public_reply
    review.outcome_note = note
    review.closed_at = timezone.now()
    review.closed_by = by
    review.save(update_fields=["outcome", "public_reply", "outcome_note", "closed_at", "closed_by"])
    worklist.work_done(source="review", source_id=review.pk, by=by, at=review.closed_at)
    activity_record(target=review, actor=by, verb="review_close", message=str(ReviewOutcome(outcome).label))
    return review
