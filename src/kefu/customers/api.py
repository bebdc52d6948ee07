"""The customers' REST API (/api/v1/customers/): profiles, the blacklist and its lookup, the
satisfaction results and the no-account survey; and ``GET /api/customers/``, the profiles as the
shop's scripts read them (the same fields as ``kefu customers export --format json``)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kefu.core.api import paginate
from kefu.core.operations import form_input, form_schema
from kefu.customers import forms, selectors, services
from kefu.customers.models import Customer

TAG = "客户"


class CustomerOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    display_name = serializers.CharField()
    buyer_nick = serializers.CharField()
    im_id = serializers.CharField()
    phone = serializers.SerializerMethodField()
    company = serializers.CharField()
    address = serializers.CharField()
    note = serializers.CharField()
    misdescription_count = serializers.IntegerField()
    blacklisted = serializers.BooleanField()
    blacklisted_at = serializers.DateTimeField(allow_null=True)
    blacklist_reason = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    orders_count = serializers.IntegerField()
    paid_orders = serializers.IntegerField()
    paid_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    first_paid_at = serializers.DateTimeField(allow_null=True)
    last_paid_at = serializers.DateTimeField(allow_null=True)
    returning = serializers.BooleanField()
    refunds_count = serializers.IntegerField()
    bad_reviews_count = serializers.IntegerField()
    complaints_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Customer"

    def get_phone(self, customer) -> str:
        # masked for agents; a supervisor reading one profile sees it in full
        request = self.context.get("request")
        return selectors.phone_for(
            getattr(request, "user", None), customer.phone, on_profile=self.context.get("profile", False)
        )


class CustomerListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="客户列表",
        operation_id="customers_list",
        parameters=[OpenApiParameter("q", str), OpenApiParameter("blacklisted", bool)],
        responses=CustomerOutputSerializer(many=True),
    )
    def get(self, request):
        raw = request.query_params.get("blacklisted")
        black = None if raw in (None, "") else raw in ("1", "true")
        qs = selectors.customer_list(q=request.query_params.get("q", ""), blacklisted=black)
        return paginate(request, qs, CustomerOutputSerializer)

    @extend_schema(
        tags=[TAG],
        summary="添加客户",
        operation_id="customers_create",
        request=form_schema(forms.CustomerForm, "CustomerFields"),
        responses={201: CustomerOutputSerializer},
    )
    def post(self, request):
        data = form_input(forms.CustomerForm, request)
        customer = services.customer_create(by=request.user, **data)
        return Response(
            CustomerOutputSerializer(customer, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CustomerDetailApi(APIView):
    @extend_schema(
        tags=[TAG], summary="客户详情", operation_id="customers_get", responses=CustomerOutputSerializer
    )
    def get(self, request, pk: int):
        customer = get_object_or_404(Customer, pk=pk)
        context = {"request": request, "profile": True}
        return Response(CustomerOutputSerializer(customer, context=context).data)

    @extend_schema(
        tags=[TAG],
        summary="修改客户资料",
        operation_id="customers_update",
        request=form_schema(forms.CustomerForm, "CustomerFields"),
        responses=CustomerOutputSerializer,
    )
    def patch(self, request, pk: int):
        # A PATCH changes only the fields it names; the form checks them as the page does.
        data = form_input(forms.CustomerForm, request)
        given = {k: v for k, v in data.items() if k in request.data}
        customer = services.customer_update(
            customer=get_object_or_404(Customer, pk=pk), by=request.user, **given
        )
        return Response(CustomerOutputSerializer(customer, context={"request": request}).data)


class CustomerBlacklistApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="加入黑名单（主管）",
        operation_id="customers_blacklist",
        request=form_schema(forms.ReasonForm, "BlacklistReason"),
        responses=CustomerOutputSerializer,
    )
    def post(self, request, pk: int):
        data = form_input(forms.ReasonForm, request)
        customer = services.customer_blacklist_add(
            customer=get_object_or_404(Customer, pk=pk), by=request.user, **data
        )
        return Response(CustomerOutputSerializer(customer, context={"request": request}).data)


class CustomerBlacklistLiftApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="解除黑名单（主管）",
        operation_id="customers_blacklist_lift",
        request=form_schema(forms.ReasonForm, "BlacklistReason"),
        responses=CustomerOutputSerializer,
    )
    def post(self, request, pk: int):
        data = form_input(forms.ReasonForm, request)
        customer = services.customer_blacklist_lift(
            customer=get_object_or_404(Customer, pk=pk), by=request.user, **data
        )
        return Response(CustomerOutputSerializer(customer, context={"request": request}).data)


class BlacklistCheckApi(APIView):
    class OutputSerializer(serializers.Serializer):
        blacklisted = serializers.BooleanField()
        customer = CustomerOutputSerializer(allow_null=True)

        class Meta:
            ref_name = "BlacklistCheck"

    @extend_schema(
        tags=[TAG],
        summary="查询是否在黑名单（会员名不区分大小写，或手机）",
        operation_id="customers_blacklist_check",
        parameters=[OpenApiParameter("buyer_nick", str), OpenApiParameter("phone", str)],
        responses=OutputSerializer,
    )
    def get(self, request):
        entry = selectors.blacklist_entry_for(
            buyer_nick=request.query_params.get("buyer_nick", ""), phone=request.query_params.get("phone", "")
        )
        return Response(
            {
                "blacklisted": entry is not None,
                "customer": CustomerOutputSerializer(entry, context={"request": request}).data
                if entry
                else None,
            }
        )


class ProfileSerializer(serializers.Serializer):
    nickname = serializers.CharField(help_text="买家会员名")
    orders = serializers.IntegerField()
    paid_orders = serializers.IntegerField()
    paid_amount = serializers.CharField(help_text="实付金额，两位小数的字符串")
    returning = serializers.BooleanField(help_text="老客户：付款订单 ≥ 2")
    average_order_value = serializers.CharField()
    first_paid_at = serializers.DateTimeField(allow_null=True)
    last_paid_at = serializers.DateTimeField(allow_null=True)
    refunds = serializers.IntegerField()
    bad_reviews = serializers.IntegerField()
    complaints = serializers.IntegerField()
    blacklisted = serializers.BooleanField()
    level = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    name = serializers.CharField()
    phone = serializers.CharField(help_text="脱敏")

    class Meta:
        ref_name = "CustomerProfile"


class CustomerProfilesApi(APIView):
    """Every profile with a member name, as a plain list (the shop's scripts read it)."""

    @extend_schema(
        tags=[TAG],
        summary="客户资料（与 kefu customers export 相同的字段）",
        operation_id="customers_profiles",
        parameters=[OpenApiParameter("nickname", str), OpenApiParameter("returning", bool)],
        responses=ProfileSerializer(many=True),
    )
    def get(self, request):
        qs = selectors.profiles_for_export()
        nickname = request.query_params.get("nickname", "").strip()
        if nickname:
            qs = qs.filter(buyer_nick=nickname)
        raw = request.query_params.get("returning")
        if raw not in (None, ""):
            qs = qs.filter(paid_orders__gte=2) if raw in ("1", "true") else qs.filter(paid_orders__lt=2)
        table = selectors.levels()
        return Response([selectors.profile_row(c, table=table) for c in qs.iterator(chunk_size=5000)])


class SatisfactionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    source_id = serializers.IntegerField()
    agent_id = serializers.IntegerField(allow_null=True)
    customer_id = serializers.IntegerField(allow_null=True)
    score = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Satisfaction"


class SatisfactionResultsSerializer(serializers.Serializer):
    results = serializers.ListField(
        child=serializers.DictField(),
        help_text="每行：agent_id/agent__username 或 kind、period，count，average",
    )

    class Meta:
        ref_name = "SatisfactionResults"


class SatisfactionApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary="满意度结果（按客服或类型，可按日/周/月）",
        operation_id="customers_satisfaction_results",
        parameters=[
            OpenApiParameter("by", str, enum=["agent", "kind", "all"]),
            OpenApiParameter("period", str, enum=["", "day", "week", "month"]),
            OpenApiParameter("days", int),
        ],
        responses=SatisfactionResultsSerializer,
    )
    def get(self, request):
        try:
            days = max(1, min(int(request.query_params.get("days", 90)), 3660))
        except ValueError:
            days = 90
        by = request.query_params.get("by", "agent")
        period = request.query_params.get("period", "")
        return Response({"results": selectors.satisfaction_results(days=days, by=by, period=period)})

    @extend_schema(
        tags=[TAG],
        summary="记录一次客户评价（如在线咨询窗口中的评分）",
        operation_id="customers_satisfaction_submit",
        request=form_schema(forms.SatisfactionForm, "SatisfactionFields"),
        responses={201: SatisfactionSerializer},
    )
    def post(self, request):
        data = form_input(forms.SatisfactionForm, request)
        rating = services.satisfaction_submit(**data)
        return Response(SatisfactionSerializer(rating).data, status=status.HTTP_201_CREATED)


class SurveyApi(APIView):
    """The customer's side of a survey link: no account, the signed token is the key."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=[TAG],
        summary="客户通过评价链接提交满意度（无需登录）",
        operation_id="customers_survey_submit",
        request=form_schema(forms.SurveyForm, "SurveyFields"),
        responses={201: SatisfactionSerializer},
    )
    def post(self, request, token: str):
        data = form_input(forms.SurveyForm, request)
        rating = services.survey_submit(token=token, **data)
        return Response(SatisfactionSerializer(rating).data, status=status.HTTP_201_CREATED)
