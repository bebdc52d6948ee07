"""The after-sales REST API (/api/v1/aftersales/): cases, complaints and bad reviews.

One small view per operation, each calling the same service as the pages; the services decide the
roles (refunds: 售后/主管; bad reviews and sign-offs: 主管) and the API answers 400/403 with their
Chinese messages.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.aftersales import rules, selectors, services
from kefu.aftersales.models import (
    QUICK_STEPS,
    AfterSalesCase,
    BadReview,
    CaseKind,
    CasePhoto,
    Complaint,
    ComplaintChannel,
    Damage,
    InspectionResult,
    Rating,
    RefundChannel,
    ReviewOutcome,
    Satisfaction,
)
from kefu.core import worklist
from kefu.core.api import paginate
from kefu.core.worklist import Priority
from kefu.orders.models import Order, ShippingMethod

TAG = "售后与待办"


def _user_or_400(user_id, field: str = "to"):
    if user_id in (None, ""):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError({field: _("用户不存在。")})
    return user


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
        return worklist.work_info(source=self.source_kind, source_id=value.pk)


# --- after-sales cases ----------------------------------------------------------------------


class CaseOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
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


class CaseFieldsSerializer(serializers.Serializer):
    """The registration fields, shared by registering and correcting a case."""

    buyer_nick = serializers.CharField(required=False, allow_blank=True, max_length=64)
    buyer_phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    item_title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    quantity = serializers.IntegerField(required=False, min_value=1)
    amount = serializers.DecimalField(required=False, allow_null=True, max_digits=12, decimal_places=2)
    waybill = serializers.CharField(required=False, allow_blank=True, max_length=64)
    details = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    quality_problem = serializers.BooleanField(required=False)
    free_shipping = serializers.BooleanField(required=False, allow_null=True)
    outbound_postage = serializers.DecimalField(
        required=False, allow_null=True, max_digits=10, decimal_places=2
    )
    return_postage = serializers.DecimalField(
        required=False, allow_null=True, max_digits=10, decimal_places=2
    )
    received_by_buyer_at = serializers.DateTimeField(required=False, allow_null=True)
    exclusion = serializers.CharField(required=False, allow_blank=True, max_length=60)
    damage = serializers.ChoiceField(required=False, choices=Damage.choices)
    refund_requested = serializers.DecimalField(
        required=False, allow_null=True, max_digits=12, decimal_places=2
    )
    return_required = serializers.BooleanField(required=False)

    class Meta:
        ref_name = "AfterSalesCaseFields"


class CaseListApi(APIView):
    class InputSerializer(CaseFieldsSerializer):
        kind = serializers.ChoiceField(choices=CaseKind.choices)
        order_number = serializers.CharField(
            required=False, allow_blank=True, max_length=32, help_text="店铺已有的订单会被关联并带出登记信息"
        )
        customer_name = serializers.CharField(required=False, allow_blank=True, max_length=64)
        priority = serializers.ChoiceField(required=False, choices=Priority.choices, default=Priority.NORMAL)

        class Meta:
            ref_name = "AfterSalesCaseCreateInput"

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
        request=InputSerializer,
        responses={201: CaseOutputSerializer},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        kind = values.pop("kind")
        customer_name = values.pop("customer_name", "")
        priority = int(values.pop("priority", Priority.NORMAL))
        order = _order_or_none(values.get("order_number", ""))
        case = services.case_create(
            by=request.user, kind=kind, order=order, customer_name=customer_name, priority=priority, **values
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
        request=CaseFieldsSerializer,
        responses=CaseOutputSerializer,
    )
    def patch(self, request, pk: int):
        case = get_object_or_404(AfterSalesCase, pk=pk)
        data = CaseFieldsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.case_update(case=case, by=request.user, **data.validated_data)
        return Response(CaseOutputSerializer(selectors.case_get(pk=pk)).data)


class _CaseActionApi(APIView):
    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = None

    def perform(self, request, case: AfterSalesCase, data: dict) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        case = get_object_or_404(AfterSalesCase, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        self.perform(request, case, data.validated_data)
        return Response(CaseOutputSerializer(selectors.case_get(pk=pk)).data)


def _case_action(name: str, summary: str, fields: dict, perform) -> type[APIView]:
    """A small APIView for one case operation: its own input serializer, schema and service call."""
    input_cls = type(
        f"{name}Input",
        (serializers.Serializer,),
        {**fields, "Meta": type("Meta", (), {"ref_name": f"AfterSalesCase{name}Input"})},
    )

    @extend_schema(
        tags=[TAG],
        summary=summary,
        operation_id=f"aftersales_case_{name.lower()}",
        request=input_cls,
        responses=CaseOutputSerializer,
    )
    def post(self, request, pk: int):
        return _CaseActionApi.post(self, request, pk)

    return type(
        f"Case{name}Api",
        (_CaseActionApi,),
        {
            "InputSerializer": input_cls,
            "post": post,
            "perform": lambda self, request, case, data: perform(request, case, data),
            "__doc__": summary,
        },
    )


def _text(**kw):
    return serializers.CharField(**kw)


CaseAgreeApi = _case_action(
    "Agree", "同意（售后/主管）", {}, lambda r, c, d: services.case_agree(case=c, by=r.user)
)
CaseRefuseApi = _case_action(
    "Refuse",
    "拒绝（售后/主管）",
    {"reason": _text(max_length=255)},
    lambda r, c, d: services.case_refuse(case=c, by=r.user, **d),
)
CaseRequestModifiedApi = _case_action(
    "RequestModified",
    "买家修改了申请（卖家 5 天重新计算）",
    {
        "note": _text(required=False, allow_blank=True, default=""),
        "refund_requested": serializers.DecimalField(
            required=False, allow_null=True, max_digits=12, decimal_places=2
        ),
    },
    lambda r, c, d: services.case_request_modified(case=c, by=r.user, **d),
)
CaseReturnShippedApi = _case_action(
    "ReturnShipped",
    "登记买家退货（快递 10 天 / 平邮 30 天内须确认收货）",
    {
        "waybill": _text(max_length=64),
        "courier": _text(required=False, allow_blank=True, default="", max_length=32),
        "method": serializers.ChoiceField(
            choices=[ShippingMethod.EXPRESS, ShippingMethod.SURFACE], default=ShippingMethod.EXPRESS
        ),
    },
    lambda r, c, d: services.case_return_shipped(case=c, by=r.user, **d),
)
CaseReceiveApi = _case_action(
    "Receive", "确认收到退货", {}, lambda r, c, d: services.case_receive(case=c, by=r.user)
)
CaseInspectApi = _case_action(
    "Inspect",
    "验货登记",
    {
        "condition": _text(max_length=255),
        "result": serializers.ChoiceField(choices=[c for c in InspectionResult.choices if c[0]]),
    },
    lambda r, c, d: services.case_inspect(case=c, by=r.user, **d),
)
CaseRefundApi = _case_action(
    "Refund",
    "退款登记（售后/主管）：金额、渠道、维权",
    {
        "amount": serializers.DecimalField(max_digits=12, decimal_places=2),
        "channel": serializers.ChoiceField(choices=RefundChannel.choices),
        "rights_protection": serializers.BooleanField(required=False, default=False),
    },
    lambda r, c, d: services.case_refund(case=c, by=r.user, **d),
)
CaseReshipApi = _case_action(
    "Reship",
    "补发/换货发出",
    {
        "waybill": _text(max_length=64),
        "courier": _text(required=False, allow_blank=True, default="", max_length=32),
        "note": _text(required=False, allow_blank=True, default=""),
    },
    lambda r, c, d: services.case_reship(case=c, by=r.user, **d),
)
CaseResolveApi = _case_action(
    "Resolve",
    "问题件/退回件登记处理结果",
    {"resolution": _text()},
    lambda r, c, d: services.case_resolve(case=c, by=r.user, **d),
)
CaseCloseApi = _case_action(
    "Close",
    "关闭售后单",
    {"reason": _text(max_length=255)},
    lambda r, c, d: services.case_close(case=c, by=r.user, **d),
)
CaseMisdescriptionApi = _case_action(
    "Misdescription",
    "登记客户虚假描述（达到次数自动加入黑名单）",
    {"note": _text(max_length=255)},
    lambda r, c, d: services.case_misdescription_record(case=c, by=r.user, **d),
)
CasePhotoApi = _case_action(
    "Photo",
    "上传照片（multipart：image、purpose）",
    {"image": serializers.FileField(), "purpose": serializers.ChoiceField(choices=CasePhoto.Purpose.choices)},
    lambda r, c, d: services.case_photo_add(case=c, by=r.user, **d),
)


# --- complaints -----------------------------------------------------------------------------


class ComplaintOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
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
    steps = serializers.SerializerMethodField(help_text="投诉处理流程（种子文档的顺序）")
    closed_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "Complaint"

    def get_steps(self, complaint) -> list[dict]:
        return [{**s, "label": str(s["label"])} for s in services.complaint_steps(complaint)]


class ComplaintFieldsSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)
    buyer_nick = serializers.CharField(required=False, allow_blank=True, max_length=64)
    product = serializers.CharField(required=False, allow_blank=True, max_length=200)
    product_batch = serializers.CharField(required=False, allow_blank=True, max_length=64)
    production_date = serializers.DateField(required=False, allow_null=True)
    first_judgement = serializers.CharField(required=False, allow_blank=True)
    promised_reply_at = serializers.DateTimeField(required=False, allow_null=True)
    expected_handling_at = serializers.DateTimeField(required=False, allow_null=True)
    department = serializers.CharField(required=False, allow_blank=True, max_length=60)
    cause = serializers.CharField(required=False, allow_blank=True)
    proposed_handling = serializers.CharField(required=False, allow_blank=True)
    customer_informed_at = serializers.DateTimeField(required=False, allow_null=True)
    completion_date = serializers.DateField(required=False, allow_null=True)
    follow_up = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        ref_name = "ComplaintFields"


class ComplaintListApi(APIView):
    class InputSerializer(ComplaintFieldsSerializer):
        customer_name = serializers.CharField(max_length=64)
        channel = serializers.ChoiceField(choices=ComplaintChannel.choices)
        problem = serializers.CharField()
        order_number = serializers.CharField(required=False, allow_blank=True, max_length=32)

        class Meta:
            ref_name = "ComplaintCreateInput"

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
        request=InputSerializer,
        responses={201: ComplaintOutputSerializer},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
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
        request=ComplaintFieldsSerializer,
        responses=ComplaintOutputSerializer,
    )
    def patch(self, request, pk: int):
        complaint = get_object_or_404(Complaint, pk=pk)
        data = ComplaintFieldsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.complaint_update(complaint=complaint, by=request.user, **data.validated_data)
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
    class InputSerializer(serializers.Serializer):
        step = serializers.ChoiceField(choices=[k for k, _label in QUICK_STEPS])
        done = serializers.BooleanField()

        class Meta:
            ref_name = "ComplaintStepInput"

    @extend_schema(
        tags=[TAG],
        summary="快速处理步骤打勾（安抚、查明原因、表明立场、全力解决、真诚道歉、感谢理解）",
        operation_id="aftersales_complaint_step",
        request=InputSerializer,
        responses=ComplaintOutputSerializer,
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_step_set(
            complaint=get_object_or_404(Complaint, pk=pk), by=request.user, **data.validated_data
        )
        return Response(ComplaintOutputSerializer(selectors.complaint_get(pk=pk)).data)


class ComplaintCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        satisfaction = serializers.ChoiceField(choices=[c for c in Satisfaction.choices if c[0]])
        follow_up = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ComplaintCloseInput"

    @extend_schema(
        tags=[TAG],
        summary="记录满意度并结案",
        operation_id="aftersales_complaint_close",
        request=InputSerializer,
        responses=ComplaintOutputSerializer,
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.complaint_close(
            complaint=get_object_or_404(Complaint, pk=pk), by=request.user, **data.validated_data
        )
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
    class InputSerializer(serializers.Serializer):
        buyer_nick = serializers.CharField(required=False, allow_blank=True, max_length=64)
        rating = serializers.ChoiceField(choices=Rating.choices)
        reviewed_at = serializers.DateTimeField()
        text = serializers.CharField(required=False, allow_blank=True, default="")
        order_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
        item_title = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)

        class Meta:
            ref_name = "BadReviewCreateInput"

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
        request=InputSerializer,
        responses={201: ReviewOutputSerializer},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        order = _order_or_none(values["order_number"])
        review = services.review_record(by=request.user, order=order, **{"buyer_nick": "", **values})
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
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=255)

        class Meta:
            ref_name = "BadReviewPostponeInput"

    @extend_schema(
        tags=[TAG],
        summary="延到下一天处理（最长 3 天，主管）",
        operation_id="aftersales_review_postpone",
        request=InputSerializer,
        responses=ReviewOutputSerializer,
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_postpone(
            review=get_object_or_404(BadReview, pk=pk), by=request.user, **data.validated_data
        )
        return Response(ReviewOutputSerializer(selectors.review_get(pk=pk)).data)


class ReviewCloseApi(APIView):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=[c for c in ReviewOutcome.choices if c[0]])
        public_reply = serializers.CharField(required=False, allow_blank=True, default="")
        note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "BadReviewCloseInput"

    @extend_schema(
        tags=[TAG],
        summary="中差评结案（主管；客服无权处理）",
        operation_id="aftersales_review_close",
        request=InputSerializer,
        responses=ReviewOutputSerializer,
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.review_close(
            review=get_object_or_404(BadReview, pk=pk), by=request.user, **data.validated_data
        )
        return Response(ReviewOutputSerializer(selectors.review_get(pk=pk)).data)
