"""The after-sales REST API (/api/v1/aftersales/): cases, complaints and bad reviews.

One small view per operation, each calling the same service as the pages; the services decide the
roles (refunds: 售后/主管; bad reviews and sign-offs: 主管) and the API answers 400/403 with their
Chinese messages.
"""

from datetime import datetime

from django import forms as django_forms
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.aftersales import forms, rules, selectors, services
from kefu.aftersales.models import (
    AfterSalesCase,
    BadReview,
    Complaint,
)
from kefu.core import worklist
from kefu.core.api import paginate
from kefu.core.operations import form_input, form_schema
from kefu.core.worklist import Priority
from kefu.orders.models import Order

TAG = "售后与待办"


def _order_or_none(number: str) -> Order | None:
    return Order.objects.prefetch_related("lines").filter(number=number).first() if number else None


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    class Meta:
        ref_name = "AftersalesUserRef"

    def get_name(self, user) -> str:
        return user.get_full_name() or user.username


@extend_schema_field(OpenApiTypes.OBJECT)
class WorkItemRefField(serializers.Field):
    """The row's inbox item as the inbox shows it (``null`` when it has none): read through
    ``kefu.core.worklist``, so this app never imports the inbox."""

    def __init__(self, source_kind: str, **kwargs):
        self.source_kind = source_kind
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        # In a list, read the items of the whole page at once (the list is the root's instance).
        cache = self.context.setdefault("work_items", {}) if isinstance(self.context, dict) else {}
        found = cache.setdefault(self.source_kind, {})
        if value.pk not in found:
            rows = self.root.instance if isinstance(self.root.instance, list | tuple) else [value]
            ids = [row.pk for row in rows if row.pk not in found] or [value.pk]
            infos = worklist.work_infos(source=self.source_kind, source_ids=ids)
            found.update({pk: infos.get(pk) for pk in ids})
        return found.get(value.pk)


# --- after-sales cases ----------------------------------------------------------------------


class CaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="修改时传回，防止覆盖同事刚保存的内容")
    kind = serializers.CharField()
    kind_display = serializers.CharField(source="get_kind_display")
    state = serializers.CharField()
    state_display = serializers.CharField(source="get_state_display")
    item = WorkItemRefField("aftersales")
    customer_id = serializers.IntegerField(allow_null=True)
    buyer_nick = serializers.CharField()
    buyer_phone = serializers.CharField()
    order_id = serializers.IntegerField(allow_null=True)
    order_number = serializers.CharField()
    purchase_date = serializers.DateField(allow_null=True)
    item_title = serializers.CharField()
    quantity = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    waybill = serializers.CharField()
    details = serializers.CharField()
    reason = serializers.CharField()
    quality_problem = serializers.BooleanField()
    free_shipping = serializers.BooleanField()
    outbound_postage = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    return_postage = serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True)
    postage = serializers.SerializerMethodField(help_text="运费规则：谁承担哪一程，金额（已知时）")
    received_by_buyer_at = serializers.DateTimeField(allow_null=True)
    exclusion = serializers.CharField()
    no_reason_return = serializers.SerializerMethodField(help_text="七天无理由：是否符合、原因、截止")
    deadline = serializers.SerializerMethodField(help_text="下一个时限（由超时规则算出）")
    damage = serializers.CharField()
    misdescribed = serializers.BooleanField()
    customer_blacklisted = serializers.SerializerMethodField()
    requested_at = serializers.DateTimeField()
    refund_requested = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    return_required = serializers.BooleanField()
    agreed_at = serializers.DateTimeField(allow_null=True)
    agreed_automatically = serializers.BooleanField()
    refused_at = serializers.DateTimeField(allow_null=True)
    refuse_reason = serializers.CharField()
    return_shipped_at = serializers.DateTimeField(allow_null=True)
    return_method = serializers.CharField()
    return_courier = serializers.CharField()
    return_waybill = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    inspection_condition = serializers.CharField()
    inspection_result = serializers.CharField()
    inspected_at = serializers.DateTimeField(allow_null=True)
    refund_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    refund_channel = serializers.CharField()
    refunded_at = serializers.DateTimeField(allow_null=True)
    refunded_automatically = serializers.BooleanField()
    rights_protection = serializers.BooleanField()
    reship_courier = serializers.CharField()
    reship_waybill = serializers.CharField()
    resolution = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    close_reason = serializers.CharField()
    photos = serializers.SerializerMethodField()

    class Meta:
        ref_name = "AfterSalesCase"

    def get_postage(self, case) -> dict:
        split = rules.postage_split(
            quality_problem=case.quality_problem,
            free_shipping=case.free_shipping,
            outbound_postage=case.outbound_postage,
            return_postage=case.return_postage,
        )
        money = lambda v: None if v is None else str(v)  # noqa: E731
        return {
            "outbound_payer": split.payer.outbound,
            "return_payer": split.payer.back,
            "label": split.payer.label,
            "seller_owes_buyer": money(split.seller_owes_buyer),
            "buyer_bears": money(split.buyer_bears),
        }

    def get_no_reason_return(self, case) -> dict:
        e = rules.no_reason_return_eligibility(
            received_at=case.received_by_buyer_at,
            at=case.requested_at,
            exclusion=case.exclusion,
            quality_problem=case.quality_problem,
        )
        return {"eligible": e.eligible, "reason": e.reason, "deadline": e.deadline}

    def get_deadline(self, case) -> datetime | None:
        return services.case_deadline(case)

    def get_customer_blacklisted(self, case) -> bool:
        return bool(case.customer and case.customer.blacklisted)

    def get_photos(self, case) -> list[dict]:
        return [{"id": p.id, "purpose": p.purpose} for p in case.photos.all()]


