"""The inbox's forms: one per operation, shared by the pages and the API."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kefu.core import worklist
from kefu.inbox.models import Priority, WorkState


def _kinds() -> list[tuple[str, str]]:
    return [("", _("全部类型")), *((kind, source.label) for kind, source in worklist.sources().items())]


class InboxFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=_kinds)
    owner = forms.ChoiceField(
        label=_("负责人"),
        required=False,
        choices=[
            ("", _("所有人")),
            ("me", _("我的")),
            ("unassigned", _("待领取")),
            ("supervisor", _("需主管处理")),
        ],
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("未完成")), *WorkState.choices, ("all", _("全部"))],
    )
    due = forms.ChoiceField(
        label=_("截止"),
        required=False,
        choices=[("", _("不限")), ("today", _("今天到期")), ("overdue", _("已超时"))],
    )
    q = forms.CharField(label=_("搜索"), required=False, max_length=60)


def _team():
    return get_user_model().objects.filter(is_active=True)


class TakeForm(forms.Form):
    """Taking needs no input: the one who asks takes it."""


class AssignForm(forms.Form):
    to = forms.ModelChoiceField(label=_("分配给"), queryset=_team(), help_text=_("用户 id"))


class HandOverForm(forms.Form):
    to = forms.ModelChoiceField(label=_("转交给"), queryset=_team())
    note = forms.CharField(label=_("交接说明"), required=False, max_length=2000)


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("升级原因"), max_length=255)
    to = forms.ModelChoiceField(
        label=_("主管"), queryset=_team(), required=False, help_text=_("主管的用户 id；不填则任一主管")
    )


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(label=_("优先级"), choices=Priority.choices, coerce=int)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("内部备注"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
