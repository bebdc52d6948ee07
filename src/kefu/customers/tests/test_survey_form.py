"""客户满意度调查表: the ratings of a period, printed and in Excel, with the share of satisfied."""

import io
from datetime import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.core.paperforms import table_start
from kefu.customers.models import Satisfaction
from kefu.customers.tests.factories import CustomerFactory

URL = "/desk/customers/satisfaction/survey-form/"
NOVEMBER = {"start": "2026-11-01", "end": "2026-11-30"}


def _rate(kind, source_id, score, when, **extra):
    rating = Satisfaction.objects.create(kind=kind, source_id=source_id, score=score, **extra)
    Satisfaction.objects.filter(pk=rating.pk).update(created_at=timezone.make_aware(when))
    return rating


@pytest.fixture
def ratings(db, agent):
    customer = CustomerFactory(name="陈女士", buyer_nick="tb_chen")
    # (kind, source, score, when): three in November, one in October
    table = [
        ("chat", 1, 5, datetime(2026, 11, 2, 10), "很耐心"),
        ("complaint", 2, 2, datetime(2026, 11, 9, 15), "处理太慢"),
        ("case", 3, 4, datetime(2026, 11, 28, 9), ""),
        ("chat", 4, 1, datetime(2026, 10, 31, 9), "十月的评价"),
    ]
    for kind, source, score, when, comment in table:
        _rate(kind, source, score, when, comment=comment, customer=customer, agent=agent)


def test_the_survey_form_prints_the_periods_ratings_and_the_satisfied_share(login, agent, ratings):
    html = login(agent).get(URL, NOVEMBER).content.decode()
    for text in (
        "客户满意度调查表",
        "陈女士",
        "tb_chen",
        "很耐心",
        "处理太慢",
        "小美",
        "调查人",
        "data-print",
    ):
        assert text in html
    assert "十月的评价" not in html
    assert "66.7" in html  # 2 of 3 rated 4 or 5


def test_the_satisfaction_page_links_to_the_survey_form(login, agent, db):
    assert URL in login(agent).get("/desk/customers/satisfaction/").content.decode()


def test_the_survey_form_in_excel_has_numbers_and_times(login, agent, ratings):
    response = login(agent).get(URL + "xlsx/", NOVEMBER)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "客户满意度调查表"
    fields = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, max_col=2, values_only=True) if row[0]}
    assert fields["调查数"] == 3 and fields["平均分"] == 3.67 and fields["满意率（4 分及以上，%）"] == 66.7
    assert fields["其中 投诉"] == 1
    start = table_start(sheet, "序号")
    header = [c.value for c in sheet[start]]
    rows = [
        dict(zip(header, r, strict=False))
        for r in sheet.iter_rows(min_row=start + 1, max_row=start + 3, values_only=True)
    ]
    assert [(r["类型"], r["评分（1–5）"]) for r in rows] == [("在线咨询", 5), ("投诉", 2), ("售后", 4)]
    assert rows[1]["时间"] == datetime(2026, 11, 9, 15) and rows[1]["意见"] == "处理太慢"


def test_the_survey_form_needs_a_team_member(client, db):
    assert client.get(URL).status_code == 302
    assert client.get(URL + "xlsx/").status_code == 302
