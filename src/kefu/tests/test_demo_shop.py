"""The demo shop, loaded once on the test database: six weeks that hang together, figures on every
report and page, and a second load (or a real shop's database) left alone."""

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from kefu.aftersales.models import AfterSalesCase, BadReview, CaseKind, Complaint
from kefu.chat.models import Conversation, ConversationStatus, Message
from kefu.core import demo
from kefu.core.models import ActivityLog
from kefu.customers.models import Customer, ReturnVisit, Satisfaction
from kefu.helpcenter.models import Question
from kefu.inbox.models import WorkItem
from kefu.orders import lifecycle
from kefu.orders.models import Order, OrderState, PaymentReminder
from kefu.reports import selectors as reports
from kefu.reports.models import QualityReview, WorkReport
from kefu.reports.periods import Range
from kefu.reports.templatetags.reports_tags import cell_text
from kefu.team import selectors as team
from kefu.team.models import Handover, RotaEntry

# every moment the demo writes, by model: none may lie after the load
MOMENTS = [
    (Order, ("created_at", "paid_at", "shipped_at", "finished_at", "closed_at", "reviewed_at")),
    (PaymentReminder, ("created_at",)),
    (
        AfterSalesCase,
        ("requested_at", "agreed_at", "refused_at", "return_shipped_at", "received_at", "inspected_at")
        + ("refunded_at", "closed_at", "received_by_buyer_at"),
    ),
    (Complaint, ("received_at", "signed_off_at", "customer_informed_at", "closed_at")),
    (BadReview, ("reviewed_at", "closed_at")),
    (Conversation, ("created_at", "taken_at", "first_response_at", "last_message_at", "closed_at")),
    (Message, ("created_at",)),
    (Satisfaction, ("created_at",)),
    (Question, ("created_at", "answered_at")),
    (WorkItem, ("created_at", "closed_at")),
    (ReturnVisit, ("created_at", "done_at")),
    (QualityReview, ("created_at",)),
    (WorkReport, ("submitted_at",)),
    (ActivityLog, ("created_at",)),
]


