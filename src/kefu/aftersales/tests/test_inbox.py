"""The one inbox: take, assign, hand over, escalate, notes, filters, questions from the help center,
complaints and bad reviews, and two agents taking the same item at once."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from kefu.aftersales import selectors, services
from kefu.aftersales.models import CaseKind, Priority, WorkItem, WorkKind, WorkNote, WorkState
from kefu.aftersales.sweep import aftersales_sweep
from kefu.core.activity import activity_list
from kefu.helpcenter.tests.factories import QuestionFactory

pytestmark = pytest.mark.django_db


def test_taking_an_item_makes_it_mine_and_a_second_take_is_refused(
    make_case, aftersales_agent, other_aftersales
):
    item = make_case().item
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
    item = make_case().item
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
    item = services.case_create(by=a, kind=CaseKind.RESHIPMENT, buyer_nick="tb_race").item
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
    item = make_case().item
    with pytest.raises(PermissionDenied):
        services.work_item_assign(item=item, to=other_aftersales, by=aftersales_agent)
    services.work_item_assign(item=item, to=other_aftersales, by=supervisor)
    item.refresh_from_db()
    assert item.owner == other_aftersales


def test_hand_over_by_the_owner_with_a_note(make_case, aftersales_agent, other_aftersales, agent):
    item = make_case().item
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
    item = make_case().item
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
    item = make_case().item
    with pytest.raises(ValidationError):
        services.work_note_add(item=item, by=agent, text="  ")
    services.work_note_add(item=item, by=agent, text="买家情绪激动，先安抚")
    assert item.notes.count() == 1


def test_a_new_help_center_question_shows_up_in_the_inbox_and_leaves_when_answered(agent):
    question = QuestionFactory(title="面霜什么时候发货")
    assert services.inbox_sync_questions()["questions_added"] == 1
    assert services.inbox_sync_questions()["questions_added"] == 0, "idempotent"
    item = WorkItem.objects.get(question=question)
    assert item.kind == WorkKind.QUESTION and item.due_at == question.created_at + timedelta(hours=24)
    from kefu.helpcenter import services as help_services

    help_services.question_answer(question=question, by=agent, answer="今天下午发出")
    assert aftersales_sweep()["questions_done"] == 1
    item.refresh_from_db()
    assert item.state == WorkState.DONE


def test_inbox_filters(make_case, aftersales_agent, other_aftersales, supervisor):
    now = timezone.now()
    mine = make_case(kind=CaseKind.RESHIPMENT).item
    services.work_item_take(item=mine, by=aftersales_agent)
    late = make_case(kind=CaseKind.PROBLEM_PARCEL).item
    WorkItem.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=1))
    later = make_case(kind=CaseKind.RETURN_REFUND).item  # due in 5 days
    complaint = services.complaint_create(
        by=aftersales_agent, customer_name="王女士", channel="phone", problem="面霜过敏", phone="13900002222"
    )
    assert set(selectors.inbox_list(user=aftersales_agent, owner="me")) == {mine}
    assert set(selectors.inbox_list(due="overdue", now=now)) == {late}
    assert late in selectors.inbox_list(due="today", now=now) and later not in selectors.inbox_list(
        due="today", now=now
    )
    assert set(selectors.inbox_list(kind=WorkKind.COMPLAINT)) == {complaint.item}
    assert list(selectors.inbox_list(now=now))[0] == late, "the most pressing first"
    assert set(selectors.inbox_list(owner="unassigned")) == {late, later, complaint.item}
    counts = selectors.inbox_counts(user=aftersales_agent, now=now)
    assert counts["open"] == 4 and counts["mine"] == 1 and counts["overdue"] == 1


def test_the_inbox_list_is_one_query(make_case, django_assert_num_queries):
    for kind in CaseKind.values:
        make_case(kind=kind)
    QuestionFactory()
    services.inbox_sync_questions()
    with django_assert_num_queries(1):
        items = list(selectors.inbox_list())
        for item in items:
            _ = (item.owner, item.customer, getattr(item, "aftersales_case", None), item.question)
    assert len(items) == 7


# --- complaints -----------------------------------------------------------------------------


def test_a_complaint_walks_the_seeds_steps_and_needs_a_supervisors_signature(aftersales_agent, supervisor):
    complaint = services.complaint_create(
        by=aftersales_agent,
        customer_name="王女士",
        channel="phone",
        problem="用了面霜脸上起红疹",
        phone="139 0000 2222",
        product_batch="B20260901",
    )
    item = complaint.item
    assert item.kind == WorkKind.COMPLAINT
    assert timezone.localtime(item.due_at).date() == timezone.localdate(), "same day by default"
    steps = services.complaint_steps(complaint)
    assert steps[0]["done"] and steps[1]["current"]
    with pytest.raises(ValidationError):
        services.complaint_sign_off(complaint=complaint, by=supervisor)  # judgement first
    complaint = services.complaint_update(
        complaint=complaint,
        by=aftersales_agent,
        first_judgement="疑似个人肤质过敏",
        promised_reply_at=timezone.now() + timedelta(hours=3),
        expected_handling_at=timezone.now() + timedelta(days=1),
    )
    assert WorkItem.objects.get(pk=item.pk).due_at <= timezone.now() + timedelta(hours=3)
    with pytest.raises(PermissionDenied):
        services.complaint_sign_off(complaint=complaint, by=aftersales_agent)
    complaint = services.complaint_sign_off(complaint=complaint, by=supervisor)
    assert complaint.signed_off_by == supervisor
    for step in ("calm", "cause", "apologise"):
        complaint = services.complaint_step_set(
            complaint=complaint, by=aftersales_agent, step=step, done=True
        )
    assert complaint.quick_steps == ["calm", "cause", "apologise"]
    with pytest.raises(ValidationError) as err:
        services.complaint_close(complaint=complaint, by=aftersales_agent, satisfaction="satisfied")
    assert "proposed_handling" in err.value.message_dict
    complaint = services.complaint_update(
        complaint=complaint,
        by=aftersales_agent,
        department="品质部",
        cause="批次正常，个人肤质敏感",
        proposed_handling="退货退款并赠送试用装",
        completion_date=timezone.localdate() + timedelta(days=2),
        follow_up="已退款",
    )
    complaint = services.complaint_close(complaint=complaint, by=aftersales_agent, satisfaction="satisfied")
    assert complaint.closed_at and WorkItem.objects.get(pk=item.pk).state == WorkState.DONE
    assert all(step["done"] for step in services.complaint_steps(complaint))


def test_a_complaint_needs_a_way_to_reach_the_customer(aftersales_agent):
    with pytest.raises(ValidationError) as err:
        services.complaint_create(by=aftersales_agent, customer_name="王", channel="fax", problem="x")
    assert "phone" in err.value.message_dict
    assert not WorkItem.objects.exists()


# --- bad reviews ----------------------------------------------------------------------------


def test_a_bad_review_goes_to_supervisors_and_an_agent_cannot_close_it(agent, aftersales_agent, supervisor):
    review = services.review_record(
        by=agent,
        buyer_nick="tb_angry",
        rating="bad",
        text="物流太慢",
        reviewed_at=timezone.now() - timedelta(hours=1),
    )
    item = review.item
    assert item.required_role == "主管"
    assert review.change_deadline == review.reviewed_at + timedelta(days=30)
    assert review.final_due_at > review.reviewed_at
    with pytest.raises(ValidationError):
        services.work_item_take(item=item, by=agent)
    with pytest.raises(PermissionDenied):
        services.review_close(review=review, by=agent, outcome="changed")
    with pytest.raises(PermissionDenied):
        services.review_close(review=review, by=aftersales_agent, outcome="changed")
    review.refresh_from_db()
    assert review.closed_at is None
    with pytest.raises(ValidationError) as err:
        services.review_close(review=review, by=supervisor, outcome="explained")
    assert "public_reply" in err.value.message_dict
    services.review_close(
        review=review, by=supervisor, outcome="explained", public_reply="亲，双十一快递爆仓……"
    )
    review.refresh_from_db()
    assert review.closed_by == supervisor and WorkItem.objects.get(pk=item.pk).state == WorkState.DONE


def test_a_review_is_postponed_a_day_at_a_time_up_to_three_days(supervisor):
    review = services.review_record(
        by=supervisor, buyer_nick="tb_x", rating="neutral", reviewed_at=timezone.now() - timedelta(minutes=5)
    )
    dues = [review.item.due_at]
    for _n in range(5):
        try:
            review = services.review_postpone(review=review, by=supervisor, reason="客户联系不上")
        except ValidationError:
            break
        dues.append(WorkItem.objects.get(pk=review.item_id).due_at)
    assert dues == sorted(dues) and dues[-1] == review.final_due_at
    assert len(dues) <= 5


def test_unresolved_needs_a_reason(supervisor):
    review = services.review_record(
        by=supervisor, buyer_nick="tb_y", rating="bad", reviewed_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        services.review_close(review=review, by=supervisor, outcome="unresolved")
    services.review_close(review=review, by=supervisor, outcome="unresolved", note="买家坚持不改")


def test_the_case_list_and_its_blacklist_flags_are_two_queries(make_case, django_assert_num_queries):
    from kefu.customers.tests.factories import BlacklistedCustomerFactory

    BlacklistedCustomerFactory(buyer_nick="tb_flagged")
    for n in range(5):
        make_case(buyer_nick="tb_flagged" if n == 0 else f"tb_{n}", order_number=f"55{n}")
    with django_assert_num_queries(2):
        cases = list(selectors.case_list())
        flagged = selectors.blacklisted_case_nicks(cases=cases)
        _ = [(c.item.owner, c.customer, c.order) for c in cases]
    assert flagged == {"tb_flagged"}


def test_a_supervisor_hands_an_escalated_item_back_to_an_agent(make_case, aftersales_agent, supervisor):
    item = make_case().item
    services.work_item_take(item=item, by=aftersales_agent)
    services.work_item_escalate(item=item, by=aftersales_agent, reason="要求赔偿 50 元", to=supervisor)
    services.work_item_hand_over(item=item, to=aftersales_agent, by=supervisor, note="同意补偿 20 元优惠券")
    item.refresh_from_db()
    assert item.owner == aftersales_agent and item.state == WorkState.OPEN and item.required_role == ""
    assert item.escalated_at is not None, "the escalation stays in the record"


def test_a_bad_review_cannot_be_handed_to_an_agent(agent, supervisor):
    review = services.review_record(by=agent, buyer_nick="tb_q", rating="bad", reviewed_at=timezone.now())
    services.work_item_take(item=review.item, by=supervisor)
    with pytest.raises(ValidationError):
        services.work_item_hand_over(item=review.item, to=agent, by=supervisor)
    assert WorkItem.objects.get(pk=review.item_id).owner == supervisor


def test_staff_for_an_item_follows_its_role_in_one_query(
    make_case, agent, aftersales_agent, supervisor, admin_user, make_user, django_assert_num_queries
):
    make_user("outsider")
    item = make_case().item
    review_item = services.review_record(
        by=agent, buyer_nick="tb_s", rating="bad", reviewed_at=timezone.now()
    ).item
    with django_assert_num_queries(1):
        everyone = selectors.staff_for(item=item)
    assert {u.username for u in everyone} == {"agent", "aftersales", "supervisor", "boss"}
    assert {u.username for u in selectors.staff_for(item=review_item)} == {"supervisor", "boss"}


def test_opening_the_inbox_with_nothing_new_writes_nothing(django_assert_num_queries):
    QuestionFactory()
    services.inbox_sync_questions()
    with django_assert_num_queries(2):  # one look for new questions, one for answered ones
        assert services.inbox_sync_questions() == {"questions_added": 0, "questions_done": 0}
