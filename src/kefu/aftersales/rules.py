"""The after-sales rules: the shop's numbers for refunds, returns, complaints and bad reviews (each
a shop setting, changeable at /desk/settings/) and the rule functions.

The functions are pure (values in, answer out), so each branch and each boundary is tested
directly, and the services, the sweep and the pages all ask the same function.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.core import shopsettings
from kefu.core.shopsettings import define

# Refund timers: what happens when the seller or the buyer lets a refund wait (超时规定).
define("refund_seller_idle_days", 5, label="卖家未处理退款申请自动同意（天）")
define("refund_buyer_idle_after_refusal_days", 7, label="卖家拒绝后买家未操作退款关闭（天）")
define("refund_return_ship_days", 7, label="同意退货后买家须退货（天）")
define("refund_confirm_express_days", 10, label="买家快递退货后卖家须确认收货（天）")
define("refund_confirm_surface_days", 30, label="买家平邮退货后卖家须确认收货（天）")
define(
    "refund_unshipped_days",
    2,
    label="买家申请退款后卖家仍未发货自动退款（天）",
    help_text="已付款未发货的订单，买家申请退款后超过这个天数卖家仍未发货，平台把钱退给买家",
)
# 7-day no-reason return (7天无理由退换货): the platform's promise, with the goods it does not cover.
define("no_reason_return_days", 7, label="七天无理由退货期限（天）", help_text="从买家签收次日起算")
define(
    "no_reason_return_exclusions",
    ["定制商品", "鲜活易腐商品", "已拆封的化妆品/个人护理用品", "虚拟商品", "贴身衣物"],
    label="不支持七天无理由退货的商品",
    help_text="逗号分隔；售后单上选择其中一项即不适用七天无理由",
)
define("aftersales_handle_hours", 24, label="换货/补发/问题件登记后处理时限（小时）")
# Complaints: the shop answers the customer the same day where it can (最好当天给客户答复).
define("complaint_due_days", 0, label="投诉答复期限（天，0 = 当天）")
# Bad reviews: settled by 18:30 the same day, three days at most; the buyer may change a review once
# within 30 days, so a reasoned reply before then can still turn it.
define("review_settle_by", "18:30", label="中差评当天处理截止时间（HH:MM）")
define("review_max_days", 3, label="中差评最长处理期限（天）")
define("review_change_days", 30, label="买家可修改中差评的期限（天）")


def setting_days(key: str) -> timedelta:
    return timedelta(days=int(shopsettings.get(key)))


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _at_clock(day, hhmm: str) -> datetime:
    try:
        hour, minute = (int(x) for x in str(hhmm).replace("：", ":").split(":", 1))
        clock = time(hour, minute)
    except ValueError:
        clock = time(18, 30)
    return timezone.make_aware(datetime.combine(day, clock))


# --- postage: who pays each leg of a return (来回运费问题) ---------------------------------------------------------

SELLER = "seller"
BUYER = "buyer"


@dataclass(frozen=True)
class PostagePayer:
    """Who pays each leg: ``outbound`` (shop → buyer) and ``back`` (buyer → shop)."""

    outbound: str
    back: str
    rule: str

    @property
    def label(self) -> str:
        if self.outbound == self.back == SELLER:
            return _("卖家承担来回运费")
        if self.outbound == self.back == BUYER:
            return _("买家承担来回运费")
        return _("各自承担发货运费（卖家付发货运费，买家付退回运费）")


def postage_payer(*, quality_problem: bool, free_shipping: bool) -> PostagePayer:
    """The shop's postage rule in one place: quality problem → the seller pays both legs; not a quality
    problem and the item shipped free → each side pays the leg it sent; otherwise the buyer pays both."""
    if quality_problem:
        return PostagePayer(SELLER, SELLER, _("质量问题退换货，来回运费卖家承担"))
    if free_shipping:
        return PostagePayer(SELLER, BUYER, _("非质量问题，卖家包邮，各自承担发货运费"))
    return PostagePayer(BUYER, BUYER, _("非质量问题，买家付邮费下单，买家承担来回运费"))


@dataclass(frozen=True)
class PostageSplit:
    payer: PostagePayer
    seller_owes_buyer: Decimal | None  # what the seller pays back on top of the goods; None = unknown
    buyer_bears: Decimal | None


def postage_split(
    *,
    quality_problem: bool,
    free_shipping: bool,
    outbound_postage: Decimal | None,
    return_postage: Decimal | None,
) -> PostageSplit:
    """The amounts of the rule where they are known: the outbound postage the buyer paid (none when
    the item shipped free) and the return postage the buyer paid to send it back."""
    payer = postage_payer(quality_problem=quality_problem, free_shipping=free_shipping)
    # The buyer paid the courier for every leg that passed through their hands; the seller pays
    # back the legs the rule puts on the seller. A free-shipping outbound leg cost the buyer nothing.
    paid = {"outbound": Decimal(0) if free_shipping else outbound_postage, "back": return_postage}

    def total(who: str) -> Decimal | None:
        legs = [paid[leg] for leg in ("outbound", "back") if getattr(payer, leg) == who]
        if any(amount is None for amount in legs):
            return None
        return sum(legs, Decimal(0))

    owes, bears = total(SELLER), total(BUYER)
    return PostageSplit(payer, owes, bears)


# --- 7-day no-reason return -----------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    eligible: bool | None  # None: not known yet (no receipt date)
    reason: str
    deadline: datetime | None = None


def no_reason_return_eligibility(
    *, received_at: datetime | None, at: datetime, exclusion: str = "", quality_problem: bool = False
) -> Eligibility:
    """Whether a no-reason return asked at ``at`` is within the window: N days counted from the day
    after the buyer signed, so the last day ends at midnight (local) of receipt date + N + 1."""
    if quality_problem:
        return Eligibility(True, _("质量问题退换货，不受七天无理由限制"))
    exclusions = [str(x) for x in shopsettings.get("no_reason_return_exclusions")]
    if exclusion and exclusion in exclusions:
        return Eligibility(False, _("“%(what)s”不支持七天无理由退货") % {"what": exclusion})
    if received_at is None:
        return Eligibility(None, _("买家签收时间未知，无法判断是否在七天内"))
    days = int(shopsettings.get("no_reason_return_days"))
    received_day = timezone.localtime(received_at).date()
    deadline = _local_midnight(received_day + timedelta(days=days + 1))
    if at < received_at:
        return Eligibility(None, _("申请时间早于签收时间，请核对"), deadline)
    if at < deadline:
        return Eligibility(True, _("在七天无理由退货期内"), deadline)
    return Eligibility(False, _("已超过七天无理由退货期限"), deadline)


# --- refund timers --------------------------------------------------------------------------


def seller_response_deadline(requested_at: datetime) -> datetime:
    return requested_at + setting_days("refund_seller_idle_days")


def unshipped_refund_deadline(requested_at: datetime) -> datetime:
    """Paid but not shipped: the buyer's refund goes through when the seller still has not shipped
    this long after the request — the shop must ship or refund first."""
    return requested_at + setting_days("refund_unshipped_days")


def buyer_after_refusal_deadline(refused_at: datetime) -> datetime:
    return refused_at + setting_days("refund_buyer_idle_after_refusal_days")


def return_ship_deadline(agreed_at: datetime) -> datetime:
    return agreed_at + setting_days("refund_return_ship_days")


def return_confirm_days(method: str) -> timedelta:
    return setting_days(
        "refund_confirm_surface_days" if method == "surface" else "refund_confirm_express_days"
    )


def return_confirm_deadline(shipped_at: datetime, method: str) -> datetime:
    return shipped_at + return_confirm_days(method)


def handle_deadline(since: datetime) -> datetime:
    return since + timedelta(hours=int(shopsettings.get("aftersales_handle_hours")))


# --- complaints, reviews, questions ---------------------------------------------------------


def complaint_due(received_at: datetime) -> datetime:
    """End of the day the complaint came in (or N days later): 最好当天给客户答复."""
    day = timezone.localtime(received_at).date() + timedelta(days=int(shopsettings.get("complaint_due_days")))
    return _local_midnight(day + timedelta(days=1)) - timedelta(seconds=1)


def review_final_due(reviewed_at: datetime) -> datetime:
    """The latest a bad review may stay unsettled: settle-by time, N days after the review."""
    day = timezone.localtime(reviewed_at).date() + setting_days("review_max_days")
    return _at_clock(day, shopsettings.get("review_settle_by"))


def review_due(*, reviewed_at: datetime, now: datetime) -> datetime:
    """Before the settle-by time (18:30) of the day it is handled, never past the final due."""
    settle_by = shopsettings.get("review_settle_by")
    today = timezone.localtime(max(now, reviewed_at)).date()
    due = _at_clock(today, settle_by)
    if due <= max(now, reviewed_at):
        due = _at_clock(today + timedelta(days=1), settle_by)
    return min(due, review_final_due(reviewed_at))


def review_change_deadline(reviewed_at: datetime) -> datetime:
    return reviewed_at + setting_days("review_change_days")