def _given(data: dict, request) -> dict:
    """The fields the request named: what it leaves out stays as it is (or comes from the order)."""
    return {name: value for name, value in data.items() if name in request.data}


class CaseListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="售后单列表",
        operation_id="aftersales_cases_list",
        parameters=[
            OpenApiParameter("kind", str),
            OpenApiParameter("state", str),
            OpenApiParameter("q", str),
        ],
        responses=CaseOutputSerializer(many=True),
    )
    def get(self, request):
        p = request.query_params
        qs = selectors.case_list(
            kind=p.get("kind", ""), state=p.get("state", ""), q=p.get("q", "")
        ).prefetch_related("photos")
        return paginate(request, qs, CaseOutputSerializer)

    @extend_schema(
        tags=[TAG],
        summary="登记售后（退货退款、仅退款、换货、补发、问题件、退回件）",
        operation_id="aftersales_cases_create",
        request=form_schema(forms.CaseForm),
        responses={201: CaseOutputSerializer},
    )
    def post(self, request):
        data = form_input(forms.CaseForm, request)
        fields = {k: v for k, v in _given(data, request).items() if k in forms.CaseFieldsForm.base_fields}
        case = services.case_create(
            by=request.user,
            kind=data["kind"],
            order=_order_or_none(data.get("order_number") or ""),
            customer_name=data.get("customer_name") or "",
            priority=data.get("priority") or Priority.NORMAL,
            **fields,
        )
        return Response(
            CaseOutputSerializer(selectors.case_get(pk=case.pk)).data, status=status.HTTP_201_CREATED
        )


class CaseDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="售后单详情（含运费规则、七天无理由、时限）",
        operation_id="aftersales_case",
        responses=CaseOutputSerializer,
    )
    def get(self, request, pk: int):
        return Response(CaseOutputSerializer(selectors.case_get(pk=pk)).data)

    @extend_schema(
        tags=[TAG],
        summary="修改登记信息",
        operation_id="aftersales_case_update",
        request=form_schema(forms.CaseEditForm),
        responses=CaseOutputSerializer,
    )
    def patch(self, request, pk: int):
        case = get_object_or_404(AfterSalesCase, pk=pk)
        data = form_input(forms.CaseEditForm, request)
        version = data.pop("version", None)
        services.case_update(case=case, by=request.user, expected_version=version, **_given(data, request))
        return Response(CaseOutputSerializer(selectors.case_get(pk=pk)).data)


