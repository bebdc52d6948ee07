"""The orders' pages: an agent finds an order, reviews it, remarks it, chases payment, imports an export."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from kefu.orders.lifecycle import orders_sweep
from kefu.orders.models import Order, OrderImport, OrderState
from kefu.orders.tests.test_import import ORDERS


@pytest.fixture
def immediate_huey(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    HUEY.immediate = True
    yield
    HUEY.immediate = False


def test_order_pages_need_a_team_member(client, order_factory, make_user):
    order = order_factory()
    assert client.get(reverse("orders:list")).status_code == 302
    client.force_login(make_user("stranger"))
    assert client.get(reverse("orders:detail", args=[order.number])).status_code == 403


@pytest.mark.parametrize("field", ["number", "buyer_nick", "receiver_phone", "waybill"])
def test_agent_finds_an_order_by_what_the_buyer_tells(agent_client, order_factory, field):
    wanted = order_factory(shipped=True)
    order_factory(shipped=True)
    response = agent_client.get(reverse("orders:list"), {"q": getattr(wanted, field)})
    assert response.status_code == 200
    assert list(response.context["page"]) == [wanted]


def test_order_detail_shows_timeline_lines_and_deadline(agent_client, order_factory, order_line_factory):
    order = order_factory()
    order_line_factory(order=order, title="玫瑰保湿面霜 50g")
    response = agent_client.get(reverse("orders:detail", args=[order.number]))
    body = response.content.decode()
    assert "等待买家付款" in body and "玫瑰保湿面霜 50g" in body
    assert "交易将自动关闭" in body
    assert [e.label for e in response.context["timeline"]] == ["拍下订单"]


def test_customer_text_is_escaped_on_the_order_page(agent_client, order_factory):
    order = order_factory(
        buyer_message="<script>alert(1)</script>", receiver_name='<img src=x onerror="x()">'
    )
    body = agent_client.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
    assert "<img src=x" not in body


def test_review_confirm_from_the_order_page(agent_client, order_factory, agent):
    order = order_factory(paid=True)
    response = agent_client.post(
        reverse("orders:review_confirm", args=[order.number]), {"version": order.version}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.reviewed_by == agent


def test_stale_form_is_refused_and_keeps_what_was_typed(agent_client, order_factory):
    order = order_factory(paid=True)
    Order.objects.filter(pk=order.pk).update(version=5)  # someone else saved meanwhile
    response = agent_client.post(
        reverse("orders:address_edit", args=[order.number]), {"version": 1, "receiver_name": "李四", "receiver_phone": "13911112222",
         "receiver_address": "北京 北京市 朝阳区 望京街 1 号"},
    )  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "已被其他客服修改" in body
    assert "望京街 1 号" in body
    order.refresh_from_db()
    assert order.receiver_name == "张小花"


def test_remark_with_flag_from_the_page(agent_client, order_factory):
    order = order_factory(paid=True)
    agent_client.post(
        reverse("orders:remark_add", args=[order.number]),
        {"version": order.version, "text": "一定要用申通", "flag": "red"},
    )
    order.refresh_from_db()
    assert order.flag == "red" and order.remarks.get().text == "一定要用申通"


def test_empty_remark_shows_the_error_in_chinese(agent_client, order_factory):
    order = order_factory(paid=True)
    response = agent_client.post(
        reverse("orders:remark_add", args=[order.number]),
        {"version": order.version, "text": ""},
    )
    assert response.status_code == 400
    assert "该字段是必填项" in response.content.decode()


def test_illegal_transition_from_the_page_is_refused(agent_client, order_factory):
    order = order_factory(state=OrderState.TRADE_FINISHED)
    response = agent_client.post(
        reverse("orders:transition", args=[order.number]), {"state": "WAIT_BUYER_PAY"}
    )
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == OrderState.TRADE_FINISHED


def test_review_queue_bulk_confirms_only_the_eligible(agent_client, order_factory):
    small = order_factory(paid=True, item_count=1)
    special = order_factory(paid=True, item_count=1, buyer_message="周末送")
    page = agent_client.get(reverse("orders:review"))
    assert 'disabled title="需要逐单审核"' in page.content.decode()

    response = agent_client.post(
        reverse("orders:review_bulk_confirm"), {"numbers": [small.number, special.number]}, follow=True
    )

    assert "已批量审核 1 单" in response.content.decode()
    small.refresh_from_db()
    special.refresh_from_db()
    assert small.reviewed_at is not None and special.reviewed_at is None


def test_reminder_queue_and_recording_a_reminder(agent_client, order_factory):
    order = order_factory(created_at=timezone.now() - timedelta(minutes=30))
    page = agent_client.get(reverse("orders:reminders"))
    assert order in page.context["page"]
    assert "首次购买" in page.content.decode()

    agent_client.post(
        reverse("orders:reminder_record", args=[order.number]),
        {"channel": "phone", "reason": "casual", "feedback": "晚点付"},
    )

    remark = order.remarks.get()
    assert remark.flag == "purple" and remark.text.endswith("小美 第1次提醒 晚点付")


def test_recheck_page_lists_paid_unshipped_orders(agent_client, order_factory):
    paid = order_factory(paid=True)
    response = agent_client.get(reverse("orders:recheck"))
    assert [r.order for r in response.context["rows"]] == [paid]


def test_navigation_counts_orders_waiting_for_review(agent_client, order_factory):
    order_factory(paid=True)
    order_factory(paid=True)
    response = agent_client.get(reverse("core:home"))
    assert response.context["nav_badges"]["orders_review"] == 2


def test_upload_imports_the_export_and_shows_the_result(
    agent_client, immediate_huey, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile(ORDERS.name, ORDERS.read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("orders:import"), {"file": upload})
    job = OrderImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("orders:import_status", args=[job.pk])
    assert (job.status, job.created, job.percent) == ("done", 10, 100)
    page = agent_client.get(response.url, HTTP_HX_REQUEST="true")
    assert "新增 10 单" in page.content.decode()
    assert Order.objects.count() == 10


def test_upload_of_a_wrong_file_type_is_refused_in_chinese(agent_client):
    upload = SimpleUploadedFile("orders.pdf", b"%PDF", content_type="application/pdf")
    response = agent_client.post(reverse("orders:import"), {"file": upload})
    assert "请上传订单报表" in response.content.decode()
    assert not OrderImport.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_before_any_job(agent_client, settings):
    settings.KEFU_MAX_UPLOAD_MB = {**settings.KEFU_MAX_UPLOAD_MB, "orders": 1}
    upload = SimpleUploadedFile("ExportOrderList.csv", b"x" * (1024 * 1024 + 1), content_type="text/csv")
    response = agent_client.post(reverse("orders:import"), {"file": upload})
    assert "文件太大" in response.content.decode()
    assert not OrderImport.objects.exists()


def test_only_supervisors_edit_reminder_scripts(agent_client, client, supervisor):
    assert (
        agent_client.post(
            reverse("orders:scripts"), {"name": "新", "channel": "im", "text": "亲"}
        ).status_code
        == 403
    )
    client.force_login(supervisor)
    response = client.post(
        reverse("orders:scripts"), {"name": "新话术", "channel": "im", "text": "{买家}您好"}
    )
    assert response.status_code == 302


def test_changing_terms_restarts_the_payment_timeout_from_the_page(agent_client, order_factory):
    order = order_factory(created_at=timezone.now() - timedelta(days=2, hours=23))
    response = agent_client.post(reverse("orders:terms_changed", args=[order.number]), {})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.terms_changed_at is not None
    orders_sweep(now=timezone.now() + timedelta(hours=2))
    order.refresh_from_db()
    assert order.state == OrderState.WAIT_BUYER_PAY


def test_an_agent_working_in_english_reads_the_messages_and_timeline_in_english(agent_client, order_factory):
    order = order_factory(paid=True)
    agent_client.cookies["django_language"] = "en"
    response = agent_client.post(
        reverse("orders:remark_add", args=[order.number]),
        {"version": order.version, "text": "发申通"},
        follow=True,
    )
    body = response.content.decode()
    assert "Remark saved." in body
    assert "Order placed" in body and "Buyer paid" in body
