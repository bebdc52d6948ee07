"""Groups (static lists and saved filters) and leads (咨询未下单)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.customers import selectors, services
from kefu.customers.models import CustomerExport, CustomerGroup
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    now = timezone.now()
    return {
        "lost": CustomerFactory(buyer_nick="流失", paid_orders=1, last_paid_at=now - timedelta(days=200)),
        "rich": CustomerFactory(
            buyer_nick="大户",
            paid_orders=5,
            paid_amount=Decimal("5000"),
            last_paid_at=now - timedelta(days=3),
        ),
        "new": CustomerFactory(buyer_nick="新人", paid_orders=1, paid_amount=Decimal("20"), last_paid_at=now),
    }


@pytest.mark.parametrize(
    ("filters", "members"),
    [
        ({"lost_days": 90}, ["流失"]),
        ({"min_paid_amount": "1000"}, ["大户"]),
        ({"returning": True}, ["大户"]),
        ({"lost_days": 1, "min_paid_amount": "100"}, ["大户"]),
    ],
)
def test_a_saved_filter_selects_its_customers(shop, agent, filters, members):
    group = services.group_save(by=agent, name="分组", kind="filter", filters=filters)
    assert [c.buyer_nick for c in selectors.group_members(group=group)] == members


def test_a_static_group_names_its_members_and_refuses_unknown_names(shop, agent):
    with pytest.raises(ValidationError):
        services.group_save(by=agent, name="回访名单", kind="static", filters={}, nicks="新人\n不存在")
    group = services.group_save(by=agent, name="回访名单", kind="static", filters={}, nicks="新人\n流失\n")
    assert {c.buyer_nick for c in selectors.group_members(group=group)} == {"新人", "流失"}


def test_groups_pages_and_the_admins_export(shop, client, agent, admin_user):
    client.force_login(agent)
    response = client.post(
        "/desk/customers/groups/", {"name": "高价值", "kind": "filter", "min_paid_amount": "1000"}
    )
    group = CustomerGroup.objects.get()
    assert response.status_code == 302
    assert "大户" in client.get(f"/desk/customers/groups/{group.pk}/").content.decode()
    assert client.post("/desk/customers/groups/", {"name": "空", "kind": "filter"}).status_code == 400
    assert client.get(f"/desk/customers/groups/{group.pk}/export/?format=csv").status_code == 403
    client.force_login(admin_user)
    data = client.get(f"/desk/customers/groups/{group.pk}/export/?format=csv").content.decode("utf-8-sig")
    assert "大户" in data and "新人" not in data
    assert CustomerExport.objects.get().filters == {"group": "高价值"}


def test_a_buyer_who_chatted_and_did_not_order_is_a_lead(client, agent):
    now = timezone.now()
    asked = services.customer_for_buyer(buyer_nick="只问不买")
    bought = services.customer_for_buyer(buyer_nick="问了就买")
    type(asked).objects.filter(pk__in=[asked.pk, bought.pk]).update(last_contact_at=now - timedelta(days=2))
    type(bought).objects.filter(pk=bought.pk).update(last_order_at=now - timedelta(days=1))
    assert [c.buyer_nick for c in selectors.leads(days=1)] == ["只问不买"]
    figures = selectors.conversion(since=now - timedelta(days=30), until=now)
    assert (figures["contacted"], figures["ordered"], figures["rate"]) == (2, 1, 0.5)
    client.force_login(agent)
    assert "只问不买" in client.get("/desk/customers/leads/").content.decode()
