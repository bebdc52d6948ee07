"""Quality inspection, the error log and 奖惩, KPI and work reports: who may, what they record."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kefu.chat.models import Conversation, ConversationStatus, Message, Sender
from kefu.core.shopsettings import shop_setting_set
from kefu.inbox.models import WorkItem
from kefu.reports import selectors, services
from kefu.reports.models import ErrorEntry, QualityReview, WorkReport
from kefu.reports.periods import Range
from kefu.reports.tests.conftest import at


def _chat(agent, *, first_response=10.0, replies=("您好，请问有什么可以帮您？",), when=None):
    chat = Conversation.objects.create(buyer_name="小花", agent=agent, status=ConversationStatus.CLOSED)
    for seq, text in enumerate(replies, start=1):
        Message.objects.create(conversation=chat, seq=seq, sender=Sender.AGENT, author=agent, text=text)
    created = when or timezone.now() - dt.timedelta(hours=1)
    Conversation.objects.filter(pk=chat.pk).update(
        created_at=created, first_response_seconds=first_response, first_response_at=created
    )
    chat.refresh_from_db()
    return chat


def test_the_checklist_is_prefilled_from_the_target_and_the_linter(agent):
    slow_and_rude = _chat(agent, first_response=45, replies=("这个不能退。",))
    fine = _chat(agent, first_response=8)

    rude = services.quality_prefill(conversation=slow_and_rude)
    good = services.quality_prefill(conversation=fine)

    assert (rude["in_time"], rude["wording_ok"]) == (False, False)
    assert any(hit["phrase"] == "不能" for hit in rude["lint_hits"])
    assert (good["in_time"], good["wording_ok"], good["lint_hits"]) == (True, True, [])


@pytest.mark.parametrize(
    "checks, score",
    [
        ((True, True, True, True), 100),
        ((False, True, True, True), 75),
        ((False, False, True, False), 25),
        ((False, False, False, False), 0),
    ],
)
def test_each_checklist_item_is_a_quarter_of_the_score(agent, supervisor, checks, score):
    chat = _chat(agent)
    in_time, wording_ok, attitude_ok, solved = checks

    review = services.quality_review_record(
        conversation=chat,
        by=supervisor,
        in_time=in_time,
        wording_ok=wording_ok,
        attitude_ok=attitude_ok,
        solved=solved,
    )

    assert (review.agent_id, review.score) == (agent.pk, score)


def test_a_chat_is_inspected_once_and_only_by_a_supervisor(agent, supervisor):
    chat = _chat(agent)
    checks = {"in_time": True, "wording_ok": True, "attitude_ok": True, "solved": True}

    with pytest.raises(PermissionDenied):
        services.quality_review_record(conversation=chat, by=agent, **checks)
    services.quality_review_record(conversation=chat, by=supervisor, **checks)
    with pytest.raises(ValidationError, match="已经质检过"):
        services.quality_review_record(conversation=chat, by=supervisor, **checks)

    assert QualityReview.objects.count() == 1


def test_the_sample_leaves_out_inspected_chats_and_filters_slow_ones(agent, supervisor):
    slow = _chat(agent, first_response=60)
    _chat(agent, first_response=5)
    inspected = _chat(agent, first_response=90)
    services.quality_review_record(
        conversation=inspected, by=supervisor, in_time=False, wording_ok=True, attitude_ok=True, solved=True
    )
    today = timezone.localdate()

    sample = selectors.quality_sample(
        rng=Range(today - dt.timedelta(days=1), today),
        agent_id=agent.pk,
        size=10,
        only="slow",
        target_seconds=20,
    )

    assert sample == [slow]


def test_the_inspection_page_posts_a_review(agent, supervisor, login):
    chat = _chat(agent, replies=("这个不能退。",))
    client = login(supervisor)

    page = client.get(f"/desk/reports/quality/{chat.pk}/")
    response = client.post(
        f"/desk/reports/quality/{chat.pk}/record/", {"in_time": "on", "solved": "on", "comment": "注意用语"}
    )

    assert "“不能”" in page.content.decode()
    assert response.status_code == 302
    review = QualityReview.objects.get()
    assert (review.score, review.comment, review.wording_ok) == (50, "注意用语", False)


def test_an_error_is_logged_against_the_person_responsible(agent, supervisor, login):
    response = login(supervisor).post(
        "/api/reports/errors/",
        {
            "agent": agent.pk,
            "kind": "price",
            "occurred_on": "2026-11-02",
            "description": "改价少改了 10 元",
            "cost": "10.00",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    entry = ErrorEntry.objects.get()
    assert (entry.agent_id, entry.kind, entry.cost, entry.recorded_by_id) == (
        agent.pk,
        "price",
        Decimal("10.00"),
        supervisor.pk,
    )


def test_an_agent_cannot_log_errors_and_sees_only_her_own(agent, supervisor, make_user, login):
    other = make_user("other", "客服")
    for who in (agent, other):
        services.error_record(
            agent=who, by=supervisor, kind="attitude", occurred_on=dt.date(2026, 11, 2), description="x"
        )

    refused = login(agent).post(
        "/api/reports/errors/",
        {"agent": other.pk, "kind": "price", "occurred_on": "2026-11-02", "description": "x"},
        content_type="application/json",
    )
    listed = login(agent).get("/api/reports/errors/").json()["results"]

    assert refused.status_code == 403
    assert [row["agent_id"] for row in listed] == [agent.pk]
    assert ErrorEntry.objects.count() == 2


def test_a_future_error_is_refused_with_the_reason(agent, supervisor):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.error_record(
            agent=agent,
            by=supervisor,
            kind="price",
            occurred_on=timezone.localdate() + dt.timedelta(days=1),
            description="x",
        )


def test_a_sanction_is_kept_by_month(agent, supervisor):
    sanction = services.sanction_record(
        agent=agent,
        by=supervisor,
        month=dt.date(2026, 11, 17),
        kind="reward",
        amount=Decimal("200"),
        reason="双十一零差评",
    )

    assert sanction.month == dt.date(2026, 11, 1)


def test_kpi_adds_the_weighted_parts_and_takes_off_errors(agent, supervisor, admin_user):
    for key, value in (
        ("kpi_order_review_target", 300),
        ("kpi_aftersales_target", 60),
        ("kpi_error_penalty_points", 5),
    ):
        shop_setting_set(key=key, value=value, by=admin_user)
    rng = Range(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    # half the after-sales target: 30 items done
    WorkItem.objects.bulk_create(
        WorkItem(
            source="aftersales",
            source_id=n,
            title="售后",
            state="done",
            owner=agent,
            closed_at=at("2026-11-10 10:00"),
        )
        for n in range(30)
    )
    chat = _chat(agent, when=at("2026-11-10 10:00"))
    services.quality_review_record(
        conversation=chat, by=supervisor, in_time=True, wording_ok=True, attitude_ok=False, solved=False
    )
    services.error_record(
        agent=agent, by=supervisor, kind="price", occurred_on=dt.date(2026, 11, 3), description="x"
    )

    (row,) = selectors.kpi_report(rng=rng, agent_ids=[agent.pk])

    assert row["score_aftersales"] == 20.0  # 40 × 30/60
    assert row["score_feedback"] == 5.0  # 10 × 50/100
    assert row["score_order_review"] == 0.0
    assert row["score_statistics"] == 0.0  # worked one day, no daily report
    assert row["errors"] == 1
    assert row["score"] == round(row["score_sales"] + 20.0 + 5.0 - 5, 1)


def test_kpi_api_shows_an_agent_only_her_own_line(agent, make_user, login):
    make_user("other", "客服")

    rows = login(agent).get("/api/reports/kpi/?start=2026-11-01&end=2026-11-30").json()["rows"]

    assert [row["agent_id"] for row in rows] == [agent.pk]


def test_the_daily_report_is_generated_from_the_day_and_submitted_with_notes(agent, login):
    _chat(agent, when=timezone.now())  # today in the shop's calendar, whatever the hour
    client = login(agent)

    page = client.get("/desk/reports/work/")
    report = WorkReport.objects.get()
    response = client.post(
        f"/desk/reports/work/{report.pk}/submit/", {"notes": "跟进了 3 个退款", "plan": "明天回访"}
    )

    assert page.status_code == 200
    assert report.figures["chats"] == 1
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.notes, report.plan, report.is_submitted) == ("跟进了 3 个退款", "明天回访", True)


def test_a_weekly_report_is_the_supervisors(agent, supervisor, make_order):
    day = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.work_report_prepare(author=agent, by=agent, kind="week", day=day)

    report = services.work_report_prepare(author=supervisor, by=supervisor, kind="month", day=day)

    assert report.period_start == day.replace(day=1)
    assert "paid_amount" in report.figures and "chats" in report.figures


def test_nobody_writes_someone_elses_report(agent, supervisor):
    with pytest.raises(PermissionDenied):
        services.work_report_prepare(author=agent, by=supervisor, kind="day", day=timezone.localdate())


@pytest.mark.parametrize(
    "path", ["/desk/reports/kpi/", "/desk/reports/quality/", "/desk/reports/errors/", "/desk/reports/work/"]
)
def test_every_page_opens_for_an_agent_and_a_supervisor(agent, supervisor, login, path):
    for user in (agent, supervisor):
        assert login(user).get(path).status_code == 200


def test_the_kpi_downloads_as_excel_with_an_agent_line_each(agent, supervisor, login):
    response = login(supervisor).get("/desk/reports/export/kpi.xlsx?start=2026-11-01&end=2026-11-30")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["客服", "总分"]
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert "小美" in names and sheet.cell(2, 2).data_type == "n"
