"""客户满意度调查表: the ratings customers gave in a period, one line each, with the share of
satisfied customers on top; printed and in Excel (the shop's record, in the shop's language)."""

from datetime import date

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from kefu.core.paperforms import PaperForm, paper_workbook
from kefu.customers.models import Satisfaction, SatisfactionKind

# 4 and 5 of 5 count as satisfied, as on the paper survey's 满意 / 非常满意
SATISFIED_FROM = 4


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def survey_list(*, start, end) -> QuerySet[Satisfaction]:
    """The ratings given from ``start`` up to (not including) ``end``, oldest first."""
    return (
        Satisfaction.objects.select_related("customer", "agent")
        .filter(created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "id")
    )


def survey_columns() -> list[str]:
    return [
        _("序号"),
        _("时间"),
        _("客户"),
        _("会员名"),
        _("类型"),
        _("来源编号"),
        _("客服"),
        _("评分（1–5）"),
        _("意见"),
    ]


def survey_rows(ratings: list[Satisfaction]) -> list[list[object]]:
    return [
        [
            number,
            r.created_at,
            r.customer.name if r.customer else "",
            r.customer.buyer_nick if r.customer else "",
            r.get_kind_display(),
            r.source_id,
            _name(r.agent),
            r.score,
            r.comment,
        ]
        for number, r in enumerate(ratings, start=1)
    ]


def survey_fields(ratings: list[Satisfaction], start: date, end: date) -> list[tuple[str, object]]:
    count = len(ratings)
    satisfied = sum(1 for r in ratings if r.score >= SATISFIED_FROM)
    fields: list[tuple[str, object]] = [
        (_("期间"), f"{start.isoformat()} — {end.isoformat()}"),
        (_("调查数"), count),
        (_("平均分"), round(sum(r.score for r in ratings) / count, 2) if count else ""),
        (_("满意率（4 分及以上，%）"), round(100 * satisfied / count, 1) if count else ""),
    ]
    for kind, label in SatisfactionKind.choices:
        fields.append((_("其中 %(kind)s") % {"kind": label}, sum(1 for r in ratings if r.kind == kind)))
    return fields


def survey_signatures() -> list[tuple[str, str]]:
    return [(_("调查人"), ""), (_("部门领导签字"), "")]


def survey_workbook(ratings: list[Satisfaction], start: date, end: date) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return paper_workbook(
            PaperForm(
                title=_("客户满意度调查表"),
                fields=survey_fields(ratings, start, end),
                columns=survey_columns(),
                rows=survey_rows(ratings),
                signatures=survey_signatures(),
            )
        )
