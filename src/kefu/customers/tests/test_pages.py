"""The customer pages: the blacklist, one view per operation, forms shown again with their errors."""

import pytest

from kefu.customers.models import Customer
from kefu.customers.tests.factories import BlacklistedCustomerFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def test_customer_pages_and_the_supervisors_lift(client, agent, supervisor):
    customer = BlacklistedCustomerFactory(name="赵先生")
    client.force_login(agent)
    assert "赵先生" in client.get("/desk/customers/?blacklisted=1").content.decode()
    url = f"/desk/customers/{customer.pk}/"
    assert "只有主管" in client.get(url).content.decode()
    client.post(f"{url}lift/", {"reason": "误判"})
    customer.refresh_from_db()
    assert customer.blacklisted, "an agent may not lift it"
    client.force_login(supervisor)
    response = client.post(f"{url}lift/", {"reason": "核实误判"})
    assert response.status_code == 302 and response["Location"] == url
    customer.refresh_from_db()
    assert not customer.blacklisted


def test_a_supervisor_blacklists_with_a_reason(client, supervisor):
    customer = CustomerFactory(name="钱女士")
    client.force_login(supervisor)
    url = f"/desk/customers/{customer.pk}/"
    response = client.post(f"{url}blacklist/", {"reason": ""})
    assert response.status_code == 400 and not Customer.objects.get(pk=customer.pk).blacklisted
    client.post(f"{url}blacklist/", {"reason": "多次恶意差评"})
    assert Customer.objects.get(pk=customer.pk).blacklist_reason == "多次恶意差评"


def test_the_profile_form_saves_and_the_page_only_reads(client, agent):
    customer = CustomerFactory(name="孙先生")
    client.force_login(agent)
    url = f"/desk/customers/{customer.pk}/"
    assert client.post(url, {"name": "x"}).status_code == 405, "one view per operation"
    response = client.post(f"{url}update/", {"name": "孙先生", "phone": "13900001111"})
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).phone == "13900001111"
