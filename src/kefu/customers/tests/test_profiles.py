"""Identity: the member name; chats and questions that name a buyer find or create the profile; merges."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from kefu.core.activity import activity_list
from kefu.customers import selectors, services
from kefu.customers.models import Customer, CustomerContact, CustomerMerge, Satisfaction
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_the_member_name_is_unique_but_legacy_rows_without_one_are_kept():
    CustomerFactory(buyer_nick="小桃子")
    CustomerFactory(buyer_nick="")
    CustomerFactory(buyer_nick="")
    with pytest.raises(IntegrityError):
        CustomerFactory(buyer_nick="小桃子")


def test_a_chat_naming_a_buyer_finds_or_creates_the_profile_never_by_phone():
    mum = CustomerFactory(buyer_nick="桃子妈妈", phone="18600000001")
    peach = services.customer_for_buyer(buyer_nick=" 小桃子 ", phone="18600000001")
    assert peach.pk != mum.pk and peach.buyer_nick == "小桃子"
    assert services.customer_for_buyer(buyer_nick="小桃子").pk == peach.pk
    assert selectors.customer_for_nick("小桃子") == peach
    assert selectors.customer_for_nick("") is None
    assert services.customer_for_buyer(buyer_nick="") is None


@pytest.mark.parametrize(
    ("paid", "level"),
    [("0", "普通会员"), ("999.99", "普通会员"), ("1000", "银牌会员"), ("12000", "钻石会员")],
)
def test_the_level_comes_from_the_shops_thresholds(paid, level):
    assert selectors.level_of(CustomerFactory(paid_amount=Decimal(paid))) == level


def test_a_supervisor_merges_two_profiles_and_everything_is_kept(supervisor, agent):
    kept = CustomerFactory(buyer_nick="小桃子", paid_orders=1, paid_amount=Decimal("10"), tags=["VIP"])
    other = CustomerFactory(
        buyer_nick="xiaotaozi", note="老顾客", paid_orders=2, paid_amount=Decimal("5"), tags=["敏感肌"]
    )
    CustomerContact.objects.create(customer=other, phone="13900000000", last_seen_at=other.created_at)
    services.satisfaction_submit(kind="chat", source_id=1, score=5, customer=other)
    with pytest.raises(PermissionDenied):
        services.customer_merge(kept=kept, merged=other, by=agent)
    services.customer_merge(kept=kept, merged=other, by=supervisor)
    kept.refresh_from_db()
    assert not Customer.objects.filter(pk=other.pk).exists()
    assert (kept.paid_orders, kept.paid_amount, kept.note, kept.tags) == (
        3,
        Decimal("15"),
        "老顾客",
        ["VIP", "敏感肌"],
    )
    assert kept.returning
    assert CustomerContact.objects.get().customer == kept
    assert Satisfaction.objects.get().customer == kept
    merge = CustomerMerge.objects.get()
    assert (merge.merged_nick, merge.merged_by) == ("xiaotaozi", supervisor)
    assert activity_list(target=kept).filter(verb="customer_merge", actor=supervisor).exists()


def test_tags_are_cleaned(agent):
    customer = services.customer_tags_set(customer=CustomerFactory(), by=agent, tags="VIP， 敏感肌,VIP, ")
    assert customer.tags == ["VIP", "敏感肌"]
