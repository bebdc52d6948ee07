"""客户投诉记录表: the complaints of a period printed and in Excel, one line each."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.aftersales.models import Complaint
from kefu.core.paperforms import table_start

URL = "/desk/aftersales/complaints/record/"


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def complaints(db, supervisor):
    """Two complaints in November (one closed, satisfied) and one in October."""
    closed = Complaint.objects.create(
        customer_name="陈女士", phone="13900001111", channel="phone", problem="面霜用后过敏",
        product="玫瑰保湿面霜", product_batch="B20261001", production_date=date(2026, 10, 1),
        received_at=_at(date(2026, 11, 3)), signed_off_by=supervisor, proposed_handling="退货退款",
        satisfaction="satisfied", closed_at=_at(date(2026, 11, 5), 15),
    )  # fmt: skip
    open_ = Complaint.objects.create(
        customer_name='=HYPERLINK("x")',
        channel="email",
        problem="发错颜色",
        received_at=_at(date(2026, 11, 20)),
    )
    Complaint.objects.create(
        customer_name="十月客户", channel="im", problem="慢", received_at=_at(date(2026, 10, 30))
    )
    return closed, open_


def test_the_record_prints_the_complaints_of_the_period_only(login, aftersales_agent, complaints):
    html = login(aftersales_agent).get(URL, {"start": "2026-11-01", "end": "2026-11-30"}).content.decode()
    for text in ("客户投诉记录表", "陈女士", "面霜用后过敏", "B20261001", "2026-10-01", "王主管", "满意", "处理中",
                 "部门领导签字", "data-print", "paper.css"):  # fmt: skip
        assert text in html
    assert "十月客户" not in html


def test_the_complaint_list_links_to_the_record(login, aftersales_agent, db):
    assert URL in login(aftersales_agent).get("/desk/aftersales/complaints/").content.decode()


def test_the_record_in_excel_has_dates_as_dates_and_text_as_text(login, aftersales_agent, complaints):
    response = login(aftersales_agent).get(URL + "xlsx/", {"start": "2026-11-01", "end": "2026-11-30"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "客户投诉记录表"
    start = table_start(sheet, "序号")
    header = [c.value for c in sheet[start]]
    assert header[1:4] == ["接到投诉时间", "客户名称", "电话"]
    first = dict(zip(header, [c.value for c in sheet[start + 1]], strict=False))
    second = [c for c in sheet[start + 2]]
    assert first["序号"] == 1 and first["客户名称"] == "陈女士"
    assert first["接到投诉时间"] == datetime(2026, 11, 3, 10)
    assert first["生产日期"] == datetime(2026, 10, 1)  # a date cell, read back as midnight
    assert first["客户满意度"] == "满意" and first["部门领导签字"] == "王主管"
    name = second[header.index("客户名称")]
    assert name.value == '=HYPERLINK("x")' and name.data_type == "s"  # a buyer's text never runs as a formula
    assert sheet[start + 3][0].value is None  # October's complaint is not in November's record


def test_a_period_ending_before_it_starts_shows_the_month_and_says_why(login, aftersales_agent, complaints):
    response = login(aftersales_agent).get(URL, {"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 200 and "开始日期不能晚于结束日期" in response.content.decode()


def test_the_record_needs_a_team_member(client, db):
    assert client.get(URL).status_code == 302
    assert client.get(URL + "xlsx/").status_code == 302


def test_the_default_period_is_this_month(login, aftersales_agent, db):
    today = timezone.localdate()
    Complaint.objects.create(
        customer_name="本月客户", channel="phone", problem="漏发", received_at=timezone.now()
    )
    Complaint.objects.create(
        customer_name="上月客户", channel="phone", problem="漏发",
        received_at=timezone.now() - timedelta(days=today.day + 1),
    )  # fmt: skip
    html = login(aftersales_agent).get(URL).content.decode()
    assert "本月客户" in html and "上月客户" not in html


def test_one_complaints_feedback_form_downloads_from_its_page(login, aftersales_agent, complaints):
    closed, _open = complaints
    client = login(aftersales_agent)
    url = f"/desk/aftersales/complaints/{closed.pk}/xlsx/"
    assert url in client.get(f"/desk/aftersales/complaints/{closed.pk}/").content.decode()
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    fields = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True) if row[0]}
    assert sheet["A1"].value == "客户投诉反馈表"
    assert fields["客户名称"] == "陈女士" and fields["处理意见"] == "退货退款"
    assert fields["结案时间"] == datetime(2026, 11, 5, 15) and fields["部门领导签字"] == "王主管"
