"""Turning Chinese (and mixed) text into search terms.

Three kinds of terms, from the most to the least precise:

- words: rjieba's search-mode segmentation, which also yields the shorter words inside a long one
  (快递费 → 快递, 快递费); numbers written in Chinese also give their digits (一百一十 → 110,
  一米六五 → 165) so a customer's wording meets the article's figures;
- bigrams of every run of Han characters, so a word the dictionary lacks (a product nickname, a typo)
  still matches;
- single Han characters (function words left out), so a one-character word of the customer
  (换, 退, 码) meets the longer word of the article (换货, 退货, 尺码).

Bigrams and single characters are stored together in the ``*_grams`` columns; the scorer tells them
apart by their length.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import rjieba

# Function words that only add noise to matching; question words stay (see QUESTION_WORDS).
_STOPWORD_TEXT = (
    "的 了 吗 呢 吧 啊 呀 哦 嘛 么 着 过 和 与 及 或 是 在 我 你 您 他 她 它 我们 你们 这 那 这个 那个 就 都 也 还 又 很 请 亲 一下 一个 个 把 被 给 "
    "让 对 从 到 会 要 想 有 没 哈 嗯 啦 咯 喔 之 其 为 以 于 则 而 但 the a an and or of to is are in on for it "
    # Greetings and politeness a chat opens with: never what the question is about.
    "我要 我想 想要 你家 你们家 我家的 你好 您好 在吗 在不在 在么 谢谢 多谢 谢啦 麻烦 麻烦你 亲亲 哈喽 嗨 hello hi 好的 嗯嗯 哈哈 呵呵 一些 那么 这么"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Single characters that carry no meaning of their own when cut out of a longer word.
CHAR_STOPWORDS = frozenset(w for w in STOPWORDS if len(w) == 1) | frozenset("们些得地吖呐哇噢诶哟")
# Words that ask (what, how, can…): kept, since 怎么 and 为什么 ask different things, but they weigh
# less than the words that say what the question is about.
_QUESTION_WORD_TEXT = (
    "什么 什么时候 时候 几时 怎么 怎样 怎么样 如何 为什么 为何 为啥 哪个 哪些 哪里 哪儿 多少 几 咋 啥 能 可以 能不能 可不可以 能否 是不是 有没有 怎么办 是否 吗 呢 "
    "多大 多久 请问 问下 问一下 一下 "
    "怎么弄 怎么回事 怎么搞 怎么整 咋办 咋弄 啥时候 哪天 几号 哪 谁 行不行 行吗 好不好 多长时间 会不会 要不要 需不需要 "
    "需要 应该 能够"
)
QUESTION_WORDS = frozenset(_QUESTION_WORD_TEXT.split())
# A number with its measure word (三瓶, 两件, 1个): how many, not what the question is about.
_QUANTITY = re.compile(r"^[0-9一二两三四五六七八九十几半]+[个件瓶盒双条只套支包袋箱罐份张块台]$")


def is_minor(word: str) -> bool:
    """A question word or a quantity: kept in the query, weighing less than the topic's words."""
    return word in QUESTION_WORDS or bool(_QUANTITY.match(word))


MAX_TERM_LENGTH = 32
# Between the title and each similar question in the title columns: no term contains it, and both
# full-text indexes take it for a separator.
VARIANT_SEPARATOR = "|"
_TOKEN = re.compile(r"[^\W_]+")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{_HAN}]+")
_IS_HAN = re.compile(f"^[{_HAN}]+$")

# Chinese numbers: 一百一十 → 110, 两千 → 2000; heights 一米六五 / 1米65 → 165 (centimetres).
_DIGITS = {**dict(zip("零一二三四五六七八九", range(10), strict=True)), "〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万]{2,}")
_HEIGHT = re.compile(r"([一二两12])米([一二三四五六七八九零0-9])([一二三四五六七八九零0-9])?(?![0-9])")


