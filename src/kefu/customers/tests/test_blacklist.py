"""The blacklist: the lookups orders and the help center call, the threshold, the supervisor's lift."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core.activity import activity_list
from kefu.core.shopsettings import shop_setting_set
from kefu.customers import selectors, services
from kefu.customers.models import Customer
from kefu.customers.tests.factories import BlacklistedCustomerFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_blacklist_entry_is_found_by_nick_in_any_case(django_assert_num_queries):
    listed = BlacklistedCustomerFactory(buyer_nick="Tb_Cheater")
    CustomerFactory(buyer_nick="tb_honest")
    with django_assert_num_queries(1):
        assert selectors.blacklist_entry_for(buyer_nick="tb_cheater") == listed
    assert selectors.blacklist_entry_for(buyer_nick="  TB_CHEATER ") == listed
    assert selectors.blacklist_entry_for(buyer_nick="tb_honest") is None


def test_blacklist_entry_is_found_by_phone_written_any_way():
    listed = BlacklistedCustomerFactory(phone="13800138000")
    assert selectors.blacklist_entry_for(phone="+86 138-0013-8000") == listed
    assert selectors.blacklist_entry_for(phone="13800138001") is None


def test_blacklist_entry_matches_the_other_im_id_as_a_nick():
    listed = BlacklistedCustomerFactory(buyer_nick="", im_id="WX_Cheat")
    assert selectors.blacklist_entry_for(buyer_nick="wx_cheat") == listed


def test_blacklist_entry_without_any_key_asks_nothing(django_assert_num_queries):
    BlacklistedCustomerFactory(buyer_nick="", phone="")
    with django_assert_num_queries(0):
        assert selectors.blacklist_entry_for() is None
        assert selectors.blacklist_entry_for(buyer_nick="  ", phone="--") is None


def test_a_customer_whose_blacklist_was_lifted_is_not_an_entry():
    customer = CustomerFactory(buyer_nick="tb_again", blacklisted=False)
    assert selectors.blacklist_entry_for(buyer_nick="tb_again", phone=customer.phone) is None


def test_blacklisted_nicks_answers_a_list_in_one_query(django_assert_num_queries):
    BlacklistedCustomerFactory(buyer_nick="Bad_One")
    BlacklistedCustomerFactory(buyer_nick="", im_id="bad_two")
    CustomerFactory(buyer_nick="good_one")
    with django_assert_num_queries(1):
        found = selectors.blacklisted_nicks(nicks=["bad_one", "BAD_TWO", "good_one", "nobody", ""])
    assert found == {"bad_one", "BAD_TWO"}
    with django_assert_num_queries(0):
        assert selectors.blacklisted_nicks(nicks=[]) == set()


@pytest.mark.parametrize(("threshold", "records", "blacklisted"), [(5, 4, False), (5, 5, True), (3, 3, True)])
def test_misdescriptions_blacklist_at_the_threshold(supervisor, agent, threshold, records, blacklisted):
    shop_setting_set(key="blacklist_threshold", value=threshold, by=supervisor)
    customer = CustomerFactory()
    for n in range(records):
        customer = services.customer_misdescription_record(customer=customer, by=agent, reason=f"第{n + 1}次")
    customer.refresh_from_db()
    assert customer.misdescription_count == records
    assert customer.blacklisted is blacklisted
    if blacklisted:
        assert "虚假描述" in customer.blacklist_reason
        assert customer.blacklisted_by is None, "the system did it, not the agent"
        assert selectors.blacklist_entry_for(buyer_nick=customer.buyer_nick) == customer
    else:
        assert customer.blacklist_reason == ""


def test_only_a_supervisor_lifts_the_blacklist_and_the_lift_is_recorded(agent, supervisor):
    customer = BlacklistedCustomerFactory()
    with pytest.raises(PermissionDenied):
        services.customer_blacklist_lift(customer=customer, by=agent, reason="误判")
    customer.refresh_from_db()
    assert customer.blacklisted
    with pytest.raises(ValidationError) as err:
        services.customer_blacklist_lift(customer=customer, by=supervisor, reason=" ")
    assert "reason" in err.value.message_dict

    services.customer_blacklist_lift(
        customer=customer, by=supervisor, reason="核实为物流原因，非客户虚假描述"
    )
    customer.refresh_from_db()
    assert not customer.blacklisted
    assert customer.misdescription_count == 0
    entry = activity_list(target=customer).get(verb="customer_blacklist_lift")
    assert entry.actor == supervisor
    assert entry.data["count"] == 5
    assert selectors.blacklist_entry_for(buyer_nick=customer.buyer_nick) is None


def test_a_supervisor_blacklists_by_hand_with_a_reason(agent, supervisor):
    customer = CustomerFactory()
    with pytest.raises(PermissionDenied):
        services.customer_blacklist_add(customer=customer, by=agent, reason="恶意退货")
    services.customer_blacklist_add(customer=customer, by=supervisor, reason="恶意退货")
    customer.refresh_from_db()
    assert customer.blacklisted and customer.blacklisted_by == supervisor
    with pytest.raises(ValidationError):
        services.customer_blacklist_add(customer=customer, by=supervisor, reason="again")


def test_find_or_create_reuses_the_customer_and_fills_missing_keys(agent):
    first = services.customer_find_or_create(by=agent, name="李先生", buyer_nick="tb_li")
    again = services.customer_find_or_create(by=agent, buyer_nick="TB_LI", phone="13900001111")
    assert again.pk == first.pk
    again.refresh_from_db()
    assert again.phone == "13900001111"
    assert Customer.objects.count() == 1
    assert services.customer_find_or_create(by=agent) is None
