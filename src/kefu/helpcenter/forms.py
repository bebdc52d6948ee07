"""The help center's forms: they shape and limit input; the rules themselves live in services.

Each operation has one form here, and both doors use it: the page validates the posted form, the
API validates its JSON body with the same form (``kefu.core.operations.form_input``).
"""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kefu.core.lint import lint_attrs
from kefu.helpcenter.models import Article, Category, Question
from kefu.helpcenter.selectors import MAX_PAGE
from kefu.helpcenter.services import (
    QUESTION_LIMITS,
    REPLY_LIMIT,
    TOO_FREQUENT_CODE,
    clean_similar_questions,
    question_allowance_take,
)

#: Said the same way by the ask page and the API when one address asks too often.


def split_tags(raw: str) -> list[str]:
    """Tags are typed as one line, separated by commas (either width) or spaces."""
    for sep in ("，", "、", ","):
        raw = raw.replace(sep, " ")
    return [t for t in raw.split() if t]


class TagsField(forms.CharField):
    """Tags as one typed line (the page) or a list (the API); cleaned to a list of names."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = " ".join(str(v) for v in value)
        return super().to_python(value)

    def clean(self, value: Any) -> list[str]:
        return split_tags(super().clean(value))


class SimilarQuestionsField(forms.CharField):
    """Other wordings of the question: one per line (the page) or a list (the API); cleaned to a list."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            value = "\n".join(str(v) for v in value)
        return super().to_python(value)

    def clean(self, value: Any) -> list[str]:
        return clean_similar_questions(super().clean(value))


