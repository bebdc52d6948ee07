"""The orders API and CLI: the same services as the pages, the same refusals."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from rest_framework.test import APIClient

from kefu.orders import services
from kefu.orders.models import Order, OrderImport, OrderState
from kefu.orders.tests.test_import import LINES, ORDERS

API = "/api/v1/orders/"


@pytest.fixture
def api(agent):
    client = APIClient()
    client.force_authenticate(agent)
    return client


def test_api_needs_a_team_member(order_factory):
    assert APIClient().get(API).status_code in (401, 403)


def test_search_returns_the_platforms_state_wording(api, order_factory):
    order = order_factory(paid=True)
    data = api.get(API, {"q": order.number}).json()
    assert data["count"] == 1
    assert data["results"][0]["state"] == "买家已付款，等待卖家发货"


def test_detail_has_lines_remarks_and_warnings(api, order_factory, order_line_factory):
    order = order_factory(paid=True, receiver_province="青海省", postage=0)
    order_line_factory(order=order)
    data = api.get(f"{API}{order.number}/").json()
    assert data["lines"][0]["title"] == "玫瑰保湿面霜 50g"
    assert any("偏远地区" in w for w in data["review_warnings"])


def test_unknown_order_is_404(api, db):
    assert api.get(f"{API}9999999999/").status_code == 404


def test_illegal_transition_is_400_with_the_reason(api, order_factory):
    order = order_factory()
    response = api.post(f"{API}{order.number}/transition/", {"state": "TRADE_FINISHED"}, format="json")
    assert response.status_code == 400
    assert "不能变为" in json.dumps(response.json(), ensure_ascii=False)


def test_ship_through_the_api(api, order_factory):
    order = order_factory(paid=True)
    response = api.post(
        f"{API}{order.number}/transition/",
        {"state": "WAIT_BUYER_CONFIRM_GOODS", "courier": "顺丰速运", "waybill": "SF100"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "卖家已发货，等待买家确认"
    assert response.json()["confirm_deadline"] is not None


def test_review_confirm_with_a_stale_version_is_refused(api, order_factory):
    order = order_factory(paid=True)
    api.post(f"{API}{order.number}/courier/", {"courier": "中通", "version": 1}, format="json")
    response = api.post(f"{API}{order.number}/review/confirm/", {"version": 1}, format="json")
    assert response.status_code == 400
    ok = api.post(f"{API}{order.number}/review/confirm/", {"version": 2}, format="json")
    assert ok.status_code == 200 and ok.json()["reviewed_by"] == "agent"


def test_bulk_confirm_reports_what_it_skipped(api, order_factory):
    small = order_factory(paid=True)
    big = order_factory(paid=True, item_count=9)
    data = api.post(
        f"{API}review/bulk-confirm/", {"numbers": [small.number, big.number, "123"]}, format="json"
    ).json()
    assert data == {"confirmed": 1, "skipped": [big.number, "123"]}


def test_review_queue_marks_bulk_confirmable(api, order_factory):
    order_factory(paid=True)
    item = api.get(f"{API}review/").json()["results"][0]
    assert item["bulk_confirmable"] is True and item["warnings"] == []


def test_remark_gift_and_address_through_the_api(api, order_factory):
    order = order_factory(paid=True)
    assert (
        api.post(
            f"{API}{order.number}/remarks/", {"text": "发申通", "flag": "red"}, format="json"
        ).status_code
        == 201
    )
    assert (
        api.post(f"{API}{order.number}/gifts/", {"title": "小样", "quantity": 2}, format="json").status_code
        == 201
    )
    response = api.post(
        f"{API}{order.number}/address/",
        {
            "receiver_name": "李四",
            "receiver_phone": "13900000000",
            "receiver_address": "西藏自治区 拉萨市 城关区",
        },
        format="json",
    )
    data = response.json()
    assert data["flag"] == "red" and data["receiver_province"] == "西藏自治区"
    assert [line["is_gift"] for line in data["lines"]] == [True]
    assert len(data["remarks"]) == 2  # the agent's and the address change's


def test_reminder_queue_and_record_through_the_api(api, order_factory):
    order = order_factory(created_at=timezone.now() - timedelta(hours=1))
    queue = api.get(f"{API}reminders/").json()
    assert queue["results"][0]["number"] == order.number
    assert queue["results"][0]["first_time_buyer"] is True
    response = api.post(
        f"{API}{order.number}/reminders/",
        {"channel": "sms", "reason": "price", "feedback": "嫌贵"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["sequence"] == 1
    assert api.get(f"{API}reminders/").json()["results"][0]["reminder_count"] == 1


def test_script_render_through_the_api(api, order_factory):
    order = order_factory(receiver_name="林小桃")
    scripts = api.get(f"{API}scripts/").json()
    assert len(scripts) >= 5
    script = next(s for s in scripts if "{买家}" in s["text"])
    text = api.get(f"{API}scripts/{script['id']}/render/{order.number}/").json()["text"]
    assert "林小桃" in text and "{买家}" not in text


def test_agent_cannot_create_a_script_through_the_api(api):
    assert api.post(f"{API}scripts/", {"name": "x", "text": "y"}, format="json").status_code == 403


def test_import_through_the_api(api, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    HUEY.immediate = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(
                f"{API}imports/",
                {
                    "file": SimpleUploadedFile(ORDERS.name, ORDERS.read_bytes()),
                    "lines_file": SimpleUploadedFile(LINES.name, LINES.read_bytes()),
                },
                format="multipart",
            )
    finally:
        HUEY.immediate = False
    assert response.status_code == 202
    status = api.get(f"{API}imports/{response.json()['id']}/").json()
    assert (status["status"], status["created"], status["lines"], status["percent"]) == ("done", 10, 5, 100)


# --- CLI --------------------------------------------------------------------------------------


def test_cli_import_then_show_as_json(db, capsys):
    call_command("orders", "import", str(ORDERS), "--lines", str(LINES))
    out = capsys.readouterr().out
    assert "新增 10" in out and "宝贝 5" in out

    call_command("orders", "show", "1930679858170650", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["number"] == "1930679858170650"
    assert data["state"] == "卖家已发货，等待买家确认"
    assert (data["paid"], data["postage"], data["courier"], data["waybill"]) == (
        "45.00",
        "0.00",
        "申通快递",
        "773100000001",
    )
    assert data["flag"] == "" and data["remarks"] == []


def test_cli_import_with_bad_rows_exits_1_and_names_the_lines(db, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        ORDERS.read_bytes().decode("gbk").replace("1930679858170649", "193067985817064X"), encoding="utf-8"
    )
    with pytest.raises(SystemExit) as exit_info:
        call_command("orders", "import", str(path))
    assert exit_info.value.code == 1
    assert "第 4 行：订单编号无效：193067985817064X" in capsys.readouterr().err
    assert Order.objects.count() == 9


def test_cli_import_of_a_wrong_file_exits_2(db, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError) as err:
        call_command("orders", "import", str(path))
    assert err.value.returncode == 2


def test_cli_show_of_an_unknown_order(db):
    with pytest.raises(CommandError, match="找不到订单"):
        call_command("orders", "show", "123")


def test_cli_show_has_the_remarks(db, capsys, agent, order_factory):
    order = order_factory(paid=True, state=OrderState.WAIT_SELLER_SEND)
    services.order_remark_add(order=order, by=agent, text="先点红旗，再写备注", flag="red")
    call_command("orders", "show", order.number, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["flag"] == "red"
    assert data["remarks"][0]["text"] == "先点红旗，再写备注"


def test_terms_change_through_the_api_only_for_unpaid_orders(api, order_factory):
    unpaid = order_factory()
    paid = order_factory(paid=True)
    response = api.post(f"{API}{unpaid.number}/terms-changed/")
    assert response.status_code == 200 and response.json()["payment_deadline"] is not None
    unpaid.refresh_from_db()
    assert unpaid.terms_changed_at is not None
    assert api.post(f"{API}{paid.number}/terms-changed/").status_code == 400


def test_cli_import_of_a_renamed_csv_as_xlsx_exits_2_and_fails_the_job(db, tmp_path):
    path = tmp_path / "ExportOrderList.xlsx"
    path.write_bytes("订单编号,订单状态\r\n".encode("gbk"))
    with pytest.raises(CommandError) as err:
        call_command("orders", "import", str(path))
    assert err.value.returncode == 2
    assert "不是有效的 Excel" in str(err.value) and "\n" not in str(err.value)
    job = OrderImport.objects.get()
    assert job.status == OrderImport.Status.FAILED and "不是有效的 Excel" in job.message
