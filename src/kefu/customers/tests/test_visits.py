"""Return visits (回访): planned for a group, scripted, never in rest hours, a problem goes to the inbox."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.core import worklist
from kefu.customers import services
from kefu.customers.models import ReturnVisit
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
AFTERNOON = datetime(2026, 12, 3, 15, 0, tzinfo=SHANGHAI)


@pytest.fixture
def group(agent):
    CustomerFactory(buyer_nick="小桃子", name="林小桃")
    CustomerFactory(buyer_nick="桃子妈妈")
    return services.group_save(by=agent, name="回访名单", kind="static", filters={}, nicks="小桃子\n桃子妈妈")


def test_a_plan_visits_each_customer_of_the_group_once(group, supervisor, agent):
    with pytest.raises(PermissionDenied):
        services.visit_plan(by=agent, group=group, plan="三个月回访")
    assert services.visit_plan(by=supervisor, group=group, plan="三个月回访", agent=agent) == 2
    assert services.visit_plan(by=supervisor, group=group, plan="三个月回访") == 0
    assert ReturnVisit.objects.filter(agent=agent).count() == 2


@pytest.mark.parametrize(
    ("hour", "rest"), [(8, True), (9, False), (15, False), (20, False), (21, True), (23, True)]
)
def test_rest_hours(hour, rest):
    assert services.in_rest_hours(datetime(2026, 12, 3, hour, 30, tzinfo=SHANGHAI)) is rest


def test_the_script_speaks_to_the_customer_by_name(group, supervisor):
    services.visit_plan(by=supervisor, group=group, plan="p")
    visit = ReturnVisit.objects.get(customer__buyer_nick="小桃子")
    opening, asking, closing = services.visit_script(visit=visit, agent_name="小美", shop="桃子小店")
    assert opening.startswith("亲爱的林小桃") and "小美" in opening and "桃子小店" in opening
    assert closing.endswith("请问还有什么可以帮助您的吗？")


def test_the_script_names_the_shop_in_chinese_whatever_the_desk_speaks(group, supervisor):
    from django.utils import translation

    from kefu.core.models import ShopSetting

    ShopSetting.objects.update_or_create(key="shop_name", defaults={"value": "天天化妆品旗舰店"})
    services.visit_plan(by=supervisor, group=group, plan="p")
    visit = ReturnVisit.objects.get(customer__buyer_nick="桃子妈妈")
    with translation.override("en"):
        opening, _asking, _closing = services.visit_script(visit=visit, agent_name="小美")
    assert "我是天天化妆品旗舰店的客服小美" in opening


def test_a_problem_found_on_a_visit_waits_in_the_inbox(group, supervisor, agent, client):
    services.visit_plan(by=supervisor, group=group, plan="p")
    visit = ReturnVisit.objects.get(customer__buyer_nick="小桃子")
    with pytest.raises(ValidationError):
        services.visit_record(
            visit=visit, by=agent, outcome="problem", now=datetime(2026, 12, 3, 22, 0, tzinfo=SHANGHAI)
        )
    services.visit_record(visit=visit, by=agent, outcome="problem", note="面霜过敏", now=AFTERNOON)
    visit.refresh_from_db()
    assert (visit.state, visit.outcome, visit.agent) == ("done", "problem", agent)
    assert worklist.work_info(source="visit", source_id=visit.pk) is not None
    with pytest.raises(ValidationError):
        services.visit_record(visit=visit, by=agent, outcome="satisfied", now=AFTERNOON)
    client.force_login(agent)
    page = client.get(f"/desk/customers/visits/{visit.pk}/").content.decode()
    assert "/survey/" in page, "the no-account survey link after the visit"
    assert "小桃子" not in client.get("/desk/customers/visits/").content.decode().split('id="visits"')[1]
