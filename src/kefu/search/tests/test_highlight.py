from kefu.search.highlight import highlight, snippet


def test_text_is_escaped_and_terms_marked():
    html = highlight("<script>alert(1)</script>快递费", ["快递"])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>快递</mark>费" in html


def test_a_term_with_markup_characters_is_escaped_inside_the_mark():
    assert highlight('a<b"c', ["<"]) == "a<mark>&lt;</mark>b&quot;c"


def test_image_onerror_in_customer_text_stays_inert():
    html = highlight('<img src=x onerror="alert(1)">退款', ["退款"])
    assert "<img" not in html
    assert "<mark>退款</mark>" in html


def test_full_width_text_is_found_by_half_width_term_and_shown_as_written():
    assert highlight("ＳＫＵ快递", ["sku"]) == "<mark>ＳＫＵ</mark>快递"


def test_marks_stay_on_the_right_characters_when_normalising_changes_length():
    # NFKC turns ㈱ into three characters; the mark must still land on 快递.
    assert highlight("㈱快递", ["快递"]) == "㈱<mark>快递</mark>"


def test_longest_term_wins_where_terms_overlap():
    assert highlight("快递费", ["快递", "快递费"]) == "<mark>快递费</mark>"


def test_no_terms_gives_the_escaped_text():
    assert highlight("<b>", []) == "&lt;b&gt;"


def test_snippet_is_a_window_around_the_first_hit():
    text = "无关内容。" * 60 + "<script>x</script>我们默认发中通快递。" + "其他说明。" * 60
    html = snippet(text, ["中通"], length=60)
    assert html.startswith("…")
    assert html.endswith("…")
    assert "<mark>中通</mark>" in html
    assert "<script>" not in html
    assert "&lt;/script&gt;" in html


def test_snippet_without_a_hit_is_the_start_of_the_text():
    html = snippet("第一句。\n第二句。", ["不存在"], length=50)
    assert html == "第一句。 第二句。"
