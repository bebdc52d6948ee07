"""The daily report (日报) generated at the end of each agent's shift, waiting for her; the
supervisor sees who has not submitted."""

import datetime as dt

import pytest
from django.utils import timezone

from kefu.chat.models import Conversation, ConversationStatus
from kefu.core import sweeps
from kefu.core.models import ActivityLog
from kefu.reports import selectors, services
from kefu.reports.models import WorkReport
from kefu.reports.tests.conftest import at
from kefu.team.models import RotaEntry, TeamMember

DAY = dt.date(2026, 11, 10)


def _chat(agent, when: dt.datetime) -> None:
    chat = Conversation.objects.create(buyer_name="小花", agent=agent, status=ConversationStatus.CLOSED)
    Conversation.objects.filter(pk=chat.pk).update(created_at=when, first_response_at=when)


@pytest.fixture
def rota(agent, make_user):
    """The day shift (08:30–16:30) for ``agent``, the night shift (16:00–24:00) for another."""
    night = make_user("night-agent", "客服")
    for user, duty in ((agent, "day"), (night, "night")):
        TeamMember.objects.create(user=user)
        RotaEntry.objects.create(user=user, day=DAY, duty=duty)
    return {"day": agent, "night": night}


def test_the_report_is_generated_when_her_shift_ends_from_what_she_did(rota):
    _chat(rota["day"], at("2026-11-10 09:00"))
    _chat(rota["day"], at("2026-11-10 15:00"))
    _chat(rota["night"], at("2026-11-10 20:00"))

    during = services.work_reports_generate(now=at("2026-11-10 16:00"))
    after_day_shift = services.work_reports_generate(now=at("2026-11-10 16:31"))
    again = services.work_reports_generate(now=at("2026-11-10 16:45"))
    after_night_shift = services.work_reports_generate(now=at("2026-11-11 00:05"))

    assert (during, after_day_shift, again, after_night_shift) == (0, 1, 0, 1)
    reports = {r.author_id: r for r in WorkReport.objects.all()}
    assert reports[rota["day"].pk].figures["chats"] == 2
    assert reports[rota["night"].pk].figures["chats"] == 1
    assert all(r.period_start == DAY and r.submitted_at is None for r in reports.values())
    assert ActivityLog.objects.filter(verb="work_report_generated").count() == 2  # in each one's history


def test_the_sweep_registry_runs_the_generation(rota):
    report = sweeps.sweeps_run(now=at("2026-11-11 00:05"), only=["reports_daily_reports"])

    assert report["reports_daily_reports"]["daily_reports_generated"] == 2


def test_the_supervisor_sees_who_has_not_submitted(rota):
    services.work_reports_generate(now=at("2026-11-10 16:31"))  # only the day shift has ended
    report = WorkReport.objects.get(author=rota["day"])
    services.work_report_submit(report=report, by=rota["day"], notes="回访 3 位", plan="")

    pending = selectors.daily_reports_pending(since=DAY, now=at("2026-11-11 00:05"))

    # the day shift's report is sent; the night shift ended but its report is not even generated
    assert [(p["agent_id"], p["day"], p["report_id"]) for p in pending] == [(rota["night"].pk, DAY, None)]


def test_she_adds_to_the_generated_report_and_submits_it(rota, login):
    services.work_reports_generate(now=at("2026-11-10 16:31"))
    client = login(rota["day"])

    page = client.get("/desk/reports/work/")
    report = WorkReport.objects.get(author=rota["day"], period_start=DAY)
    sent = client.post(f"/desk/reports/work/{report.pk}/submit/", {"notes": "处理了 2 个退款", "plan": ""})

    assert f"day={DAY:%Y-%m-%d}" in page.content.decode()  # waiting for her, linked
    assert sent.status_code == 302
    report.refresh_from_db()
    assert (report.notes, report.is_submitted) == ("处理了 2 个退款", True)


def test_the_pending_list_on_the_page_and_in_the_api(agent, make_user, supervisor, login):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    other = make_user("other-agent", "客服")
    for user in (agent, other):
        TeamMember.objects.create(user=user)
        RotaEntry.objects.create(user=user, day=yesterday, duty="day")

    page = login(supervisor).get("/desk/reports/work/").content.decode()
    everyone = login(supervisor).get("/api/reports/work/pending/").json()
    mine = login(agent).get("/api/reports/work/pending/").json()
    bad = login(agent).get("/api/reports/work/pending/?days=abc")

    assert 'id="work-pending"' in page and "other-agent" in page
    assert {row["agent_id"] for row in everyone} == {agent.pk, other.pk}
    assert [(row["agent_id"], row["day"]) for row in mine] == [(agent.pk, yesterday.isoformat())]
    assert bad.status_code == 400 and "days" in bad.json()
