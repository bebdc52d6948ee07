"""Customers' wordings that share no word with the article that answers them, met through the
shipped synonym list; and questions no article answers, which get no result."""

import pytest

KB = [
    (1, "商品破损怎么办？", "收到商品破损请拍照联系客服，核实后补发或退款。"),
    (2, "收到的货少了怎么办？", "请核对包裹内件数，少件请联系客服补发。"),
    (3, "退款多久能到账？", "退款原路返回，一到三个工作日到账。"),
    (4, "支持货到付款吗？", "部分地区支持货到付款，下单时选择即可。"),
    (5, "使用后过敏怎么办？", "立即停用，用清水洗净，严重的请就医并联系客服。"),
    (6, "怎么修改收货地址？", "发货前可以在订单详情页修改收货地址。"),
]


@pytest.mark.parametrize(
    ("wording", "article"),
    [
        ("瓶子碎了", 1),
        ("少发了一瓶", 2),
        ("钱什么时候退给我", 3),
        ("可以收到货再给钱吗", 4),
        ("用了脸上起红疹子", 5),
    ],
)
def test_a_wording_without_a_shared_word_finds_its_article_first(index, find, wording, article):
    index(*KB)
    assert find(wording)[:1] == [article]


@pytest.mark.parametrize("question", ["你们招客服吗", "电脑蓝屏了怎么办"])
def test_a_question_no_article_answers_gets_no_result(index, find, question):
    index(*KB)
    assert find(question) == []
