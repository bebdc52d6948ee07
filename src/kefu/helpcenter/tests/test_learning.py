"""Learning from staff: a customer's wording that staff tie to an article becomes a proposed
similar question; a supervisor accepts (search finds the article by it at once) or rejects it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kefu.helpcenter import selectors, services
from kefu.helpcenter.models import SimilarQuestionProposal as Proposal
from kefu.helpcenter.selectors import article_search
from kefu.helpcenter.tests.factories import ArticleFactory, QuestionFactory

pytestmark = pytest.mark.django_db


def titles(query: str) -> list[str]:
    return [a.title for a in article_search(q=query, page_size=3).articles]


@pytest.fixture
def invoice(categories):
    return ArticleFactory(category=categories[0], title="怎么开发票？", body="订单完成后在订单详情申请开票。")


def test_an_answer_linking_an_article_proposes_the_customers_wording(invoice, agent):
    question = QuestionFactory(title="单位要报账的单据怎么弄")
    services.question_answer(
        question=question, by=agent, answer=f"请看 https://shop.example/help/articles/{invoice.pk}/ 的说明。"
    )
    proposal = Proposal.objects.get()
    assert (proposal.article, proposal.text, proposal.source, proposal.status) == (
        invoice,
        "单位要报账的单据怎么弄",
        Proposal.Source.QUESTION_LINKED,
        Proposal.Status.PENDING,
    )


def test_publishing_a_question_as_an_article_proposes_the_customers_wording(categories, supervisor):
    question = QuestionFactory(title="衣服洗了一次就小了一圈", category=categories[0])
    article = services.question_publish(
        question=question, by=supervisor, title="衣服缩水怎么办？", answer="按洗标手洗，不要烘干。"
    )
    assert list(Proposal.objects.values_list("article", "text")) == [(article.pk, "衣服洗了一次就小了一圈")]


def test_accepting_a_proposal_makes_search_find_the_article_at_once(invoice, supervisor):
    wording = "单位要报账的单据怎么弄"
    assert "怎么开发票？" not in titles(wording)
    proposal = services.similar_question_propose(
        article=invoice, text=wording, source=Proposal.Source.CHAT_LINKED
    )
    services.similar_question_decide(proposal=proposal, by=supervisor, accept=True)
    invoice.refresh_from_db()
    assert invoice.similar_list == [wording]
    assert titles(wording)[0] == "怎么开发票？"
    assert selectors.similar_proposal_list().count() == 0


def test_a_rejected_wording_changes_nothing_and_is_not_proposed_again(invoice, supervisor):
    proposal = services.similar_question_propose(
        article=invoice, text="随便问问", source=Proposal.Source.CHAT_LINKED
    )
    services.similar_question_decide(proposal=proposal, by=supervisor, accept=False)
    invoice.refresh_from_db()
    assert invoice.similar_list == []
    assert services.similar_question_propose(article=invoice, text="随便问问", source="chat_linked") is None
    with pytest.raises(ValidationError):
        services.similar_question_decide(proposal=proposal, by=supervisor, accept=True)


@pytest.mark.parametrize("text", ["怎么开发票？", "", "  ", "票"])
def test_the_title_itself_or_an_empty_wording_is_not_proposed(invoice, text):
    assert services.similar_question_propose(article=invoice, text=text, source="chat_linked") is None
    assert not Proposal.objects.exists()


def test_only_supervisors_and_admins_decide(invoice, agent):
    proposal = services.similar_question_propose(article=invoice, text="开票流程", source="chat_linked")
    with pytest.raises(PermissionDenied):
        services.similar_question_decide(proposal=proposal, by=agent, accept=True)


def test_the_proposals_page_and_api(invoice, login, supervisor, agent):
    proposal = services.similar_question_propose(article=invoice, text="开票流程是啥", source="chat_linked")
    page = login(agent).get("/desk/help/similar/")
    assert page.status_code == 200 and "开票流程是啥" in page.content.decode()
    assert "采纳" not in page.content.decode().split("<tbody>")[1]  # agents see, supervisors decide
    assert login(agent).post(f"/desk/help/similar/{proposal.pk}/accept/").status_code == 403
    client = login(supervisor)
    listed = client.get("/api/v1/help/staff/similar-proposals/").json()
    assert [r["text"] for r in listed["results"]] == ["开票流程是啥"]
    response = client.post(f"/api/v1/help/staff/similar-proposals/{proposal.pk}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    again = client.post(f"/api/v1/help/staff/similar-proposals/{proposal.pk}/reject/")
    assert again.status_code == 400
    assert client.get("/api/v1/help/staff/similar-proposals/", {"status": "bogus"}).status_code == 400


def test_the_proposals_list_takes_a_fixed_number_of_queries(invoice, django_assert_max_num_queries):
    for i in range(5):
        services.similar_question_propose(article=invoice, text=f"开票问题{i}", source="chat_linked")
    with django_assert_max_num_queries(1):
        rows = [(p.text, p.article.title, p.article.category.name) for p in selectors.similar_proposal_list()]
    assert len(rows) == 5
