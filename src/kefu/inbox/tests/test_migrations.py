"""The move of the work items from after-sales to the inbox keeps every row, its id, its notes, its
history and its link to the thing it stands for; new items after the move get fresh ids."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("aftersales", "0002_badreview_settle_by"), ("inbox", "0001_initial")]
AFTER = [("aftersales", "0004_work_items_moved_to_inbox"), ("inbox", "0002_copy_from_aftersales")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor._create_project_state(with_applied_migrations=True).apps


@pytest.fixture(autouse=True)
def _latest_schema_afterwards():
    """The tests after this one on the same worker need every migration applied again."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_items_move_to_the_inbox_with_their_ids_notes_history_and_sources():
    old = _migrate(BEFORE)
    User = old.get_model("auth", "User")
    Customer = old.get_model("customers", "Customer")
    Question = old.get_model("helpcenter", "Question")
    OldItem = old.get_model("aftersales", "WorkItem")
    OldNote = old.get_model("aftersales", "WorkNote")
    Case = old.get_model("aftersales", "AfterSalesCase")
    Complaint = old.get_model("aftersales", "Complaint")
    Review = old.get_model("aftersales", "BadReview")
    ContentType = old.get_model("contenttypes", "ContentType")
    ActivityLog = old.get_model("core", "ActivityLog")
    now = timezone.now()
    agent = User.objects.create(username="old_agent")
    customer = Customer.objects.create(name="陈小姐", buyer_nick="tb_old")
    question = Question.objects.create(
        title="什么时候发货", name="张女士", phone="13800138000", token="t-old-1"
    )
    # ids far apart from 1, so a copy that renumbered would show
    OldItem.objects.create(id=41, kind="question", question=question, title="什么时候发货", due_at=now)
    c_item = OldItem.objects.create(
        id=42,
        kind="aftersales",
        title="退货退款：面霜",
        customer=customer,
        owner=agent,
        state="open",
        priority=3,
    )
    p_item = OldItem.objects.create(
        id=43, kind="complaint", title="投诉：漏液", state="escalated", required_role="主管"
    )
    r_item = OldItem.objects.create(
        id=44, kind="review", title="差评：太慢", required_role="主管", due_at=now + timedelta(hours=5)
    )
    case = Case.objects.create(id=7, item=c_item, kind="return_refund", customer=customer)
    complaint = Complaint.objects.create(
        id=8, item=p_item, customer_name="王女士", channel="phone", problem="漏液"
    )
    review = Review.objects.create(
        id=9,
        item=r_item,
        buyer_nick="tb_r",
        rating="bad",
        reviewed_at=now,
        final_due_at=now + timedelta(days=3),
        change_deadline=now + timedelta(days=30),
    )
    OldNote.objects.create(id=15, item=c_item, author=agent, text="买家要求加急")
    old_type, _ = ContentType.objects.get_or_create(app_label="aftersales", model="workitem")
    ActivityLog.objects.create(content_type=old_type, object_id="42", actor=agent, verb="item_take")

    new = _migrate(AFTER)
    WorkItem = new.get_model("inbox", "WorkItem")
    WorkNote = new.get_model("inbox", "WorkNote")
    assert {(i.id, i.source, i.source_id) for i in WorkItem.objects.all()} == {
        (41, "question", question.pk),
        (42, "aftersales", case.pk),
        (43, "complaint", complaint.pk),
        (44, "review", review.pk),
    }
    moved = WorkItem.objects.get(pk=42)
    assert (moved.owner_id, moved.customer_id, moved.state, moved.priority) == (
        agent.pk,
        customer.pk,
        "open",
        3,
    )
    assert WorkItem.objects.get(pk=43).state == "escalated"
    assert WorkNote.objects.get(pk=15).item_id == 42
    assert new.get_model("aftersales", "BadReview").objects.get(pk=9).settle_by == r_item.due_at
    new_type = new.get_model("contenttypes", "ContentType").objects.get(app_label="inbox", model="workitem")
    assert new.get_model("core", "ActivityLog").objects.filter(content_type=new_type, object_id="42").exists()
    fresh = WorkItem.objects.create(source="question", source_id=10_000, title="新的问题")
    assert fresh.pk > 44, "the id sequence goes on after the copied ids"
    note = WorkNote.objects.create(item=fresh, text="新备注")
    assert note.pk > 15
