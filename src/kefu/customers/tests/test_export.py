"""The profiles as the shop's scripts read them: ``kefu customers export`` and ``GET /api/customers/``."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from kefu.customers.models import CustomerExport
from kefu.customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def profiles():
    now = timezone.now()
    CustomerFactory(
        buyer_nick="小桃子",
        phone="18600000001",
        orders_count=3,
        paid_orders=2,
        paid_amount=Decimal("123.40"),
        first_paid_at=now - timedelta(days=30),
        last_paid_at=now,
    )
    CustomerFactory(buyer_nick="桃子妈妈", orders_count=1, paid_orders=1, paid_amount=Decimal("50.00"))
    CustomerFactory(buyer_nick="", name="老客户（手工录入）")


def test_the_json_export_lists_every_member_name_with_its_figures(profiles, capsys):
    call_command("customers", "export", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["nickname"] for r in rows] == sorted(["小桃子", "桃子妈妈"])
    peach = next(r for r in rows if r["nickname"] == "小桃子")
    assert {k: peach[k] for k in ("orders", "paid_orders", "paid_amount", "returning")} == {
        "orders": 3,
        "paid_orders": 2,
        "paid_amount": "123.40",
        "returning": True,
    }
    assert peach["average_order_value"] == "61.70"
    assert peach["phone"] == "186****0001", "exports mask the phone"
    assert CustomerExport.objects.get().channel == "cli"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_csv_and_xlsx_exports_have_the_same_columns(profiles, tmp_path, fmt):
    out = tmp_path / f"customers.{fmt}"
    call_command("customers", "export", "--format", fmt, "--output", str(out))
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
        peach = next(r for r in rows if r["nickname"] == "小桃子")
        assert (peach["paid_orders"], peach["paid_amount"], peach["returning"]) == ("2", "123.40", "是")
    else:
        sheet = load_workbook(out).active
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        assert header[:5] == ["nickname", "orders", "paid_orders", "paid_amount", "returning"]
        assert sheet.max_row == 3


def test_xlsx_needs_a_file():
    with pytest.raises(CommandError):
        call_command("customers", "export", "--format", "xlsx")


def test_the_api_gives_the_same_fields_as_the_export(profiles, client, agent, capsys):
    client.force_login(agent)
    api = client.get("/api/customers/").json()
    call_command("customers", "export", "--format", "json")
    assert api == json.loads(capsys.readouterr().out)
    one = client.get("/api/customers/", {"nickname": "桃子妈妈"}).json()
    assert [(r["nickname"], r["returning"]) for r in one] == [("桃子妈妈", False)]
    assert client.get("/api/v1/customers/").status_code == 200, "the old address keeps working"


def test_the_api_is_for_the_team_only(profiles, client):
    assert client.get("/api/customers/").status_code in (401, 403)


@pytest.mark.parametrize(("who", "status"), [("agent", 403), ("supervisor", 403), ("admin_user", 200)])
def test_only_an_admin_downloads_the_export_and_it_is_recorded(profiles, client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/desk/customers/export/?format=csv")
    assert response.status_code == status
    assert CustomerExport.objects.filter(channel="page").count() == (1 if status == 200 else 0)
