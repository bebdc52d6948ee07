"""The rule functions: the postage rule (every branch), 7-day eligibility and the due times."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kefu.aftersales import rules
from kefu.core.shopsettings import shop_setting_set

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.mark.parametrize(
    ("quality_problem", "free_shipping", "outbound", "back"),
    [
        (True, True, rules.SELLER, rules.SELLER),
        (True, False, rules.SELLER, rules.SELLER),
        (False, True, rules.SELLER, rules.BUYER),
        (False, False, rules.BUYER, rules.BUYER),
    ],
)
def test_postage_payer(quality_problem, free_shipping, outbound, back):
    payer = rules.postage_payer(quality_problem=quality_problem, free_shipping=free_shipping)
    assert (payer.outbound, payer.back) == (outbound, back)
    assert payer.label


@pytest.mark.parametrize(
    ("quality_problem", "free_shipping", "outbound", "back", "seller_owes", "buyer_bears"),
    [
        # quality, buyer paid 8 to receive and 12 to send back: the seller pays both back
        (True, False, "8", "12", Decimal("20"), Decimal("0")),
        # quality, free shipping: only the return postage passes to the seller
        (True, True, "8", "12", Decimal("12"), Decimal("0")),
        # not quality, free shipping: each pays its own leg
        (False, True, "8", "12", Decimal("0"), Decimal("12")),
        # not quality, buyer paid postage: the buyer pays both legs
        (False, False, "8", "12", Decimal("0"), Decimal("20")),
        # the return postage is not known yet: the amount is unknown, not zero
        (True, False, "8", None, None, Decimal("0")),
        (False, False, "8", None, Decimal("0"), None),
    ],
)
def test_postage_split_amounts(quality_problem, free_shipping, outbound, back, seller_owes, buyer_bears):
    split = rules.postage_split(
        quality_problem=quality_problem,
        free_shipping=free_shipping,
        outbound_postage=Decimal(outbound) if outbound else None,
        return_postage=Decimal(back) if back else None,
    )
    assert split.seller_owes_buyer == seller_owes
    assert split.buyer_bears == buyer_bears


@pytest.mark.parametrize(
    ("asked", "eligible"),
    [
        (at(2026, 11, 1, 15, 0), True),  # the day of receipt
        (at(2026, 11, 8, 23, 59, 59), True),  # last second of the 7th day after receipt
        (at(2026, 11, 9, 0, 0, 0), False),  # the 8th day
        (at(2026, 11, 20, 10, 0), False),
    ],
)
def test_no_reason_return_window_counts_seven_days_from_the_day_after_receipt(asked, eligible):
    result = rules.no_reason_return_eligibility(received_at=at(2026, 11, 1, 14, 30), at=asked)
    assert result.eligible is eligible
    assert result.deadline == at(2026, 11, 9)


def test_no_reason_return_window_is_a_shop_setting(supervisor):
    shop_setting_set(key="no_reason_return_days", value=15, by=supervisor)
    result = rules.no_reason_return_eligibility(received_at=at(2026, 11, 1, 14, 30), at=at(2026, 11, 12))
    assert result.eligible is True


def test_an_excluded_item_is_not_eligible_and_the_exclusions_are_settings(supervisor):
    received = at(2026, 11, 1, 14, 30)
    result = rules.no_reason_return_eligibility(
        received_at=received, at=at(2026, 11, 2), exclusion="已拆封的化妆品/个人护理用品"
    )
    assert result.eligible is False
    assert "不支持" in result.reason
    shop_setting_set(key="no_reason_return_exclusions", value="定制商品", by=supervisor)
    again = rules.no_reason_return_eligibility(
        received_at=received, at=at(2026, 11, 2), exclusion="已拆封的化妆品/个人护理用品"
    )
    assert again.eligible is True


def test_a_quality_problem_is_not_bound_by_the_no_reason_window():
    result = rules.no_reason_return_eligibility(
        received_at=at(2026, 10, 1), at=at(2026, 11, 20), quality_problem=True
    )
    assert result.eligible is True


def test_without_a_receipt_date_eligibility_is_unknown():
    assert rules.no_reason_return_eligibility(received_at=None, at=at(2026, 11, 2)).eligible is None


@pytest.mark.parametrize(
    ("reviewed", "now", "due"),
    [
        (at(2026, 11, 2, 9, 0), at(2026, 11, 2, 9, 5), at(2026, 11, 2, 18, 30)),  # same day before 18:30
        (at(2026, 11, 2, 19, 0), at(2026, 11, 2, 19, 5), at(2026, 11, 3, 18, 30)),  # after 18:30: next day
        (at(2026, 11, 2, 9, 0), at(2026, 11, 4, 19, 0), at(2026, 11, 5, 18, 30)),  # last possible day
        (at(2026, 11, 2, 9, 0), at(2026, 11, 5, 19, 0), at(2026, 11, 5, 18, 30)),  # never past 3 days
    ],
)
def test_review_due_before_half_past_six_at_most_three_days(reviewed, now, due):
    assert rules.review_due(reviewed_at=reviewed, now=now) == due


def test_complaint_due_the_same_day():
    assert rules.complaint_due(at(2026, 11, 2, 10, 0)) == at(2026, 11, 2, 23, 59, 59)
