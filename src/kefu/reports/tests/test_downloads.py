"""Every report downloads as Excel (real number and date cells, Chinese headers) and CSV, for the
people who may read it; the API gives the same rows as the page."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from kefu.aftersales.models import AfterSalesCase, CaseKind, CaseState
from kefu.chat.models import Conversation, ConversationStatus
from kefu.reports import services
from kefu.reports.views import EXPORTS


@pytest.fixture
def records(agent, supervisor, make_order):
    today = timezone.localdate()
    order = make_order(buyer="小花", paid=f"{today:%Y-%m-%d} 00:30", amount="88.80")
    AfterSalesCase.objects.create(
        kind=CaseKind.REFUND_ONLY,
        state=CaseState.REFUNDED,
        order=order,
        reason="不想要了",
        refund_amount=Decimal("88.80"),
        refunded_at=timezone.now(),
    )
    chat = Conversation.objects.create(buyer_name="小花", agent=agent, status=ConversationStatus.CLOSED)
    services.quality_review_record(
        conversation=chat, by=supervisor, in_time=True, wording_ok=True, attitude_ok=False, solved=True
    )
    services.error_record(
        agent=agent,
        by=supervisor,
        kind="price",
        occurred_on=today,
        description="改错了价",
        cost=Decimal("12.50"),
    )
    services.sanction_record(
        agent=agent, by=supervisor, month=today, kind="reward", amount=Decimal("200"), reason="好评多"
    )
    return today


def _range_query(today: dt.date) -> str:
    return f"start={today - dt.timedelta(days=6)}&end={today}&by=day"


@pytest.mark.parametrize("report", sorted(EXPORTS))
def test_every_report_downloads_as_excel_with_real_cells_and_as_csv(records, supervisor, login, report):
    client = login(supervisor)
    title, columns = EXPORTS[report]

    xlsx = client.get(f"/desk/reports/export/{report}.xlsx?{_range_query(records)}")
    text = client.get(f"/desk/reports/export/{report}.csv?{_range_query(records)}")

    assert xlsx.status_code == 200 and text.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in columns]
    assert len(rows) > 1  # the records written above are in it
    for column, value in zip(columns, rows[1], strict=True):
        if value is None:
            continue
        if column.kind == "date":
            assert isinstance(value, dt.datetime | dt.date), (column.key, value)
        elif column.kind in ("int", "money", "rate", "float", "seconds"):
            assert isinstance(value, int | float), (column.key, value)
    lines = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert lines[0] == [c.header for c in columns] and len(lines) == len(rows)


@pytest.mark.parametrize("report", ["sales", "aftersales"])
def test_an_agent_cannot_download_the_shops_figures(records, agent, login, report):
    assert login(agent).get(f"/desk/reports/export/{report}.csv").status_code == 403


@pytest.mark.parametrize("report", ["quality", "errors", "sanctions", "kpi"])
def test_an_agent_downloads_only_her_own_records(records, agent, make_user, supervisor, login, report):
    other = make_user("other-agent", "客服")
    services.error_record(
        agent=other, by=supervisor, kind="attitude", occurred_on=records, description="态度差"
    )
    services.sanction_record(
        agent=other, by=supervisor, month=records, kind="penalty", amount=Decimal(50), reason="迟到"
    )

    text = (
        login(agent)
        .get(f"/desk/reports/export/{report}.csv?{_range_query(records)}")
        .content.decode("utf-8-sig")
    )

    assert (agent.get_full_name() or agent.username) in text
    assert "other-agent" not in text


def test_a_download_of_an_unknown_report_is_not_found(supervisor, login):
    assert login(supervisor).get("/desk/reports/export/secrets.csv").status_code == 404


def test_the_after_sales_api_gives_the_pages_rows(records, supervisor, login):
    client = login(supervisor)

    rows = client.get(f"/api/reports/aftersales/?{_range_query(records)}").json()["rows"]
    page = client.get(f"/desk/reports/?{_range_query(records)}").context["aftersales"]

    assert [(r["kind"], r["reason"], r["cases"], r["refund_amount"]) for r in rows] == [
        (r["kind"], r["reason"], r["cases"], f"{r['refund_amount']:.2f}") for r in page
    ]
    assert rows[0]["refund_amount"] == "88.80"


def test_the_command_writes_the_error_log(records, tmp_path):
    target = tmp_path / "errors.xlsx"
    start = records - dt.timedelta(days=30)

    call_command(
        "report",
        "errors",
        "--start",
        str(start),
        "--end",
        str(records),
        "--format",
        "xlsx",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )

    rows = list(openpyxl.load_workbook(target).active.iter_rows(values_only=True))
    assert rows[1][2] == "价格错误" and rows[1][5] == 12.5