def normalize(text: str) -> str:
    """Full-width to half-width, lower case: 'ＳＫＵ１' and 'sku1' are the same term."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _below_10000(text: str) -> int | None:
    """A well-formed Chinese number below 10 000 (一百一十, 十五, 三千零五), else None."""
    total, digit, last_unit = 0, None, 10_000
    for ch in text:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0:
                return None  # 一一, 六五: a string of digits is not a number word
            digit = _DIGITS[ch] if _DIGITS[ch] else None
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None and not (unit == 10 and total == 0):
                return None  # 百 or 千 without a digit before it
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
        else:
            return None
    return total + (digit or 0)


def chinese_number(text: str) -> int | None:
    """The value of a Chinese number word up to 亿 (一百一十 → 110), None when it is not one."""
    if "万" in text:
        high, _, low = text.partition("万")
        high_value = _below_10000(high) if high else None
        low_value = _below_10000(low) if low else 0
        if high_value is None or low_value is None or "万" in low:
            return None
        return high_value * 10_000 + low_value
    return _below_10000(text)


def _digit(ch: str) -> str:
    return ch if ch.isdigit() else str(_DIGITS[ch])


def numbers_to_digits(text: str) -> str:
    """Chinese numbers written as digits, for segmentation: 一米六五 → 165, 一百一十斤 → 110斤.

    Only well-formed numbers change (一一, 三四, 万一 stay as they are).
    """

    def height(match: re.Match) -> str:
        first, second, third = match.groups()
        return f" {_digit(first)}{_digit(second)}{_digit(third) if third else '0'} "

    def number(match: re.Match) -> str:
        value = chinese_number(match.group())
        return match.group() if value is None else f" {value} "

    return _CN_NUMBER.sub(number, _HEIGHT.sub(height, text))


def words(text: str, *, search_mode: bool = True) -> list[str]:
    """Words of ``text``, stopwords and punctuation dropped, in order (repeats kept).

    Documents are cut in search mode (long words also give their inner words); a query is cut
    precisely so that each of the customer's words counts once (see ``selectors.parse_query``).
    """
    cut = rjieba.cut_for_search if search_mode else rjieba.cut
    out = []
    for piece in cut(numbers_to_digits(normalize(text))):
        for token in _TOKEN.findall(piece):
            if token not in STOPWORDS and len(token) <= MAX_TERM_LENGTH:
                out.append(token)
    return out


def grams(text: str) -> list[str]:
    """Overlapping character bigrams of each run of Han characters."""
    out = []
    for run in _HAN_RUN.findall(normalize(text)):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def chars(text: str) -> list[str]:
    """The Han characters of ``text`` that mean something on their own (no 的, 了, 吗…)."""
    return [ch for run in _HAN_RUN.findall(normalize(text)) for ch in run if ch not in CHAR_STOPWORDS]


def is_han(term: str) -> bool:
    return bool(_IS_HAN.match(term))


@dataclass
class Analyzed:
    title_terms: list[str] = field(default_factory=list)
    title_grams: list[str] = field(default_factory=list)
    body_terms: list[str] = field(default_factory=list)
    body_grams: list[str] = field(default_factory=list)

    def columns(self) -> dict[str, str]:
        return {
            "title_terms": " ".join(self.title_terms),
            "title_grams": " ".join(self.title_grams),
            "body_terms": " ".join(self.body_terms),
            "body_grams": " ".join(self.body_grams),
        }

    def vocabulary(self) -> set[str]:
        return {*self.title_terms, *self.title_grams, *self.body_terms, *self.body_grams} - {
            VARIANT_SEPARATOR
        }


def analyze_document(*, title: str, body: str, similar: Iterable[str] = ()) -> Analyzed:
    """A document's terms; ``similar`` (other wordings of its title question) follow the title,
    each after ``VARIANT_SEPARATOR``, so the scorer can rank by the wording that fits best."""
    title_terms, title_grams = words(title), grams(title) + chars(title)
    for wording in similar:
        title_terms += [VARIANT_SEPARATOR, *words(wording)]
        title_grams += [VARIANT_SEPARATOR, *grams(wording), *chars(wording)]
    return Analyzed(
        title_terms=title_terms,
        title_grams=title_grams,
        body_terms=words(body),
        body_grams=grams(body) + chars(body),
    )
