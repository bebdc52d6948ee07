"""The replies' page forms: they check the shape of what was typed; the services check the rules."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kefu.core.lint import lint_attrs
from kefu.core.uploads import MaxUploadSize
from kefu.replies import services
from kefu.replies.models import ForbiddenPhrase, QuickPhrase
from kefu.replies.placeholders import PLACEHOLDERS

SCOPES = [("personal", _("我的个人短语")), ("team", _("团队短语（主管/管理员）"))]


class PhraseForm(forms.Form):
    text = forms.CharField(
        label=_("内容"),
        widget=forms.Textarea(attrs=lint_attrs(rows=4)),
        # lazy as a whole: joined here, it would stay in the language the server started in
        help_text=format_lazy(
            "{}{}{}",
            _("可用占位符："),
            " ".join("{" + name + "}" for name in PLACEHOLDERS),
            _("；可以使用表情 😊"),
        ),
        error_messages={"required": _("请填写短语内容。")},
    )
    shortcut = forms.CharField(
        label=_("快捷键"),
        required=False,
        max_length=20,
        help_text=_("在回复框输入 / 加快捷键即可调出，例如 fh"),
    )
    group = forms.CharField(
        label=_("分组"), required=False, max_length=50, help_text=_("留空为“常用”；新名字会新建分组")
    )
    scope = forms.ChoiceField(
        label=_("归属"), choices=SCOPES, initial="personal", required=False, widget=forms.RadioSelect
    )

    def __init__(
        self,
        data: Any = None,
        *args: Any,
        can_team: bool = False,
        editing: bool = False,
        phrase: QuickPhrase | None = None,
        **kwargs: Any,
    ) -> None:
        if phrase is not None and data is not None:
            # An edit through the API may send only what changes; the rest keeps its value.
            current = {"text": phrase.text, "shortcut": phrase.shortcut, "group": phrase.group.name}
            data = {**current, **{key: data[key] for key in data}}
        super().__init__(data, *args, **kwargs)
        if editing or not can_team:
            # The scope of a phrase is fixed once made; an agent only makes personal phrases.
            del self.fields["scope"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # The service's rules for text, shortcut and group, so every field's problem shows at once.
        try:
            services.clean_phrase_fields(
                text=data.get("text", ""), shortcut=data.get("shortcut", ""), group=data.get("group", "")
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if not self.has_error(field):
                    self.add_error(field, errors)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("CSV（UTF-8 或 GBK）或 Excel .xlsx；第一行为表头：分组、快捷键、内容"),
        error_messages={"required": _("请选择要导入的文件。")},
        validators=[MaxUploadSize("spreadsheet")],
    )
    scope = forms.ChoiceField(
        label=_("导入为"), choices=SCOPES, initial="personal", required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, can_team: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_team:
            del self.fields["scope"]
        else:
            self.fields["scope"].initial = "team"


class ForbiddenForm(forms.Form):
    phrase = forms.CharField(
        label=_("禁用说法"), max_length=50, error_messages={"required": _("请填写禁用说法。")}
    )
    suggestion = forms.CharField(
        label=_("建议说法"),
        max_length=200,
        error_messages={"required": _("请填写建议说法，告诉客服应该怎么说。")},
    )
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)
    match = forms.ChoiceField(label=_("匹配方式"), choices=ForbiddenPhrase.Match.choices, initial="contains")
    customer_trigger = forms.CharField(
        label=_("只在客户说了这些时检查"),
        max_length=50,
        required=False,
        help_text=_("用空格分隔，例如：在吗 在不在；留空为总是检查"),
    )
    exceptions = forms.CharField(
        label=_("例外词"),
        max_length=300,
        required=False,
        help_text=_("含这些词时不算，用空格分隔，例如：不可或缺"),
    )
    fact_exempt = forms.BooleanField(label=_("后接商品属性时不算（不会褪色、不会过敏）"), required=False)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class GroupRenameForm(forms.Form):
    name = forms.CharField(
        label=_("分组名称"), max_length=50, error_messages={"required": _("请填写分组名称。")}
    )


class AutoReplyForm(forms.Form):
    text = forms.CharField(
        label=_("回复内容"),
        required=False,
        widget=forms.Textarea(attrs=lint_attrs(rows=3)),
        help_text=_("可用 {买家} {店铺} {上班时间}"),
    )
    is_enabled = forms.BooleanField(label=_("启用"), required=False)


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input, read in the shop's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"])
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return super().prepare_value(value)


class PromotionForm(forms.Form):
    is_enabled = forms.BooleanField(label=_("启用大促模式"), required=False)
    name = forms.CharField(label=_("活动名称"), max_length=100, required=False)
    starts_at = LocalDateTimeField(label=_("开始时间"))
    ends_at = LocalDateTimeField(label=_("结束时间"))
    offer = forms.CharField(
        label=_("活动内容"),
        required=False,
        widget=forms.Textarea(attrs=lint_attrs(rows=2)),
        help_text=_("例如：全场5折包邮，满300减30"),
    )
    text = forms.CharField(
        label=_("大促欢迎语"),
        required=False,
        widget=forms.Textarea(attrs=lint_attrs(rows=3)),
        help_text=_(
            "大促期间代替普通欢迎语发给首次咨询的客户；可用 {活动名称} {活动时间} {活动内容} {买家} {店铺}"
        ),
    )


class NoAnswerForm(forms.Form):
    seconds = forms.IntegerField(label=_("客服未回复多少秒后自动回复"), min_value=5, max_value=3600)


class LintForm(forms.Form):
    text = forms.CharField(
        label=_("回复内容"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    customer_message = forms.CharField(
        label=_("客户上一条消息（可选）"),
        required=False,
        max_length=5000,
        help_text=_("例如“在吗”，用来检查只回一个“在”"),
    )
