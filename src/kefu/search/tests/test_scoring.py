"""The fast scorer searches use gives exactly the scores of the plain one it replaces."""

import pytest

from kefu.search import analysis, scoring, selectors
from kefu.search.synonyms import build_table, read_default_lines

ARTICLES = [
    ("吹风机怎么维修？", "寄回仓库检测后维修，保修期一年。", ["吹风机坏了找谁修", "风筒不出热风"]),
    ("七天无理由退货怎么申请？", "签收后七天内未使用可以申请退货，运费由买家承担。", []),
    ("发什么快递？", "默认中通快递，需要顺丰请补差价。", ["用的什么物流"]),
    ("面霜过敏怎么办？", "如出现过敏、红肿请立即停用并联系客服。", ["擦了脸上起红疹子"]),
    ("换货怎么操作？", "在订单详情页点击申请换货，填写原因。", []),
    ("优惠券怎么用？", "满199减20，每个账号限领一张。", ["有券吗"]),
]


@pytest.fixture(scope="module")
def corpus():
    docs = [
        analysis.analyze_document(title=title, body=body, similar=similar).columns()
        for title, body, similar in ARTICLES
    ]
    df: dict[str, int] = {}
    for doc in docs:
        for term in {t for column in doc.values() for t in column.split()} - {analysis.VARIANT_SEPARATOR}:
            df[term] = df.get(term, 0) + 1
    return docs, df


def _plain(parsed, doc, df, n):
    best = scoring.Scored(0.0, 0.0)
    for variant in scoring.title_variants(doc):
        scored = scoring._score_one(parsed, scoring.split_fields(variant), df, n)
        if (scored.score, scored.coverage) > (best.score, best.coverage):
            best = scored
    return best


@pytest.mark.parametrize(
    "query",
    [
        "吹风机坏了怎么修",
        "想换个颜色",
        "用的什么物流",
        "脸上起红疹子了怎么办",
        "有券吗",
        "你好在吗",
        "退货运费谁出",
        "一米六五穿多大",
    ],
)
def test_the_fast_scorer_gives_the_plain_scores_to_the_last_bit(corpus, query):
    docs, df = corpus
    n = len(docs)
    parsed = selectors.parse_query(query, df, plan=selectors._plan(query, build_table(read_default_lines())))
    scorer = scoring.Scorer(parsed, df, n)
    fast = [scorer.score(doc) for doc in docs]
    assert fast == [_plain(parsed, doc, df, n) for doc in docs]
    assert any(s.score > 0 for s in fast) or query == "你好在吗"


def test_the_character_fields_are_the_gram_fields():
    # The fast scorer reads single characters from the gram counters with the gram fields' numbers.
    assert list(scoring.CHAR_FIELDS.values()) == list(scoring.GRAM_FIELDS.values())