class _PublishCheckbox(forms.CheckboxInput):
    """Left out entirely (an API call that does not mention it) means publish now; the page sends
    an explicit "false" beside the checkbox, so an unticked box saves a draft."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name not in data:
            return True
        return super().value_from_datadict(data, files, name)


def with_current_values(data: Any, current: Mapping[str, Any]) -> Any:
    """An edit through the API may send only what changes: the rest keeps its current value."""
    if data is None:
        return None
    merged: dict[str, Any] = dict(current)
    for key in data:
        merged[key] = (
            data.getlist(key)
            if key in ("tags", "similar_questions") and hasattr(data, "getlist")
            else data[key]
        )
    return merged


class CategoryChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Category.objects.order_by("position", "id"))
        kwargs.setdefault("error_messages", {"invalid_choice": _("所选类别不存在，请重新选择。")})
        super().__init__(**kwargs)


# --- public -------------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100, strip=True)
    category = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)


class QuestionForm(forms.Form):
    """The public ask form. ``website`` is a honeypot: people never see it, form-filling bots do."""

    category = CategoryChoiceField(label=_("问题类别"), required=False, empty_label=_("不确定 / 其他"))
    title = forms.CharField(
        label=_("问题标题"),
        max_length=QUESTION_LIMITS["title"],
        error_messages={"required": _("请填写问题标题。")},
        widget=forms.TextInput(attrs={"placeholder": _("一句话描述您的问题，例如：收到的面霜漏液了怎么办")}),
    )
    details = forms.CharField(
        label=_("详细描述"),
        required=False,
        max_length=QUESTION_LIMITS["details"],
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": _("订单号、购买时间、遇到的情况……写得越清楚，答复越快")}
        ),
    )
    name = forms.CharField(
        label=_("您的称呼"),
        max_length=QUESTION_LIMITS["name"],
        error_messages={"required": _("请填写您的称呼。")},
    )
    phone = forms.CharField(label=_("手机"), required=False, max_length=QUESTION_LIMITS["phone"])
    email = forms.EmailField(
        label=_("邮箱"),
        required=False,
        max_length=QUESTION_LIMITS["email"],
        error_messages={"invalid": _("请填写正确的邮箱地址。")},
    )
    im_id = forms.CharField(label=_("旺旺/微信"), required=False, max_length=QUESTION_LIMITS["im_id"])
    website = forms.CharField(
        label=_("网址（请勿填写）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, client_ip: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_ip = client_ip
        # While the customer types a title, articles that may already answer it appear below.
        self.fields["title"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse_lazy("helpcenter:ask_suggest"),
                # keyup for keyboards; input too, because a Chinese IME or a paste may send no keyup.
                "hx-trigger": "keyup changed delay:300ms, input changed delay:300ms, search",
                "hx-target": "#suggestions",
                "hx-sync": "this:replace",
            }
        )

    def clean(self) -> dict[str, Any]:
        # Every submission counts, good or bad, from the page and the API alike: one counter per
        # address, so switching doors does not buy a second allowance.
        question_allowance_take(ip_address=self.client_ip)
        data = super().clean()
        if not any(data.get(f) for f in ("phone", "email", "im_id")) and not self.has_error("email"):
            self.add_error("phone", _("请至少留下一种联系方式：手机、邮箱或旺旺/微信。"))
        return data

    @property
    def too_frequent(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, TOO_FREQUENT_CODE)


for _field in QuestionForm.base_fields.values():
    # Django's own max_length message is English-ish in tone; say it the shop's way.
    if getattr(_field, "max_length", None):
        _field.error_messages["max_length"] = _("不能超过 %(limit_value)d 个字（现在是 %(show_value)d 个）。")


class QuestionReplyForm(forms.Form):
    """The customer writes back on their private answer page (the page and its API). Counted
    against the same per-address allowance as asking."""

    text = forms.CharField(
        label=_("继续提问或补充"),
        max_length=REPLY_LIMIT,
        error_messages={"required": _("请填写回复内容。")},
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("答复没解决问题？在这里补充说明，客服会继续答复")}
        ),
    )

    def __init__(self, *args: Any, client_ip: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_ip = client_ip

    def clean(self) -> dict[str, Any]:
        question_allowance_take(ip_address=self.client_ip)
        return super().clean()

    @property
    def too_frequent(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, TOO_FREQUENT_CODE)


QuestionReplyForm.base_fields["text"].error_messages["max_length"] = _(
    "不能超过 %(limit_value)d 个字（现在是 %(show_value)d 个）。"
)


# --- back office --------------------------------------------------------------------------


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("类别名称"), max_length=50, error_messages={"required": _("请填写类别名称。")}
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class CategoryEditForm(forms.Form):
    """Rename a category (and, through the API, change its description)."""

    name = forms.CharField(
        label=_("类别名称"), max_length=50, error_messages={"required": _("请填写类别名称。")}
    )
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, data: Any = None, *args: Any, category: Category | None = None, **kwargs: Any):
        if category is not None:
            data = with_current_values(data, {"name": category.name, "description": category.description})
        super().__init__(data, *args, **kwargs)


class CategoryDeleteForm(forms.Form):
    move_to = CategoryChoiceField(label=_("把文章移到"), required=False, empty_label=_("（不移动）"))


class ArticleForm(forms.Form):
    category = CategoryChoiceField(
        label=_("类别"),
        empty_label=_("请选择类别"),
        error_messages={"required": _("请选择类别。"), "invalid_choice": _("所选类别不存在，请重新选择。")},
    )
    title = forms.CharField(label=_("标题"), max_length=200, error_messages={"required": _("请填写标题。")})
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs=lint_attrs(rows=16)),
        help_text=_("支持 Markdown：**加粗**、- 列表、[链接](https://…)、| 表格 |"),
        error_messages={"required": _("请填写正文。")},
    )
    tags = TagsField(label=_("标签"), required=False, max_length=300, help_text=_("用逗号或空格分隔"))
    similar_questions = SimilarQuestionsField(
        label=_("相似问法"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("顾客对同一个问题的其他问法，每行一个；搜索时与标题同等看待，只有客服人员可见。"),
    )
    publish = forms.BooleanField(
        label=_("立即发布"),
        required=False,
        initial=True,
        widget=_PublishCheckbox,
        help_text=_("不填即立即发布"),
    )
    # The version the editor loaded: a save over a colleague's newer one is refused.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *args: Any, article: Article | None = None, **kwargs: Any):
        if article is not None:
            current = {
                "category": article.category_id,
                "title": article.title,
                "body": article.body,
                "tags": [t.name for t in article.tags.all()],
                "similar_questions": article.similar_list,
            }
            data = with_current_values(data, current)
        super().__init__(data, *args, **kwargs)


class ArticleFeedbackForm(forms.Form):
    """ "这篇文章有帮助吗？": yes or no, and nothing else."""

    helpful = forms.NullBooleanField(label=_("有帮助吗"), widget=forms.NullBooleanSelect)

    def clean_helpful(self) -> bool:
        value = self.cleaned_data.get("helpful")
        if value is None:
            raise forms.ValidationError(_("请选择有帮助或没帮助。"), code="required")
        return value


class QuestionAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("答复内容"),
        widget=forms.Textarea(attrs=lint_attrs(rows=8)),
        max_length=5000,
        error_messages={"required": _("请填写答复内容。")},
        help_text=_("只有提问的客户能在其专属链接里看到这条答复。"),
    )


class QuestionPublishForm(forms.Form):
    """Staff write the article themselves: the answer starts empty, the title is theirs to edit."""

    title = forms.CharField(
        label=_("文章标题"), max_length=200, error_messages={"required": _("请填写标题。")}
    )
    answer = forms.CharField(
        label=_("答复（文章正文）"),
        widget=forms.Textarea(attrs=lint_attrs(rows=10)),
        error_messages={"required": _("请填写答复内容。")},
        help_text=_("支持 Markdown。客户的原话不会被发布，请用您自己的话写答复。"),
    )
    category = CategoryChoiceField(
        label=_("类别"),
        empty_label=_("请选择类别"),
        error_messages={"required": _("请选择类别。"), "invalid_choice": _("所选类别不存在，请重新选择。")},
        help_text=_("不填则用问题的类别"),
    )
    tags = TagsField(label=_("标签"), required=False, max_length=300, help_text=_("用逗号或空格分隔"))

    def __init__(self, data: Any = None, *args: Any, question: Question | None = None, **kwargs: Any):
        if question is not None and question.category_id:
            data = with_current_values(data, {"category": question.category_id})
        super().__init__(data, *args, **kwargs)


class QuestionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *Question.Status.choices]
    )
    category = CategoryChoiceField(label=_("类别"), required=False, empty_label=_("全部类别"))


class ArticleFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    category = CategoryChoiceField(label=_("类别"), required=False, empty_label=_("全部类别"))
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *Article.Status.choices]
    )


class SynonymsForm(forms.Form):
    text = forms.CharField(
        label=_("同义词"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("每行一组，词之间用空格或逗号分隔，例如：邮费 运费 快递费。一行少于两个词会被忽略。"),
    )

    @property
    def lines(self) -> list[str]:
        return self.cleaned_data.get("text", "").splitlines()


class SearchGapSimilarForm(forms.Form):
    """From the search analytics: this wording is another way to ask that article's question."""

    query = forms.CharField(max_length=200, error_messages={"required": _("缺少搜索词。")})
    article = forms.ModelChoiceField(
        queryset=Article.objects.all(), error_messages={"invalid_choice": _("文章不存在。")}
    )
