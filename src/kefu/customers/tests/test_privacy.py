"""Phones are masked for agents in lists; a supervisor sees them in full on the profile."""

import pytest

from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_agents_see_masked_phones_in_the_list(client, agent):
    CustomerFactory(buyer_nick="小桃子", phone="18612345678")
    client.force_login(agent)
    page = client.get("/desk/customers/").content.decode()
    assert "186****5678" in page and "18612345678" not in page


@pytest.mark.parametrize(("who", "full"), [("agent", False), ("supervisor", True)])
def test_the_profile_shows_the_full_phone_to_supervisors_only(client, request, who, full):
    customer = CustomerFactory(buyer_nick="小桃子", phone="18612345678")
    client.force_login(request.getfixturevalue(who))
    page = client.get(f"/desk/customers/{customer.pk}/").content.decode()
    assert ("18612345678" in page) is full
    api = client.get(f"/api/v1/customers/{customer.pk}/").json()
    assert (api["phone"] == "18612345678") is full


def test_saving_the_profile_with_the_masked_phone_keeps_the_phone(client, agent):
    customer = CustomerFactory(buyer_nick="小桃子", phone="18612345678")
    client.force_login(agent)
    client.post(f"/desk/customers/{customer.pk}/update/", {"buyer_nick": "小桃子", "phone": "186****5678"})
    customer.refresh_from_db()
    assert customer.phone == "18612345678"
