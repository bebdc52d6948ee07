"""What keeps a search cheap on a large index: the synonym table kept per process, and candidates
taken from the titles when every word of the question is in too many documents to rank."""

import pytest

from kefu.search import selectors
from kefu.search.services import remove_documents
from kefu.search.synonyms import synonym_groups_replace
from kefu.search.tests.conftest import KIND

CORPUS = [
    (1, "吹风机怎么维修？", "寄回仓库检测后维修。"),
    (2, "吹风机可以退货吗？", "七天无理由退货。"),
    (3, "电饭煲怎么维修？", "联系客服预约上门维修。"),
    (4, "电饭煲可以退货吗？", "未使用可以退货。"),
    (5, "吹风机的保修期多久？", "一年保修，人为损坏不保修。"),
    (6, "发什么快递？", "默认中通快递，维修件寄顺丰。"),
]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("吹风机维修", 1),
        ("电饭煲退货", 4),
        ("吹风机保修期", 5),
    ],
)
def test_a_large_index_takes_candidates_from_titles_with_every_topic_word(
    index, find, monkeypatch, query, first
):
    index(*CORPUS)
    small = find(query)
    # Every term now counts as too common to rank all its documents: the large-index path.
    monkeypatch.setattr(selectors, "POSTINGS_BUDGET", 0)
    monkeypatch.setattr(selectors, "RANK_BUDGET", 0)
    large = find(query)
    assert large[0] == small[0] == first


def test_a_large_index_relaxes_to_fewer_words_when_no_title_has_them_all(index, find, monkeypatch):
    index(*CORPUS)
    monkeypatch.setattr(selectors, "POSTINGS_BUDGET", 0)
    # No title says 吹风机 and 快递 together: titles with one of them are still found.
    assert set(find("吹风机快递")) & {1, 2, 5, 6}


def test_a_search_reads_no_synonym_list_while_it_is_unchanged(index, django_assert_num_queries):
    index(*CORPUS)
    selectors.search_all(kind=KIND, query="吹风机怎么维修", min_coverage=0.25)
    # frequencies (with the list's version), candidates, their index rows: nothing else
    with django_assert_num_queries(3):
        selectors.search_all(kind=KIND, query="吹风机怎么维修", min_coverage=0.25)


def test_a_changed_synonym_list_is_used_by_the_next_search(index, find, supervisor):
    index((1, "小棉袄怎么洗？", "手洗。"))
    assert find("冬衣") == []
    synonym_groups_replace(lines=["棉袄 冬衣"], by=supervisor)
    assert find("冬衣") == [1]
    synonym_groups_replace(lines=["棉袄 夹克"], by=supervisor)
    assert find("冬衣") == []


def test_the_title_index_follows_edits_and_removals(index, find, monkeypatch):
    index(*CORPUS)
    monkeypatch.setattr(selectors, "POSTINGS_BUDGET", 0)
    monkeypatch.setattr(selectors, "RANK_BUDGET", 0)
    assert find("吹风机维修")[0] == 1
    # The article's title changes: the title index answers for the new title, not the old one.
    index((1, "加湿器怎么清洗？", "拆下水箱清洗。"))
    assert 1 not in find("吹风机维修")
    assert find("加湿器清洗") == [1]
    remove_documents(kind=KIND, object_ids=[1])
    assert find("加湿器清洗") == []
