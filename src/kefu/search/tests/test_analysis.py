import pytest

from kefu.search.analysis import analyze_document, chars, chinese_number, grams, normalize, words


def test_full_width_letters_and_digits_become_half_width_lower_case():
    assert normalize("ＳＫＵ１２３　Ａｂ") == "sku123 ab"
    assert words("ＳＫＵ１２３") == words("sku123") == ["sku123"]


def test_stopwords_and_punctuation_are_dropped_but_question_words_stay():
    terms = words("我的快递到了吗？怎么还没有！")
    assert "快递" in terms
    assert "怎么" in terms
    for noise in ("我", "的", "了", "吗", "？", "！"):
        assert noise not in terms


def test_search_mode_keeps_the_shorter_words_inside_a_long_one():
    assert {"快递", "快递费"} <= set(words("快递费多少"))
    assert "快递费" in words("快递费多少", search_mode=False)


def test_bigrams_cover_each_han_run_but_not_across_other_characters():
    assert grams("快递费多少") == ["快递", "递费", "费多", "多少"]
    assert grams("顺丰sf快递") == ["顺丰", "快递"]
    assert grams("好") == []


def test_single_characters_leave_out_function_words():
    assert chars("换了吗码") == ["换", "码"]


def test_document_gram_columns_hold_bigrams_and_characters():
    analyzed = analyze_document(title="换货", body="")
    assert analyzed.title_grams == ["换货", "换", "货"]
    assert analyzed.title_terms == ["换货"]


@pytest.mark.parametrize(
    ("text", "value"),
    [("一百一十", 110), ("十五", 15), ("两千", 2000), ("三千零五", 3005), ("一万五千", 15000), ("二十", 20)],
)
def test_chinese_numbers_are_read(text, value):
    assert chinese_number(text) == value


@pytest.mark.parametrize("text", ["一一", "万一", "三四", "千万", "六五", "百"])
def test_strings_that_are_not_numbers_stay_words(text):
    assert chinese_number(text) is None


def test_heights_and_weights_in_chinese_give_their_digits():
    terms = words("一米六五一百一十斤穿多大")
    assert "165" in terms
    assert "110" in terms
    assert "165" in words("1米65的人")
    assert "160" in words("一米六")


def test_words_that_merely_contain_numerals_are_kept():
    assert "万一" in words("万一不合适能退吗")
