"""The registers as spreadsheets: the page download and ``kefu aftersales_export``."""

from io import BytesIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from kefu.aftersales import services
from kefu.aftersales.models import CaseKind

pytestmark = pytest.mark.django_db


def _rows(data: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(data)).active.iter_rows(values_only=True))


def test_the_problem_parcel_register_downloads_with_the_shops_columns(login, aftersales_agent, make_case):
    make_case(kind=CaseKind.PROBLEM_PARCEL, waybill="773000999", details="三天未更新", item_title="面霜")
    make_case(kind=CaseKind.RESHIPMENT, item_title="精华")
    response = login(aftersales_agent).get("/desk/aftersales/cases/export/?kind=problem_parcel")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response.content)
    header = rows[0]
    for column in ("订单编号", "购买日期", "购买产品", "购买数量", "金额", "快递运单号", "详情"):
        assert column in header
    assert len(rows) == 2
    record = dict(zip(header, rows[1], strict=True))
    assert (
        record["快递运单号"] == "773000999"
        and record["详情"] == "三天未更新"
        and record["售后类型"] == "问题件"
    )


def test_rights_protection_refunds_only(login, aftersales_agent, make_case):
    for rights in (True, False):
        case = services.case_agree(
            case=make_case(kind=CaseKind.REFUND_ONLY, refund_requested="20"), by=aftersales_agent
        )
        services.case_refund(
            case=case, by=aftersales_agent, amount="20", channel="alipay", rights_protection=rights
        )
    rows = _rows(login(aftersales_agent).get("/desk/aftersales/cases/export/?rights=1").content)
    assert len(rows) == 2 and rows[1][rows[0].index("维权退款")] == "是"


def test_the_bad_review_count_exports_from_the_cli(tmp_path, agent, supervisor):
    review = services.review_record(
        by=agent, buyer_nick="tb_x", rating="bad", text="慢", reviewed_at=timezone.now()
    )
    services.review_close(review=review, by=supervisor, outcome="unresolved", note="联系不上")
    services.review_record(by=agent, buyer_nick="tb_y", rating="neutral", reviewed_at=timezone.now())
    out = tmp_path / "reviews.xlsx"
    call_command("aftersales_export", "reviews", "-o", str(out))
    rows = _rows(out.read_bytes())
    assert len(rows) == 3
    outcomes = {row[rows[0].index("处理结果")] for row in rows[1:]}
    assert outcomes == {"未解决", "处理中"}
    with pytest.raises(CommandError):
        call_command("aftersales_export", "cases", "-o", str(out), "--since", "2026/11/01")


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://x","退款")', "+86 138", "-1", "@sum(A1)", "\t=1", "\r=1"]
)
def test_a_case_whose_details_look_like_a_formula_stays_text_in_the_register(
    login, aftersales_agent, make_case, typed
):
    make_case(kind=CaseKind.PROBLEM_PARCEL, details=typed, buyer_nick=typed)
    response = login(aftersales_agent).get("/desk/aftersales/cases/export/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    details = sheet.cell(row=2, column=header.index("详情") + 1)
    assert details.data_type == "s" and details.value.strip() == typed.strip()


def test_a_control_character_pasted_into_a_case_does_not_break_the_register(
    login, aftersales_agent, make_case
):
    make_case(kind=CaseKind.PROBLEM_PARCEL, details="快递\x1f说\x0b丢了\x07", buyer_nick="tb_\x07wang")
    response = login(aftersales_agent).get("/desk/aftersales/cases/export/")
    assert response.status_code == 200
    rows = _rows(response.content)
    assert rows[1][rows[0].index("详情")] == "快递说丢了"


def test_a_control_character_in_a_review_does_not_break_the_bad_review_count(login, agent, supervisor):
    services.review_record(
        by=agent, buyer_nick="tb_x", rating="bad", text="=差\x1f评\x0b", reviewed_at=timezone.now()
    )
    response = login(supervisor).get("/desk/aftersales/reviews/export/")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    text = sheet.cell(row=2, column=header.index("评价内容") + 1)
    assert text.data_type == "s" and text.value == "=差评"