@pytest.fixture(scope="module")
def shop(django_db_setup, django_db_blocker):
    """The demo loaded once for the module, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        lines = demo.demo_load()
        loaded_at = timezone.now()
        yield {"lines": lines, "loaded_at": loaded_at}
        transaction.set_rollback(True)


@pytest.fixture
def last_30_days(shop):
    """The thirty whole shop days before today (today may have just begun)."""
    today = timezone.localdate()
    return Range(today - dt.timedelta(days=30), today - dt.timedelta(days=1), "day")


def test_every_trade_state_is_there_and_the_orders_span_six_weeks(shop, db):
    assert set(Order.objects.values_list("state", flat=True)) == set(OrderState.values)
    first = timezone.localdate(Order.objects.order_by("created_at").first().created_at)
    assert (timezone.localdate() - first).days == demo.HISTORY_DAYS - 1


@pytest.mark.parametrize(("model", "fields"), MOMENTS, ids=[m.__name__ for m, _f in MOMENTS])
def test_nothing_happened_after_the_load(shop, db, model, fields):
    latest = model.objects.aggregate(**{f: Max(f) for f in fields})
    assert any(latest.values()), f"{model.__name__} has no rows"
    late = {f: value for f, value in latest.items() if value and value > shop["loaded_at"]}
    assert late == {}


def test_each_orders_times_follow_its_lifecycle(shop, db):
    orders = Order.objects.all()
    assert not orders.filter(paid_at__lt=F("created_at")).exists()
    assert not orders.filter(shipped_at__lt=F("paid_at")).exists()
    assert not orders.filter(finished_at__lt=F("shipped_at")).exists()
    assert not orders.filter(state__in=lifecycle.PAID_STATES, paid_at__isnull=True).exists()
    assert not orders.filter(state=OrderState.WAIT_BUYER_PAY, paid_at__isnull=False).exists()
    assert not orders.filter(
        state__in=[OrderState.WAIT_BUYER_CONFIRM, OrderState.TRADE_FINISHED], shipped_at=None
    )
    now = timezone.now()
    # nothing the sweep would still have to move: the unpaid are younger than the payment
    # timeout, the shipped younger than the confirm timeout
    assert not orders.filter(
        state=OrderState.WAIT_BUYER_PAY, created_at__lte=now - lifecycle.payment_timeout()
    ).exists()
    assert not orders.filter(
        state=OrderState.WAIT_BUYER_CONFIRM, shipped_at__lte=now - lifecycle.confirm_timeout("express")
    ).exists()
    assert orders.filter(state=OrderState.TRADE_CLOSED, close_reason=lifecycle.CLOSE_REASON_UNPAID).exists()
    # a 催付 is made while the order is unpaid, and some of those orders were paid after it
    reminders = PaymentReminder.objects.all()
    assert not reminders.filter(created_at__lt=F("order__created_at")).exists()
    assert not reminders.filter(order__paid_at__lte=F("created_at")).exists()
    assert reminders.filter(order__paid_at__gt=F("created_at")).exists()
    assert reminders.filter(order__state=OrderState.WAIT_BUYER_PAY).exists()


def test_after_sales_cases_sit_on_paid_orders_and_refund_at_most_what_was_paid(shop, db):
    cases = AfterSalesCase.objects.filter(order__isnull=False)
    assert cases.count() > 50
    assert not cases.filter(order__paid_at__isnull=True).exists()
    assert not cases.filter(requested_at__lt=F("order__paid_at")).exists()
    assert not cases.filter(refund_amount__gt=F("order__paid_amount")).exists()
    assert set(cases.values_list("state", flat=True)) >= {"refunded", "resolved", "closed", "requested"}
    assert not Complaint.objects.filter(order__paid_at__isnull=True).exclude(order=None).exists()
    assert not BadReview.objects.filter(reviewed_at__lt=F("order__finished_at")).exists()
    assert BadReview.objects.exclude(outcome="").exists() and BadReview.objects.filter(outcome="").exists()
    assert set(AfterSalesCase.objects.values_list("kind", flat=True)) == set(CaseKind.values)
    assert Customer.objects.filter(blacklisted=True).count() == 1


def test_customer_profiles_are_built_from_the_orders(shop, db):
    expected = {
        row["buyer_nick"]: row
        for row in Order.objects.values("buyer_nick").annotate(
            n=Count("id"), paid=Count("id", filter=Q(paid_at__isnull=False))
        )
    }
    profiles = {c.buyer_nick: c for c in Customer.objects.filter(buyer_nick__in=list(expected))}
    assert len(profiles) == len(expected) > 300
    assert all(
        (p.orders_count, p.paid_orders) == (expected[n]["n"], expected[n]["paid"])
        for n, p in profiles.items()
    )
    assert sum(1 for p in profiles.values() if p.returning) > 50
    assert Customer.objects.filter(orders_count=0, last_contact_at__isnull=False).exists()  # the leads


def test_the_sales_and_service_reports_have_figures_every_day(shop, db, last_30_days):
    sales = reports.sales_report(rng=last_30_days)
    service = reports.service_report(rng=last_30_days, target_seconds=20)
    assert len(sales) == len(service) == 30
    empty = {
        row["period"]: key
        for row in sales
        for key in ("paid_orders", "paid_amount", "paying_buyers", "asking_customers", "converted_customers")
        if not row[key]
    } | {
        row["period"]: key
        for row in service
        for key in ("chats", "answered_chats", "closed_chats", "response_avg")
        if not row[key]
    }
    assert empty == {}
    assert sum(row["refunds"] for row in sales) > 10
    assert sum(row["reminders"] for row in sales) > 30
    assert sum(row["recovered_orders"] for row in sales) > 5
    assert sum(row["transfers"] for row in service) > 10
    assert sum(row["questions_answered"] for row in service) > 30
    assert 40 <= min(row["paid_orders"] for row in sales) <= max(row["paid_orders"] for row in sales) <= 200


def test_closed_chats_are_rated_and_only_they(shop, db):
    rated = Satisfaction.objects.filter(kind="chat").values_list("source_id", flat=True)
    chats = Conversation.objects.filter(customer_message_count__gt=0)
    assert not chats.filter(pk__in=rated).exclude(status=ConversationStatus.CLOSED).exists()
    assert not chats.filter(pk__in=rated, taken_at__isnull=True).exists()
    answered_closed = chats.filter(status=ConversationStatus.CLOSED, first_response_at__isnull=False)
    assert answered_closed.filter(pk__in=rated).count() > answered_closed.count() / 2
    assert Conversation.objects.filter(status=ConversationStatus.WAITING).count() == 2
    # every agent reply of the history carries its response time
    assert not Message.objects.filter(sender="agent", is_auto=False, response_seconds__isnull=True).exists()


def test_the_kpi_has_every_part_for_every_agent(shop, db, last_30_days):
    rows = {row["agent"]: row for row in reports.kpi_report(rng=last_30_days)}
    assert set(rows) == {"小美", "小雪", "小周", "小李", "小陈"}
    assert all(row["days_worked"] and row["daily_reports"] for row in rows.values())
    assert all(row["inspected_chats"] for row in rows.values())
    assert all(
        rows[name]["sales_amount"] > 0 and rows[name]["orders_reviewed"] > 0
        for name in ("小美", "小雪", "小周")
    )
    assert all(rows[name]["items_done"] > 0 for name in ("小李", "小陈"))
    assert sum(row["errors"] for row in rows.values()) > 0


def test_the_team_has_a_rota_handovers_and_the_double11_history(shop, db):
    today = timezone.localdate()
    assert RotaEntry.objects.filter(day__year=today.year, day__month=today.month).count() >= 6 * 28
    assert Handover.objects.filter(submitted_at__isnull=False, acknowledged_at__isnull=False).count() >= 14
    history = team.volume_history(year=today.year)
    assert history.last_october_avg and history.last_double11 > history.last_october_avg
    if today > dt.date(today.year, 10, 1):
        assert history.estimate() > history.october_avg
    assert len(team.half_hour_pattern()) == 48 and team.measured_aht()


def test_a_second_load_changes_nothing(shop, db):
    counts = {m: m.objects.count() for m, _f in MOMENTS}
    assert demo.demo_load() == []
    assert {m: m.objects.count() for m, _f in MOMENTS} == counts


@pytest.mark.parametrize(
    ("url", "shows"),
    [
        ("/desk/reports/", "sales"),
        ("/desk/reports/kpi/", "kpi"),
        ("/desk/customers/", "customers"),
        ("/desk/team/rota/", "rota"),
        ("/desk/team/staffing/?year={year}", "staffing"),
    ],
)
def test_the_main_pages_show_the_demo_figures(shop, db, client, last_30_days, url, shows):
    client.force_login(demo.demo_staff()["supervisor"])
    query = f"?start={last_30_days.start}&end={last_30_days.end}&by=day" if "reports" in url else ""
    response = client.get(url.format(year=timezone.localdate().year) + query)
    assert response.status_code == 200
    page = response.content.decode()
    if shows == "sales":
        day = reports.sales_report(rng=last_30_days)[-1]
        assert cell_text(day["paid_amount"], "money") in page
    elif shows == "kpi":
        for row in reports.kpi_report(rng=last_30_days):
            assert f"<td>{row['agent']}</td>" in page and f"<strong>{row['score']}</strong>" in page
    elif shows == "customers":
        latest = Customer.objects.order_by("-updated_at", "-id").first()
        assert latest.display_name in page
    elif shows == "rota":
        assert all(name in page for name in ("小美", "小雪", "小周", "小李", "小陈"))
    else:
        history = team.volume_history(year=timezone.localdate().year)
        assert f"{history.last_double11:.0f}" in page and "—" not in page.split("去年双十一")[1][:20]
