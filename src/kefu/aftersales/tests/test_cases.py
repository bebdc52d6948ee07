"""After-sales cases through the services: registration, the refund flow, inspection, postage,
reshipments and parcels, misdescriptions and the blacklist."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.dateparse import parse_datetime

from kefu.aftersales import rules, services
from kefu.aftersales.models import AfterSalesCase, CaseKind, CaseState
from kefu.aftersales.tests.conftest import work_of
from kefu.aftersales.tests.factories import OrderFactory
from kefu.core.activity import activity_list
from kefu.core.shopsettings import shop_setting_set
from kefu.customers.models import Customer
from kefu.customers.selectors import blacklist_entry_for

pytestmark = pytest.mark.django_db


def test_a_case_linked_to_an_order_carries_the_registration_fields(aftersales_agent):
    order = OrderFactory(buyer_nick="tb_chen", waybill="773012345678")
    case = services.case_create(
        by=aftersales_agent, kind=CaseKind.PROBLEM_PARCEL, order=order, details="物流显示签收但买家没收到"
    )
    assert case.order_number == order.number
    assert case.purchase_date is not None
    assert case.item_title == "玻尿酸补水面霜 50ml"
    assert case.quantity == 1
    assert case.amount == Decimal("137.00")
    assert case.waybill == "773012345678"
    assert case.outbound_postage == Decimal("8.00") and not case.free_shipping
    assert case.customer.buyer_nick == "tb_chen"
    item = work_of("aftersales", case)
    assert item["kind"] == "aftersales" and item["state"] == "new"
    assert parse_datetime(item["due_at"]) == rules.handle_deadline(case.requested_at)
    assert activity_list(target=case).filter(verb="case_create", actor=aftersales_agent).exists()


def test_a_case_without_any_key_is_refused_and_nothing_is_stored(aftersales_agent):
    with pytest.raises(ValidationError) as err:
        services.case_create(by=aftersales_agent, kind=CaseKind.RETURN_REFUND, amount="abc")
    assert {"order_number", "amount"} <= set(err.value.message_dict)
    assert not AfterSalesCase.objects.exists() and not Customer.objects.exists()


def test_return_refund_from_request_to_refund(make_case, aftersales_agent):
    case = make_case(
        kind=CaseKind.RETURN_REFUND, quality_problem=True, outbound_postage="8", return_postage="12"
    )
    assert case.return_required
    case = services.case_agree(case=case, by=aftersales_agent)
    assert case.state == CaseState.AWAITING_RETURN and work_of("aftersales", case)["state"] == "waiting"
    case = services.case_return_shipped(case=case, by=aftersales_agent, waybill="SF1234", courier="顺丰")
    case = services.case_receive(case=case, by=aftersales_agent)
    assert case.state == CaseState.RECEIVED
    case = services.case_inspect(
        case=case, by=aftersales_agent, condition="包装完好，未使用", result="accepted"
    )
    assert case.state == CaseState.REFUND_PENDING
    with pytest.raises(ValidationError) as err:
        services.case_refund(case=case, by=aftersales_agent, amount="200", channel="platform")
    assert "amount" in err.value.message_dict, "at most the goods plus the postage the seller bears (129+20)"
    case = services.case_refund(
        case=case, by=aftersales_agent, amount="149.00", channel="platform", rights_protection=True
    )
    assert case.state == CaseState.REFUNDED and case.rights_protection
    assert work_of("aftersales", case)["state"] == "done" and work_of("aftersales", case)["due_at"] is None
    verbs = list(activity_list(target=case).values_list("verb", flat=True))
    assert {"case_agree", "case_return_shipped", "case_receive", "case_inspect", "case_refund"} <= set(verbs)


def test_a_failed_inspection_refuses_the_refund(make_case, aftersales_agent):
    case = services.case_agree(case=make_case(), by=aftersales_agent)
    case = services.case_return_shipped(case=case, by=aftersales_agent, waybill="SF1")
    case = services.case_receive(case=case, by=aftersales_agent)
    case = services.case_inspect(case=case, by=aftersales_agent, condition="已使用大半瓶", result="rejected")
    assert case.state == CaseState.REFUSED
    assert "已使用" in case.refuse_reason


def test_an_agent_cannot_register_a_refund_or_refuse(make_case, agent, aftersales_agent):
    case = services.case_agree(case=make_case(kind=CaseKind.REFUND_ONLY), by=aftersales_agent)
    with pytest.raises(PermissionDenied):
        services.case_refund(case=case, by=agent, amount="10", channel="alipay")
    with pytest.raises(PermissionDenied):
        services.case_refuse(case=make_case(), by=agent, reason="no")
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.REFUND_PENDING


def test_a_transition_from_the_wrong_state_is_refused(make_case, aftersales_agent):
    case = make_case()
    with pytest.raises(ValidationError):
        services.case_receive(case=case, by=aftersales_agent)
    assert AfterSalesCase.objects.get(pk=case.pk).state == CaseState.REQUESTED


def test_refused_then_modified_restarts_the_sellers_five_days(make_case, aftersales_agent):
    case = services.case_refuse(
        case=make_case(kind=CaseKind.REFUND_ONLY), by=aftersales_agent, reason="超出金额"
    )
    assert work_of("aftersales", case)["state"] == "waiting"
    case = services.case_request_modified(case=case, by=aftersales_agent, refund_requested="50")
    assert case.state == CaseState.REQUESTED and case.refund_requested == Decimal("50.00")
    assert parse_datetime(work_of("aftersales", case)["due_at"]) == rules.seller_response_deadline(
        case.requested_at
    )


def test_reshipment_and_exchange_send_a_new_item(make_case, aftersales_agent):
    reship = services.case_reship(
        case=make_case(kind=CaseKind.RESHIPMENT), by=aftersales_agent, waybill="YT9"
    )
    assert reship.state == CaseState.RESOLVED and work_of("aftersales", reship)["state"] == "done"

    exchange = services.case_agree(case=make_case(kind=CaseKind.EXCHANGE), by=aftersales_agent)
    exchange = services.case_return_shipped(case=exchange, by=aftersales_agent, waybill="SF2")
    exchange = services.case_receive(case=exchange, by=aftersales_agent)
    with pytest.raises(ValidationError):
        services.case_reship(case=exchange, by=aftersales_agent, waybill="SF3")
    exchange = services.case_inspect(case=exchange, by=aftersales_agent, condition="完好", result="accepted")
    assert exchange.state == CaseState.RECEIVED
    exchange = services.case_reship(case=exchange, by=aftersales_agent, waybill="SF3", courier="顺丰")
    assert exchange.state == CaseState.RESOLVED


@pytest.mark.parametrize("kind", [CaseKind.PROBLEM_PARCEL, CaseKind.RETURNED_PARCEL])
def test_parcels_are_settled_with_a_resolution(make_case, aftersales_agent, kind):
    case = make_case(kind=kind, waybill="773000111")
    with pytest.raises(ValidationError):
        services.case_resolve(case=case, by=aftersales_agent, resolution="")
    case = services.case_resolve(case=case, by=aftersales_agent, resolution="联系快递找回，已重新派送")
    assert case.state == CaseState.RESOLVED


def test_damage_and_photos_are_recorded(make_case, aftersales_agent):
    case = make_case(kind=CaseKind.RESHIPMENT, damage="signed_photos")
    photo = services.case_photo_add(
        case=case,
        by=aftersales_agent,
        purpose="damage",
        image=SimpleUploadedFile("broken.jpg", b"\xff\xd8jpeg"),
    )
    assert photo.pk and case.photos.count() == 1
    with pytest.raises(ValidationError):
        services.case_photo_add(
            case=case, by=aftersales_agent, purpose="damage", image=SimpleUploadedFile("x.exe", b"MZ")
        )
    with pytest.raises(ValidationError):
        make_case(damage="dropped")


def test_an_exclusion_must_be_one_of_the_shops(make_case):
    with pytest.raises(ValidationError) as err:
        make_case(exclusion="奢侈品")
    assert "exclusion" in err.value.message_dict
    assert make_case(exclusion="定制商品").exclusion == "定制商品"


def test_five_misdescriptions_blacklist_the_customer(make_case, aftersales_agent, supervisor):
    for n in range(4):
        case = make_case(buyer_nick="tb_liar", order_number=f"1000{n}")
        services.case_misdescription_record(case=case, by=aftersales_agent, note="称未收到，物流显示本人签收")
    assert blacklist_entry_for(buyer_nick="tb_liar") is None
    fifth = make_case(buyer_nick="tb_liar", order_number="10005")
    services.case_misdescription_record(case=fifth, by=aftersales_agent, note="照片与实物不符")
    customer = Customer.objects.get(buyer_nick="tb_liar")
    assert customer.blacklisted and "5" in customer.blacklist_reason
    assert blacklist_entry_for(buyer_nick="TB_LIAR") == customer
    # Once per case: the same case cannot count twice.
    with pytest.raises(ValidationError):
        services.case_misdescription_record(case=fifth, by=aftersales_agent, note="again")
    customer.refresh_from_db()
    assert customer.misdescription_count == 5


def test_the_blacklist_threshold_is_a_shop_setting(make_case, aftersales_agent, supervisor):
    shop_setting_set(key="blacklist_threshold", value=2, by=supervisor)
    for n in range(2):
        case = make_case(buyer_nick="tb_two", order_number=f"2000{n}")
        services.case_misdescription_record(case=case, by=aftersales_agent, note="虚假描述")
    assert blacklist_entry_for(buyer_nick="tb_two") is not None


def test_a_closed_case_cannot_be_edited(make_case, aftersales_agent):
    case = services.case_close(case=make_case(), by=aftersales_agent, reason="买家撤销申请")
    with pytest.raises(ValidationError):
        services.case_update(case=case, by=aftersales_agent, details="改")
    assert work_of("aftersales", case)["state"] == "done"
