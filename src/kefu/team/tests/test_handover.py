"""The handover book: what a shift leaves open, notes, item-by-item acknowledgement, the sweep."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.chat.models import Conversation, ConversationStatus, Message, Sender
from kefu.core import handover as handover_registry
from kefu.core.handover import Matter
from kefu.team import selectors, services
from kefu.team.models import Duty, Handover, HandoverItem


def _other_apps_matters(*, now):
    """What the inbox reports through kefu.core.handover (its own tests check its choice)."""
    return [
        Matter(
            kind="question", ref="work:1", title="[客户问题·已超时] 尺码问题", due_at=now - timedelta(hours=1)
        ),
        Matter(
            kind="aftersales", ref="work:2", title="[售后·即将到期] 退货待收", due_at=now + timedelta(hours=2)
        ),
    ]


@pytest.fixture
def open_work(db, monkeypatch):
    monkeypatch.setattr(handover_registry, "_PROVIDERS", {"inbox": _other_apps_matters})
    now = timezone.now()
    Conversation.objects.create(buyer_name="小红", status=ConversationStatus.WAITING, awaiting_since=now)
    Conversation.objects.create(buyer_name="已结束", status=ConversationStatus.CLOSED)


def test_the_book_lists_what_the_shift_leaves_open(team, open_work):
    handover = services.handover_open(day=date.today(), shift=Duty.DAY, by=team["li"])
    titles = list(handover.items.values_list("title", flat=True))
    assert any("尺码问题" in t and "已超时" in t for t in titles)
    assert any("退货待收" in t and "即将到期" in t for t in titles)
    assert any("小红" in t for t in titles)
    assert not any("已结束" in t for t in titles)


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("明天给您发货", True),
        ("2小时内回复您", True),
        ("今晚8点前帮您处理退款", True),
        ("亲，您好", False),
        ("明天见", False),  # a time, but nothing promised
        ("我们会尽快处理", False),  # a promise, but no time
    ],
)
def test_promises_with_a_time_made_in_chats(team, text, listed):
    conversation = Conversation.objects.create(
        buyer_name="小蓝", status=ConversationStatus.ACTIVE, agent=team["li"]
    )
    Message.objects.create(
        conversation=conversation, seq=1, sender=Sender.AGENT, author=team["li"], text=text
    )
    Message.objects.create(
        conversation=conversation, seq=2, sender=Sender.CUSTOMER, text="明天给您发货"
    )  # not the agent's
    promises = list(selectors.promises_in_chats(now=timezone.now()))
    assert [m.text for m in promises] == ([text] if listed else [])


def test_opening_twice_lands_on_the_same_page(team, open_work):
    first = services.handover_open(day=date.today(), shift=Duty.DAY, by=team["li"])
    second = services.handover_open(day=date.today(), shift=Duty.DAY, by=team["wang"])
    assert first.pk == second.pk
    assert second.items.count() == 3


def test_submit_then_acknowledge_item_by_item(team, open_work):
    handover = services.handover_open(day=date.today(), shift=Duty.DAY, by=team["li"])
    first, *rest = handover.items.order_by("id")
    services.handover_submit(
        handover=handover, by=team["li"], notes="顾客小红要发票", item_notes={first.pk: "已答应今晚回复"}
    )
    handover.refresh_from_db()
    assert handover.written_by == team["li"] and handover.submitted_at
    assert HandoverItem.objects.get(pk=first.pk).note == "已答应今晚回复"
    assert list(selectors.handovers_unacknowledged()) == [handover]
    with pytest.raises(ValidationError, match="已经交班"):
        services.handover_submit(handover=handover, by=team["li"], notes="again")
    for item in [first, *rest]:
        services.handover_item_acknowledge(item=item, by=team["wang"])
    with pytest.raises(ValidationError, match="已经有人确认"):
        services.handover_item_acknowledge(item=first, by=team["wang"])
    handover.refresh_from_db()
    assert handover.acknowledged_at is not None
    assert not selectors.handovers_unacknowledged().exists()


def test_items_cannot_be_acknowledged_before_the_handover(team, open_work):
    handover = services.handover_open(day=date.today(), shift=Duty.DAY, by=team["li"])
    with pytest.raises(ValidationError, match="还没有交班"):
        services.handover_item_acknowledge(item=handover.items.first(), by=team["wang"])


def test_a_shift_nobody_handed_over_is_closed_by_the_sweep(team, supervisor, open_work):
    yesterday = timezone.localdate() - timedelta(days=1)
    services.rota_set(user=team["li"], day=yesterday, duty=Duty.DAY, by=supervisor)
    closed = services.handover_sweep()
    assert closed == 1
    page = Handover.objects.get(day=yesterday, shift=Duty.DAY)
    assert page.submitted_at and page.written_by is None and "自动交班" in page.notes
    assert page.items.count() == 3
    assert services.handover_sweep() == 0  # idempotent


def test_a_shift_without_anyone_on_the_rota_needs_no_handover(team):
    assert services.handover_sweep(now=timezone.now()) == 0
    assert not Handover.objects.exists()


def test_the_handover_pages(team, supervisor, open_work, login):
    client = login(team["li"])
    response = client.post("/desk/team/handovers/open/", {"day": date.today().isoformat(), "shift": "day"})
    handover = Handover.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/handovers/{handover.pk}/")
    item = handover.items.first()
    client.post(
        f"/desk/team/handovers/{handover.pk}/submit/", {"notes": "交接说明", f"item_note_{item.pk}": "跟进"}
    )
    handover.refresh_from_db()
    assert handover.notes == "交接说明" and HandoverItem.objects.get(pk=item.pk).note == "跟进"
    page = login(supervisor).get("/desk/team/")
    assert "未确认的交接" in page.content.decode() and str(handover) in page.content.decode()
    login(team["wang"]).post(f"/desk/team/handovers/items/{item.pk}/acknowledge/")
    assert HandoverItem.objects.get(pk=item.pk).acknowledged_by == team["wang"]
    assert login(team["wang"]).get(f"/desk/team/handovers/{handover.pk}/").status_code == 200


def test_handover_list_query_count(team, open_work, django_assert_max_num_queries):
    for offset in range(3):
        services.handover_open(day=date.today() - timedelta(days=offset), shift=Duty.DAY, by=team["li"])
    with django_assert_max_num_queries(1):
        rows = [(h.item_count, h.open_count, h.written_by) for h in selectors.handover_list()]
    assert len(rows) == 3


def test_current_shift_is_the_ending_one_in_the_overlap(db):
    at = timezone.make_aware(datetime(2026, 12, 3, 16, 15))
    assert selectors.current_shift(at=at) == (date(2026, 12, 3), Duty.DAY)


def test_acknowledge_through_the_api(team, open_work, login):
    handover = services.handover_open(day=date.today(), shift=Duty.DAY, by=team["li"])
    item = handover.items.first()
    client = login(team["wang"])
    early = client.post(f"/api/team/handovers/items/{item.pk}/acknowledge/")
    assert early.status_code == 400 and "还没有交班" in str(early.json())
    services.handover_submit(handover=handover, by=team["li"], notes="")
    response = client.post(f"/api/team/handovers/items/{item.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["acknowledged_at"]
    assert HandoverItem.objects.get(pk=item.pk).acknowledged_by == team["wang"]
