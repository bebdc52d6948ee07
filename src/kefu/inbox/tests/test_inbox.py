"""The one inbox: take, assign, hand over, escalate, notes, filters, questions from the help center,
complaints and bad reviews, and two agents taking the same item at once."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from kefu.aftersales import services as aftersales
from kefu.aftersales.models import CaseKind
from kefu.core import sweeps
from kefu.core.activity import activity_list
from kefu.helpcenter import services as help_services
from kefu.inbox import selectors, services
from kefu.inbox.models import Priority, WorkItem, WorkNote, WorkState
from kefu.inbox.sweep import inbox_sweep
from kefu.inbox.tests.helpers import item_of

pytestmark = pytest.mark.django_db


def test_taking_an_item_makes_it_mine_and_a_second_take_is_refused(
    make_case, aftersales_agent, other_aftersales
):
    item = item_of(make_case())
    services.work_item_take(item=item, by=aftersales_agent)
    item.refresh_from_db()
    assert item.owner == aftersales_agent and item.state == WorkState.OPEN
    with pytest.raises(ValidationError) as err:
        services.work_item_take(item=WorkItem.objects.get(pk=item.pk), by=other_aftersales)
    assert "小李" in " ".join(err.value.messages)
    item.refresh_from_db()
    assert item.owner == aftersales_agent
    assert activity_list(target=item).filter(verb="item_take").count() == 1


def test_a_stale_copy_cannot_steal_a_taken_item(make_case, aftersales_agent, other_aftersales):
    """The check is in the UPDATE's WHERE, not on the caller's possibly stale object."""
    item = item_of(make_case())
    stale = WorkItem.objects.get(pk=item.pk)
    services.work_item_take(item=item, by=aftersales_agent)
    with pytest.raises(ValidationError):
        services.work_item_take(item=stale, by=other_aftersales)
    assert WorkItem.objects.get(pk=item.pk).owner == aftersales_agent


@pytest.mark.django_db(transaction=True)
def test_two_agents_taking_the_same_item_at_once_one_wins(make_user):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers on one file; the race needs PostgreSQL's concurrent sessions")
    a = make_user("racer_a", "售后", first_name="甲")
    b = make_user("racer_b", "售后", first_name="乙")
    item = item_of(aftersales.case_create(by=a, kind=CaseKind.RESHIPMENT, buyer_nick="tb_race"))
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def take(user):
        try:
            barrier.wait(timeout=10)
            services.work_item_take(item=WorkItem.objects.get(pk=item.pk), by=user)
            results[user.username] = "won"
        except ValidationError:
            results[user.username] = "lost"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(u,)) for u in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == ["lost", "won"]
    winner = next(name for name, r in results.items() if r == "won")
    assert WorkItem.objects.get(pk=item.pk).owner.username == winner
    assert activity_list(target=item).filter(verb="item_take").count() == 1


def test_only_a_supervisor_assigns(make_case, aftersales_agent, other_aftersales, supervisor):
    item = item_of(make_case())
    with pytest.raises(PermissionDenied):
        services.work_item_assign(item=item, to=other_aftersales, by=aftersales_agent)
    services.work_item_assign(item=item, to=other_aftersales, by=supervisor)
    item.refresh_from_db()
    assert item.owner == other_aftersales


def test_hand_over_by_the_owner_with_a_note(make_case, aftersales_agent, other_aftersales, agent):
    item = item_of(make_case())
    services.work_item_take(item=item, by=aftersales_agent)
    with pytest.raises(ValidationError):
        services.work_item_hand_over(item=item, to=agent, by=other_aftersales)
    services.work_item_hand_over(
        item=item, to=other_aftersales, by=aftersales_agent, note="买家下午三点后方便接电话"
    )
    item.refresh_from_db()
    assert item.owner == other_aftersales
    assert WorkNote.objects.get(item=item).text == "买家下午三点后方便接电话"
    assert activity_list(target=item).filter(verb="item_hand_over").exists()


def test_escalation_goes_to_supervisors_only(make_case, aftersales_agent, other_aftersales, supervisor):
    item = item_of(make_case())
    services.work_item_take(item=item, by=aftersales_agent)
    with pytest.raises(ValidationError):
        services.work_item_escalate(item=item, by=aftersales_agent, reason=" ")
    with pytest.raises(ValidationError):
        services.work_item_escalate(item=item, by=aftersales_agent, reason="x", to=other_aftersales)
    services.work_item_escalate(item=item, by=aftersales_agent, reason="买家要求赔偿，超出权限")
    item.refresh_from_db()
    assert item.state == WorkState.ESCALATED and item.owner is None
    assert item.priority >= Priority.HIGH and item.required_role == "主管"
    with pytest.raises(ValidationError):
        services.work_item_take(item=item, by=other_aftersales)
    services.work_item_take(item=item, by=supervisor)
    item.refresh_from_db()
    assert item.owner == supervisor and item.state == WorkState.ESCALATED
    assert item in selectors.inbox_list(owner="supervisor")


def test_notes_are_internal_and_recorded(make_case, agent):
    item = item_of(make_case())
    with pytest.raises(ValidationError):
        services.work_note_add(item=item, by=agent, text="  ")
    services.work_note_add(item=item, by=agent, text="买家情绪激动，先安抚")
    assert item.notes.count() == 1


def _ask(title: str = "面霜什么时候发货"):
    return help_services.question_submit(title=title, name="张女士", phone="13800138000")


def test_a_question_is_in_the_inbox_in_the_transaction_that_stores_it_and_leaves_when_answered(agent):
    with transaction.atomic():
        question = _ask()
        item = item_of(question)  # same transaction: no sweep, no page visit needed
    assert item.kind == "question" and item.due_at == question.created_at + timedelta(hours=24)
    assert item in selectors.inbox_list()
    help_services.question_answer(question=question, by=agent, answer="今天下午发出")
    item.refresh_from_db()
    assert item.state == WorkState.DONE and item.closed_at is not None
    assert item not in selectors.inbox_list()


def test_a_question_that_fails_to_store_leaves_no_item():
    with pytest.raises(ValidationError):
        help_services.question_submit(title="", name="张女士", phone="13800138000")
    assert not WorkItem.objects.exists()


@pytest.mark.parametrize("finish", ["publish", "close"])
def test_a_published_or_closed_question_leaves_the_open_items(
    agent, supervisor, categories_for_inbox, finish
):
    question = _ask()
    if finish == "publish":
        help_services.question_publish(
            question=question,
            by=supervisor,
            title="发货时间",
            answer="下单后 48 小时内发出",
            category=categories_for_inbox,
        )
    else:
        help_services.question_close(question=question, by=agent)
    assert item_of(question).state == WorkState.DONE
    assert not selectors.inbox_list().filter(source="question").exists()


def test_inbox_filters(make_case, aftersales_agent, other_aftersales, supervisor):
    now = timezone.now()
    mine = item_of(make_case(kind=CaseKind.RESHIPMENT))
    services.work_item_take(item=mine, by=aftersales_agent)
    late = item_of(make_case(kind=CaseKind.PROBLEM_PARCEL))
    WorkItem.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=1))
    later = item_of(make_case(kind=CaseKind.RETURN_REFUND))  # due in 5 days
    complaint = aftersales.complaint_create(
        by=aftersales_agent, customer_name="王女士", channel="phone", problem="面霜过敏", phone="13900002222"
    )
    assert set(selectors.inbox_list(user=aftersales_agent, owner="me")) == {mine}
    assert set(selectors.inbox_list(due="overdue", now=now)) == {late}
    assert late in selectors.inbox_list(due="today", now=now) and later not in selectors.inbox_list(
        due="today", now=now
    )
    assert set(selectors.inbox_list(kind="complaint")) == {item_of(complaint)}
    assert list(selectors.inbox_list(now=now))[0] == late, "the most pressing first"
    assert set(selectors.inbox_list(owner="unassigned")) == {late, later, item_of(complaint)}
    counts = selectors.inbox_counts(user=aftersales_agent, now=now)
    assert counts["open"] == 4 and counts["mine"] == 1 and counts["overdue"] == 1


def test_the_inbox_list_is_one_query(make_case, django_assert_num_queries):
    for kind in CaseKind.values:
        make_case(kind=kind)
    _ask()
    with django_assert_num_queries(1):
        items = list(selectors.inbox_list())
        for item in items:
            _ = (item.owner, item.customer, item.source_label)
    assert len(items) == 7


# --- complaints -----------------------------------------------------------------------------


def test_a_complaint_walks_the_steps_and_needs_a_supervisors_signature(aftersales_agent, supervisor):
    complaint = aftersales.complaint_create(
        by=aftersales_agent,
        customer_name="王女士",
        channel="phone",
        problem="用了面霜脸上起红疹",
        phone="139 0000 2222",
        product_batch="B20260901",
    )
    item = item_of(complaint)
    assert item.kind == "complaint"
    assert timezone.localtime(item.due_at).date() == timezone.localdate(), "same day by default"
    steps = aftersales.complaint_steps(complaint)
    assert steps[0]["done"] and steps[1]["current"]
    with pytest.raises(ValidationError):
        aftersales.complaint_sign_off(complaint=complaint, by=supervisor)  # judgement first
    complaint = aftersales.complaint_update(
        complaint=complaint,
        by=aftersales_agent,
        first_judgement="疑似个人肤质过敏",
        promised_reply_at=timezone.now() + timedelta(hours=3),
        expected_handling_at=timezone.now() + timedelta(days=1),
    )
    assert WorkItem.objects.get(pk=item.pk).due_at <= timezone.now() + timedelta(hours=3)
    with pytest.raises(PermissionDenied):
        aftersales.complaint_sign_off(complaint=complaint, by=aftersales_agent)
    complaint = aftersales.complaint_sign_off(complaint=complaint, by=supervisor)
    assert complaint.signed_off_by == supervisor
    for step in ("calm", "cause", "apologise"):
        complaint = aftersales.complaint_step_set(
            complaint=complaint, by=aftersales_agent, step=step, done=True
        )
    assert complaint.quick_steps == ["calm", "cause", "apologise"]
    with pytest.raises(ValidationError) as err:
        aftersales.complaint_close(complaint=complaint, by=aftersales_agent, satisfaction="satisfied")
    assert "proposed_handling" in err.value.message_dict
    complaint = aftersales.complaint_update(
        complaint=complaint,
        by=aftersales_agent,
        department="品质部",
        cause="批次正常，个人肤质敏感",
        proposed_handling="退货退款并赠送试用装",
        completion_date=timezone.localdate() + timedelta(days=2),
        follow_up="已退款",
    )
    complaint = aftersales.complaint_close(complaint=complaint, by=aftersales_agent, satisfaction="satisfied")
    assert complaint.closed_at and WorkItem.objects.get(pk=item.pk).state == WorkState.DONE
    assert all(step["done"] for step in aftersales.complaint_steps(complaint))


def test_a_complaint_needs_a_way_to_reach_the_customer(aftersales_agent):
    with pytest.raises(ValidationError) as err:
        aftersales.complaint_create(by=aftersales_agent, customer_name="王", channel="fax", problem="x")
    assert "phone" in err.value.message_dict
    assert not WorkItem.objects.exists()


# --- bad reviews ----------------------------------------------------------------------------


def test_a_bad_review_goes_to_supervisors_and_an_agent_cannot_close_it(agent, aftersales_agent, supervisor):
    review = aftersales.review_record(
        by=agent,
        buyer_nick="tb_angry",
        rating="bad",
        text="物流太慢",
        reviewed_at=timezone.now() - timedelta(hours=1),
    )
    item = item_of(review)
    assert item.required_role == "主管"
    assert review.change_deadline == review.reviewed_at + timedelta(days=30)
    assert review.final_due_at > review.reviewed_at
    with pytest.raises(ValidationError):
        services.work_item_take(item=item, by=agent)
    with pytest.raises(PermissionDenied):
        aftersales.review_close(review=review, by=agent, outcome="changed")
    with pytest.raises(PermissionDenied):
        aftersales.review_close(review=review, by=aftersales_agent, outcome="changed")
    review.refresh_from_db()
    assert review.closed_at is None
    with pytest.raises(ValidationError) as err:
        aftersales.review_close(review=review, by=supervisor, outcome="explained")
    assert "public_reply" in err.value.message_dict
    aftersales.review_close(
        review=review, by=supervisor, outcome="explained", public_reply="亲，双十一快递爆仓……"
    )
    review.refresh_from_db()
    assert review.closed_by == supervisor and WorkItem.objects.get(pk=item.pk).state == WorkState.DONE


def test_a_review_is_postponed_a_day_at_a_time_up_to_three_days(supervisor):
    review = aftersales.review_record(
        by=supervisor, buyer_nick="tb_x", rating="neutral", reviewed_at=timezone.now() - timedelta(minutes=5)
    )
    dues = [item_of(review).due_at]
    for _n in range(5):
        try:
            review = aftersales.review_postpone(review=review, by=supervisor, reason="客户联系不上")
        except ValidationError:
            break
        dues.append(WorkItem.objects.get(pk=item_of(review).pk).due_at)
    assert dues == sorted(dues) and dues[-1] == review.final_due_at
    assert len(dues) <= 5


def test_unresolved_needs_a_reason(supervisor):
    review = aftersales.review_record(
        by=supervisor, buyer_nick="tb_y", rating="bad", reviewed_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        aftersales.review_close(review=review, by=supervisor, outcome="unresolved")
    aftersales.review_close(review=review, by=supervisor, outcome="unresolved", note="买家坚持不改")


def test_a_supervisor_hands_an_escalated_item_back_to_an_agent(make_case, aftersales_agent, supervisor):
    item = item_of(make_case())
    services.work_item_take(item=item, by=aftersales_agent)
    services.work_item_escalate(item=item, by=aftersales_agent, reason="要求赔偿 50 元", to=supervisor)
    services.work_item_hand_over(item=item, to=aftersales_agent, by=supervisor, note="同意补偿 20 元优惠券")
    item.refresh_from_db()
    assert item.owner == aftersales_agent and item.state == WorkState.OPEN and item.required_role == ""
    assert item.escalated_at is not None, "the escalation stays in the record"


def test_a_bad_review_cannot_be_handed_to_an_agent(agent, supervisor):
    review = aftersales.review_record(by=agent, buyer_nick="tb_q", rating="bad", reviewed_at=timezone.now())
    services.work_item_take(item=item_of(review), by=supervisor)
    with pytest.raises(ValidationError):
        services.work_item_hand_over(item=item_of(review), to=agent, by=supervisor)
    assert WorkItem.objects.get(pk=item_of(review).pk).owner == supervisor


def test_staff_for_an_item_follows_its_role_in_one_query(
    make_case, agent, aftersales_agent, supervisor, admin_user, make_user, django_assert_num_queries
):
    make_user("outsider")
    item = item_of(make_case())
    review_item = item_of(
        aftersales.review_record(by=agent, buyer_nick="tb_s", rating="bad", reviewed_at=timezone.now())
    )
    with django_assert_num_queries(1):
        everyone = selectors.staff_for(item=item)
    assert {u.username for u in everyone} == {"agent", "aftersales", "supervisor", "boss"}
    assert {u.username for u in selectors.staff_for(item=review_item)} == {"supervisor", "boss"}


def test_the_overdue_sweep_marks_and_clears(make_case):
    item = item_of(make_case(kind=CaseKind.RESHIPMENT))
    assert not item.overdue
    due = item.due_at
    second = timedelta(seconds=1)
    assert inbox_sweep(now=due - second)["marked_overdue"] == 0
    assert inbox_sweep(now=due + second)["marked_overdue"] == 1
    item.refresh_from_db()
    assert item.overdue
    assert inbox_sweep(now=due + 2 * second)["marked_overdue"] == 0
    assert inbox_sweep(now=due - second)["overdue_cleared"] == 1


def test_the_inbox_sweep_is_registered():
    assert "inbox" in sweeps.names()
