"""The chat's forms: they shape and limit the filters of the back-office lists."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kefu.chat.models import ConversationStatus, SuggestionUse


class HistoryFilterForm(forms.Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ConversationStatus.choices]
    )
    agent = forms.ModelChoiceField(
        label=_("客服"), required=False, queryset=get_user_model().objects.none(), empty_label=_("全部客服")
    )
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = (
            get_user_model().objects.filter(chat_conversations__isnull=False).distinct().order_by("username")
        )
        self.fields["agent"].label_from_instance = lambda u: u.get_full_name() or u.username


class LearnedFilterForm(forms.Form):
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *SuggestionUse.Kind.choices]
    )
