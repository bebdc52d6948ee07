"""Two agents edit one case: a form loaded before a colleague's save never puts the old text back."""

import pytest

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesCase

pytestmark = pytest.mark.django_db


def _edit_form_values(case) -> dict:
    return {
        "buyer_nick": case.buyer_nick,
        "buyer_phone": case.buyer_phone,
        "details": case.details,
        "amount": str(case.amount),
        "quantity": case.quantity,
        "version": case.version,
    }


def test_a_stale_form_is_refused_and_says_who_changed_what(make_case, login, aftersales_agent, make_user):
    case = make_case(details="外包装压坏", buyer_phone="13700000000")
    a = login(make_user("xiaowang", "售后", first_name="小王"))
    b = login(aftersales_agent)
    loaded_by_b = _edit_form_values(case)
    loaded_by_a = _edit_form_values(case)

    # A corrects the description
    response = a.post(f"/desk/aftersales/cases/{case.pk}/edit/", {**loaded_by_a, "details": "瓶身破裂，漏液"})
    assert response.status_code == 302
    # B, from the form loaded earlier, corrects only the phone
    response = b.post(
        f"/desk/aftersales/cases/{case.pk}/edit/", {**loaded_by_b, "buyer_phone": "13911112222"}
    )

    case.refresh_from_db()
    assert case.details == "瓶身破裂，漏液", "A's text is kept"
    assert case.buyer_phone == "13700000000", "nothing of B's stale form was written"
    assert response.status_code == 400
    page = response.content.decode()
    assert "小王" in page and "详情" in page, "B is told who changed which field"
    assert 'value="13911112222"' in page, "B's typed phone is still in the form"
    # sending the same stale form again is refused again: B must look at A's change first
    again = b.post(f"/desk/aftersales/cases/{case.pk}/edit/", {**loaded_by_b, "buyer_phone": "13911112222"})
    assert again.status_code == 400
    assert AfterSalesCase.objects.get(pk=case.pk).details == "瓶身破裂，漏液"


def test_the_page_form_carries_the_version_it_was_loaded_at(make_case, login, aftersales_agent):
    case = make_case()
    page = login(aftersales_agent).get(f"/desk/aftersales/cases/{case.pk}/").content.decode()
    assert f'name="version" value="{case.version}"' in page


def test_the_api_refuses_a_stale_version_and_accepts_the_current_one(make_case, login, aftersales_agent):
    case = make_case(details="旧")
    api = login(aftersales_agent)
    url = f"/api/v1/aftersales/cases/{case.pk}/"
    first = api.patch(url, {"details": "新", "version": case.version}, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == case.version + 1
    stale = api.patch(url, {"details": "更旧", "version": case.version}, content_type="application/json")
    assert stale.status_code == 400
    assert AfterSalesCase.objects.get(pk=case.pk).details == "新"
    # a script that sends no version keeps working as before
    assert api.patch(url, {"details": "脚本改的"}, content_type="application/json").status_code == 200
    assert AfterSalesCase.objects.get(pk=case.pk).details == "脚本改的"


def test_every_save_moves_the_version_on(make_case, aftersales_agent):
    case = make_case()
    before = case.version
    services.case_agree(case=case, by=aftersales_agent)
    assert AfterSalesCase.objects.get(pk=case.pk).version == before + 1


def test_a_stale_complaint_form_does_not_put_back_the_old_lines(login, aftersales_agent, make_user):
    complaint = services.complaint_create(
        by=aftersales_agent, customer_name="陈小姐", channel="phone", problem="发货慢", phone="13700000000"
    )
    a = login(make_user("xiaowang", "售后", first_name="小王"))
    b = login(aftersales_agent)
    loaded = {"version": complaint.version, "cause": "", "phone": "13700000000"}
    assert (
        a.post(
            f"/desk/aftersales/complaints/{complaint.pk}/update/", {**loaded, "cause": "仓库漏发"}
        ).status_code
        == 302
    )
    response = b.post(
        f"/desk/aftersales/complaints/{complaint.pk}/update/", {**loaded, "phone": "13900000000"}
    )
    complaint.refresh_from_db()
    assert complaint.cause == "仓库漏发" and complaint.phone == "13700000000"
    assert response.status_code == 400 and "小王" in response.content.decode()