class _CaseOperationApi(APIView):
    """One operation on a case: the page's form validates the input, the service does the work, the
    answer is the case as it stands afterwards."""

    form_class: type[django_forms.Form] | None = None

    def perform(self, request, case: AfterSalesCase, data: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        case = get_object_or_404(AfterSalesCase, pk=pk)
        data = form_input(self.form_class, request) if self.form_class is not None else {}
        self.perform(request, case, data)
        return Response(CaseOutputSerializer(selectors.case_get(pk=pk)).data)


def _case_operation(
    name: str, summary: str, form_class: type[django_forms.Form] | None, perform
) -> type[APIView]:
    """The API door of one case operation: the same form as its page, its schema, its service."""

    @extend_schema(
        tags=[TAG],
        summary=summary,
        operation_id=f"aftersales_case_{name.lower()}",
        request=form_schema(form_class) if form_class is not None else None,
        responses=CaseOutputSerializer,
    )
    def post(self, request, pk: int):
        return _CaseOperationApi.post(self, request, pk)

    return type(
        f"Case{name}Api",
        (_CaseOperationApi,),
        {
            "form_class": form_class,
            "post": post,
            "perform": lambda self, request, case, data: perform(request, case, data),
            "__doc__": summary,
        },
    )


CaseAgreeApi = _case_operation(
    "Agree", "同意（售后/主管）", None, lambda r, c, d: services.case_agree(case=c, by=r.user)
)
CaseRefuseApi = _case_operation(
    "Refuse",
    "拒绝（售后/主管）",
    forms.RefuseForm,
    lambda r, c, d: services.case_refuse(case=c, by=r.user, **d),
)
CaseRequestModifiedApi = _case_operation(
    "RequestModified",
    "买家修改了申请（卖家 5 天重新计算）",
    forms.RequestModifiedForm,
    lambda r, c, d: services.case_request_modified(case=c, by=r.user, **d),
)
CaseReturnShippedApi = _case_operation(
    "ReturnShipped",
    "登记买家退货（快递 10 天 / 平邮 30 天内须确认收货）",
    forms.ReturnShippedForm,
    lambda r, c, d: services.case_return_shipped(case=c, by=r.user, **d),
)
CaseReceiveApi = _case_operation(
    "Receive", "确认收到退货", None, lambda r, c, d: services.case_receive(case=c, by=r.user)
)
CaseInspectApi = _case_operation(
    "Inspect",
    "验货登记（可附验货照片，multipart：photo）",
    forms.InspectForm,
    lambda r, c, d: services.case_inspect(case=c, by=r.user, **d),
)
CaseRefundApi = _case_operation(
    "Refund",
    "退款登记（售后/主管）：金额、渠道、维权",
    forms.RefundForm,
    lambda r, c, d: services.case_refund(case=c, by=r.user, **d),
)
CaseReshipApi = _case_operation(
    "Reship",
    "补发/换货发出",
    forms.ReshipForm,
    lambda r, c, d: services.case_reship(case=c, by=r.user, **d),
)
CaseResolveApi = _case_operation(
    "Resolve",
    "问题件/退回件登记处理结果",
    forms.ResolveForm,
    lambda r, c, d: services.case_resolve(case=c, by=r.user, **d),
)
CaseCloseApi = _case_operation(
    "Close",
    "关闭售后单",
    forms.CloseForm,
    lambda r, c, d: services.case_close(case=c, by=r.user, **d),
)
CaseMisdescriptionApi = _case_operation(
    "Misdescription",
    "登记客户虚假描述（达到次数自动加入黑名单）",
    forms.MisdescriptionForm,
    lambda r, c, d: services.case_misdescription_record(case=c, by=r.user, **d),
)
CasePhotoApi = _case_operation(
    "Photo",
    "上传照片（multipart：image、purpose）",
    forms.PhotoForm,
    lambda r, c, d: services.case_photo_add(case=c, by=r.user, **d),
)


# --- complaints -----------------------------------------------------------------------------


class ComplaintOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField(help_text="修改时传回，防止覆盖同事刚保存的内容")
    item = WorkItemRefField("complaint")
    customer_id = serializers.IntegerField(allow_null=True)
    order_id = serializers.IntegerField(allow_null=True)
    customer_name = serializers.CharField()
    phone = serializers.CharField()
    buyer_nick = serializers.CharField()
    channel = serializers.CharField()
    problem = serializers.CharField()
    product = serializers.CharField()
    product_batch = serializers.CharField()
    production_date = serializers.DateField(allow_null=True)
    received_at = serializers.DateTimeField()
    first_judgement = serializers.CharField()
    promised_reply_at = serializers.DateTimeField(allow_null=True)
    expected_handling_at = serializers.DateTimeField(allow_null=True)
    department = serializers.CharField()
    signed_off_by = UserRefSerializer(allow_null=True)
    signed_off_at = serializers.DateTimeField(allow_null=True)
    cause = serializers.CharField()
    proposed_handling = serializers.CharField()
    customer_informed_at = serializers.DateTimeField(allow_null=True)
    completion_date = serializers.DateField(allow_null=True)
    follow_up = serializers.CharField()
    satisfaction = serializers.CharField()
    quick_steps = serializers.ListField(child=serializers.CharField())
    steps = serializers.SerializerMethodField(help_text="投诉处理流程（按店铺规定的顺序）")
    closed_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Complaint"

    def get_steps(self, complaint) -> list[dict]:
        return [{**s, "label": str(s["label"])} for s in services.complaint_steps(complaint)]


class ComplaintListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="投诉列表",
        operation_id="aftersales_complaints_list",
        parameters=[OpenApiParameter("open", bool)],
        responses=ComplaintOutputSerializer(many=True),
    )
    def get(self, request):
        qs = selectors.complaint_list(open_only=request.query_params.get("open") in ("1", "true"))
        return paginate(request, qs, ComplaintOutputSerializer)

    @extend_schema(
        tags=[TAG],
        summary="登记投诉（客户投诉反馈表）",
        operation_id="aftersales_complaints_create",
        request=form_schema(forms.ComplaintForm),
        responses={201: ComplaintOutputSerializer},
    )
    def post(self, request):
        data = form_input(forms.ComplaintForm, request)
        values = _given(data, request)
        order = _order_or_none(values.pop("order_number", ""))
        complaint = services.complaint_create(by=request.user, order=order, **values)
        return Response(
            ComplaintOutputSerializer(selectors.complaint_get(pk=complaint.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ComplaintDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="投诉详情",
        operation_id="aftersales_complaint",
        responses=ComplaintOutputSerializer,
    )
    def get(self, request, pk: int):
        return Response(ComplaintOutputSerializer(selectors.complaint_get(pk=pk)).data)

    @extend_schema(
        tags=[TAG],
        summary="填写投诉反馈表",
        operation_id="aftersales_complaint_update",
        request=form_schema(forms.ComplaintProgressForm),
        responses=ComplaintOutputSerializer,
    )
    def patch(self, request, pk: int):
        complaint = get_object_or_404(Complaint, pk=pk)
        data = form_input(forms.ComplaintProgressForm, request)
        version = data.pop("version", None)
        services.complaint_update(
            complaint=complaint, by=request.user, expected_version=version, **_given(data, request)
        )
        return Response(ComplaintOutputSerializer(selectors.complaint_get(pk=pk)).data)


class ComplaintSignOffApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="部门领导签字（主管）",
        operation_id="aftersales_complaint_sign_off",
        request=None,
        responses=ComplaintOutputSerializer,
    )
    def post(self, request, pk: int):
        services.complaint_sign_off(complaint=get_object_or_404(Complaint, pk=pk), by=request.user)
        return Response(ComplaintOutputSerializer(selectors.complaint_get(pk=pk)).data)


class ComplaintStepApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="快速处理步骤打勾（安抚、查明原因、表明立场、全力解决、真诚道歉、感谢理解）",
        operation_id="aftersales_complaint_step",
        request=form_schema(forms.StepForm),
        responses=ComplaintOutputSerializer,
    )
    def post(self, request, pk: int):
        data = form_input(forms.StepForm, request)
        services.complaint_step_set(complaint=get_object_or_404(Complaint, pk=pk), by=request.user, **data)
        return Response(ComplaintOutputSerializer(selectors.complaint_get(pk=pk)).data)


class ComplaintCloseApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="记录满意度并结案",
        operation_id="aftersales_complaint_close",
        request=form_schema(forms.ComplaintCloseForm),
        responses=ComplaintOutputSerializer,
    )
    def post(self, request, pk: int):
        data = form_input(forms.ComplaintCloseForm, request)
        services.complaint_close(complaint=get_object_or_404(Complaint, pk=pk), by=request.user, **data)
        return Response(ComplaintOutputSerializer(selectors.complaint_get(pk=pk)).data)


# --- bad reviews ----------------------------------------------------------------------------


class ReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = WorkItemRefField("review")
    customer_id = serializers.IntegerField(allow_null=True)
    order_id = serializers.IntegerField(allow_null=True)
    order_number = serializers.CharField()
    buyer_nick = serializers.CharField()
    item_title = serializers.CharField()
    rating = serializers.CharField()
    text = serializers.CharField()
    reviewed_at = serializers.DateTimeField()
    final_due_at = serializers.DateTimeField()
    change_deadline = serializers.DateTimeField(help_text="买家可修改/删除评价的截止时间（30 天）")
    change_window_open = serializers.SerializerMethodField()
    postponed_count = serializers.IntegerField()
    outcome = serializers.CharField()
    public_reply = serializers.CharField()
    outcome_note = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by = UserRefSerializer(allow_null=True)

    class Meta:
        ref_name = "BadReview"

    def get_change_window_open(self, review) -> bool:
        return review.change_deadline > timezone.now()


class ReviewListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="中差评列表",
        operation_id="aftersales_reviews_list",
        parameters=[OpenApiParameter("open", bool)],
        responses=ReviewOutputSerializer(many=True),
    )
    def get(self, request):
        qs = selectors.review_list(open_only=request.query_params.get("open") in ("1", "true"))
        return paginate(request, qs, ReviewOutputSerializer)

    @extend_schema(
        tags=[TAG],
        summary="登记中差评（交主管处理）",
        operation_id="aftersales_reviews_create",
        request=form_schema(forms.ReviewForm),
        responses={201: ReviewOutputSerializer},
    )
    def post(self, request):
        data = form_input(forms.ReviewForm, request)
        order = _order_or_none(data["order_number"])
        review = services.review_record(by=request.user, order=order, **data)
        return Response(
            ReviewOutputSerializer(selectors.review_get(pk=review.pk)).data, status=status.HTTP_201_CREATED
        )


class ReviewDetailApi(APIView):
    @extend_schema(
        tags=[TAG], summary="中差评详情", operation_id="aftersales_review", responses=ReviewOutputSerializer
    )
    def get(self, request, pk: int):
        return Response(ReviewOutputSerializer(selectors.review_get(pk=pk)).data)


class ReviewPostponeApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="延到下一天处理（最长 3 天，主管）",
        operation_id="aftersales_review_postpone",
        request=form_schema(forms.PostponeForm),
        responses=ReviewOutputSerializer,
    )
    def post(self, request, pk: int):
        data = form_input(forms.PostponeForm, request)
        services.review_postpone(review=get_object_or_404(BadReview, pk=pk), by=request.user, **data)
        return Response(ReviewOutputSerializer(selectors.review_get(pk=pk)).data)


class ReviewCloseApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="中差评结案（主管；客服无权处理）",
        operation_id="aftersales_review_close",
        request=form_schema(forms.ReviewCloseForm),
        responses=ReviewOutputSerializer,
    )
    def post(self, request, pk: int):
        data = form_input(forms.ReviewCloseForm, request)
        services.review_close(review=get_object_or_404(BadReview, pk=pk), by=request.user, **data)
        return Response(ReviewOutputSerializer(selectors.review_get(pk=pk)).data)
